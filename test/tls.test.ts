import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import {
  decodeTlsHello, readTlsHello, decodeTlsRecordHeader, decodeDtlsRecordKind, tlsVersionName, cipherSuiteName,
  isWeakCipherSuite, weakCipherReason, srtpProfileName, type TlsHello,
} from '../parsers/tls.ts';
import { readPayloads, tcpStream, PUBLIC_CAPTURES, type CapturedPayload } from './support/capture-payloads.ts';

const havePublic = existsSync(PUBLIC_CAPTURES);
if (!havePublic) console.warn(`SKIPPED: ${PUBLIC_CAPTURES} is missing; the tls tests on public captures report as failures`);

const packets = (name: string): CapturedPayload[] => {
  assert.ok(havePublic, `public captures missing: ${PUBLIC_CAPTURES}`);
  return readPayloads(`${PUBLIC_CAPTURES}/${name}`);
};
const stream = (name: string, src: number, dst: number): Buffer => tcpStream(packets(name), src, dst);
const hello = (buf: Buffer): TlsHello => {
  const h = decodeTlsHello(buf);
  assert.ok(h, 'no hello');
  return h;
};
const dtlsHellos = (name: string): TlsHello[] =>
  packets(name).filter((p) => p.transport === 'udp' && p.payload[1] === 0xfe).map((p) => decodeTlsHello(p.payload)).filter((h): h is TlsHello => h !== null);

const GOOGLE_MEET = 'ntop__nDPI/tests__cfgs__default__pcap__google_meet.pcapng';
const WEBEX = 'ntop__nDPI/tests__cfgs__default__pcap__webex.pcap';

/** Re-frames the first handshake message of a TLS stream into records of at most `size` bytes. */
function splitIntoRecords(buf: Buffer, size: number): Buffer {
  const rec = decodeTlsRecordHeader(buf);
  assert.ok(rec);
  const msgLength = 4 + buf.readUIntBE(6, 3);
  const msg = buf.subarray(5, 5 + msgLength);
  const out: Buffer[] = [];
  for (let o = 0; o < msg.length; o += size) {
    const part = msg.subarray(o, o + size);
    const h = Buffer.from([0x16, buf[1], buf[2], 0, 0]);
    h.writeUInt16BE(part.length, 3);
    out.push(h, part);
  }
  return Buffer.concat(out);
}

// ---------------------------------------------------------------------------------------
const tls = suite('decodeTlsHello (TLS)');

tls('reads SNI and offered suites of a ClientHello and the RC4 suite a server chose (nDPI webex, values from tshark)', () => {
  const client = hello(stream(WEBEX, 41346, 443));
  assert.equal(
    { type: client.type, sni: client.sni, n: client.cipherSuites?.length, first: client.cipherSuites?.[0], last: client.cipherSuites?.at(-1), v: client.version, dtls: client.dtls },
    { type: 'client_hello', sni: 'radcom.webex.com', n: 28, first: 0xcc14, last: 0x00ff, v: 0x0303, dtls: false },
  );
  const server = hello(stream(WEBEX, 443, 41346));
  assert.equal({ type: server.type, suite: server.cipherSuite, v: server.version }, { type: 'server_hello', suite: 0x0004, v: 0x0303 });
  assert.is(isWeakCipherSuite(server.cipherSuite ?? -1), true);
  assert.is(cipherSuiteName(server.cipherSuite ?? -1), 'TLS_RSA_WITH_RC4_128_MD5');
});

tls('takes TLS 1.3 from supported_versions and drops GREASE values (google_meet)', () => {
  const client = hello(stream(GOOGLE_MEET, 43268, 443));
  assert.equal(
    { sv: client.supportedVersions, v: client.version, legacy: client.legacyVersion, sni: client.sni, alpn: client.alpn, grease: client.cipherSuites?.includes(0x4a4a) },
    { sv: [0x0304, 0x0303], v: 0x0304, legacy: 0x0303, sni: 'meet.google.com', alpn: ['h2', 'http/1.1'], grease: false },
  );
  assert.is(client.cipherSuites?.length, 15);
  const server = hello(stream(GOOGLE_MEET, 443, 43268));
  assert.equal({ v: server.version, legacy: server.legacyVersion, suite: server.cipherSuite, hrr: server.helloRetryRequest }, { v: 0x0304, legacy: 0x0303, suite: 0x1301, hrr: false });
});

tls('reassembles a ClientHello split over several records and asks for more until it is whole', () => {
  const original = stream(GOOGLE_MEET, 43268, 443);
  const want = hello(original);
  for (const size of [100, 7, 1]) {
    const split = splitIntoRecords(original, size);
    const r = readTlsHello(split);
    assert.ok(r.kind === 'hello', `size ${size}: ${r.kind}`);
    assert.equal(r.hello, want);
    assert.is(r.consumed, split.length);
  }
  const split = splitIntoRecords(original, 100);
  for (let n = 0; n < split.length; n += 13) assert.equal(readTlsHello(split.subarray(0, n)), { kind: 'need' }, `prefix ${n}`);
});

tls('asks for more on every prefix of a single-record hello', () => {
  const s = stream(WEBEX, 41346, 443);
  const end = 5 + s.readUInt16BE(3);
  for (let n = 0; n < end; n++) assert.is(decodeTlsHello(s.subarray(0, n)), null, `prefix ${n}`);
  assert.ok(decodeTlsHello(s.subarray(0, end)));
});

tls('flags a HelloRetryRequest by its special random (RFC 8446 §4.1.3)', () => {
  const s = Buffer.from(stream(GOOGLE_MEET, 443, 43268));
  Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex').copy(s, 11);
  assert.is(hello(s).helloRetryRequest, true);
});

tls('reports version and suite of a ServerHello whose extension block is broken (arkime synthetic)', () => {
  const server = hello(stream('arkime__arkime/tests__pcap__arkime_synthetic.pcap', 443, 49601));
  assert.equal({ suite: server.cipherSuite, v: server.version, bad: server.extensionsMalformed }, { suite: 0x1301, v: 0x0303, bad: true });
});

tls('tells non-hello records, other protocols and garbage apart without throwing', () => {
  assert.equal(readTlsHello(Buffer.from('170303001a' + '00'.repeat(26), 'hex')), { kind: 'not-hello' });
  assert.equal(readTlsHello(Buffer.from('GET / HTTP/1.1\r\n')), { kind: 'not-hello' });
  assert.equal(readTlsHello(Buffer.from('1603010000', 'hex')), { kind: 'malformed', error: 'tls_empty_handshake_record' });
  assert.equal(readTlsHello(Buffer.from('16030100040b000000', 'hex')), { kind: 'not-hello' });
  assert.equal(readTlsHello(Buffer.from('1603014900', 'hex')), { kind: 'malformed', error: 'tls_record_too_long' });
  const base = stream(WEBEX, 41346, 443);
  for (let i = 0; i < 3000; i++) {
    const b = Buffer.from(base.subarray(0, 5 + base.readUInt16BE(3)));
    for (let k = 0; k < 4; k++) b[5 + Math.floor(Math.random() * (b.length - 5))] = Math.floor(Math.random() * 256);
    readTlsHello(b);
    readTlsHello(randomBytes(i % 64));
  }
});

tls.run();

// ---------------------------------------------------------------------------------------
const dtls = suite('decodeTlsHello (DTLS)');

dtls('reads a DTLS 1.0 handshake offering and choosing SRTP_AES128_CM_HMAC_SHA1_80 (zeek webrtc-stun)', () => {
  const [client, server] = dtlsHellos('zeek__zeek/testing__btest__Traces__tls__webrtc-stun.pcap');
  assert.equal({ type: client.type, dtls: client.dtls, v: client.version, srtp: client.srtpProfiles }, { type: 'client_hello', dtls: true, v: 0xfeff, srtp: [0x0001] });
  assert.equal({ type: server.type, v: server.version, suite: server.cipherSuite, srtp: server.srtpProfiles }, { type: 'server_hello', v: 0xfeff, suite: 0xc00a, srtp: [0x0001] });
  assert.is(srtpProfileName(server.srtpProfiles[0]), 'SRTP_AES128_CM_HMAC_SHA1_80');
});

dtls('reads a DTLS 1.2 WebRTC handshake that settles on AEAD_AES_256_GCM (nDPI stun_dtls_rtp)', () => {
  const [client, server] = dtlsHellos('ntop__nDPI/tests__cfgs__default__pcap__stun_dtls_rtp.pcapng');
  assert.equal(client.srtpProfiles, [0x0001, 0x0008, 0x0007]);
  assert.equal(client.cipherSuites, [0xc02b, 0xc02f, 0xcca9, 0xcca8, 0xc009, 0xc013, 0xc00a, 0xc014, 0x009c, 0x002f, 0x0035]);
  assert.equal({ v: server.version, suite: server.cipherSuite, srtp: server.srtpProfiles.map(srtpProfileName) }, { v: 0xfefd, suite: 0xc02f, srtp: ['SRTP_AEAD_AES_256_GCM'] });
});

dtls('names the record kind of every DTLS datagram after the hellos', () => {
  const kinds = packets('ntop__nDPI/tests__cfgs__default__pcap__stun_dtls_rtp.pcapng')
    .filter((p) => p.transport === 'udp' && p.payload[1] === 0xfe).map((p) => decodeDtlsRecordKind(p.payload));
  assert.ok(kinds.includes('application_data') && kinds.includes('handshake'), kinds.join());
  assert.not.ok(kinds.includes(null));
  assert.is(decodeDtlsRecordKind(Buffer.from([0x2c, 0, 1, 0, 0])), 'unified');
  assert.is(decodeDtlsRecordKind(Buffer.from('160301000100', 'hex')), null);
});

dtls('does not reassemble a fragmented DTLS hello and says so', () => {
  const p = packets('zeek__zeek/testing__btest__Traces__tls__webrtc-stun.pcap').find((x) => x.transport === 'udp' && x.payload[0] === 0x16 && x.payload[13] === 1);
  assert.ok(p);
  const frag = Buffer.from(p.payload);
  frag.writeUIntBE(frag.readUIntBE(14, 3) - 10, 22, 3);
  assert.equal(readTlsHello(frag), { kind: 'malformed', error: 'dtls_hello_fragmented' });
});

dtls.run();

// ---------------------------------------------------------------------------------------
const names = suite('tlsVersionName / cipherSuiteName / isWeakCipherSuite');

names('names SSL, TLS, DTLS and draft versions', () => {
  assert.equal([0x0300, 0x0301, 0x0302, 0x0303, 0x0304, 0xfeff, 0xfefd, 0x7f17, 0x1234].map(tlsVersionName),
    ['SSL 3.0', 'TLS 1.0', 'TLS 1.1', 'TLS 1.2', 'TLS 1.3', 'DTLS 1.0', 'DTLS 1.2', 'TLS 1.3 draft 23', '0x1234']);
});

names('uses IANA registry names and falls back to the hex code', () => {
  assert.is(cipherSuiteName(0xc02f), 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256');
  assert.is(cipherSuiteName(0x1303), 'TLS_CHACHA20_POLY1305_SHA256');
  assert.is(cipherSuiteName(0xbeef), '0xbeef');
});

names('calls NULL, EXPORT, RC4, anonymous and single-DES suites weak, with the reason', () => {
  const cases: Array<[number, string]> = [
    [0x0000, 'null'], [0x0002, 'null'], [0xc010, 'null'], [0xc0b4, 'null'],
    [0x0003, 'export'], [0x0014, 'export'], [0x0062, 'export'],
    [0x0004, 'rc4'], [0x0005, 'rc4'], [0xc011, 'rc4'],
    [0x0034, 'anonymous'], [0x00a6, 'anonymous'], [0xc018, 'anonymous'],
    [0x0009, 'des'], [0x0015, 'des'],
  ];
  for (const [id, reason] of cases) {
    assert.is(isWeakCipherSuite(id), true, cipherSuiteName(id));
    assert.is(weakCipherReason(id), reason, cipherSuiteName(id));
  }
});

names('does not call 3DES, AES, ChaCha20, TLS 1.3 suites, SCSVs or unknown codes weak', () => {
  for (const id of [0x000a, 0xc012, 0x002f, 0x009c, 0xc02f, 0xcca8, 0x1301, 0x1302, 0x1303, 0x00ff, 0x5600, 0xbeef]) {
    assert.is(isWeakCipherSuite(id), false, cipherSuiteName(id));
  }
});

names('flags the weak suites a real legacy client offers (webex captures)', () => {
  const offered = hello(stream(WEBEX, 41346, 443)).cipherSuites ?? [];
  assert.equal(offered.filter(isWeakCipherSuite).map(cipherSuiteName),
    ['TLS_ECDHE_RSA_WITH_RC4_128_SHA', 'TLS_ECDHE_ECDSA_WITH_RC4_128_SHA', 'TLS_RSA_WITH_RC4_128_SHA', 'TLS_RSA_WITH_RC4_128_MD5']);
});

names.run();
