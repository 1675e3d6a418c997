/**
 * MD5 (RFC 1321) of bytes already in memory, for the Digest verification loop: each candidate
 * password costs two or three MD5s of one to three 64-byte blocks, and node:crypto's one-shot
 * `crypto.hash` spends most of its ~1 µs per call crossing into C++ and converting strings,
 * not hashing. Here a candidate is written into a reused byte buffer, digested without
 * allocation, and its hex form written straight into the next message.
 *
 * MD5 is broken as a cryptographic hash; this only recomputes what a SIP or HTTP client
 * already computed, to learn which guessable password it used. Checked against node:crypto
 * on random inputs in test/md5.test.ts.
 */

/** RFC 1321 §3.3: the initial state A, B, C, D (as signed 32-bit words). */
const INIT_A = 0x67452301;
const INIT_B = 0xefcdab89 | 0;
const INIT_C = 0x98badcfe | 0;
const INIT_D = 0x10325476;

/** Byte → its two lower-case hex characters as a little-endian 16-bit pair ('a' then 'b' for 0xab). */
const HEX_PAIRS = ((): Uint16Array => {
  const digits = '0123456789abcdef';
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) t[i] = digits.charCodeAt(i >> 4) | (digits.charCodeAt(i & 15) << 8);
  return t;
})();

/**
 * One 64-byte block (16 little-endian words at `x[o]`) into the state `h`: RFC 1321 §3.4,
 * each step `a = b + ((a + F(b,c,d) + X[k] + T[i]) <<< s)`, unrolled with the words and the
 * sine constants T[i] inline (as signed 32-bit values). The sum of four int32 values is exact in a
 * double, so `| 0` wraps it mod 2^32, and V8 compiles the whole block to 32-bit integer ops.
 * Helper functions per round would be clearer, but the unrolled body outgrows V8's inlining
 * budget and the calls make it four times slower.
 */
function compress(h: Int32Array, x: Int32Array, o: number): void {
  let a = h[0], b = h[1], c = h[2], d = h[3], n = 0;
  const x0 = x[o], x1 = x[o + 1], x2 = x[o + 2], x3 = x[o + 3], x4 = x[o + 4], x5 = x[o + 5], x6 = x[o + 6], x7 = x[o + 7];
  const x8 = x[o + 8], x9 = x[o + 9], x10 = x[o + 10], x11 = x[o + 11], x12 = x[o + 12], x13 = x[o + 13], x14 = x[o + 14], x15 = x[o + 15];
  // Round 1: F(X,Y,Z) = XY v not(X) Z
  n = (a + ((b & c) | (~b & d)) + x0 + -680876936) | 0; a = (((n << 7) | (n >>> 25)) + b) | 0;
  n = (d + ((a & b) | (~a & c)) + x1 + -389564586) | 0; d = (((n << 12) | (n >>> 20)) + a) | 0;
  n = (c + ((d & a) | (~d & b)) + x2 + 606105819) | 0; c = (((n << 17) | (n >>> 15)) + d) | 0;
  n = (b + ((c & d) | (~c & a)) + x3 + -1044525330) | 0; b = (((n << 22) | (n >>> 10)) + c) | 0;
  n = (a + ((b & c) | (~b & d)) + x4 + -176418897) | 0; a = (((n << 7) | (n >>> 25)) + b) | 0;
  n = (d + ((a & b) | (~a & c)) + x5 + 1200080426) | 0; d = (((n << 12) | (n >>> 20)) + a) | 0;
  n = (c + ((d & a) | (~d & b)) + x6 + -1473231341) | 0; c = (((n << 17) | (n >>> 15)) + d) | 0;
  n = (b + ((c & d) | (~c & a)) + x7 + -45705983) | 0; b = (((n << 22) | (n >>> 10)) + c) | 0;
  n = (a + ((b & c) | (~b & d)) + x8 + 1770035416) | 0; a = (((n << 7) | (n >>> 25)) + b) | 0;
  n = (d + ((a & b) | (~a & c)) + x9 + -1958414417) | 0; d = (((n << 12) | (n >>> 20)) + a) | 0;
  n = (c + ((d & a) | (~d & b)) + x10 + -42063) | 0; c = (((n << 17) | (n >>> 15)) + d) | 0;
  n = (b + ((c & d) | (~c & a)) + x11 + -1990404162) | 0; b = (((n << 22) | (n >>> 10)) + c) | 0;
  n = (a + ((b & c) | (~b & d)) + x12 + 1804603682) | 0; a = (((n << 7) | (n >>> 25)) + b) | 0;
  n = (d + ((a & b) | (~a & c)) + x13 + -40341101) | 0; d = (((n << 12) | (n >>> 20)) + a) | 0;
  n = (c + ((d & a) | (~d & b)) + x14 + -1502002290) | 0; c = (((n << 17) | (n >>> 15)) + d) | 0;
  n = (b + ((c & d) | (~c & a)) + x15 + 1236535329) | 0; b = (((n << 22) | (n >>> 10)) + c) | 0;
  // Round 2: G(X,Y,Z) = XZ v Y not(Z)
  n = (a + ((b & d) | (c & ~d)) + x1 + -165796510) | 0; a = (((n << 5) | (n >>> 27)) + b) | 0;
  n = (d + ((a & c) | (b & ~c)) + x6 + -1069501632) | 0; d = (((n << 9) | (n >>> 23)) + a) | 0;
  n = (c + ((d & b) | (a & ~b)) + x11 + 643717713) | 0; c = (((n << 14) | (n >>> 18)) + d) | 0;
  n = (b + ((c & a) | (d & ~a)) + x0 + -373897302) | 0; b = (((n << 20) | (n >>> 12)) + c) | 0;
  n = (a + ((b & d) | (c & ~d)) + x5 + -701558691) | 0; a = (((n << 5) | (n >>> 27)) + b) | 0;
  n = (d + ((a & c) | (b & ~c)) + x10 + 38016083) | 0; d = (((n << 9) | (n >>> 23)) + a) | 0;
  n = (c + ((d & b) | (a & ~b)) + x15 + -660478335) | 0; c = (((n << 14) | (n >>> 18)) + d) | 0;
  n = (b + ((c & a) | (d & ~a)) + x4 + -405537848) | 0; b = (((n << 20) | (n >>> 12)) + c) | 0;
  n = (a + ((b & d) | (c & ~d)) + x9 + 568446438) | 0; a = (((n << 5) | (n >>> 27)) + b) | 0;
  n = (d + ((a & c) | (b & ~c)) + x14 + -1019803690) | 0; d = (((n << 9) | (n >>> 23)) + a) | 0;
  n = (c + ((d & b) | (a & ~b)) + x3 + -187363961) | 0; c = (((n << 14) | (n >>> 18)) + d) | 0;
  n = (b + ((c & a) | (d & ~a)) + x8 + 1163531501) | 0; b = (((n << 20) | (n >>> 12)) + c) | 0;
  n = (a + ((b & d) | (c & ~d)) + x13 + -1444681467) | 0; a = (((n << 5) | (n >>> 27)) + b) | 0;
  n = (d + ((a & c) | (b & ~c)) + x2 + -51403784) | 0; d = (((n << 9) | (n >>> 23)) + a) | 0;
  n = (c + ((d & b) | (a & ~b)) + x7 + 1735328473) | 0; c = (((n << 14) | (n >>> 18)) + d) | 0;
  n = (b + ((c & a) | (d & ~a)) + x12 + -1926607734) | 0; b = (((n << 20) | (n >>> 12)) + c) | 0;
  // Round 3: H(X,Y,Z) = X xor Y xor Z
  n = (a + (b ^ c ^ d) + x5 + -378558) | 0; a = (((n << 4) | (n >>> 28)) + b) | 0;
  n = (d + (a ^ b ^ c) + x8 + -2022574463) | 0; d = (((n << 11) | (n >>> 21)) + a) | 0;
  n = (c + (d ^ a ^ b) + x11 + 1839030562) | 0; c = (((n << 16) | (n >>> 16)) + d) | 0;
  n = (b + (c ^ d ^ a) + x14 + -35309556) | 0; b = (((n << 23) | (n >>> 9)) + c) | 0;
  n = (a + (b ^ c ^ d) + x1 + -1530992060) | 0; a = (((n << 4) | (n >>> 28)) + b) | 0;
  n = (d + (a ^ b ^ c) + x4 + 1272893353) | 0; d = (((n << 11) | (n >>> 21)) + a) | 0;
  n = (c + (d ^ a ^ b) + x7 + -155497632) | 0; c = (((n << 16) | (n >>> 16)) + d) | 0;
  n = (b + (c ^ d ^ a) + x10 + -1094730640) | 0; b = (((n << 23) | (n >>> 9)) + c) | 0;
  n = (a + (b ^ c ^ d) + x13 + 681279174) | 0; a = (((n << 4) | (n >>> 28)) + b) | 0;
  n = (d + (a ^ b ^ c) + x0 + -358537222) | 0; d = (((n << 11) | (n >>> 21)) + a) | 0;
  n = (c + (d ^ a ^ b) + x3 + -722521979) | 0; c = (((n << 16) | (n >>> 16)) + d) | 0;
  n = (b + (c ^ d ^ a) + x6 + 76029189) | 0; b = (((n << 23) | (n >>> 9)) + c) | 0;
  n = (a + (b ^ c ^ d) + x9 + -640364487) | 0; a = (((n << 4) | (n >>> 28)) + b) | 0;
  n = (d + (a ^ b ^ c) + x12 + -421815835) | 0; d = (((n << 11) | (n >>> 21)) + a) | 0;
  n = (c + (d ^ a ^ b) + x15 + 530742520) | 0; c = (((n << 16) | (n >>> 16)) + d) | 0;
  n = (b + (c ^ d ^ a) + x2 + -995338651) | 0; b = (((n << 23) | (n >>> 9)) + c) | 0;
  // Round 4: I(X,Y,Z) = Y xor (X v not(Z))
  n = (a + (c ^ (b | ~d)) + x0 + -198630844) | 0; a = (((n << 6) | (n >>> 26)) + b) | 0;
  n = (d + (b ^ (a | ~c)) + x7 + 1126891415) | 0; d = (((n << 10) | (n >>> 22)) + a) | 0;
  n = (c + (a ^ (d | ~b)) + x14 + -1416354905) | 0; c = (((n << 15) | (n >>> 17)) + d) | 0;
  n = (b + (d ^ (c | ~a)) + x5 + -57434055) | 0; b = (((n << 21) | (n >>> 11)) + c) | 0;
  n = (a + (c ^ (b | ~d)) + x12 + 1700485571) | 0; a = (((n << 6) | (n >>> 26)) + b) | 0;
  n = (d + (b ^ (a | ~c)) + x3 + -1894986606) | 0; d = (((n << 10) | (n >>> 22)) + a) | 0;
  n = (c + (a ^ (d | ~b)) + x10 + -1051523) | 0; c = (((n << 15) | (n >>> 17)) + d) | 0;
  n = (b + (d ^ (c | ~a)) + x1 + -2054922799) | 0; b = (((n << 21) | (n >>> 11)) + c) | 0;
  n = (a + (c ^ (b | ~d)) + x8 + 1873313359) | 0; a = (((n << 6) | (n >>> 26)) + b) | 0;
  n = (d + (b ^ (a | ~c)) + x15 + -30611744) | 0; d = (((n << 10) | (n >>> 22)) + a) | 0;
  n = (c + (a ^ (d | ~b)) + x6 + -1560198380) | 0; c = (((n << 15) | (n >>> 17)) + d) | 0;
  n = (b + (d ^ (c | ~a)) + x13 + 1309151649) | 0; b = (((n << 21) | (n >>> 11)) + c) | 0;
  n = (a + (c ^ (b | ~d)) + x4 + -145523070) | 0; a = (((n << 6) | (n >>> 26)) + b) | 0;
  n = (d + (b ^ (a | ~c)) + x11 + -1120210379) | 0; d = (((n << 10) | (n >>> 22)) + a) | 0;
  n = (c + (a ^ (d | ~b)) + x2 + 718787259) | 0; c = (((n << 15) | (n >>> 17)) + d) | 0;
  n = (b + (d ^ (c | ~a)) + x9 + -343485551) | 0; b = (((n << 21) | (n >>> 11)) + c) | 0;
  h[0] = (h[0] + a) | 0;
  h[1] = (h[1] + b) | 0;
  h[2] = (h[2] + c) | 0;
  h[3] = (h[3] + d) | 0;
}

/**
 * A reusable MD5 computation: no allocation per digest. Besides digesting bytes, it digests
 * messages kept padded as words (`pad`), whose first 32 bytes it can overwrite with the hex
 * of its last digest (`writeHexWords`): the shape of every Digest hash after HA1.
 */
export class Md5 {
  /** The last digest: A, B, C, D, each little-endian on output (RFC 1321 §3.5). */
  readonly state = new Int32Array(4);
  private readonly block = new Int32Array(16);

  /** MD5 of `bytes[0, length)`, left in `state`. */
  digest(bytes: Uint8Array, length: number): Int32Array {
    const h = this.state;
    const x = this.block;
    h[0] = INIT_A; h[1] = INIT_B; h[2] = INIT_C; h[3] = INIT_D;
    const whole = length & ~63;
    for (let off = 0; off < whole; off += 64) {
      for (let w = 0, p = off; w < 16; w++, p += 4) {
        x[w] = bytes[p] | (bytes[p + 1] << 8) | (bytes[p + 2] << 16) | (bytes[p + 3] << 24);
      }
      compress(h, x, 0);
    }
    // RFC 1321 §3.1-3.2: a 1 bit, zeros to 56 mod 64 bytes, then the bit length as 64 bits LE.
    x.fill(0);
    const rest = length - whole;
    for (let i = 0; i < rest; i++) x[i >> 2] |= bytes[whole + i] << ((i & 3) << 3);
    x[rest >> 2] |= 0x80 << ((rest & 3) << 3);
    if (rest >= 56) {
      compress(h, x, 0);
      x.fill(0);
    }
    setBitLength(x, 16, length);
    compress(h, x, 0);
    return h;
  }

  /** `bytes` padded (RFC 1321 §3.1-3.2) into little-endian words, 16 per block, for `digestPadded`. */
  static pad(bytes: Uint8Array): Int32Array {
    const length = bytes.length;
    const words = new Int32Array((((length + 8) >> 6) + 1) * 16);
    for (let i = 0; i < length; i++) words[i >> 2] |= bytes[i] << ((i & 3) << 3);
    words[length >> 2] |= 0x80 << ((length & 3) << 3);
    setBitLength(words, words.length, length);
    return words;
  }

  /** MD5 of a message made by `pad`, left in `state`. */
  digestPadded(words: Int32Array): Int32Array {
    const h = this.state;
    h[0] = INIT_A; h[1] = INIT_B; h[2] = INIT_C; h[3] = INIT_D;
    for (let o = 0; o < words.length; o += 16) compress(h, words, o);
    return h;
  }

  /** The last digest as 32 lower-case hex characters into the first 8 words (32 bytes) of a padded message. */
  writeHexWords(words: Int32Array): void {
    const h = this.state;
    for (let w = 0; w < 4; w++) {
      const v = h[w];
      words[2 * w] = HEX_PAIRS[v & 0xff] | (HEX_PAIRS[(v >>> 8) & 0xff] << 16);
      words[2 * w + 1] = HEX_PAIRS[(v >>> 16) & 0xff] | (HEX_PAIRS[v >>> 24] << 16);
    }
  }
}

/** RFC 1321 §3.2: the message length in bits, 64 bits little-endian, as the two words before `end`. */
function setBitLength(words: Int32Array, end: number, length: number): void {
  words[end - 2] = length << 3;
  words[end - 1] = Math.floor(length / 0x20000000);
}
