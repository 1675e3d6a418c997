/**
 * Is this RTP stream carrying codec data or ciphertext? Decided from the payload alone, for
 * streams whose SDP was not seen (signaling over TLS, capture started mid-call).
 *
 * SRTP (RFC 3711) encrypts the payload with AES counter mode, so every payload bit is an
 * independent fair coin, and appends an authentication tag (4 or 10 bytes) after it. Codec
 * data is never like that:
 *  - G.711 bytes are sign/exponent/mantissa of a waveform: the exponent bits are skewed toward
 *    quiet (silence is 0xFF/0x7F in µ-law, 0xD5/0x55 in A-law) and neighbouring samples of
 *    speech are strongly correlated;
 *  - framed codecs start each packet with structured fields (Opus TOC byte, GSM's 0xD magic
 *    nibble, G.729 LSP/pitch indices, AMR CMR) whose bits are far from fair at fixed offsets.
 *
 * The tests, over the first WINDOW packets of at least SAMPLE_BYTES payload bytes:
 *  1. bit balance at each of the first 64 payload bit positions (chi-square, 64 degrees of
 *     freedom) and pooled per bit-of-byte over those 8 bytes (8 degrees of freedom);
 *  2. for PT 0/8, the lag-1 correlation of decoded G.711 samples;
 *  3. for codecs with a fixed frame size, whether payload lengths leave a residue equal to an
 *     SRTP tag length (PCMU 20 ms: 160 bytes + 10-byte tag = 170).
 * Ciphertext can fail test 1 only with probability < 1e-9 at the "plain" thresholds, so a
 * skewed stream is plain. A balanced stream is called encrypted only with a supporting sign
 * (a tag-sized residue, uncorrelated G.711, or a codec whose framing we do not know), and with
 * enough packets; otherwise the answer is 'unknown'.
 *
 * Per-stream state is a flat object of small integers and three doubles (~245 bytes on the
 * V8 heap, measured over 100,000 states on Node 20). The 64 per-position bit counts are kept
 * bit-sliced (six pairs of 32-bit words form a 6-bit counter per position), so adding a
 * packet costs a dozen word operations and no allocation; a typed array would cost more in
 * object overhead than the counts themselves.
 */

export type PayloadVerdict = 'plain' | 'encrypted' | 'unknown';

export type PayloadReason =
  | 'too-few-packets'
  | 'g711-waveform-correlation'
  | 'g711-amplitude-distribution'
  | 'codec-bit-structure'
  | 'high-entropy+tag-length'
  | 'high-entropy-uncorrelated-g711'
  | 'high-entropy'
  | 'balanced-bits-without-tag'
  | 'inconclusive';

export interface PayloadClassification { verdict: PayloadVerdict; reason: PayloadReason }

export interface PayloadClassifierState {
  /** Packets offered, sampled or not. */
  packets: number;
  /** Packets that fed the statistics (at most WINDOW). */
  sampled: number;
  g711Packets: number;
  /** Packets of a fixed-frame codec, and of those the ones whose length is whole frames / frames + a tag. */
  framed: number;
  wholeFrames: number;
  tagResidue: number;
  /** Bit-sliced counters: bit i of sK is bit K of the count of ones at bit position i. a = bits 0-31, b = 32-63. */
  a0: number; a1: number; a2: number; a3: number; a4: number; a5: number;
  b0: number; b1: number; b2: number; b3: number; b4: number; b5: number;
  /** Sums for the lag-1 correlation of decoded G.711 samples. */
  sxy: number; sxx: number; syy: number;
}

/** Packets sampled per stream; 63 fits the 6-bit sliced counters (1.26 s of 20 ms packets). */
const WINDOW = 63;
/** Bytes at the start of a payload that the bit-balance test looks at. */
const SAMPLE_BYTES = 8;
const BIT_POSITIONS = SAMPLE_BYTES * 8;
/** Fewer sampled packets than this and no verdict is given. */
const MIN_PACKETS_PLAIN = 16;
/** Calling a stream encrypted hides a finding, so it needs more evidence. */
const MIN_PACKETS_ENCRYPTED = 32;
/**
 * Chi-square thresholds. Per-position: 64 d.o.f., P(X > 160) ≈ 5e-10 for ciphertext,
 * P(X > 120) ≈ 1.5e-5. Pooled: 8 d.o.f., P(X > 60) ≈ 5e-10, P(X > 32) ≈ 1e-4.
 */
const PLAIN_CHI_POSITIONS = 160;
const PLAIN_CHI_POOLED = 60;
const BALANCED_CHI_POSITIONS = 120;
const BALANCED_CHI_POOLED = 32;
/** G.711 sample pairs taken per packet for the correlation test. */
const G711_PAIRS = 16;
/** Speech at 8 kHz has lag-1 correlation 0.5-0.95 over a second; decoded random bytes stay within ±0.2. */
const G711_CORRELATED = 0.4;
const G711_UNCORRELATED = 0.2;
/** Share of framed packets that must agree on whole frames or a tag residue. */
const RESIDUE_AGREEMENT = 0.9;
/** RFC 4568 §6.2 crypto suites: HMAC-SHA1-80 and HMAC-SHA1-32 tags. */
const TAG_80 = 10;
const TAG_32 = 4;
/** G.729 annex B SID frames are 2 bytes and may follow the 10-byte frames. */
const G729_SID = 2;

export function createPayloadClassifierState(): PayloadClassifierState {
  return {
    packets: 0, sampled: 0, g711Packets: 0, framed: 0, wholeFrames: 0, tagResidue: 0,
    a0: 0, a1: 0, a2: 0, a3: 0, a4: 0, a5: 0, b0: 0, b1: 0, b2: 0, b3: 0, b4: 0, b5: 0,
    sxy: 0, sxx: 0, syy: 0,
  };
}

/**
 * Bytes per 5 ms for the static payload types with a fixed frame (RFC 3551 §4.5): G.711 and
 * G.722 produce 8 bytes per ms, GSM 33-byte frames, G.729 10-byte frames. 0 = unknown.
 */
function frameUnit(pt: number): number {
  switch (pt) {
    case 0: case 8: case 9: return 40;
    case 3: return 33;
    case 18: return 10;
    default: return 0;
  }
}

/**
 * `payload` is the RTP payload after padding removal (for SRTP that includes the tag).
 * `packetLength` (the whole RTP packet) is accepted for callers' convenience and not needed:
 * the tag shows in the payload length already.
 */
export function observeRtpPayload(s: PayloadClassifierState, payloadType: number, payload: Buffer, _packetLength: number): void {
  observeRtpPayloadAt(s, payloadType, payload, 0, payload.length);
}

/**
 * The same, for a payload given as `len` bytes at `off` of `buf` (the RTP packet), so the
 * per-packet path makes no view. The caller guarantees `off + len <= buf.length`.
 */
export function observeRtpPayloadAt(s: PayloadClassifierState, payloadType: number, buf: Buffer, off: number, len: number): void {
  s.packets++;
  if (s.sampled >= WINDOW) return;
  if (len < SAMPLE_BYTES) return;
  s.sampled++;

  const unit = frameUnit(payloadType);
  if (unit > 0) {
    s.framed++;
    const r = len % unit;
    if (r === 0 || (payloadType === 18 && r === G729_SID)) s.wholeFrames++;
    else if (r === TAG_32 || r === TAG_80 || (payloadType === 18 && r === TAG_32 + G729_SID)) s.tagResidue++;
  }

  let c = (buf[off] << 24) | (buf[off + 1] << 16) | (buf[off + 2] << 8) | buf[off + 3];
  let t = s.a0 & c; s.a0 ^= c; c = t;
  t = s.a1 & c; s.a1 ^= c; c = t;
  t = s.a2 & c; s.a2 ^= c; c = t;
  t = s.a3 & c; s.a3 ^= c; c = t;
  t = s.a4 & c; s.a4 ^= c; c = t;
  s.a5 ^= c;
  c = (buf[off + 4] << 24) | (buf[off + 5] << 16) | (buf[off + 6] << 8) | buf[off + 7];
  t = s.b0 & c; s.b0 ^= c; c = t;
  t = s.b1 & c; s.b1 ^= c; c = t;
  t = s.b2 & c; s.b2 ^= c; c = t;
  t = s.b3 & c; s.b3 ^= c; c = t;
  t = s.b4 & c; s.b4 ^= c; c = t;
  s.b5 ^= c;

  if (payloadType === 0 || payloadType === 8) {
    s.g711Packets++;
    const table = payloadType === 0 ? ULAW : ALAW;
    const step = len > G711_PAIRS * 2 ? Math.floor((len - 1) / G711_PAIRS) : 1;
    let sxy = 0, sxx = 0, syy = 0;
    for (let i = 0, n = 0; n < G711_PAIRS && i + 1 < len; i += step, n++) {
      const x = table[buf[off + i]], y = table[buf[off + i + 1]];
      sxy += x * y; sxx += x * x; syy += y * y;
    }
    s.sxy += sxy; s.sxx += sxx; s.syy += syy;
  }
}

export function classifyPayload(s: PayloadClassifierState): PayloadClassification {
  const n = s.sampled;
  if (n < MIN_PACKETS_PLAIN) return { verdict: 'unknown', reason: 'too-few-packets' };
  const { positions, pooled } = bitBalance(s, n);
  const mostlyG711 = s.g711Packets * 2 >= n;
  const corr = s.sxx > 0 && s.syy > 0 ? s.sxy / Math.sqrt(s.sxx * s.syy) : Number.NaN;

  if (mostlyG711 && corr >= G711_CORRELATED) return { verdict: 'plain', reason: 'g711-waveform-correlation' };
  if (positions >= PLAIN_CHI_POSITIONS || pooled >= PLAIN_CHI_POOLED) {
    return { verdict: 'plain', reason: mostlyG711 ? 'g711-amplitude-distribution' : 'codec-bit-structure' };
  }
  const balanced = positions < BALANCED_CHI_POSITIONS && pooled < BALANCED_CHI_POOLED;
  if (!balanced) return { verdict: 'unknown', reason: 'inconclusive' };
  if (n < MIN_PACKETS_ENCRYPTED) return { verdict: 'unknown', reason: 'too-few-packets' };
  if (s.framed > 0 && s.tagResidue >= s.framed * RESIDUE_AGREEMENT) return { verdict: 'encrypted', reason: 'high-entropy+tag-length' };
  if (mostlyG711 && Math.abs(corr) < G711_UNCORRELATED) return { verdict: 'encrypted', reason: 'high-entropy-uncorrelated-g711' };
  // A known codec that is whole frames and balanced: a codec whose structure the bit test
  // misses (G.722 ADPCM, a short G.729 window) is as likely as SRTP without authentication.
  if (s.framed * 2 >= n) return { verdict: 'unknown', reason: 'balanced-bits-without-tag' };
  return { verdict: 'encrypted', reason: 'high-entropy' };
}

/** Chi-square of the ones-counts against a fair coin, per bit position and pooled per bit-of-byte. */
function bitBalance(s: PayloadClassifierState, n: number): { positions: number; pooled: number } {
  const a = [s.a0, s.a1, s.a2, s.a3, s.a4, s.a5];
  const b = [s.b0, s.b1, s.b2, s.b3, s.b4, s.b5];
  const half = n / 2, quarter = n / 4;
  const pooledOnes = [0, 0, 0, 0, 0, 0, 0, 0];
  let positions = 0;
  for (let pos = 0; pos < BIT_POSITIONS; pos++) {
    const slices = pos < 32 ? a : b;
    const bit = 31 - (pos & 31);
    let ones = 0;
    for (let k = 0; k < slices.length; k++) ones += ((slices[k] >>> bit) & 1) << k;
    positions += (ones - half) ** 2 / quarter;
    pooledOnes[pos & 7] += ones;
  }
  let pooled = 0;
  const trials = n * SAMPLE_BYTES;
  for (const ones of pooledOnes) pooled += (ones - trials / 2) ** 2 / (trials / 4);
  return { positions, pooled };
}

/** ITU-T G.711 µ-law expansion to 16-bit linear (the reference "ulaw2linear"). */
const ULAW = ((): Int16Array => {
  const t = new Int16Array(256);
  for (let i = 0; i < 256; i++) {
    const u = ~i & 0xff;
    const exponent = (u >> 4) & 0x07;
    const magnitude = (((u & 0x0f) << 3) + 0x84) << exponent;
    t[i] = u & 0x80 ? 0x84 - magnitude : magnitude - 0x84;
  }
  return t;
})();

/** ITU-T G.711 A-law expansion (even bits inverted on the wire: XOR 0x55). */
const ALAW = ((): Int16Array => {
  const t = new Int16Array(256);
  for (let i = 0; i < 256; i++) {
    const a = i ^ 0x55;
    const exponent = (a >> 4) & 0x07;
    const mantissa = a & 0x0f;
    const magnitude = exponent === 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
    t[i] = a & 0x80 ? magnitude : -magnitude;
  }
  return t;
})();
