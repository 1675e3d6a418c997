import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  parseSipMessage, looksLikeSip, findSipStart, frameSipStream, parseSipUri,
  MAX_SIP_HEADERS, MAX_SIP_HEADER_LINE, MAX_SIP_HEADER_BYTES, MAX_SIP_BODY, MAX_SIP_VIAS,
  type SipMessage, type SipFrame,
} from '../parsers/sip.ts';
import { readPayloads, PUBLIC_CAPTURES, type CapturedPayload } from './support/capture-payloads.ts';

const TORTURE = fileURLToPath(new URL('./fixtures/rfc4475/', import.meta.url));
const torture = (name: string): Buffer => readFileSync(`${TORTURE}${name}.dat`);

const havePublic = existsSync(PUBLIC_CAPTURES);
if (!havePublic) console.warn(`SKIPPED: ${PUBLIC_CAPTURES} is missing; the sip tests on public captures report as failures`);

function payloads(file: string): CapturedPayload[] {
  assert.ok(havePublic, `public captures missing: ${PUBLIC_CAPTURES}`);
  return readPayloads(`${PUBLIC_CAPTURES}/${file}`).filter((p) => p.payload.length > 0);
}

/** Each direction of each TCP connection as one byte stream: segments by sequence number, overlaps trimmed. */
function tcpStreams(packets: readonly CapturedPayload[]): Buffer[] {
  const flows = new Map<string, CapturedPayload[]>();
  for (const p of packets) {
    if (p.transport !== 'tcp') continue;
    const key = `${p.srcIp}:${p.srcPort}>${p.dstIp}:${p.dstPort}`;
    const list = flows.get(key) ?? [];
    list.push(p);
    flows.set(key, list);
  }
  const out: Buffer[] = [];
  for (const segs of flows.values()) {
    segs.sort((a, b) => (a.tcpSeq - b.tcpSeq) | 0);
    const parts: Buffer[] = [];
    let next = segs[0].tcpSeq;
    for (const s of segs) {
      const skip = (next - s.tcpSeq) | 0;
      if (skip >= s.payload.length) continue;
      parts.push(s.payload.subarray(Math.max(0, skip)));
      next = (s.tcpSeq + s.payload.length) | 0;
    }
    out.push(Buffer.concat(parts));
  }
  return out;
}

const sip = (text: string): Buffer => Buffer.from(text.replace(/\n/g, '\r\n'), 'utf8');

function parsed(buf: Buffer, stream = false): SipMessage {
  const r = parseSipMessage(buf, { stream });
  if (!r.ok) throw new Error(`expected a message, got ${r.error}`);
  return r.message;
}

const INVITE = sip(`INVITE sip:1002@pbx.example.com SIP/2.0
Via: SIP/2.0/UDP 10.0.0.21:5060;branch=z9hG4bK776asdhds;rport
Via: SIP/2.0/TCP [2001:db8::9]:5070;branch=z9hG4bK-2;received=2001:db8::99;rport=5071
Max-Forwards: 70
To: "Bob" <sip:1002@pbx.example.com>
From: Alice <sip:1001@pbx.example.com>;tag=1928301774
Call-ID: a84b4c76e66710@10.0.0.21
CSeq: 314159 INVITE
Contact: <sip:1001@10.0.0.21:5060>;expires=3600
User-Agent: snomD785/10.1.33.33
Proxy-Authorization: Digest username="1001", realm="asterisk", nonce="4b1e6a3c", uri="sip:1002@pbx.example.com", response="6629fae49393a05397450978507c4ef1", algorithm=MD5
Content-Type: application/sdp
Content-Length: 31

v=0
o=- 1 1 IN IP4 10.0.0.21
`);

const parse = suite('parseSipMessage');

parse('reads the request line, the dialog headers and the body view of an INVITE', () => {
  const m = parsed(INVITE);
  assert.ok(m.isRequest);
  assert.is(m.method, 'INVITE');
  assert.is(m.requestUri, 'sip:1002@pbx.example.com');
  assert.is(m.statusCode, 0);
  assert.is(m.callId, 'a84b4c76e66710@10.0.0.21');
  assert.is(m.cseq, 314159);
  assert.is(m.cseqMethod, 'INVITE');
  assert.equal([m.from, m.fromTag, m.fromDisplay], ['sip:1001@pbx.example.com', '1928301774', 'Alice']);
  assert.equal([m.to, m.toTag, m.toDisplay], ['sip:1002@pbx.example.com', '', 'Bob']);
  assert.is(m.contact, 'sip:1001@10.0.0.21:5060');
  assert.is(m.userAgent, 'snomD785/10.1.33.33');
  assert.is(m.contentType, 'application/sdp');
  assert.is(m.contentLength, 31);
  assert.is(m.body.toString(), 'v=0\r\no=- 1 1 IN IP4 10.0.0.21\r\n');
  assert.is(m.body.buffer, INVITE.buffer, 'the body is a view, not a copy');
  assert.is(m.headerCount, 12);
  assert.equal(m.anomalies, []);
});

parse('takes expires from a single Contact when there is no Expires header (RFC 3261 §10.2.1.1)', () => {
  assert.is(parsed(INVITE).expires, 3600);
  const both = sip('REGISTER sip:pbx SIP/2.0\nVia: SIP/2.0/UDP h\nExpires: 60\nContact: <sip:a@h>;expires=3600\nCall-ID: x\nCSeq: 1 REGISTER\nFrom: <sip:a@pbx>;tag=1\nTo: <sip:a@pbx>\n\n');
  assert.is(parsed(both).expires, 60);
  const two = sip('REGISTER sip:pbx SIP/2.0\nContact: <sip:a@h>;expires=30, <sip:a@g>;expires=40\n\n');
  assert.is(parsed(two).expires, -1);
  assert.is(parsed(two).contact, 'sip:a@h');
  assert.is(parsed(sip('REGISTER sip:pbx SIP/2.0\nContact: *\nExpires: 0\n\n')).contact, '*');
});

parse('splits Via values in order with transport, sent-by, branch, received and rport', () => {
  const [a, b] = parsed(INVITE).vias;
  assert.equal(a, { transport: 'UDP', host: '10.0.0.21', port: 5060, branch: 'z9hG4bK776asdhds', received: '', rport: '' });
  assert.equal(b, { transport: 'TCP', host: '2001:db8::9', port: 5070, branch: 'z9hG4bK-2', received: '2001:db8::99', rport: '5071' });
});

parse('parses Digest Proxy-Authorization parameters', () => {
  const auth = parsed(INVITE).authorization;
  assert.ok(auth);
  assert.is(auth?.header, 'proxy-authorization');
  assert.is(auth?.scheme, 'Digest');
  assert.equal({ ...auth?.params }, {
    username: '1001', realm: 'asterisk', nonce: '4b1e6a3c', uri: 'sip:1002@pbx.example.com',
    response: '6629fae49393a05397450978507c4ef1', algorithm: 'MD5',
  });
});

parse('reports the CSeq method as the method of a response, with status and reason', () => {
  const m = parsed(sip(`SIP/2.0 401 Unauthorized
Via: SIP/2.0/UDP 10.0.0.21:5060;branch=z9hG4bK1
From: <sip:1001@pbx>;tag=a
To: <sip:1001@pbx>;tag=b
Call-ID: c1
CSeq: 2 REGISTER
Server: Asterisk PBX 18.12.0
WWW-Authenticate: Digest realm="asterisk",nonce="1700000000/abc",opaque="",algorithm=md5,qop="auth"
Content-Length: 0

`));
  assert.not.ok(m.isRequest);
  assert.equal([m.statusCode, m.reason, m.method, m.requestUri], [401, 'Unauthorized', 'REGISTER', '']);
  assert.is(m.server, 'Asterisk PBX 18.12.0');
  assert.is(m.challenge?.header, 'www-authenticate');
  assert.equal({ ...m.challenge?.params }, { realm: 'asterisk', nonce: '1700000000/abc', opaque: '', algorithm: 'md5', qop: 'auth' });
});

parse('maps compact header names (RFC 3261 §7.3.3): i f t v l m c k s', () => {
  const m = parsed(sip(`MESSAGE sip:b@h SIP/2.0
v: SIP/2.0/UDP h;branch=z9hG4bKx
f: <sip:a@h>;tag=9
t: sip:b@h
i: compact@h
m: <sip:a@10.0.0.1>
c: text/plain
k: 100rel
s: hi
CSeq: 1 MESSAGE
l: 2

ok`));
  assert.equal([m.from, m.fromTag, m.to, m.callId, m.contact, m.contentType, m.contentLength, m.vias.length],
    ['sip:a@h', '9', 'sip:b@h', 'compact@h', 'sip:a@10.0.0.1', 'text/plain', 2, 1]);
  assert.is(m.header('Supported'), '100rel');
  assert.is(m.header('subject'), 'hi');
  assert.is(m.header('S'), 'hi');
  assert.is(m.header('Call-ID'), 'compact@h');
  assert.is(m.body.toString(), 'ok');
});

parse('reads a real compact-form INVITE (Suricata sip-compact-form)', () => {
  const [p] = payloads('OISF__suricata-verify/tests__sip-compact-form__sip_compact_form.pcap');
  const m = parsed(p.payload);
  assert.equal([m.method, m.callId, m.cseq, m.to, m.from, m.fromTag, m.contentType, m.contentLength],
    ['INVITE', '105090259-446faf7a@192.168.1.2', 1, 'sip:97239287044@voip.brujula.net', 'sip:816666@voip.brurjula.net', '6433ef9', 'application/sdp', 272]);
  assert.equal(m.vias.map((v) => [v.transport, v.host, v.port, v.rport]), [['UDP', '192.168.1.2', 5060, '']]);
  assert.is(m.userAgent, 'Nero SIPPS IP Phone Version 2.0.51.16');
  assert.is(m.expires, 120);
});

parse('keeps the first of a header given in both compact and long form and names the duplicate (Suricata sip-header-multi-value)', () => {
  const [p] = payloads('OISF__suricata-verify/tests__sip-header-multi-value__sip_header_multi_val.pcap');
  const m = parsed(p.payload);
  assert.is(m.to, 'sip:97239287044@voip.brujula.net');
  assert.equal(m.headerValues('To'), ['<sip:97239287044@voip.brujula.net>', '<sip:12345@voip.brujula.net>']);
  assert.ok(m.anomalies.includes('sip_duplicate_header'));
});

parse('unfolds folded header lines and allows LWS around colons, semicolons and slashes (RFC 4475 wsinv)', () => {
  const m = parsed(torture('wsinv'));
  assert.equal([m.to, m.toTag], ['sip:vivekg@chair-dnrc.example.com', '1918181833n']);
  assert.equal([m.from, m.fromTag, m.fromDisplay], ['sip:jdrosen@example.com', '98asjd8', 'J Rosenberg \\"']);
  assert.equal([m.cseq, m.cseqMethod], [9, 'INVITE']);
  assert.is(m.header('NewFangledHeader'), 'newfangled value continued newfangled value');
  assert.is(m.header('UnknownHeaderWithUnusualValue'), ';;,,;;,;');
  assert.is(m.header('s'), '');
  assert.is(m.header('max-forwards'), '0068');
  assert.is(m.header('Route'), '<sip:services.example.com;lr;unknownwith=value;unknown-no-value>');
  assert.equal(m.vias.map((v) => `${v.transport} ${v.host} ${v.branch}`), [
    'UDP 192.0.2.2 390skdjuw', 'TCP spindle.example.com z9hG4bK9ikj8', 'UDP 192.168.255.111 z9hG4bK30239',
  ]);
  assert.is(m.contact, 'sip:jdrosen@example.com');
  assert.is(m.contentLength, 150);
  assert.is(m.body.length, 150);
});

parse('reads the unusual tokens, quoted-pairs and UTF-8 of RFC 4475 intmeth', () => {
  const m = parsed(torture('intmeth'));
  assert.is(m.method, "!interesting-Method0123456789_*+`.%indeed'~");
  assert.is(m.cseqMethod, m.method);
  assert.is(m.callId, 'intmeth.word%ZK-!.*_+\'@word`~)(><:\\/"][?}{');
  assert.is(m.to, "sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*@example.com");
  assert.is(m.toDisplay, 'BEL:\x07 NUL:\x00 DEL:\x7f');
  assert.equal([m.from, m.fromDisplay, m.fromTag], ['sip:mundane@example.com', "token1~` token2'+_ token3*%!.-", "_token~1'+`*%!-."]);
  assert.is(m.header("extensionHeader-!.%*+_`'~"), '\ufeff大停電');
  assert.equal(m.anomalies, []);
});

parse('keeps a display name that is not a quoted string (RFC 4475 lwsdisp, baddn; Suricata \\"arik\\")', () => {
  assert.equal([parsed(torture('lwsdisp')).fromDisplay, parsed(torture('lwsdisp')).from], ['caller', 'sip:caller@example.com']);
  assert.equal([parsed(torture('baddn')).fromDisplay, parsed(torture('baddn')).to], ['Bell, Alexander', 'sip:t.watson@example.org']);
  const m = parsed(sip('INVITE sip:a@h SIP/2.0\nFrom: \\"arik\\" <sip:816666@voip.example>;tag=6433ef9\n\n'));
  assert.equal([m.from, m.fromTag], ['sip:816666@voip.example', '6433ef9']);
});

parse('names an unterminated quoted display name and still finds the URI (RFC 4475 quotbal)', () => {
  const m = parsed(torture('quotbal'));
  assert.ok(m.anomalies.includes('sip_bad_to'));
  assert.is(m.to, 'sip:j.user@example.com');
});

parse('counts 34 Via values given as Via, v, V and mixed-case names (RFC 4475 longreq)', () => {
  const m = parsed(torture('longreq'));
  assert.is(m.vias.length, 34);
  assert.equal(m.vias.slice(0, 3).map((v) => v.host), ['sip33.example.com', 'sip32.example.com', 'sip31.example.com']);
  assert.is(m.vias[33].branch, `very${'long'.repeat(50)}branchvalue`);
  assert.is(m.vias[33].received, '192.0.2.5');
  assert.is(m.fromTag, `12${'982'.repeat(50)}424`);
  assert.is(m.to, `sip:user@example.com:6000;unknownparam1=very${'long'.repeat(20)}value;longparam${'name'.repeat(25)}=shortvalue;very${'long'.repeat(25)}ParameterNameWithNoValue`);
});

parse('skips junk before a UDP request and names it (Zeek sip-junk-before-request)', () => {
  // The trace sends the four NULs in their own datagram; Zeek reads the flow as one stream and
  // reports the NULs as junk before the REGISTER. Per datagram, the NULs are simply not SIP.
  const [junk, register] = payloads('zeek__zeek/testing__btest__Traces__sip__sip-junk-before-request.pcap');
  assert.equal([...junk.payload], [0, 0, 0, 0]);
  assert.not.ok(looksLikeSip(junk.payload));
  assert.equal(parseSipMessage(junk.payload), { ok: false, error: 'sip_bad_start_line' });
  assert.equal([parsed(register.payload).method, parsed(register.payload).junkBytes], ['REGISTER', 0]);
  const joined = Buffer.concat([junk.payload, register.payload]);
  const m = parsed(joined);
  assert.equal([m.method, m.requestUri, m.junkBytes, m.expires], ['REGISTER', 'sip:1.1.1.1:5060', 4, 3600]);
  for (const a of ['sip_junk_before_request', 'sip_no_call_id', 'sip_no_cseq', 'sip_no_from', 'sip_no_to', 'sip_no_via'] as const) {
    assert.ok(m.anomalies.includes(a), a);
  }
  assert.equal(parseSipMessage(joined, { stream: true }), { ok: false, error: 'sip_bad_start_line' }, 'streams do not skip junk');
});

parse('keeps messages whose Content-Length is not a number and names it (Zeek invalid-content-length)', () => {
  const msgs = payloads('zeek__zeek/testing__btest__Traces__sip__invalid-content-length.pcap').map((p) => parsed(p.payload));
  assert.equal(msgs.map((m) => [m.isRequest ? m.method : m.statusCode, m.contentLength, m.body.length]), [['INVITE', -1, 0], [200, -1, 0]]);
  for (const m of msgs) assert.ok(m.anomalies.includes('sip_invalid_content_length'));
  const ncl = parsed(torture('ncl'));
  assert.ok(ncl.anomalies.includes('sip_invalid_content_length'), 'negative');
  assert.is(ncl.body.length, 152, 'a UDP body then runs to the end of the datagram');
});

parse('takes the rest of a datagram as body when Content-Length is absent (RFC 4475 inv2543)', () => {
  const m = parsed(torture('inv2543'));
  assert.is(m.contentLength, -1);
  assert.ok(m.body.toString().startsWith('v=0\r\n'));
  assert.ok(m.body.toString().endsWith('m=audio 49217 RTP/AVP 0\r\n'));
  assert.equal(m.anomalies, []);
});

parse('discards bytes beyond Content-Length on UDP and names non-blank ones (RFC 3261 §18.3; RFC 4475 dblreq)', () => {
  const m = parsed(torture('dblreq'));
  assert.equal([m.method, m.body.length], ['REGISTER', 0]);
  assert.ok(m.anomalies.includes('sip_trailing_bytes'));
  assert.equal(parsed(torture('wsinv')).anomalies, []);
});

parse('names a body shorter than Content-Length and keeps what arrived (RFC 4475 clerr)', () => {
  const m = parsed(torture('clerr'));
  assert.is(m.contentLength, 9999);
  assert.is(m.body.length, 154);
  assert.ok(m.anomalies.includes('sip_body_truncated'));
});

parse('names conflicting Content-Length values and keeps the first (RFC 4475 mcl01)', () => {
  const m = parsed(torture('mcl01'));
  assert.is(m.contentLength, 13);
  assert.ok(m.anomalies.includes('sip_conflicting_content_length'));
});

parse('on streams the body is exactly Content-Length bytes and a missing one is named (RFC 3261 §18.3)', () => {
  assert.is(parsed(INVITE, true).body.length, 31);
  const m = parsed(sip('OPTIONS sip:a@h SIP/2.0\nCall-ID: x\n\nextra'), true);
  assert.is(m.body.length, 0);
  assert.ok(m.anomalies.includes('sip_missing_content_length'));
});

parse('names missing mandatory headers but returns the message (RFC 4475 insuf)', () => {
  const m = parsed(torture('insuf'));
  assert.equal([m.method, m.callId, m.from, m.to], ['INVITE', '', '', '']);
  assert.equal([...m.anomalies].sort(), ['sip_no_call_id', 'sip_no_from', 'sip_no_to']);
});

parse('names a CSeq method that differs from the request method (RFC 4475 mismatch01, mismatch02)', () => {
  const a = parsed(torture('mismatch01'));
  assert.equal([a.method, a.cseqMethod], ['OPTIONS', 'INVITE']);
  assert.ok(a.anomalies.includes('sip_cseq_method_mismatch'));
  assert.ok(parsed(torture('mismatch02')).anomalies.includes('sip_cseq_method_mismatch'));
});

parse('names CSeq numbers of 2^31 and above (RFC 4475 scalar02, scalarlg)', () => {
  const m = parsed(torture('scalar02'));
  assert.equal([m.cseq, m.cseqMethod, m.expires], [-1, 'REGISTER', -1]);
  assert.ok(m.anomalies.includes('sip_invalid_cseq'));
  const r = parsed(torture('scalarlg'));
  assert.equal([r.statusCode, r.cseq, r.method], [503, -1, 'OPTIONS']);
  assert.is(parsed(sip('OPTIONS sip:a@h SIP/2.0\nCSeq: 2147483647 OPTIONS\n\n')).cseq, 2147483647);
});

parse('returns an error for start lines that are not SIP/2.0 (RFC 4475 invalid messages)', () => {
  const expected: Record<string, string> = {
    ltgtruri: 'sip_bad_request_uri', lwsruri: 'sip_bad_start_line', lwsstart: 'sip_bad_start_line',
    trws: 'sip_bad_start_line', badvers: 'sip_bad_version', bigcode: 'sip_bad_status_code',
  };
  for (const [name, error] of Object.entries(expected)) assert.equal(parseSipMessage(torture(name)), { ok: false, error }, name);
  assert.equal(parseSipMessage(Buffer.from('\r\n\r\n')), { ok: false, error: 'sip_empty' });
  assert.equal(parseSipMessage(Buffer.alloc(0)), { ok: false, error: 'sip_empty' });
  assert.equal(parseSipMessage(sip('SIP/2.0 099 Low\n\n')), { ok: false, error: 'sip_bad_status_code' });
  assert.equal(parseSipMessage(sip('SIP/2.0 700 High\n\n')), { ok: false, error: 'sip_bad_status_code' });
});

parse('accepts a status line without reason phrase, a lower-case version and bare LF line ends', () => {
  assert.equal([parsed(torture('noreason')).statusCode, parsed(torture('noreason')).reason], [100, '']);
  assert.is(parsed(Buffer.from('SIP/2.0 180\r\n\r\n')).statusCode, 180);
  const m = parsed(Buffer.from('options sip:a@h sip/2.0\nCall-ID: lf\nContent-Length: 0\n\n'));
  assert.equal([m.method, m.callId, m.contentLength], ['options', 'lf', 0]);
  assert.is(parsed(torture('unreason')).reason, '= 2**3 * 5**2 но сто девяносто девять - простое');
});

parse('names header lines without a colon and skips them', () => {
  const m = parsed(sip('OPTIONS sip:a@h SIP/2.0\nthis is not a header\nCall-ID: ok\n\n'));
  assert.is(m.callId, 'ok');
  assert.ok(m.anomalies.includes('sip_bad_header_line'));
});

parse('names a message whose header section has no end', () => {
  const m = parsed(Buffer.from('OPTIONS sip:a@h SIP/2.0\r\nCall-ID: cut'));
  assert.is(m.callId, 'cut');
  assert.ok(m.anomalies.includes('sip_unterminated_headers'));
});

parse(`bounds the header count (${MAX_SIP_HEADERS}), one header line (${MAX_SIP_HEADER_LINE} bytes) and the head (${MAX_SIP_HEADER_BYTES} bytes)`, () => {
  const many = `OPTIONS sip:a@h SIP/2.0\r\n${'X-A: 1\r\n'.repeat(MAX_SIP_HEADERS + 1)}\r\n`;
  assert.equal(parseSipMessage(Buffer.from(many)), { ok: false, error: 'sip_too_many_headers' });
  const long = `OPTIONS sip:a@h SIP/2.0\r\nX-A: ${'a'.repeat(MAX_SIP_HEADER_LINE)}\r\n\r\n`;
  assert.equal(parseSipMessage(Buffer.from(long)), { ok: false, error: 'sip_header_too_long' });
  const folded = `OPTIONS sip:a@h SIP/2.0\r\nX-A: a\r\n${` ${'b'.repeat(1000)}\r\n`.repeat(20)}\r\n`;
  assert.equal(parseSipMessage(Buffer.from(folded)), { ok: false, error: 'sip_header_too_long' });
  const huge = `OPTIONS sip:a@h SIP/2.0\r\n${`X-${'a'.repeat(8000)}: 1\r\n`.repeat(10)}\r\n`;
  assert.equal(parseSipMessage(Buffer.from(huge)), { ok: false, error: 'sip_headers_too_large' });
});

parse('unfolds in linear time a folded header whose value holds a long run of WSP not followed by LF (fuzz regression)', () => {
  // bench/fuzz.ts (seed 1) found a To header whose quoted display name was thousands of tabs,
  // continued on a folded line: unfolding with a regular expression backtracked over the run
  // quadratically (1.4 s for this 60 KB message). Minimized: start line + folded headers.
  const run = '\t'.repeat(15_000);
  const folded = (name: string) => `${name}: "x${run}y" <sip:a@h>\r\n\t;tag=1\r\n`;
  const msg = Buffer.from(`UPDATE sip:a@h SIP/2.0\r\n${['From', 'To', 'Contact', 'Call-ID'].map(folded).join('')}\r\n`);
  const t0 = process.hrtime.bigint();
  const m = parsed(msg);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  assert.ok(ms < 100, `parsing took ${ms.toFixed(1)} ms`);
  assert.is(m.header('to'), `"x${run}y" <sip:a@h> ;tag=1`);
  assert.equal([m.to, m.toTag], ['sip:a@h', '1']);
  // The fold is *WSP [CR] LF *WSP; WSP before a stray CR and a CR alone are not part of it.
  const odd = parsed(Buffer.from('OPTIONS sip:a@h SIP/2.0\r\nX-A: a \t\r\n \t b\n c \r \r\n\td\r\n\r\n'));
  assert.is(odd.header('x-a'), 'a b c \r d');
});

parse(`keeps at most ${MAX_SIP_VIAS} Via values and names the rest (Zeek sip-long-request-response-paths)`, () => {
  const list = Array.from({ length: 100 }, (_, i) => `SIP/2.0/UDP h${i}`).join(', ');
  const m = parsed(Buffer.from(`OPTIONS sip:a@h SIP/2.0\r\nVia: ${list}\r\n\r\n`));
  assert.is(m.vias.length, MAX_SIP_VIAS);
  assert.ok(m.anomalies.includes('sip_too_many_vias'));
  for (const p of payloads('zeek__zeek/testing__btest__Traces__sip__sip-long-request-response-paths.pcap')) {
    const z = parsed(p.payload);
    assert.ok(z.vias.length > 1 && z.vias.length <= MAX_SIP_VIAS);
    assert.is(z.vias[0].branch, 'z9hG4bK0');
  }
});

parse('names unparsable Via values and keeps the others (RFC 4475 badinv01)', () => {
  const m = parsed(torture('badinv01'));
  assert.equal(m.vias.map((v) => v.host), ['192.0.2.15']);
  assert.ok(m.anomalies.includes('sip_bad_via'));
});

parse('header() and headerValues() match names case-insensitively across compact and long forms', () => {
  const m = parsed(torture('esc02'));
  assert.equal(m.headerValues('contact'), ['<sip:alias1@host1.example.com>', '<sip:alias3@host3.example.com>']);
  assert.is(m.header('C%6Fntact'), '<sip:alias2@host2.example.com>', 'an escaped name is another header');
  assert.is(m.header('l'), '0');
  assert.is(m.header('CONTENT-LENGTH'), '0');
  assert.is(m.header('X-Missing'), null);
  assert.equal(m.headerValues('X-Missing'), []);
});

parse('parses every SIP datagram of a real PBX trace (Zeek wireshark.pcap)', () => {
  const counts: Record<string, number> = {};
  let challenges = 0;
  let authorizations = 0;
  for (const p of payloads('zeek__zeek/testing__btest__Traces__sip__wireshark.pcap')) {
    const m = parsed(p.payload);
    const key = m.isRequest ? m.method : String(m.statusCode);
    counts[key] = (counts[key] ?? 0) + 1;
    if (m.challenge) challenges++;
    if (m.authorization) authorizations++;
    assert.ok(m.callId && m.cseq >= 0 && m.from && m.to && m.vias.length > 0, `${key} has its dialog headers`);
  }
  // tshark 4.0.17 on the same trace: 81 messages, 17 challenges, 12 Authorization.
  assert.equal(counts, { REGISTER: 18, INVITE: 11, CANCEL: 11, ACK: 7, 100: 7, 183: 1, 200: 3, 401: 14, 403: 3, 407: 3, 408: 2, 480: 1 });
  assert.is(challenges, 17);
  assert.is(authorizations, 12);
});

parse('never throws on truncated torture messages or random bytes', () => {
  for (const f of readdirSync(TORTURE).filter((n) => n.endsWith('.dat'))) {
    const buf = readFileSync(`${TORTURE}${f}`);
    for (let n = 0; n <= buf.length; n += 3) {
      parseSipMessage(buf.subarray(0, n));
      parseSipMessage(buf.subarray(0, n), { stream: true });
      frameSipStream(buf.subarray(0, n));
    }
  }
  let seed = 11;
  const rnd = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed; };
  const alphabet = Buffer.from('INVITE sip:a@b SIP/2.0\r\n:;,"<>\\ \tViaCSeq0123456789\x00\xff');
  for (let n = 0; n < 3000; n++) {
    const b = Buffer.alloc(rnd() % 200);
    for (let i = 0; i < b.length; i++) b[i] = alphabet[rnd() % alphabet.length];
    const r = parseSipMessage(b);
    if (r.ok) { r.message.header('via'); r.message.headerValues('to'); }
    frameSipStream(b);
    looksLikeSip(b);
  }
});

parse.run();

const looks = suite('looksLikeSip');

looks('accepts every SIP datagram of a real trace and leading CRLFs', () => {
  for (const p of payloads('zeek__zeek/testing__btest__Traces__sip__wireshark.pcap')) assert.ok(looksLikeSip(p.payload));
  assert.ok(looksLikeSip(Buffer.from('\r\nOPTIONS sip:a@h SIP/2.0\r\n\r\n')));
  assert.ok(looksLikeSip(Buffer.from('SIP/2.0 200 OK\r\n')));
  assert.ok(looksLikeSip(Buffer.from('SIP/2.0 200 partial')), 'a response needs only its status code');
});

looks('rejects SSDP (Suricata sip-ssdp-pm NOTIFY * HTTP/1.1) and M-SEARCH', () => {
  const [p] = payloads('OISF__suricata-verify/tests__sip-ssdp-pm__ssdp.pcap');
  assert.ok(p.payload.toString('latin1').startsWith('NOTIFY * HTTP/1.1'));
  assert.not.ok(looksLikeSip(p.payload));
  assert.not.ok(looksLikeSip(Buffer.from('M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n\r\n')));
});

looks('rejects HTTP on the SIP port (nDPI http_on_sip_port) and keep-alive datagrams (nDPI sip_hello)', () => {
  for (const p of payloads('ntop__nDPI/tests__cfgs__default__pcap__http_on_sip_port.pcap')) assert.not.ok(looksLikeSip(p.payload));
  const hello = payloads('ntop__nDPI/tests__cfgs__default__pcap__sip_hello.pcapng').filter((p) => !looksLikeSip(p.payload));
  assert.ok(hello.length > 0 && hello.every((p) => p.payload.toString() === 'hello'));
  assert.not.ok(looksLikeSip(Buffer.from('OPTIONS / HTTP/1.1\r\nHost: x\r\n\r\n')));
});

looks('rejects junk-prefixed, truncated and binary payloads', () => {
  assert.not.ok(looksLikeSip(Buffer.concat([Buffer.alloc(4), Buffer.from('REGISTER sip:a SIP/2.0\r\n\r\n')])));
  assert.not.ok(looksLikeSip(Buffer.from('INVITE sip:a@b SIP')));
  assert.not.ok(looksLikeSip(Buffer.from([0x80, 0x00, 0x12, 0x34, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0xff])));
  assert.not.ok(looksLikeSip(Buffer.from('SIP/2.0 2xx Odd\r\n')));
});

looks.run();

const start = suite('findSipStart');

start('finds a start line after junk within the first bytes', () => {
  const junk = Buffer.concat([Buffer.from([0, 0, 0, 0]), Buffer.from('REGISTER sip:1.1.1.1:5060 SIP/2.0\r\n\r\n')]);
  assert.is(findSipStart(junk), 4);
  assert.is(findSipStart(Buffer.from('OPTIONS sip:a@h SIP/2.0\r\n')), 0);
  assert.is(findSipStart(Buffer.from('no sip here at all, just text\r\n')), -1);
  assert.is(findSipStart(Buffer.concat([Buffer.alloc(200), Buffer.from('OPTIONS sip:a@h SIP/2.0\r\n')])), -1);
});

start.run();

const frame = suite('frameSipStream');

frame('frames every message of a real SIP-over-TCP trace like tshark does (heplify sip_ipv4_tcp_fragmented)', () => {
  const counts: Record<string, number> = {};
  let total = 0;
  for (const stream of tcpStreams(payloads('sipcapture__heplify/example__pcap__sip_ipv4_tcp_fragmented.pcap'))) {
    let off = 0;
    while (off < stream.length) {
      const f = frameSipStream(stream.subarray(off));
      if (f.kind === 'need') break;
      assert.is(f.kind, 'message', `framing at ${off}: ${JSON.stringify(f)}`);
      if (f.kind !== 'message') break;
      const m = parsed(stream.subarray(off, off + f.length), true);
      assert.equal(m.anomalies, []);
      const key = m.isRequest ? m.method : String(m.statusCode);
      counts[key] = (counts[key] ?? 0) + 1;
      total++;
      off += f.length;
    }
  }
  // tshark -d tcp.port==6060,sip on the same trace: 406 messages.
  assert.is(total, 406);
  assert.equal(counts, {
    INVITE: 37, ACK: 37, UPDATE: 63, OPTIONS: 5, BYE: 34, PRACK: 5, CANCEL: 2,
    100: 36, 180: 33, 182: 2, 183: 6, 200: 142, 403: 1, 486: 1, 487: 2,
  });
});

frame('frames a real REGISTER and 200 over TCP (Suricata sip-tcp-method)', () => {
  const heads: string[] = [];
  for (const stream of tcpStreams(payloads('OISF__suricata-verify/tests__sip-tcp-method__sip-tcp.pcap'))) {
    const f = frameSipStream(stream);
    assert.equal(f, { kind: 'message', length: stream.length });
    const m = parsed(stream, true);
    heads.push(m.isRequest ? m.method : String(m.statusCode));
  }
  assert.equal(heads.sort(), ['200', 'REGISTER']);
});

frame('asks for more until the head and then the body are complete', () => {
  const msg = INVITE;
  const headEnd = msg.indexOf('\r\n\r\n') + 4;
  for (let n = 1; n < headEnd; n += 7) assert.is(frameSipStream(msg.subarray(0, n)).kind, 'need', `at ${n}`);
  assert.equal(frameSipStream(msg.subarray(0, headEnd)), { kind: 'need', needed: 31, consumed: 0 });
  assert.equal(frameSipStream(msg.subarray(0, msg.length - 1)), { kind: 'need', needed: 1, consumed: 0 });
  assert.equal(frameSipStream(msg), { kind: 'message', length: msg.length });
  assert.equal(frameSipStream(Buffer.concat([msg, msg])), { kind: 'message', length: msg.length });
});

frame('counts CRLF keep-alives as part of the next frame and reports them while waiting (RFC 5626 §3.5.1)', () => {
  assert.equal(frameSipStream(Buffer.from('\r\n\r\n')), { kind: 'need', needed: 1, consumed: 4 });
  const withPing = Buffer.concat([Buffer.from('\r\n\r\n'), INVITE]);
  assert.equal(frameSipStream(withPing), { kind: 'message', length: withPing.length });
  assert.is(parsed(withPing, true).callId, 'a84b4c76e66710@10.0.0.21');
});

frame('treats a missing Content-Length as an empty body (RFC 3261 §18.3 makes it mandatory on streams)', () => {
  const two = Buffer.from('OPTIONS sip:a@h SIP/2.0\r\nCall-ID: 1\r\n\r\nOPTIONS sip:a@h SIP/2.0\r\nCall-ID: 2\r\n\r\n');
  const f = frameSipStream(two);
  assert.equal(f, { kind: 'message', length: two.length / 2 });
});

frame('reports streams that are not SIP with a skip to the next start line', () => {
  const junk = Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\nOPTIONS sip:a@h SIP/2.0\r\nl: 0\r\n\r\n');
  const f = frameSipStream(junk);
  assert.equal(f, { kind: 'malformed', error: 'sip_bad_start_line', skip: junk.indexOf('OPTIONS') });
  assert.is(frameSipStream(junk.subarray((f as { skip: number }).skip)).kind, 'message');
  const tls = Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]);
  assert.equal(frameSipStream(tls), { kind: 'malformed', error: 'sip_bad_start_line', skip: tls.length });
});

frame('reports invalid, conflicting and oversized Content-Length with a skip past the head', () => {
  const bad = Buffer.from('INVITE sip:a@h SIP/2.0\r\nContent-Length: five\r\n\r\nabcde');
  assert.equal(frameSipStream(bad), { kind: 'malformed', error: 'sip_invalid_content_length', skip: bad.indexOf('abcde') });
  assert.equal(frameSipStream(torture('ncl')).kind, 'malformed');
  assert.equal((frameSipStream(torture('mcl01')) as { error: string }).error, 'sip_conflicting_content_length');
  const big = Buffer.from(`INVITE sip:a@h SIP/2.0\r\nl: ${MAX_SIP_BODY + 1}\r\n\r\n`);
  assert.equal(frameSipStream(big), { kind: 'malformed', error: 'sip_body_too_large', skip: big.length });
});

frame(`gives up on a head longer than ${MAX_SIP_HEADER_BYTES} bytes`, () => {
  const head = Buffer.from(`OPTIONS sip:a@h SIP/2.0\r\n${'X-Pad: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n'.repeat(1200)}`);
  assert.equal(frameSipStream(head), { kind: 'malformed', error: 'sip_headers_too_large', skip: head.length });
});

frame('always skips between 1 byte and the whole buffer on malformed input', () => {
  let seed = 3;
  const rnd = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed; };
  const alphabet = Buffer.from('OPTIONS sip:a@h SIP/2.0\r\nl: 9x\x00');
  for (let n = 0; n < 3000; n++) {
    const b = Buffer.alloc(1 + (rnd() % 120));
    for (let i = 0; i < b.length; i++) b[i] = alphabet[rnd() % alphabet.length];
    const f: SipFrame = frameSipStream(b);
    if (f.kind === 'malformed') assert.ok(f.skip >= 1 && f.skip <= b.length, `skip ${f.skip} of ${b.length}`);
    if (f.kind === 'message') assert.ok(f.length >= 1 && f.length <= b.length);
  }
});

frame.run();

const uri = suite('parseSipUri');

uri('splits user, host and port of sip and sips URIs', () => {
  assert.equal(parseSipUri('sip:1001@pbx.example.com'), { scheme: 'sip', user: '1001', host: 'pbx.example.com', port: 0 });
  assert.equal(parseSipUri('SIPS:Alice@AtLanTa.CoM:5061;transport=tls?subject=x'), { scheme: 'sips', user: 'Alice', host: 'atlanta.com', port: 5061 });
  assert.equal(parseSipUri('sip:pbx.example.com;lr'), { scheme: 'sip', user: '', host: 'pbx.example.com', port: 0 });
  assert.equal(parseSipUri('sip:1001@[2001:db8::1]:5080'), { scheme: 'sip', user: '1001', host: '2001:db8::1', port: 5080 });
});

uri('accepts a URI in angle brackets after a display name', () => {
  assert.equal(parseSipUri('"Bob" <sip:1002@10.0.0.5:5060>;tag=x'), { scheme: 'sip', user: '1002', host: '10.0.0.5', port: 5060 });
});

uri('drops the password and decodes escapes in the user (RFC 3261 §19.1.4; RFC 4475 esc01)', () => {
  assert.equal(parseSipUri('sip:alice:secretword@atlanta.com'), { scheme: 'sip', user: 'alice', host: 'atlanta.com', port: 0 });
  assert.is(parseSipUri('sip:%75se%72@example.com')?.user, 'user');
  assert.is(parseSipUri('sip:sips%3Auser%40example.com@example.net')?.user, 'sips:user@example.com');
  assert.is(parseSipUri('sip:null-%00-null@example.com')?.user, 'null-\0-null');
  assert.is(parseSipUri('sip:bad%zzescape@h')?.user, 'bad%zzescape');
});

uri('keeps ";" and "?" that belong to the user part (RFC 4475 semiuri, intmeth)', () => {
  assert.equal(parseSipUri('sip:user;par=u%40example.net@example.com'), { scheme: 'sip', user: 'user;par=u@example.net', host: 'example.com', port: 0 });
  const odd = parseSipUri("sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com");
  assert.equal(odd, { scheme: 'sip', user: "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*", host: 'example.com', port: 0 });
});

uri('reads tel URIs and reports other schemes without user or host', () => {
  assert.equal(parseSipUri('tel:+1-201-555-0123;phone-context=example.com'), { scheme: 'tel', user: '+1-201-555-0123', host: '', port: 0 });
  assert.equal(parseSipUri('isbn:2983792873'), { scheme: 'isbn', user: '', host: '', port: 0 });
  assert.equal(parseSipUri('soap.beep://192.0.2.103:3002'), { scheme: 'soap.beep', user: '', host: '', port: 0 });
});

uri('returns null without a scheme, host or valid port', () => {
  for (const bad of ['', 'user@example.com', ':x', '1sip:a@b', 'sip:', 'sip:a@', 'sip:a@h:99999', 'sip:a@h:', 'sip:a@[::1']) {
    assert.is(parseSipUri(bad), null, bad);
  }
});

uri.run();
