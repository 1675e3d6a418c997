import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import {
  looksLikeHttp, frameHttpHead, parseHttpHead, frameHttpBody, extractTitle, parseFormFields,
  findPasswordField, findUserField, MAX_HTTP_HEAD, type HttpRequest, type HttpResponse,
} from '../parsers/http.ts';
import { readPayloads, tcpStream, PUBLIC_CAPTURES } from './support/capture-payloads.ts';

const havePublic = existsSync(PUBLIC_CAPTURES);
if (!havePublic) console.warn(`SKIPPED: ${PUBLIC_CAPTURES} is missing; the http tests on public captures report as failures`);

/** One direction of a TCP connection of a public capture, reassembled by sequence number. */
const stream = (name: string, srcPort: number, dstPort: number): Buffer => {
  assert.ok(havePublic, `public captures missing: ${PUBLIC_CAPTURES}`);
  const s = tcpStream(readPayloads(`${PUBLIC_CAPTURES}/${name}`), srcPort, dstPort);
  assert.ok(s.length > 0, `${name} ${srcPort}>${dstPort} is empty`);
  return s;
};

const request = (buf: Buffer): HttpRequest => {
  const h = parseHttpHead(buf);
  assert.ok(h && h.kind === 'request', 'not a request');
  return h;
};
const response = (buf: Buffer): HttpResponse => {
  const h = parseHttpHead(buf);
  assert.ok(h && h.kind === 'response', 'not a response');
  return h;
};
const crlf = (...lines: string[]): Buffer => Buffer.from(lines.join('\r\n'), 'latin1');

// ---------------------------------------------------------------------------------------
const looks = suite('looksLikeHttp');

looks('recognises requests and responses of public captures, including HTTP on the SIP port', () => {
  assert.is(looksLikeHttp(stream('arkime__arkime/tests__pcap__http-basicauth.pcap', 1087, 2082)), 'request');
  assert.is(looksLikeHttp(stream('arkime__arkime/tests__pcap__http-basicauth.pcap', 2082, 1087)), 'response');
  assert.is(looksLikeHttp(stream('ntop__nDPI/tests__cfgs__default__pcap__http_on_sip_port.pcap', 5060, 8888)), 'request');
});

looks('answers from an incomplete first line, and rejects SIP, lower-case methods and binary data', () => {
  assert.is(looksLikeHttp(Buffer.from('GET /index.h')), 'request');
  assert.is(looksLikeHttp(Buffer.from('HTTP/1.0 401 ')), 'response');
  assert.is(looksLikeHttp(Buffer.from('OPTIONS sip:100@10.0.0.1 SIP/2.0\r\nVia: x\r\n')), null);
  assert.is(looksLikeHttp(Buffer.from('OPTIONS * SIP/2.0\r\n')), null);
  assert.is(looksLikeHttp(Buffer.from('INVITE sip:a@b SIP/2.0\r\n')), null);
  assert.is(looksLikeHttp(Buffer.from('SIP/2.0 200 OK\r\n')), null);
  assert.is(looksLikeHttp(Buffer.from('get / HTTP/1.1\r\n')), null);
  assert.is(looksLikeHttp(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x10])), null);
  assert.is(looksLikeHttp(Buffer.alloc(0)), null);
});

looks.run();

// ---------------------------------------------------------------------------------------
const frame = suite('frameHttpHead');

frame('finds the end of a real request head and asks for more on every shorter prefix', () => {
  const s = stream('zeek__zeek/testing__btest__Traces__http__basic-auth-with-colon.pcap', 43090, 8000);
  const end = s.indexOf('\r\n\r\n') + 4;
  assert.equal(frameHttpHead(s), { kind: 'head', headerLength: end });
  for (let n = 0; n < end; n++) assert.equal(frameHttpHead(s.subarray(0, n)), { kind: 'need' }, `prefix ${n}`);
});

frame('accepts bare-LF line ends and empty lines before the request line (RFC 9112 §2.2)', () => {
  const head = Buffer.from('\r\nGET /a HTTP/1.0\nHost: x\n\nbody');
  assert.equal(frameHttpHead(head), { kind: 'head', headerLength: head.length - 4 });
  assert.equal(request(head).path, '/a');
});

frame('gives up on heads longer than the cap and on streams that are not HTTP', () => {
  const huge = Buffer.concat([Buffer.from('GET / HTTP/1.1\r\nX: '), Buffer.alloc(MAX_HTTP_HEAD, 0x61)]);
  assert.equal(frameHttpHead(huge), { kind: 'malformed', error: 'http_head_too_long' });
  assert.equal(frameHttpHead(Buffer.from('\x00\x01binary protocol here')), { kind: 'malformed', error: 'http_not_http' });
});

frame.run();

// ---------------------------------------------------------------------------------------
const head = suite('parseHttpHead');

head('reads Basic credentials, Host and User-Agent of a request (arkime http-basicauth, values from tshark)', () => {
  const r = request(stream('arkime__arkime/tests__pcap__http-basicauth.pcap', 1087, 2082));
  assert.equal(
    { m: r.method, path: r.path, host: r.host, auth: r.authorization, ua: r.userAgent, v: r.version, cl: r.contentLength },
    { m: 'GET', path: '/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx/xxx/xxxxxxxxxxxxxxxxxxxx.js', host: '10.000.000.001:1234', auth: 'Basic dXNlcnJycnI6cGFzc3dvcmRkZGRk', ua: 'Mozilla/5.0 (Windows NT 5.1; rv:32.0) Gecko/20100101 Firefox/32.0', v: 'HTTP/1.1', cl: -1 },
  );
  const res = response(stream('arkime__arkime/tests__pcap__http-basicauth.pcap', 2082, 1087));
  assert.equal([res.status, res.reason, res.server], [304, 'Not Modified', 'cpsrvd/11.44.1.19']);
});

head('keeps a Digest Authorization header whole (arkime http-digestauth)', () => {
  const r = request(stream('arkime__arkime/tests__pcap__http-digestauth.pcap', 4411, 80));
  assert.ok(r.authorization?.startsWith('Digest username="user12345678@domain.xxxx",realm="xxxxxxx",nonce="xxxxxxxxxxxxxxxx"'), r.authorization ?? 'null');
});

head('keeps the doubled space of "Basic  dGVz..." for the credential parser (zeek basic-auth traces)', () => {
  assert.is(request(stream('zeek__zeek/testing__btest__Traces__http__basic-auth-with-colon.pcap', 43090, 8000)).authorization, 'Basic  dGVzdDoxOjM0');
  assert.is(request(stream('zeek__zeek/testing__btest__Traces__http__basic-auth-with-extra-space.pcap', 43090, 8000)).authorization, 'Basic  dGVzdDoxMjM0');
});

head('reads a 401 challenge with its realm, server and chunked framing (ntop http_auth)', () => {
  const r = request(stream('ntop__nDPI/tests__cfgs__default__pcap__http_auth.pcap', 54337, 80));
  assert.equal([r.path, r.host, r.authorization], ['/password-ok.php', 'browserspy.dk', 'Basic dGVzdDpmYWlsMg==']);
  const res = response(stream('ntop__nDPI/tests__cfgs__default__pcap__http_auth.pcap', 80, 54337));
  assert.equal(
    { s: res.status, www: res.wwwAuthenticate, server: res.server, ct: res.contentType, chunked: res.chunked, cl: res.contentLength },
    { s: 401, www: 'Basic realm="BrowserSpy.dk - HTTP Password Test"', server: 'Apache', ct: 'text/html', chunked: true, cl: -1 },
  );
});

head('finds a lower-case authorization header and splits the query (suricata mqtt trace, IPv6, port 64000)', () => {
  const r = request(stream('OISF__suricata-verify/tests__mqtt-events-missing-connect__input.pcap', 39976, 64000));
  assert.equal(
    { path: r.path, query: r.query, auth: r.authorization, host: r.host },
    { path: '/api/queues', query: 'page=1&page_size=100&name=&use_regex=false&pagination=true', auth: 'Basic c2F0dGE6Sm9sZWU5ZmFpcjln', host: 'bln01sm0001.mgmt.sentralnet.de:15672' },
  );
});

head('answers header() case-insensitively, lists repeated fields and unfolds obs-fold lines', () => {
  const res = response(crlf('HTTP/1.1 401 Unauthorized', 'WWW-Authenticate: Digest realm="snom", qop="auth"', 'www-authenticate: Basic realm="snom"',
    'Set-Cookie: a=1', 'Set-Cookie: b=2', 'X-Long: one', '  two', 'Content-Length: 0', '', ''));
  assert.is(res.wwwAuthenticate, 'Digest realm="snom", qop="auth"');
  assert.equal(res.headerValues('WWW-Authenticate'), ['Digest realm="snom", qop="auth"', 'Basic realm="snom"']);
  assert.equal(res.headerValues('set-cookie'), ['a=1', 'b=2']);
  assert.is(res.setCookie, true);
  assert.is(res.header('X-LONG'), 'one two');
  assert.is(res.header('missing'), null);
  assert.is(res.contentLength, 0);
});

head('splits absolute-form targets and drops fragments', () => {
  const r = request(crlf('GET http://10.0.0.5:8080/cgi-bin/config.cfg?mac=0004f2 HTTP/1.1', 'Host: 10.0.0.5', '', ''));
  assert.equal([r.path, r.query, r.target], ['/cgi-bin/config.cfg', 'mac=0004f2', 'http://10.0.0.5:8080/cgi-bin/config.cfg?mac=0004f2']);
  assert.equal([request(crlf('OPTIONS * HTTP/1.1', '', '')).path, request(crlf('GET /a#frag HTTP/1.1', '', '')).path], ['*', '/a']);
});

head('names framing problems: bad or conflicting Content-Length, Content-Length with Transfer-Encoding', () => {
  assert.is(response(crlf('HTTP/1.1 200 OK', 'Content-Length: 12x', '', '')).framingError, 'http_invalid_content_length');
  const conflict = response(crlf('HTTP/1.1 200 OK', 'Content-Length: 10', 'Content-Length: 11', '', ''));
  assert.equal([conflict.framingError, conflict.contentLength], ['http_conflicting_content_length', -1]);
  assert.equal(response(crlf('HTTP/1.1 200 OK', 'Content-Length: 42, 42', '', '')).contentLength, 42);
  const both = request(crlf('POST /x HTTP/1.1', 'Content-Length: 5', 'Transfer-Encoding: chunked', '', ''));
  assert.equal([both.framingError, both.chunked, both.contentLength], ['http_length_with_transfer_encoding', true, -1]);
});

head('rejects start lines that are not HTTP/1.x and never throws on random bytes', () => {
  assert.is(parseHttpHead(crlf('HTTP/1.1 2000 OK', '', '')), null);
  assert.is(parseHttpHead(crlf('GET /', '', '')), null);
  assert.is(parseHttpHead(crlf('SIP/2.0 200 OK', '', '')), null);
  assert.is(parseHttpHead(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n')), null);
  for (let i = 0; i < 3000; i++) {
    const b = Buffer.concat([Buffer.from(i % 2 ? 'GET / HTTP/1.1\r\n' : 'HTTP/1.1 200 OK\r\n'), randomBytes(i % 200), Buffer.from('\r\n\r\n')]);
    const h = parseHttpHead(b);
    if (h) { h.header('content-length'); frameHttpBody(h, randomBytes(i % 50)); }
  }
});

head('does not keep the parsed buffer alive in its result', () => {
  const buf = crlf('GET /x HTTP/1.1', 'Host: a', '', '');
  const r = request(buf);
  buf.fill(0);
  assert.equal([r.path, r.host, r.header('host')], ['/x', 'a', 'a']);
});

head.run();

// ---------------------------------------------------------------------------------------
const body = suite('frameHttpBody');

body('walks a real chunked 401 page to the end of the connection (ntop http_auth)', () => {
  const s = stream('ntop__nDPI/tests__cfgs__default__pcap__http_auth.pcap', 80, 54337);
  const f = frameHttpHead(s);
  assert.ok(f.kind === 'head');
  const res = response(s);
  const b = frameHttpBody(res, s, f.headerLength, 'GET');
  assert.equal(b, { kind: 'body', length: s.length - f.headerLength });
  assert.equal(frameHttpBody(res, s.subarray(0, s.length - 3), f.headerLength, 'GET'), { kind: 'need' });
});

body('gives Content-Length at once, and zero for HEAD, 1xx, 204 and 304 responses', () => {
  const ok = response(crlf('HTTP/1.1 200 OK', 'Content-Length: 643', '', ''));
  assert.equal(frameHttpBody(ok, Buffer.alloc(0)), { kind: 'body', length: 643 });
  assert.equal(frameHttpBody(ok, Buffer.alloc(0), 0, 'HEAD'), { kind: 'body', length: 0 });
  for (const status of ['100 Continue', '204 No Content', '304 Not Modified']) {
    assert.equal(frameHttpBody(response(crlf(`HTTP/1.1 ${status}`, 'Content-Length: 10', '', '')), Buffer.alloc(0)), { kind: 'body', length: 0 }, status);
  }
});

body('reads a response without length until close and a request without length as empty', () => {
  assert.equal(frameHttpBody(response(crlf('HTTP/1.0 200 OK', 'Server: x', '', '')), Buffer.alloc(0)), { kind: 'until-close' });
  assert.equal(frameHttpBody(request(crlf('GET / HTTP/1.1', 'Host: x', '', '')), Buffer.alloc(0)), { kind: 'body', length: 0 });
  assert.equal(frameHttpBody(request(crlf('POST / HTTP/1.1', 'Transfer-Encoding: gzip', '', '')), Buffer.alloc(0)), { kind: 'malformed', error: 'http_unframeable_transfer_encoding' });
});

body('walks chunk extensions and trailers, and rejects a bad chunk size', () => {
  const res = response(crlf('HTTP/1.1 200 OK', 'Transfer-Encoding: chunked', '', ''));
  const chunked = Buffer.from('5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\nNEXT');
  assert.equal(frameHttpBody(res, chunked), { kind: 'body', length: chunked.length - 4 });
  assert.equal(frameHttpBody(res, chunked.subarray(0, 20)), { kind: 'need' });
  assert.equal(frameHttpBody(res, Buffer.from('zz\r\nhello\r\n')), { kind: 'malformed', error: 'http_invalid_chunk_size' });
  assert.equal(frameHttpBody(res, Buffer.from('2\r\nhello\r\n')), { kind: 'malformed', error: 'http_invalid_chunk_data' });
});

body.run();

// ---------------------------------------------------------------------------------------
const title = suite('extractTitle');

title('reads the titles of real pages (zeek SimpleHTTP, ntop http_auth, nDPI Flussonic)', () => {
  const pages: Array<[string, number, number, string]> = [
    ['zeek__zeek/testing__btest__Traces__http__basic-auth-with-colon.pcap', 8000, 43090, 'Directory listing for /'],
    ['ntop__nDPI/tests__cfgs__default__pcap__http_auth.pcap', 80, 54337, 'HTTP Password Information - Failure - BrowserSpy.dk'],
    ['ntop__nDPI/tests__cfgs__default__pcap__http_on_sip_port.pcap', 8888, 5060, 'Flussonic streaming server'],
  ];
  for (const [name, src, dst, want] of pages) {
    const s = stream(name, src, dst);
    const f = frameHttpHead(s);
    assert.ok(f.kind === 'head');
    assert.is(extractTitle(s.subarray(f.headerLength)), want, name);
  }
});

title('decodes entities and UTF-8, collapses whitespace and caps the length', () => {
  assert.is(extractTitle(Buffer.from('<html><head><TITLE lang="de">\n  Gigaset &ndash; N510 &amp; IP&#32;PRO &#x2013; Anmeldung\n</TITLE>')), 'Gigaset &ndash; N510 & IP PRO – Anmeldung');
  assert.is(extractTitle(Buffer.from('<title>Téléphone – Connexion</title>', 'utf8')), 'Téléphone – Connexion');
  assert.is(extractTitle(Buffer.from(`<title>${'x'.repeat(1000)}</title>`))?.length, 200);
  assert.is(extractTitle(Buffer.from('<title>   </title>')), null);
  assert.is(extractTitle(Buffer.from('<html><body>no title</body>')), null);
  assert.is(extractTitle(Buffer.from('<title>unterminated')), null);
});

title.run();

// ---------------------------------------------------------------------------------------
const form = suite('parseFormFields');

form('decodes an urlencoded phone login (Grandstream GXP dologin)', () => {
  const f = parseFormFields(Buffer.from('P2=admin%21&Login=Login&gnkey=0b82'), 'application/x-www-form-urlencoded; charset=UTF-8');
  assert.equal(f && [...f], [['P2', 'admin!'], ['Login', 'Login'], ['gnkey', '0b82']]);
});

form('decodes plus as space and UTF-8 escapes, keeps invalid escapes literal, first value wins', () => {
  const f = parseFormFields(Buffer.from('user=J%C3%BCrgen+M&pwd=100%&pwd=second&=empty&flag'), 'Application/X-WWW-Form-Urlencoded');
  assert.equal(f && [...f], [['user', 'Jürgen M'], ['pwd', '100%'], ['flag', '']]);
});

form('returns null for other content types and caps hostile bodies', () => {
  assert.is(parseFormFields(Buffer.from('{"password":"x"}'), 'application/json'), null);
  assert.is(parseFormFields(Buffer.from('a=b'), ''), null);
  const many = parseFormFields(Buffer.from(Array.from({ length: 5000 }, (_, i) => `f${i}=${i}`).join('&')), 'application/x-www-form-urlencoded');
  assert.is(many?.size, 256);
  const long = parseFormFields(Buffer.from(`p=${'%41'.repeat(10000)}`), 'application/x-www-form-urlencoded');
  assert.is(long?.get('p')?.length, 4096);
});

form.run();

// ---------------------------------------------------------------------------------------
const fields = suite('findPasswordField / findUserField');

const formOf = (body: string): Map<string, string> => {
  const f = parseFormFields(Buffer.from(body), 'application/x-www-form-urlencoded');
  assert.ok(f);
  return f;
};

fields('finds vendor password fields: Grandstream P2 and access, Avaya psw, Yealink pwd, generic Password', () => {
  assert.equal(findPasswordField(formOf('P2=admin&Login=Login&gnkey=0b82')), { name: 'P2', value: 'admin' });
  assert.equal(findPasswordField(formOf('username=admin&access=8c6976e5b5410415bde908bd4dee15df&Login=Login')), { name: 'access', value: '8c6976e5b5410415bde908bd4dee15df' });
  assert.equal(findPasswordField(formOf('user=craft&psw=crftpw')), { name: 'psw', value: 'crftpw' });
  assert.equal(findPasswordField(formOf('username=admin&pwd=admin&rdm=1')), { name: 'pwd', value: 'admin' });
  assert.equal(findPasswordField(formOf('Username=admin&Password=')), { name: 'Password', value: '' });
  assert.equal(findPasswordField(formOf('ctl00%24txtLoginPassword=x&ctl00%24txtUser=y')), { name: 'ctl00$txtLoginPassword', value: 'x' });
  assert.is(findPasswordField(formOf('q=phones&page=2&passive=1')), null);
});

fields('finds the user field and never takes a password field for it', () => {
  assert.equal(findUserField(formOf('username=admin&pwd=admin')), { name: 'username', value: 'admin' });
  assert.equal(findUserField(formOf('Password=x&LoginName=1001')), { name: 'LoginName', value: '1001' });
  assert.equal(findUserField(formOf('txtUserPassword=x&txtUser=bob')), { name: 'txtUser', value: 'bob' });
  assert.is(findUserField(formOf('P2=admin&Login=Login&gnkey=0b82')), null, 'a submit button named Login is not a user name');
});

fields.run();
