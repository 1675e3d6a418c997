import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { parseAuthParams, parseBasicCredentials, MAX_AUTH_PARAMS } from '../parsers/auth-header.ts';
import { readPayloads, PUBLIC_CAPTURES } from './support/capture-payloads.ts';

const havePublic = existsSync(PUBLIC_CAPTURES);
if (!havePublic) console.warn(`SKIPPED: ${PUBLIC_CAPTURES} is missing; the auth-header tests on public captures report as failures`);

/** The value of the first `name:` header line found in the TCP payloads of a public capture. */
function headerFromCapture(file: string, name: string): string {
  assert.ok(havePublic, `public captures missing: ${PUBLIC_CAPTURES}`);
  const want = `\r\n${name.toLowerCase()}:`;
  for (const p of readPayloads(`${PUBLIC_CAPTURES}/${file}`)) {
    const text = p.payload.toString('latin1');
    const at = text.toLowerCase().indexOf(want);
    if (at < 0) continue;
    const end = text.indexOf('\r\n', at + want.length);
    return text.slice(at + want.length, end < 0 ? text.length : end).trim();
  }
  throw new Error(`${name} not found in ${file}`);
}

const plain = (o: Record<string, string>): Record<string, string> => ({ ...o });

const params = suite('parseAuthParams');

params('reads every Digest credential parameter with lower-case names (RFC 3261 §22.4 example)', () => {
  const r = parseAuthParams('Digest username="bob", realm="biloxi.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", ' +
    'uri="sip:bob@biloxi.com", qop=auth, nc=00000001, cnonce="0a4f113b", response="6629fae49393a05397450978507c4ef1", ' +
    'opaque="5ccc069c403ebaf9f0171e9517f40e41", algorithm=MD5');
  assert.is(r.scheme, 'Digest');
  assert.equal(plain(r.params), {
    username: 'bob', realm: 'biloxi.com', nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093', uri: 'sip:bob@biloxi.com',
    qop: 'auth', nc: '00000001', cnonce: '0a4f113b', response: '6629fae49393a05397450978507c4ef1',
    opaque: '5ccc069c403ebaf9f0171e9517f40e41', algorithm: 'MD5',
  });
});

params('lower-cases parameter names but keeps values and the scheme as sent', () => {
  const r = parseAuthParams('digest USERNAME="Alice", Realm=PBX');
  assert.is(r.scheme, 'digest');
  assert.equal(plain(r.params), { username: 'Alice', realm: 'PBX' });
});

params('unescapes quoted-pairs and keeps commas inside quoted strings', () => {
  const r = parseAuthParams('Digest realm="a\\"b\\\\c", qop="auth,auth-int", nonce="x,y"');
  assert.equal(plain(r.params), { realm: 'a"b\\c', qop: 'auth,auth-int', nonce: 'x,y' });
});

params('tolerates whitespace around "=" and commas, and empty quoted values', () => {
  const r = parseAuthParams('Digest   username = "1001" ,realm=""  ,  ,opaque=""');
  assert.equal(plain(r.params), { username: '1001', realm: '', opaque: '' });
});

params('keeps the first of duplicated parameters (RFC 7616 §3.4)', () => {
  assert.is(parseAuthParams('Digest realm="first", realm="second"').params.realm, 'first');
});

params('treats __proto__ and constructor as plain parameter names', () => {
  const r = parseAuthParams('Digest __proto__="x", constructor="y", username="u"');
  assert.is(r.params.__proto__, 'x');
  assert.is(r.params.constructor, 'y');
  assert.is(Object.getPrototypeOf(r.params), null);
});

params('stops at the start of a second challenge in the same field (RFC 9110 §11.6.1)', () => {
  const r = parseAuthParams('Digest realm="pbx", nonce="n1", Basic realm="web"');
  assert.equal(plain(r.params), { realm: 'pbx', nonce: 'n1' });
});

params('keeps a token68 credential verbatim', () => {
  assert.equal(plain(parseAuthParams('Basic dGVzdDoxMjM0').params), { token68: 'dGVzdDoxMjM0' });
  assert.equal(plain(parseAuthParams('Bearer abc.def-ghi==').params), { token68: 'abc.def-ghi==' });
});

params('returns what it can from broken input without looping', () => {
  assert.equal(parseAuthParams(''), { scheme: '', params: Object.create(null) });
  assert.equal(plain(parseAuthParams('Digest username="unterminated').params), { username: 'unterminated' });
  assert.equal(plain(parseAuthParams('Digest =,=,"x",;;, realm=ok').params), { realm: 'ok' });
  assert.is(parseAuthParams('  ,Digest').scheme, '');
});

params(`keeps at most ${MAX_AUTH_PARAMS} parameters`, () => {
  const many = Array.from({ length: 100 }, (_, i) => `p${i}=v`).join(', ');
  assert.is(Object.keys(parseAuthParams(`Digest ${many}`).params).length, MAX_AUTH_PARAMS);
});

params('never throws on random bytes', () => {
  let seed = 42;
  const rnd = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed; };
  const alphabet = 'Digest ,="\\=abc;\t\r\n';
  for (let n = 0; n < 2000; n++) {
    let s = '';
    const len = rnd() % 64;
    for (let i = 0; i < len; i++) s += alphabet[rnd() % alphabet.length];
    parseAuthParams(s);
    parseBasicCredentials(s);
  }
});

params('reads the Digest Authorization of a real HTTP request (Arkime http-digestauth)', () => {
  const value = headerFromCapture('arkime__arkime/tests__pcap__http-digestauth.pcap', 'Authorization');
  const r = parseAuthParams(value);
  assert.is(r.scheme.toLowerCase(), 'digest');
  assert.is(r.params.username, 'user12345678@domain.xxxx');
  assert.is(r.params.qop, 'auth');
  for (const k of ['realm', 'nonce', 'uri', 'response', 'nc', 'cnonce']) assert.ok(r.params[k], `${k} present`);
});

params('reads the challenge of a real SIP 401 (Suricata sip-pattern-matching)', () => {
  const value = headerFromCapture('OISF__suricata-verify/tests__sip-pattern-matching__sip.pcap', 'WWW-Authenticate');
  const r = parseAuthParams(value);
  assert.is(r.scheme, 'Digest');
  assert.ok(r.params.realm && r.params.nonce, 'realm and nonce');
});

params.run();

const basic = suite('parseBasicCredentials');

basic('decodes user and password', () => {
  assert.equal(parseBasicCredentials('Basic YWRtaW46YWRtaW4='), { username: 'admin', password: 'admin' });
});

basic('keeps colons in the password (RFC 7617 §2: only the user-id excludes them)', () => {
  assert.equal(parseBasicCredentials(`Basic ${Buffer.from('test:1:34').toString('base64')}`), { username: 'test', password: '1:34' });
});

basic('accepts any scheme case and extra whitespace around the token', () => {
  assert.equal(parseBasicCredentials('  bAsIc \t dGVzdDoxMjM0  '), { username: 'test', password: '1234' });
});

basic('returns null for other schemes, non-base64 tokens and tokens without a colon', () => {
  assert.is(parseBasicCredentials('Digest username="a"'), null);
  assert.is(parseBasicCredentials('Basic'), null);
  assert.is(parseBasicCredentials('Basic    '), null);
  assert.is(parseBasicCredentials('Basic dGVzd*Dox'), null);
  assert.is(parseBasicCredentials(`Basic ${Buffer.from('nocolon').toString('base64')}`), null);
  assert.is(parseBasicCredentials('Basicdxyz'), null);
});

basic('allows an empty user or password', () => {
  assert.equal(parseBasicCredentials(`Basic ${Buffer.from(':secret').toString('base64')}`), { username: '', password: 'secret' });
  assert.equal(parseBasicCredentials(`Basic ${Buffer.from('admin:').toString('base64')}`), { username: 'admin', password: '' });
});

basic('decodes a real password containing a colon (Zeek basic-auth-with-colon)', () => {
  const value = headerFromCapture('zeek__zeek/testing__btest__Traces__http__basic-auth-with-colon.pcap', 'Authorization');
  assert.equal(parseBasicCredentials(value), { username: 'test', password: '1:34' });
});

basic('decodes a real header with two spaces after Basic (Zeek basic-auth-with-extra-space)', () => {
  const value = headerFromCapture('zeek__zeek/testing__btest__Traces__http__basic-auth-with-extra-space.pcap', 'Authorization');
  assert.equal(parseBasicCredentials(value), { username: 'test', password: '1234' });
});

basic.run();
