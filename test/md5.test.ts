import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash, randomBytes } from 'node:crypto';
import { Md5 } from '../alerts/credentials/md5.ts';
import { verifyDigest } from '../alerts/credentials/verify.ts';

/** The last digest as hex, read back through writeHexWords. */
const hexOf = (md5: Md5): string => {
  const words = new Int32Array(8);
  md5.writeHexWords(words);
  const out = Buffer.alloc(32);
  for (let i = 0; i < 8; i++) out.writeInt32LE(words[i]!, i * 4);
  return out.toString('latin1');
};
const reference = (b: Buffer | string): string => createHash('md5').update(b).digest('hex');

const md5 = suite('Md5');

md5('matches the RFC 1321 §A.5 test suite', () => {
  const m = new Md5();
  const vectors: Array<[string, string]> = [
    ['', 'd41d8cd98f00b204e9800998ecf8427e'],
    ['a', '0cc175b9c0f1b6a831c399e269772661'],
    ['abc', '900150983cd24fb0d6963f7d28e17f72'],
    ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
    ['abcdefghijklmnopqrstuvwxyz', 'c3fcd3d76192e4007dfb496cca67e13b'],
    ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 'd174ab98d277d9f5a5611c2c9f419d9f'],
    ['12345678901234567890123456789012345678901234567890123456789012345678901234567890', '57edf4a22be3c955ac49da2e2107b67a'],
  ];
  for (const [input, expected] of vectors) {
    const b = Buffer.from(input, 'latin1');
    m.digest(b, b.length);
    assert.is(hexOf(m), expected, JSON.stringify(input));
  }
});

md5('agrees with node:crypto on random inputs of every length from 0 to 300 bytes', () => {
  const m = new Md5();
  for (let length = 0; length <= 300; length++) {
    for (let round = 0; round < 8; round++) {
      const b = randomBytes(length);
      m.digest(b, length);
      assert.is(hexOf(m), reference(b), `length ${length}: ${b.toString('hex')}`);
    }
  }
});

md5('digests only the given prefix of a larger buffer, and reuses its state between calls', () => {
  const m = new Md5();
  const b = randomBytes(200);
  for (const length of [0, 55, 56, 63, 64, 119, 120, 128, 199]) {
    m.digest(b, length);
    assert.is(hexOf(m), reference(b.subarray(0, length)), `length ${length}`);
  }
});

md5('digests padded messages like the same bytes, with the hex of the last digest written over their start', () => {
  const m = new Md5();
  for (const length of [32, 55, 56, 63, 64, 100, 119, 120, 200]) {
    const bytes = randomBytes(length);
    const words = Md5.pad(bytes);
    m.digestPadded(words);
    assert.is(hexOf(m), reference(bytes), `length ${length}`);
    const previous = hexOf(m);
    m.writeHexWords(words);
    m.digestPadded(words);
    assert.is(hexOf(m), reference(Buffer.concat([Buffer.from(previous, 'latin1'), bytes.subarray(32)])), `length ${length}, hex written`);
  }
});

md5.run();

// ---------------------------------------------------------------------------------------------

const digest = suite('verifyDigest with MD5 (the JavaScript path)');

function md5Digest(username: string, password: string, session: boolean, qop: boolean): Record<string, string> {
  const realm = 'pbx.example.net', nonce = randomBytes(12).toString('base64'), cnonce = randomBytes(5).toString('hex'), nc = '00000001', uri = 'sip:pbx.example.net';
  let ha1 = reference(`${username}:${realm}:${password}`);
  if (session) ha1 = reference(`${ha1}:${nonce}:${cnonce}`);
  const ha2 = reference(`REGISTER:${uri}`);
  const response = qop ? reference(`${ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`) : reference(`${ha1}:${nonce}:${ha2}`);
  const p: Record<string, string> = { username, realm, nonce, uri, response, algorithm: session ? 'MD5-sess' : 'MD5' };
  if (qop || session) p.cnonce = cnonce;
  if (qop) Object.assign(p, { qop: 'auth', nc });
  return p;
}

digest('finds passwords that are empty, non-ASCII, or longer than a block, among random candidates', () => {
  const passwords = ['', 'pässwörd', '密码1234', '\u{1f600}x', 'a'.repeat(100), 'é'.repeat(80), '\ud800lone', 'plain'];
  for (const session of [false, true]) {
    for (const qop of [false, true]) {
      for (const password of passwords) {
        const username = password.length % 2 ? 'Jürgen' : '1001';
        const p = md5Digest(username, password, session, qop);
        const decoys = Array.from({ length: 20 }, (_, i) => ({ password: `${password}${i}`, label: 'decoy' }));
        const list = [...decoys.slice(0, 10), { password, label: 'hit' }, ...decoys.slice(10)];
        assert.equal(verifyDigest(p, 'REGISTER', list), { label: 'hit' }, `${JSON.stringify(password)} session=${session} qop=${qop}`);
        assert.is(verifyDigest(p, 'REGISTER', decoys), null);
      }
    }
  }
});

digest('agrees with node:crypto on random user names and passwords', () => {
  for (let i = 0; i < 200; i++) {
    const username = randomBytes(1 + (i % 40)).toString('base64');
    const password = randomBytes(i % 90).toString(i % 3 === 0 ? 'latin1' : 'base64');
    const p = md5Digest(username, password, i % 4 === 0, i % 2 === 0);
    assert.equal(verifyDigest(p, 'REGISTER', [{ password: password + 'x', label: 'no' }, { password, label: 'yes' }]), { label: 'yes' });
  }
});

digest.run();
