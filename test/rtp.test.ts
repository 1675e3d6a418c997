import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import {
  demuxMediaPacket, decodeRtp, decodeRtpInto, createRtpHeader, decodeRtcp, isLikelySrtcp, decodeStun,
  type MediaPacketKind,
} from '../parsers/rtp.ts';
import { readPayloads, PUBLIC_CAPTURES, type CapturedPayload } from './support/capture-payloads.ts';

const havePublic = existsSync(PUBLIC_CAPTURES);
if (!havePublic) console.warn(`SKIPPED: ${PUBLIC_CAPTURES} is missing; the rtp tests on public captures report as failures`);

const capture = (name: string): CapturedPayload[] => {
  assert.ok(havePublic, `public captures missing: ${PUBLIC_CAPTURES}`);
  return readPayloads(`${PUBLIC_CAPTURES}/${name}`).filter((p) => p.transport === 'udp');
};

/** TURN ChannelData (RFC 8656 §12.4) unwrapped, so relayed media can be inspected. */
const unwrapChannel = (p: Buffer): Buffer => (demuxMediaPacket(p) === 'turn-channel' ? p.subarray(4, 4 + p.readUInt16BE(2)) : p);

const tally = (packets: readonly CapturedPayload[]): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const p of packets) { const k = demuxMediaPacket(p.payload); out[k] = (out[k] ?? 0) + 1; }
  return out;
};

const rtpPacket = (opts: { pt?: number; marker?: boolean; seq?: number; ts?: number; ssrc?: number; csrc?: number[]; ext?: Buffer; payload?: Buffer; pad?: number }): Buffer => {
  const csrc = opts.csrc ?? [];
  const head = Buffer.alloc(12 + csrc.length * 4);
  head[0] = 0x80 | (opts.pad ? 0x20 : 0) | (opts.ext ? 0x10 : 0) | csrc.length;
  head[1] = (opts.marker ? 0x80 : 0) | (opts.pt ?? 0);
  head.writeUInt16BE(opts.seq ?? 1, 2);
  head.writeUInt32BE(opts.ts ?? 160, 4);
  head.writeUInt32BE(opts.ssrc ?? 0x11223344, 8);
  csrc.forEach((c, i) => head.writeUInt32BE(c, 12 + i * 4));
  const parts: Buffer[] = [head];
  if (opts.ext) {
    const eh = Buffer.alloc(4);
    eh.writeUInt16BE(0xbede, 0);
    eh.writeUInt16BE(opts.ext.length / 4, 2);
    parts.push(eh, opts.ext);
  }
  parts.push(opts.payload ?? Buffer.alloc(160, 0xff));
  if (opts.pad) { const pad = Buffer.alloc(opts.pad); pad[opts.pad - 1] = opts.pad; parts.push(pad); }
  return Buffer.concat(parts);
};

// ---------------------------------------------------------------------------------------
const demux = suite('demuxMediaPacket');

demux('tells STUN from DTLS on the WebRTC port of a public capture, as tshark does (10 STUN, 4 DTLS)', () => {
  assert.equal(tally(capture('zeek__zeek/testing__btest__Traces__tls__webrtc-stun.pcap')), { stun: 10, dtls: 4 });
});

demux('finds the 11 SRTP packets of a DTLS-SRTP call beside its STUN and DTLS datagrams', () => {
  const t = tally(capture('ntop__nDPI/tests__cfgs__default__pcap__stun_dtls_rtp.pcapng'));
  assert.is(t.rtp, 11);
  assert.ok(t.dtls > 0 && t.stun > 0, JSON.stringify(t));
});

demux('recognises TURN ChannelData whose payload is RTP or RTCP', () => {
  const packets = capture('veondigital__srtp_decoder/tests__WebRTC_PCMA_Turn_SDES_Call_1.pcap');
  const inner: Record<string, number> = {};
  for (const p of packets) {
    if (demuxMediaPacket(p.payload) !== 'turn-channel') continue;
    const k: MediaPacketKind = demuxMediaPacket(unwrapChannel(p.payload));
    inner[k] = (inner[k] ?? 0) + 1;
  }
  assert.ok((inner.rtp ?? 0) > 1000, JSON.stringify(inner));
  assert.ok((inner.rtcp ?? 0) > 0, JSON.stringify(inner));
});

demux('requires the ZRTP magic cookie after a 0x10 first byte (RFC 6189)', () => {
  const zrtp = Buffer.concat([Buffer.from([0x10, 0x00, 0x00, 0x01]), Buffer.from('ZRTP'), Buffer.alloc(4, 7), Buffer.from([0x50, 0x5a, 0x00, 0x1e]), Buffer.from('Hello   '), Buffer.alloc(100)]);
  assert.is(demuxMediaPacket(zrtp), 'zrtp');
  const noCookie = Buffer.from(zrtp);
  noCookie.write('XXXX', 4);
  assert.is(demuxMediaPacket(noCookie), 'unknown');
});

demux('splits RTCP from RTP by the second byte 192-223 (RFC 5761 §4)', () => {
  assert.is(demuxMediaPacket(rtpPacket({ pt: 0 })), 'rtp');
  assert.is(demuxMediaPacket(rtpPacket({ pt: 96, marker: true })), 'rtp');
  const rr = Buffer.from('81c90007' + '01932db4' + '00'.repeat(24), 'hex');
  assert.is(demuxMediaPacket(rr), 'rtcp');
});

demux('does not call text, short or empty datagrams media', () => {
  for (const text of ['SIP/2.0 200 OK\r\n', 'GET / HTTP/1.1\r\n', '0123456789abcdef', '@@@@', '<xml/>', '\r\n\r\n']) {
    assert.is(demuxMediaPacket(Buffer.from(text)), 'unknown', text);
  }
  assert.is(demuxMediaPacket(Buffer.alloc(0)), 'unknown');
  assert.is(demuxMediaPacket(Buffer.from([0x80, 0x00, 0x01])), 'unknown');
});

demux('never throws on random datagrams', () => {
  for (let i = 0; i < 5000; i++) demuxMediaPacket(randomBytes(i % 40));
});

demux.run();

// ---------------------------------------------------------------------------------------
const rtp = suite('decodeRtp');

rtp('decodes the first G.729 packet of a public capture as tshark shows it', () => {
  const first = capture('sippy__rtpproxy/tests__rtp_analyze__lost.a.rtp')[0];
  const h = decodeRtp(first.payload);
  assert.ok(h);
  assert.equal(
    { pt: h.payloadType, seq: h.sequence, ts: h.timestamp, ssrc: h.ssrc, marker: h.marker, payload: first.payload.toString('hex', h.payloadOffset, h.payloadOffset + h.payloadLength) },
    { pt: 18, seq: 400, ts: 568419254, ssrc: 0x0a7328f3, marker: true, payload: 'f9158ca000fadd7382c6' },
  );
});

rtp('skips the CSRC list and the header extension to find the payload', () => {
  const payload = Buffer.from('cafebabe', 'hex');
  const pkt = rtpPacket({ csrc: [1, 2], ext: Buffer.alloc(8, 0x11), payload });
  const h = decodeRtp(pkt);
  assert.ok(h);
  assert.is(h.csrcCount, 2);
  assert.is(h.extension, true);
  assert.is(h.extensionProfile, 0xbede);
  assert.is(h.payloadOffset, 12 + 8 + 4 + 8);
  assert.is(pkt.toString('hex', h.payloadOffset, h.payloadOffset + h.payloadLength), 'cafebabe');
});

rtp('removes padding given by the last octet and rejects an impossible padding count', () => {
  const h = decodeRtp(rtpPacket({ payload: Buffer.alloc(20, 1), pad: 4 }));
  assert.ok(h);
  assert.is(h.padding, true);
  assert.is(h.payloadLength, 20);
  const zero = rtpPacket({ payload: Buffer.alloc(20, 1), pad: 4 });
  zero[zero.length - 1] = 0;
  assert.is(decodeRtp(zero), null);
  const tooMany = rtpPacket({ payload: Buffer.alloc(2, 1), pad: 1 });
  tooMany[tooMany.length - 1] = 200;
  assert.is(decodeRtp(tooMany), null);
});

rtp('rejects other versions and CSRC lists or extensions that run past the packet', () => {
  const v1 = rtpPacket({});
  v1[0] = 0x40;
  assert.is(decodeRtp(v1), null);
  assert.is(decodeRtp(Buffer.alloc(11, 0x80)), null);
  const csrc = Buffer.from(rtpPacket({ payload: Buffer.alloc(0) }));
  csrc[0] = 0x8f;
  assert.is(decodeRtp(csrc), null);
  const ext = rtpPacket({ ext: Buffer.alloc(4), payload: Buffer.alloc(0) });
  ext.writeUInt16BE(50, 14);
  assert.is(decodeRtp(ext), null);
});

rtp('decodeRtpInto fills a caller-owned header and reports failure without throwing', () => {
  const out = createRtpHeader();
  assert.is(decodeRtpInto(rtpPacket({ pt: 8, seq: 7 }), out), true);
  assert.is(out.payloadType, 8);
  assert.is(out.sequence, 7);
  assert.is(decodeRtpInto(Buffer.from('hello world!'), out), false);
  for (let i = 0; i < 5000; i++) decodeRtpInto(randomBytes(i % 64), out);
});

rtp.run();

// ---------------------------------------------------------------------------------------
const rtcp = suite('decodeRtcp');

rtcp('walks SR+SDES and RR+SDES compound packets with their report blocks (values from tshark)', () => {
  const packets = capture('ntop__nDPI/tests__cfgs__default__pcap__rtcp_multiple_pkts_in_the_same_datagram.pcap');
  const sr = decodeRtcp(packets[0].payload);
  assert.ok(sr);
  assert.equal(sr.packetTypes, [200, 202]);
  assert.is(sr.ssrc, 0x5d931534);
  assert.is(sr.srtcp, false);
  assert.equal(sr.senderInfo && { rtp: sr.senderInfo.rtpTimestamp, packets: sr.senderInfo.packetCount, octets: sr.senderInfo.octetCount }, { rtp: 32000, packets: 200, octets: 32000 });
  assert.is(sr.reports[0].cumulativeLost, 1);
  const rr = decodeRtcp(packets[1].payload);
  assert.ok(rr);
  assert.equal(rr.packetTypes, [201, 202]);
  assert.is(rr.ssrc, 0x01932db4);
  assert.equal(rr.reports.map((b) => [b.fractionLost, b.cumulativeLost, b.jitter]), [[1 / 256, 1, 1]]);
  assert.is(rr.trailing, 0);
});

rtcp('reads a negative cumulative loss as a signed 24-bit number', () => {
  const pkt = Buffer.from('81c90007' + '01020304' + '0a0b0c0d' + '10fffffe' + '00010000' + '00000005' + '00000000' + '00000000', 'hex');
  const r = decodeRtcp(pkt);
  assert.ok(r);
  assert.equal([r.reports[0].fractionLost, r.reports[0].cumulativeLost, r.reports[0].jitter], [16 / 256, -2, 5]);
});

rtcp('reports only the clear header of SRTCP, whose report blocks are ciphertext', () => {
  const packets = capture('veondigital__srtp_decoder/tests__WebRTC_PCMA_Turn_SDES_Call_1.pcap').map((p) => unwrapChannel(p.payload)).filter((p) => demuxMediaPacket(p) === 'rtcp');
  assert.ok(packets.length > 0);
  for (const p of packets) {
    const r = decodeRtcp(p);
    assert.ok(r && r.srtcp);
    assert.equal(r.reports, []);
    assert.is(r.packetTypes.length, 1);
  }
});

rtcp('returns null for datagrams that are not RTCP and never throws', () => {
  assert.is(decodeRtcp(Buffer.from('80c8ffff00000000', 'hex')), null);
  assert.is(decodeRtcp(Buffer.from('SIP/2.0 200 OK')), null);
  for (let i = 0; i < 5000; i++) {
    const b = randomBytes(8 + (i % 80));
    b[0] = 0x80 | (b[0] & 0x3f);
    b[1] = 200 + (i % 8);
    decodeRtcp(b);
    isLikelySrtcp(b);
  }
});

rtcp.run();

// ---------------------------------------------------------------------------------------
const srtcp = suite('isLikelySrtcp');

srtcp('recognises SRTCP with an 80-bit tag, with Skype\'s 1-byte MKI, and with AES-GCM (RFC 7714)', () => {
  const sdes = capture('veondigital__srtp_decoder/tests__WebRTC_OPUS_Turn_SDES_Call_1.pcap').map((p) => unwrapChannel(p.payload)).filter((p) => demuxMediaPacket(p) === 'rtcp');
  const skype = capture('ntop__nDPI/tests__cfgs__default__pcap__skype-conference-call.pcap').map((p) => p.payload).filter((p) => demuxMediaPacket(p) === 'rtcp');
  const gcm = capture('ntop__nDPI/tests__cfgs__default__pcap__stun_dtls_rtp.pcapng').map((p) => p.payload).filter((p) => demuxMediaPacket(p) === 'rtcp');
  for (const [name, set] of [['sdes', sdes], ['skype', skype], ['gcm', gcm]] as const) {
    assert.ok(set.length > 0, name);
    assert.equal(set.filter((p) => !isLikelySrtcp(p)).length, 0, name);
  }
});

srtcp('keeps plain compound RTCP plain, also with stray bytes after it', () => {
  const plain = [
    ...capture('ntop__nDPI/tests__cfgs__default__pcap__rtcp_multiple_pkts_in_the_same_datagram.pcap'),
    ...capture('sipcapture__heplify/example__pcap__rtp_rtcp_sip_ipv4_udp.pcap'),
  ].map((p) => p.payload).filter((p) => demuxMediaPacket(p) === 'rtcp');
  assert.ok(plain.length >= 30);
  assert.equal(plain.filter(isLikelySrtcp).length, 0);
});

srtcp.run();

// ---------------------------------------------------------------------------------------
const stun = suite('decodeStun');

stun('decodes an ICE connectivity check with its attributes (values from tshark)', () => {
  const m = decodeStun(capture('zeek__zeek/testing__btest__Traces__tls__webrtc-stun.pcap')[0].payload);
  assert.ok(m);
  assert.equal(
    { method: m.method, cls: m.class, cookie: m.hasMagicCookie, tid: m.transactionId.toString('hex'), user: m.username, prio: m.priority, use: m.useCandidate, controlling: m.iceControlling, mi: m.messageIntegrity, fp: m.fingerprint, truncated: m.truncated },
    { method: 1, cls: 'request', cookie: true, tid: '2598a65b9710b89865bc3440', user: 'Tw5XmGABTU55u6F2:31e58bb6', prio: 1853817087, use: true, controlling: true, mi: true, fp: true, truncated: false },
  );
});

stun('decodes XOR-MAPPED-ADDRESS of a Binding success response', () => {
  const m = decodeStun(capture('zeek__zeek/testing__btest__Traces__tls__webrtc-stun.pcap')[1].payload);
  assert.ok(m);
  assert.is(m.class, 'success');
  assert.equal(m.xorMappedAddress, { family: 4, ip: '192.150.187.238', port: 31288 });
});

const stunMessage = (type: number, attrs: Buffer[], cookie = true): Buffer => {
  const body = Buffer.concat(attrs);
  const head = Buffer.alloc(20);
  head.writeUInt16BE(type, 0);
  head.writeUInt16BE(body.length, 2);
  if (cookie) head.writeUInt32BE(0x2112a442, 4);
  Buffer.from('000102030405060708090a0b', 'hex').copy(head, 8);
  return Buffer.concat([head, body]);
};
const attr = (type: number, value: Buffer): Buffer => {
  const h = Buffer.alloc(4);
  h.writeUInt16BE(type, 0);
  h.writeUInt16BE(value.length, 2);
  return Buffer.concat([h, value, Buffer.alloc((4 - (value.length % 4)) % 4)]);
};

stun('decodes an IPv6 XOR-MAPPED-ADDRESS masked with cookie and transaction id', () => {
  const ip = Buffer.from('20010db8000000000000000000000001', 'hex');
  const mask = Buffer.from('2112a442000102030405060708090a0b', 'hex');
  const x = Buffer.alloc(20);
  x[1] = 0x02;
  x.writeUInt16BE(5004 ^ 0x2112, 2);
  for (let i = 0; i < 16; i++) x[4 + i] = ip[i] ^ mask[i];
  const m = decodeStun(stunMessage(0x0101, [attr(0x0020, x)]));
  assert.equal(m?.xorMappedAddress, { family: 6, ip: '2001:db8::1', port: 5004 });
});

stun('decodes classic RFC 3489 STUN without a magic cookie and an error response code', () => {
  const mapped = Buffer.from([0, 1, 0x13, 0x8c, 10, 0, 0, 1]);
  const classic = decodeStun(stunMessage(0x0101, [attr(0x0001, mapped)], false));
  assert.ok(classic);
  assert.is(classic.hasMagicCookie, false);
  assert.is(classic.transactionId.length, 16);
  assert.equal(classic.mappedAddress, { family: 4, ip: '10.0.0.1', port: 5004 });
  const err = decodeStun(stunMessage(0x0111, [attr(0x0009, Buffer.from([0, 0, 4, 1, 0x55, 0x6e, 0x61, 0x75]))]));
  assert.equal([err?.class, err?.errorCode], ['error', 401]);
});

stun('stops at an attribute that runs past the message and marks the message truncated', () => {
  const bad = stunMessage(0x0001, [attr(0x0006, Buffer.from('alice'))]);
  bad.writeUInt16BE(200, 22);
  const m = decodeStun(bad);
  assert.ok(m);
  assert.is(m.truncated, true);
  assert.is(m.username, null);
  assert.is(decodeStun(Buffer.alloc(19)), null);
  for (let i = 0; i < 5000; i++) {
    const b = randomBytes(20 + (i % 60));
    b[0] &= 0x3f;
    b.writeUInt16BE((b.length - 20) & ~3, 2);
    decodeStun(b);
  }
});

stun.run();
