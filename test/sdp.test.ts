import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import {
  parseSdp, mediaAddress, isSecureProfile, redactCryptoLine, staticPayloadTypes, MAX_SDP_MEDIA, type Sdp,
} from '../parsers/sdp.ts';
import { parseSipMessage } from '../parsers/sip.ts';
import { readPayloads, PUBLIC_CAPTURES } from './support/capture-payloads.ts';

const havePublic = existsSync(PUBLIC_CAPTURES);
if (!havePublic) console.warn(`SKIPPED: ${PUBLIC_CAPTURES} is missing; the sdp tests on public captures report as failures`);

const crlf = (lines: string[]): string => lines.map((l) => `${l}\r\n`).join('');

/** SDP bodies of the SIP messages (UDP) of a public capture, in capture order. */
function sdpBodies(file: string): Buffer[] {
  assert.ok(havePublic, `public captures missing: ${PUBLIC_CAPTURES}`);
  const out: Buffer[] = [];
  for (const p of readPayloads(`${PUBLIC_CAPTURES}/${file}`)) {
    if (p.transport !== 'udp') continue;
    const r = parseSipMessage(p.payload);
    if (r.ok && r.message.contentType.toLowerCase().startsWith('application/sdp')) out.push(r.message.body);
  }
  return out;
}

const must = (sdp: Sdp | null): Sdp => {
  assert.ok(sdp, 'parsed');
  return sdp as Sdp;
};

/** RFC 4566 §5 example. */
const RFC4566_EXAMPLE = crlf([
  'v=0', 'o=jdoe 2890844526 2890842807 IN IP4 10.47.16.5', 's=SDP Seminar',
  'i=A Seminar on the session description protocol', 'u=http://www.example.com/seminars/sdp.pdf',
  'e=j.doe@example.com (Jane Doe)', 'c=IN IP4 224.2.17.12/127', 't=2873397496 2873404696', 'a=recvonly',
  'm=audio 49170 RTP/AVP 0', 'm=video 51372 RTP/AVP 99', 'a=rtpmap:99 h263-1998/90000',
]);

const parse = suite('parseSdp');

parse('reads origin, session name, session c= without TTL and each m= line (RFC 4566 §5 example)', () => {
  const sdp = must(parseSdp(RFC4566_EXAMPLE));
  assert.equal(sdp.origin, { username: 'jdoe', sessionId: '2890844526', address: '10.47.16.5' });
  assert.is(sdp.sessionName, 'SDP Seminar');
  assert.is(sdp.connection, '224.2.17.12');
  assert.is(sdp.media.length, 2);
  const [audio, video] = sdp.media;
  assert.equal([audio.type, audio.port, audio.portCount, audio.proto, audio.formats], ['audio', 49170, 1, 'RTP/AVP', ['0']]);
  assert.equal([video.type, video.port, video.proto, video.formats], ['video', 51372, 'RTP/AVP', ['99']]);
  assert.equal(video.rtpmap[99], { encoding: 'h263-1998', clockRate: 90000, channels: 1 });
});

parse('applies a session-level direction to media without their own (RFC 4566 §6)', () => {
  const sdp = must(parseSdp(`${RFC4566_EXAMPLE}a=sendonly\r\n`));
  assert.is(sdp.media[0].direction, 'recvonly');
  assert.is(sdp.media[1].direction, 'sendonly');
  assert.is(must(parseSdp(crlf(['v=0', 'm=audio 4000 RTP/AVP 0']))).media[0].direction, null);
});

parse('prefers a media-level c= and falls back to the session c= (mediaAddress)', () => {
  const sdp = must(parseSdp(crlf([
    'v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=-', 'c=IN IP4 192.0.2.1', 't=0 0',
    'm=audio 4000 RTP/AVP 0', 'c=IN IP4 198.51.100.7', 'm=video 4002 RTP/AVP 31', 'm=audio 4004 RTP/AVP 8', 'c=IN IP6 2001:db8::5',
  ])));
  assert.is(sdp.media[0].connection, '198.51.100.7');
  assert.is(sdp.media[1].connection, null);
  assert.is(mediaAddress(sdp, sdp.media[0]), '198.51.100.7');
  assert.is(mediaAddress(sdp, sdp.media[1]), '192.0.2.1');
  assert.is(mediaAddress(sdp, sdp.media[2]), '2001:db8::5');
});

parse('reads port counts, rtcp port, rtcp-mux and rtpmap channels', () => {
  const sdp = must(parseSdp(crlf([
    'v=0', 'c=IN IP4 192.0.2.1', 'm=audio 49170/2 RTP/AVP 0 96 97', 'a=rtpmap:96 opus/48000/2',
    'a=rtpmap:97 telephone-event/8000', 'a=rtcp:53020 IN IP4 192.0.2.9', 'a=rtcp-mux',
  ])));
  const m = sdp.media[0];
  assert.is(m.portCount, 2);
  assert.is(m.rtcpPort, 53020);
  assert.ok(m.rtcpMux);
  assert.equal(m.rtpmap[96], { encoding: 'opus', clockRate: 48000, channels: 2 });
  assert.equal(m.rtpmap[97], { encoding: 'telephone-event', clockRate: 8000, channels: 1 });
});

parse('redacts SDES keys while parsing a=crypto (RFC 4568) and never keeps them', () => {
  const key1 = 'PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR';
  const key2 = 'WVNfX19BP0ZWRkJVQWRiNUtiNUtiZ2ZzNXNIN2JL';
  const sdp = must(parseSdp(crlf([
    'v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=-', 'c=IN IP4 192.0.2.1', 't=0 0', 'm=audio 49170 RTP/SAVP 0',
    `a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${key1}|2^20|1:32`,
    `a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:${key2}|2^20|1:32 KDR=1 UNENCRYPTED_SRTCP`,
  ])));
  assert.equal(sdp.media[0].crypto, [
    { tag: 1, suite: 'AES_CM_128_HMAC_SHA1_80', keyMethod: 'inline', keyParamsRedacted: 'inline:<redacted>|2^20|1:32' },
    { tag: 2, suite: 'AES_CM_128_HMAC_SHA1_32', keyMethod: 'inline', keyParamsRedacted: 'inline:<redacted>|2^20|1:32' },
  ]);
  const json = JSON.stringify(sdp);
  assert.not.ok(json.includes(key1) || json.includes(key2), 'no key material in the parse result');
});

parse('reads the SDES offer of a real WebRTC call without keeping its keys (veondigital srtp_decoder)', () => {
  assert.ok(havePublic, `public captures missing: ${PUBLIC_CAPTURES}`);
  const log = readFileSync(`${PUBLIC_CAPTURES}/veondigital__srtp_decoder/tests__WebRTC_PCMA_Turn_SDES_Call_1.pcap.baseline.srtp_decoder.keys.txt`, 'utf8');
  const quoted = /"sdp" : ("(?:[^"\\]|\\.)*")/.exec(log);
  assert.ok(quoted, 'an SDP in the log');
  const body = JSON.parse((quoted as RegExpExecArray)[1]) as string;
  const sdp = must(parseSdp(body));
  const m = sdp.media[0];
  assert.is(m.proto, 'RTP/SAVPF');
  assert.ok(isSecureProfile(m.proto));
  assert.is(m.connection, '0.0.0.0');
  assert.ok(m.rtcpMux);
  assert.is(m.rtcpPort, 9);
  assert.is(m.direction, 'sendrecv');
  assert.equal(m.crypto.map((c) => `${c.tag} ${c.suite} ${c.keyParamsRedacted}`), [
    '0 AES_CM_128_HMAC_SHA1_32 inline:<redacted>', '1 AES_CM_128_HMAC_SHA1_80 inline:<redacted>',
  ]);
  assert.equal(m.rtpmap[111], { encoding: 'opus', clockRate: 48000, channels: 2 });
  assert.not.ok(JSON.stringify(sdp).includes('WVmsmX57iIX'), 'key not kept');
});

parse('reads DTLS-SRTP fingerprint, setup, rtcp-mux and rtcp port of a real offer and answer (heplify sip_tcp_websocket)', () => {
  const sdps = sdpBodies('sipcapture__heplify/example__pcap__sip_tcp_websocket.pcap').map((b) => must(parseSdp(b)));
  const dtls = sdps.filter((s) => s.media[0]?.proto === 'UDP/TLS/RTP/SAVPF');
  const offer = dtls.find((s) => s.media[0].setup === 'actpass');
  const answer = dtls.find((s) => s.origin?.username === 'FreeSWITCH');
  assert.ok(offer && answer, 'a browser offer and a FreeSWITCH answer');
  assert.is((offer as Sdp).media[0].fingerprint, 'sha-256 21:B5:56:5A:47:9A:0C:A4:A4:AC:04:40:61:7A:AA:41:FE:6A:DE:84:15:9F:ED:A8:8D:4A:23:DB:5B:E9:6F:45');
  const m = (answer as Sdp).media[0];
  assert.is(m.fingerprint, 'sha-256 22:7A:01:93:70:B4:F8:0E:08:84:F1:EE:DE:ED:B1:EE:5B:1A:FD:D3:8F:38:8D:60:B1:D6:42:12:61:07:17:00');
  assert.is(m.setup, 'active');
  assert.ok(m.rtcpMux);
  assert.is(m.rtcpPort, 32242);
  assert.is(m.crypto.length, 0);
  assert.ok(isSecureProfile(m.proto));
  assert.ok(sdps.some((s) => s.media[0]?.proto === 'RTP/AVP'), 'the plain RTP leg towards the PSTN side');
});

parse('keeps a session-level fingerprint apart from media-level ones (RFC 8122 §5)', () => {
  const sdp = must(parseSdp(crlf([
    'v=0', 'a=fingerprint:SHA-256  4A:AD:B9:B1:3F:82', 'a=setup:actpass', 'm=audio 9 UDP/TLS/RTP/SAVPF 111',
  ])));
  assert.is(sdp.fingerprint, 'SHA-256 4A:AD:B9:B1:3F:82');
  assert.is(sdp.setup, 'actpass');
  assert.is(sdp.media[0].fingerprint, null);
});

parse('reads a ZRTP hash at media and session level (RFC 6189 §8.1)', () => {
  const hash = 'fe30efd02423cb054e50efd2c52f0a4c7c5b4eda8ad1dc4b4d7c6e36ab8bf3d8';
  const sdp = must(parseSdp(crlf(['v=0', `a=zrtp-hash:1.10 ${hash}`, 'm=audio 5004 RTP/AVP 0', `a=zrtp-hash:1.10 ${hash}`])));
  assert.is(sdp.zrtpHash, `1.10 ${hash}`);
  assert.is(sdp.media[0].zrtpHash, `1.10 ${hash}`);
  assert.not.ok(isSecureProfile(sdp.media[0].proto));
});

parse('reads T.38 fax as image udptl next to audio (PcapPlusPlus sdp.pcap)', () => {
  const [body] = sdpBodies('seladb__PcapPlusPlus/Tests__Packet++Test__PacketExamples__sdp.pcap');
  const sdp = must(parseSdp(body));
  assert.equal(sdp.media.map((m) => [m.type, m.port, m.proto, m.formats.join(' ')]), [
    ['audio', 6010, 'RTP/AVP', '8 96'], ['image', 6012, 'udptl', 't38'],
  ]);
  assert.is(sdp.connection, '10.33.6.100');
  assert.is(sdp.sessionName, 'Phone-Call');
  assert.is(sdp.media[0].direction, 'sendrecv');
});

parse('records the k= method only, at session and media level (Suricata sip-sdp, k=prompt)', () => {
  assert.ok(havePublic, `public captures missing: ${PUBLIC_CAPTURES}`);
  // The capture's Content-Length (272) is shorter than its SDP, so the SIP parser cuts the body
  // (RFC 3261 §18.3); the whole SDP that Suricata's test reads is taken here.
  const [payload] = readPayloads(`${PUBLIC_CAPTURES}/OISF__suricata-verify/tests__sip-sdp__sdp.pcap`);
  const text = payload.payload.toString('utf8');
  const sdp = must(parseSdp(text.slice(text.indexOf('\r\n\r\n') + 4)));
  assert.is(sdp.encryptionKey, 'prompt');
  assert.is(sdp.media[0].encryptionKey, 'prompt');
  assert.is(sdp.media[0].connection, '192.168.1.2');
  assert.is(sdp.media[0].direction, 'sendrecv');
  assert.equal(sdp.media[0].formats, ['0', '8', '97', '2', '3']);
  const clear = must(parseSdp(crlf(['v=0', 'k=clear:SECRETKEY', 'm=audio 4000 RTP/AVP 0', 'a=encryption:optional'])));
  assert.is(clear.encryptionKey, 'clear');
  assert.is(clear.media[0].encryption, 'optional');
  assert.not.ok(JSON.stringify(clear).includes('SECRETKEY'));
});

parse('accepts bare LF line ends and ignores lines that are not type=value (RFC 4475 dblreq "m =video")', () => {
  const sdp = must(parseSdp('v=0\nc=IN IP4 192.0.2.15\nm=audio 49217 RTP/AVP 0 12\nm =video 3227 RTP/AVP 31\na=rtpmap:31 LPC\n'));
  assert.is(sdp.media.length, 1);
  assert.equal(sdp.media[0].rtpmap[31], { encoding: 'LPC', clockRate: 0, channels: 1 });
});

parse('returns null when the body does not start with v=', () => {
  assert.is(parseSdp(''), null);
  assert.is(parseSdp('<audio>\r\n <pcmu port="443"/>\r\n</audio>\r\n'), null);
  assert.is(parseSdp(Buffer.from([0x00, 0x76, 0x3d])), null);
});

parse('skips malformed m= lines and their attributes', () => {
  const sdp = must(parseSdp(crlf(['v=0', 'm=audio', 'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:KEY', 'm=audio 99999 RTP/AVP 0', 'm=audio 4000 RTP/AVP 0'])));
  assert.equal(sdp.media.map((m) => m.port), [4000]);
  assert.is(sdp.media[0].crypto.length, 0);
});

parse(`keeps at most ${MAX_SDP_MEDIA} media sections`, () => {
  const lines = ['v=0'];
  for (let i = 0; i < 200; i++) lines.push(`m=audio ${2000 + 2 * i} RTP/AVP 0`, 'a=sendonly');
  assert.is(must(parseSdp(crlf(lines))).media.length, MAX_SDP_MEDIA);
});

parse('never throws on truncated or random bodies', () => {
  for (let n = 0; n <= RFC4566_EXAMPLE.length; n++) parseSdp(RFC4566_EXAMPLE.slice(0, n));
  let seed = 7;
  const rnd = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed; };
  const alphabet = 'v=0\r\nmac:/ 0123456789RTP/AVP';
  for (let n = 0; n < 2000; n++) {
    let s = 'v=0\r\n';
    const len = rnd() % 120;
    for (let i = 0; i < len; i++) s += alphabet[rnd() % alphabet.length];
    parseSdp(s);
  }
});

parse.run();

const profiles = suite('isSecureProfile');

profiles('tells SRTP profiles from plain RTP ones', () => {
  for (const p of ['RTP/SAVP', 'RTP/SAVPF', 'UDP/TLS/RTP/SAVP', 'UDP/TLS/RTP/SAVPF', 'TCP/DTLS/RTP/SAVPF', 'rtp/savp']) assert.ok(isSecureProfile(p), p);
  for (const p of ['RTP/AVP', 'RTP/AVPF', 'udptl', 'UDPTL', 'TCP/MRCPv2', '', 'RTP/SAVPX']) assert.not.ok(isSecureProfile(p), p);
});

profiles.run();

const redact = suite('redactCryptoLine');

redact('replaces the inline key and keeps lifetime and MKI', () => {
  assert.is(redactCryptoLine('a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:KEY|2^20|1:32'), 'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:<redacted>|2^20|1:32');
  assert.is(redactCryptoLine('a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj'), 'a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:<redacted>');
});

redact('redacts every key of several key-params and keeps session parameters', () => {
  assert.is(
    redactCryptoLine('a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:K1|2^20|1:4;inline:K2|2^20|2:4 FEC_ORDER=FEC_SRTP'),
    'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:<redacted>|2^20|1:4;inline:<redacted>|2^20|2:4 FEC_ORDER=FEC_SRTP',
  );
});

redact('redacts other key methods and malformed lines entirely', () => {
  assert.is(redactCryptoLine('crypto:1 SUITE uri:https://keys.example/1'), 'crypto:1 SUITE uri:<redacted>');
  assert.is(redactCryptoLine('a=crypto:1 inline:SECRET'), 'a=crypto:1 inline:<redacted>');
  assert.not.ok(redactCryptoLine('a=crypto:1   X   inline:SECRET|2^20  ').includes('SECRET'));
});

redact.run();

const statics = suite('staticPayloadTypes');

statics('lists the RFC 3551 static audio and video payload types', () => {
  assert.equal(staticPayloadTypes[0], { encoding: 'PCMU', clockRate: 8000, channels: 1 });
  assert.equal(staticPayloadTypes[8], { encoding: 'PCMA', clockRate: 8000, channels: 1 });
  assert.is(staticPayloadTypes[9].encoding, 'G722');
  assert.is(staticPayloadTypes[9].clockRate, 8000);
  assert.is(staticPayloadTypes[18].encoding, 'G729');
  assert.is(staticPayloadTypes[13].encoding, 'CN');
  assert.is(staticPayloadTypes[3].encoding, 'GSM');
  assert.is(staticPayloadTypes[4].encoding, 'G723');
  assert.is(staticPayloadTypes[34].clockRate, 90000);
  assert.is(staticPayloadTypes[96], undefined);
  assert.ok(Object.isFrozen(staticPayloadTypes));
});

statics.run();
