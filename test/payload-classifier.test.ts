import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import {
  createPayloadClassifierState, observeRtpPayload, classifyPayload, type PayloadClassification,
} from '../src/media/payload-classifier.ts';
import { demuxMediaPacket, decodeRtp } from '../parsers/rtp.ts';
import { readPayloads, PUBLIC_CAPTURES } from './support/capture-payloads.ts';

const havePublic = existsSync(PUBLIC_CAPTURES);
if (!havePublic) console.warn(`SKIPPED: ${PUBLIC_CAPTURES} is missing; the classifier tests on public captures report as failures`);

// ---------------------------------------------------------------------------------------
// Fixtures: speech-like audio, G.711 encoders (ITU-T G.711 reference "linear2ulaw/alaw"),
// and SRTP protection as RFC 3711 does it (AES-128 counter mode, HMAC-SHA1-80).

/** Deterministic PRNG so the synthetic audio is the same on every run. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
}

/**
 * 8 kHz speech-like signal: syllables of a glottal pulse train (pitch 90-220 Hz) through three
 * formant resonators, fricative noise bursts, and pauses with faint background noise.
 */
function synthSpeech(seconds: number, seed = 1): Int16Array {
  const rnd = prng(seed);
  const out = new Int16Array(seconds * 8000);
  const formants = [[700, 0.97], [1200, 0.96], [2600, 0.94]] as const;
  const state = formants.map(() => [0, 0]);
  let phase = 0;
  let segment = 0, segEnd = 0, kind = 0, pitch = 120, gain = 0;
  for (let i = 0; i < out.length; i++) {
    if (i >= segEnd) {
      segment++;
      const r = rnd();
      kind = r < 0.6 ? 0 : r < 0.8 ? 1 : 2; // voiced, fricative, pause
      segEnd = i + Math.floor(800 + rnd() * 2400);
      pitch = 90 + rnd() * 130;
      gain = 2000 + rnd() * 14000;
    }
    const env = Math.sin(Math.PI * Math.min(1, (segEnd - i) / 2400));
    let x: number;
    if (kind === 0) {
      phase += pitch / 8000;
      const pulse = phase >= 1 ? 1 : 0;
      if (phase >= 1) phase -= 1;
      let y = pulse * gain;
      for (let f = 0; f < formants.length; f++) {
        const [freq, r] = formants[f];
        const w = (2 * Math.PI * freq * (1 + 0.1 * Math.sin(segment))) / 8000;
        const s = state[f];
        const v = y + 2 * r * Math.cos(w) * s[0] - r * r * s[1];
        s[1] = s[0]; s[0] = v;
        y = v * (1 - r);
      }
      x = y * 4 * env;
    } else if (kind === 1) {
      x = (rnd() - 0.5) * gain * 0.3 * env;
    } else {
      x = (rnd() - 0.5) * 40;
    }
    out[i] = Math.max(-32768, Math.min(32767, Math.round(x)));
  }
  return out;
}

function linearToUlaw(sample: number): number {
  const BIAS = 0x84, CLIP = 32635;
  const sign = sample < 0 ? 0x80 : 0;
  let s = Math.min(CLIP, Math.abs(sample)) + BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; exponent--, mask >>= 1);
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

function linearToAlaw(sample: number): number {
  const segEnd = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff];
  let pcm = sample >> 3;
  let mask: number;
  if (pcm >= 0) mask = 0xd5; else { mask = 0x55; pcm = -pcm - 1; }
  let seg = 0;
  while (seg < 8 && pcm > segEnd[seg]) seg++;
  if (seg >= 8) return 0x7f ^ mask;
  const aval = (seg << 4) | ((seg < 2 ? pcm >> 1 : pcm >> seg) & 0x0f);
  return aval ^ mask;
}

const encode = (pcm: Int16Array, law: 'ulaw' | 'alaw'): Buffer => Buffer.from(Array.from(pcm, law === 'ulaw' ? linearToUlaw : linearToAlaw));

const frames = (bytes: Buffer, size: number): Buffer[] => {
  const out: Buffer[] = [];
  for (let o = 0; o + size <= bytes.length; o += size) out.push(bytes.subarray(o, o + size));
  return out;
};

/** RFC 3711 §4.3.1 key derivation (key_derivation_rate 0) with the AES-CM PRF. */
function deriveSrtpKey(masterKey: Buffer, masterSalt: Buffer, label: number, length: number): Buffer {
  const x = Buffer.alloc(16);
  masterSalt.copy(x, 0);
  x[7] ^= label;
  return createCipheriv('aes-128-ctr', masterKey, x).update(Buffer.alloc(length));
}

/** SRTP-protects RTP packets: AES-128-CM payload encryption (§4.1.1) and an HMAC-SHA1-80 tag (§4.2). */
function srtpProtect(payloads: Buffer[], pt: number, ssrc = 0x1234abcd, tagLength = 10): Buffer[] {
  const masterKey = randomBytes(16), masterSalt = randomBytes(14);
  const ke = deriveSrtpKey(masterKey, masterSalt, 0x00, 16);
  const ka = deriveSrtpKey(masterKey, masterSalt, 0x01, 20);
  const ks = deriveSrtpKey(masterKey, masterSalt, 0x02, 14);
  return payloads.map((payload, seq) => {
    const header = Buffer.alloc(12);
    header[0] = 0x80; header[1] = pt;
    header.writeUInt16BE(seq & 0xffff, 2);
    header.writeUInt32BE(seq * payload.length, 4);
    header.writeUInt32BE(ssrc, 8);
    // IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16), i = ROC || SEQ
    const iv = Buffer.alloc(16);
    ks.copy(iv, 0);
    for (let b = 0; b < 4; b++) iv[4 + b] ^= header[8 + b];
    iv[12] ^= (seq >> 8) & 0xff; iv[13] ^= seq & 0xff;
    const encrypted = Buffer.concat([header, createCipheriv('aes-128-ctr', ke, iv).update(payload)]);
    const tag = createHmac('sha1', ka).update(encrypted).update(Buffer.alloc(4)).digest().subarray(0, tagLength);
    return Buffer.concat([encrypted, tag]);
  });
}

/** Feeds RTP packets (header included) through the decoder into a fresh classifier. */
function classifyPackets(packets: readonly Buffer[]): PayloadClassification {
  const state = createPayloadClassifierState();
  for (const p of packets) {
    const h = decodeRtp(p);
    if (!h) continue;
    observeRtpPayload(state, h.payloadType, p.subarray(h.payloadOffset, h.payloadOffset + h.payloadLength), p.length);
  }
  return classifyPayload(state);
}

function classifyPayloads(pt: number, payloads: readonly Buffer[]): PayloadClassification {
  const state = createPayloadClassifierState();
  for (const p of payloads) observeRtpPayload(state, pt, p, p.length + 12);
  return classifyPayload(state);
}

const rtpWrap = (payloads: Buffer[], pt: number): Buffer[] => payloads.map((payload, seq) => {
  const h = Buffer.alloc(12);
  h[0] = 0x80; h[1] = pt;
  h.writeUInt16BE(seq, 2);
  h.writeUInt32BE(0x55667788, 8);
  return Buffer.concat([h, payload]);
});

/** RTP streams of a public capture by source port > destination port and SSRC, TURN unwrapped. */
function captureStreams(name: string): Map<string, Buffer[]> {
  assert.ok(havePublic, `public captures missing: ${PUBLIC_CAPTURES}`);
  const streams = new Map<string, Buffer[]>();
  for (const p of readPayloads(`${PUBLIC_CAPTURES}/${name}`)) {
    if (p.transport !== 'udp') continue;
    let pl = p.payload;
    if (demuxMediaPacket(pl) === 'turn-channel') pl = pl.subarray(4, 4 + pl.readUInt16BE(2));
    if (demuxMediaPacket(pl) !== 'rtp') continue;
    const h = decodeRtp(pl);
    if (!h) continue;
    const key = `${p.srcPort}>${p.dstPort} ${h.ssrc.toString(16)}`;
    let s = streams.get(key);
    if (!s) { s = []; streams.set(key, s); }
    s.push(pl);
  }
  return streams;
}

const verdicts = (streams: Map<string, Buffer[]>): Record<string, string> =>
  Object.fromEntries([...streams].map(([k, pkts]) => { const v = classifyPackets(pkts); return [k, `${v.verdict}:${v.reason}`]; }));

// ---------------------------------------------------------------------------------------
const synthetic = suite('classifyPayload on generated G.711 speech');

const speech = synthSpeech(12);

synthetic('calls 20 ms µ-law and A-law speech plain', () => {
  for (const [law, pt] of [['ulaw', 0], ['alaw', 8]] as const) {
    const v = classifyPackets(rtpWrap(frames(encode(speech, law), 160), pt));
    assert.is(v.verdict, 'plain', `${law}: ${v.reason}`);
    assert.match(v.reason, /^g711-/);
  }
});

synthetic('calls the same speech encrypted once SRTP-protected with AES-128-CM and HMAC-SHA1-80', () => {
  for (const [law, pt] of [['ulaw', 0], ['alaw', 8]] as const) {
    const packets = srtpProtect(frames(encode(speech, law), 160), pt);
    assert.is(packets[0].length, 12 + 160 + 10);
    assert.equal(classifyPackets(packets), { verdict: 'encrypted', reason: 'high-entropy+tag-length' }, law);
  }
});

synthetic('calls SRTP with a 32-bit tag encrypted, and G.711 ciphertext without a tag encrypted by its lack of waveform', () => {
  const packets = srtpProtect(frames(encode(speech, 'ulaw'), 160), 0, 0x1, 4);
  assert.equal(classifyPackets(packets), { verdict: 'encrypted', reason: 'high-entropy+tag-length' });
  const untagged = srtpProtect(frames(encode(speech, 'alaw'), 160), 8, 0x2, 0);
  assert.equal(classifyPackets(untagged), { verdict: 'encrypted', reason: 'high-entropy-uncorrelated-g711' });
});

synthetic('judges every 63-packet window of a long call the same way', () => {
  const plain = rtpWrap(frames(encode(speech, 'alaw'), 160), 8);
  const srtp = srtpProtect(frames(encode(speech, 'alaw'), 160), 8);
  for (let o = 0; o + 63 <= plain.length; o += 31) {
    assert.is(classifyPackets(plain.slice(o, o + 63)).verdict, 'plain', `plain window at ${o}`);
    assert.is(classifyPackets(srtp.slice(o, o + 63)).verdict, 'encrypted', `srtp window at ${o}`);
  }
});

synthetic.run();

// ---------------------------------------------------------------------------------------
const tts = suite('classifyPayload on espeak-ng speech');

const haveTools = ((): boolean => {
  try { execFileSync('espeak-ng', ['--version'], { stdio: 'ignore' }); execFileSync('sox', ['--version'], { stdio: 'ignore' }); return true; } catch { return false; }
})();
if (!haveTools) console.warn('SKIPPED: espeak-ng and sox are not installed (apt-get install -y espeak-ng sox); real-speech classifier tests not run');

tts('calls espeak-ng speech plain in µ-law and A-law, and encrypted after SRTP', () => {
  if (!haveTools) return;
  const text = 'Please hold the line. Your call is important to us. The conference will begin in a few moments.';
  const wav = execFileSync('espeak-ng', ['--stdout', text], { maxBuffer: 16 * 1024 * 1024 });
  for (const [law, type, pt] of [['ulaw', 'ul', 0], ['alaw', 'al', 8]] as const) {
    const g711 = execFileSync('sox', ['-t', 'wav', '-', '-r', '8000', '-c', '1', '-t', type, '-'], { input: wav, maxBuffer: 16 * 1024 * 1024, stdio: ['pipe', 'pipe', 'ignore'] });
    const payloads = frames(g711, 160);
    assert.ok(payloads.length >= 100, `${law}: ${payloads.length} frames`);
    assert.is(classifyPackets(rtpWrap(payloads, pt)).verdict, 'plain', law);
    assert.is(classifyPackets(srtpProtect(payloads, pt)).verdict, 'encrypted', law);
  }
});

tts.run();

// ---------------------------------------------------------------------------------------
const captures = suite('classifyPayload on public captures');

captures('calls the rtpproxy srtp1 recording (PT 9, 160 + 10 bytes) encrypted on both sides', () => {
  for (const side of ['a', 'o']) {
    const v = Object.values(verdicts(captureStreams(`sippy__rtpproxy/tests__rtp_analyze__srtp1.${side}.rtp`)));
    assert.equal(v, ['encrypted:high-entropy+tag-length'], side);
  }
});

captures('calls the rtpproxy G.729 recordings (PT 18, 10-byte frames) plain', () => {
  for (const side of ['a', 'o']) {
    const v = Object.values(verdicts(captureStreams(`sippy__rtpproxy/tests__rtp_analyze__lost.${side}.rtp`)));
    assert.equal(v, ['plain:codec-bit-structure'], side);
  }
});

captures('calls the GSM streams of the rtpproxy DLT_NULL recording plain', () => {
  const v = Object.values(verdicts(captureStreams('sippy__rtpproxy/tests__rtp_analyze__DLT_NULL.a.rtp')));
  assert.equal(v, ['plain:codec-bit-structure', 'plain:codec-bit-structure', 'plain:codec-bit-structure']);
});

captures('calls PCMA calls plain and their SDES-SRTP WebRTC counterparts encrypted', () => {
  const pcma = verdicts(captureStreams('sipcapture__heplify/example__pcap__rtp_rtcp_sip_ipv4_udp.pcap'));
  const long = Object.entries(pcma).filter(([k]) => !k.startsWith('30000>'));
  assert.equal(long.map(([, v]) => v), Array(4).fill('plain:g711-waveform-correlation'));
  assert.is(pcma['30000>40362 2e3d'], 'unknown:too-few-packets');
  const srtp = Object.values(verdicts(captureStreams('veondigital__srtp_decoder/tests__WebRTC_PCMA_Turn_SDES_Call_1.pcap')));
  assert.equal(srtp, ['encrypted:high-entropy+tag-length', 'encrypted:high-entropy+tag-length']);
});

captures('calls relayed SDES-SRTP Opus encrypted, and gives no verdict on an 11-packet DTLS-SRTP flow', () => {
  const opus = Object.values(verdicts(captureStreams('veondigital__srtp_decoder/tests__WebRTC_OPUS_Turn_SDES_Call_1.pcap')));
  assert.equal(opus, ['encrypted:high-entropy', 'encrypted:high-entropy']);
  const short = Object.values(verdicts(captureStreams('ntop__nDPI/tests__cfgs__default__pcap__stun_dtls_rtp.pcapng')));
  assert.equal(short, ['unknown:too-few-packets']);
});

captures.run();

// ---------------------------------------------------------------------------------------
const honesty = suite('classifyPayload limits');

honesty('gives no verdict below 16 sampled packets, and no "encrypted" below 32', () => {
  const random = Array.from({ length: 20 }, () => randomBytes(170));
  assert.equal(classifyPayloads(0, random.slice(0, 15)), { verdict: 'unknown', reason: 'too-few-packets' });
  assert.equal(classifyPayloads(0, random), { verdict: 'unknown', reason: 'too-few-packets' });
  const payloads = frames(encode(speech, 'ulaw'), 160).slice(0, 16);
  assert.is(classifyPayloads(0, payloads).verdict, 'plain');
});

honesty('ignores payloads shorter than 8 bytes (comfort noise, DTMF) when counting the window', () => {
  const state = createPayloadClassifierState();
  for (let i = 0; i < 100; i++) observeRtpPayload(state, 13, Buffer.from([0x40]), 13);
  assert.is(state.packets, 100);
  assert.equal(classifyPayload(state), { verdict: 'unknown', reason: 'too-few-packets' });
});

honesty('does not call balanced whole-frame payloads of a known codec encrypted without a tag', () => {
  const random = Array.from({ length: 64 }, () => randomBytes(160));
  assert.equal(classifyPayloads(9, random), { verdict: 'unknown', reason: 'balanced-bits-without-tag' });
});

honesty('calls balanced payloads of a dynamic payload type encrypted, and a constant TOC byte plain', () => {
  const random = Array.from({ length: 64 }, (_, i) => randomBytes(40 + (i % 30)));
  assert.equal(classifyPayloads(111, random), { verdict: 'encrypted', reason: 'high-entropy' });
  const opusLike = random.map((p) => { const c = Buffer.from(p); c[0] = 0x78; return c; });
  assert.equal(classifyPayloads(111, opusLike), { verdict: 'plain', reason: 'codec-bit-structure' });
});

honesty('stops sampling after the window and keeps a small flat numeric state', () => {
  const state = createPayloadClassifierState();
  const payloads = frames(encode(speech, 'ulaw'), 160);
  for (const p of payloads.slice(0, 63)) observeRtpPayload(state, 0, p, 172);
  const snapshot = JSON.stringify(state);
  for (const p of payloads.slice(63, 200)) observeRtpPayload(state, 0, p, 172);
  assert.is(JSON.stringify({ ...state, packets: 63 }), snapshot);
  const values = Object.values(state);
  assert.ok(values.length <= 24, `${values.length} fields`);
  assert.ok(values.every((v) => typeof v === 'number'));
});

honesty.run();
