import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { classifyCredential, matchBasic, matchSha256Form, verifyDigest, MAX_CANDIDATES_PER_VERIFICATION } from '../alerts/credentials/verify.ts';
import { weakPasswordCandidates } from '../alerts/credentials/weak-passwords.ts';

const cands = (...pairs: [string, string][]) => pairs.map(([password, label]) => ({ password, label }));

// ---------------------------------------------------------------------------------------------
// Known answers published in the RFCs

const rfc = suite('verifyDigest: RFC known answers');

rfc('verifies the RFC 2617 §3.5 example (Mufasa / "Circle Of Life", MD5, qop=auth)', () => {
  const params = {
    username: 'Mufasa', realm: 'testrealm@host.com', nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093', uri: '/dir/index.html',
    qop: 'auth', nc: '00000001', cnonce: '0a4f113b', response: '6629fae49393a05397450978507c4ef1', opaque: '5ccc069c403ebaf9f0171e9517f40e41',
  };
  assert.equal(verifyDigest(params, 'GET', cands(['Circle of Life', 'wrong-case'], ['Circle Of Life', 'rfc2617'])), { label: 'rfc2617' });
  assert.is(verifyDigest(params, 'GET', cands(['Circle of Life', 'x'])), null);
});

const rfc7616 = {
  username: 'Mufasa', realm: 'http-auth@example.org', uri: '/dir/index.html', qop: 'auth', nc: '00000001',
  nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v', cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
  opaque: 'FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS',
};

rfc('verifies the RFC 7616 §3.9.1 MD5 example', () => {
  const params = { ...rfc7616, algorithm: 'MD5', response: '8ca523f5e9506fed4657c9700eebdbec' };
  assert.equal(verifyDigest(params, 'GET', cands(['Circle of Life', 'rfc7616'])), { label: 'rfc7616' });
});

rfc('verifies the RFC 7616 §3.9.1 SHA-256 example', () => {
  const params = { ...rfc7616, algorithm: 'SHA-256', response: '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1' };
  assert.equal(verifyDigest(params, 'GET', cands(['Circle Of Life', 'no'], ['Circle of Life', 'rfc7616'])), { label: 'rfc7616' });
  assert.is(verifyDigest(params, 'POST', cands(['Circle of Life', 'rfc7616'])), null, 'the method is part of HA2');
});

rfc.run();

// ---------------------------------------------------------------------------------------------
// Responses built independently with node:crypto for every algorithm and qop

const ALGORITHMS: Record<string, string> = {
  'MD5': 'md5', 'MD5-sess': 'md5', 'SHA-256': 'sha256', 'SHA-256-sess': 'sha256', 'SHA-512-256': 'sha512-256', 'SHA-512-256-sess': 'sha512-256',
};

function buildDigest(algorithm: string, qop: '' | 'auth' | 'auth-int', password: string, method: string, body = Buffer.alloc(0)): Record<string, string> {
  const hashName = ALGORITHMS[algorithm]!;
  const H = (s: string | Buffer) => createHash(hashName).update(s).digest('hex');
  const p: Record<string, string> = { username: '1001', realm: 'pbx.example.net', nonce: 'a1b2c3d4e5f6', uri: 'sip:pbx.example.net', algorithm };
  const cnonce = '0a4f113b';
  const nc = '00000002';
  let ha1 = H(`${p.username}:${p.realm}:${password}`);
  if (algorithm.endsWith('-sess')) ha1 = H(`${ha1}:${p.nonce}:${cnonce}`);
  const ha2 = qop === 'auth-int' ? H(`${method}:${p.uri}:${H(body)}`) : H(`${method}:${p.uri}`);
  if (qop) {
    Object.assign(p, { qop, nc, cnonce });
    p.response = H(`${ha1}:${p.nonce}:${nc}:${cnonce}:${qop}:${ha2}`);
  } else {
    if (algorithm.endsWith('-sess')) p.cnonce = cnonce;
    p.response = H(`${ha1}:${p.nonce}:${ha2}`);
  }
  return p;
}

const digest = suite('verifyDigest');

for (const algorithm of Object.keys(ALGORITHMS)) {
  for (const qop of ['', 'auth', 'auth-int'] as const) {
    digest(`finds the matching candidate's label for ${algorithm} with qop ${qop || 'absent'}`, () => {
      const body = Buffer.from('v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\n');
      const params = buildDigest(algorithm, qop, '1001', 'REGISTER', body);
      const list = [...weakPasswordCandidates('1001')];
      assert.equal(verifyDigest(params, 'REGISTER', list, body), { label: 'weak:extension' });
      assert.is(verifyDigest(params, 'REGISTER', cands(['1002', 'a'], ['password', 'b'])), null);
    });
  }
}

digest('hashes the body into auth-int, so another body does not verify', () => {
  const params = buildDigest('MD5', 'auth-int', '0000', 'INVITE', Buffer.from('body-a'));
  assert.equal(verifyDigest(params, 'INVITE', cands(['0000', 'weak:repeated-digits']), Buffer.from('body-a')), { label: 'weak:repeated-digits' });
  assert.is(verifyDigest(params, 'INVITE', cands(['0000', 'weak:repeated-digits']), Buffer.from('body-b')), null);
});

digest('treats an absent body as empty for auth-int (a REGISTER without body)', () => {
  const params = buildDigest('SHA-256', 'auth-int', 'secret', 'REGISTER');
  assert.equal(verifyDigest(params, 'REGISTER', cands(['secret', 'weak:common'])), { label: 'weak:common' });
});

digest('accepts quoted values, upper-case parameter names and algorithm names in any case', () => {
  const p = buildDigest('SHA-256', 'auth', 'admin', 'GET');
  const quoted: Record<string, string> = {};
  for (const [k, v] of Object.entries(p)) quoted[k.toUpperCase()] = `"${v}"`;
  quoted.ALGORITHM = 'sha-256';
  assert.equal(verifyDigest(quoted, 'GET', cands(['admin', 'vendor-default:fanvil'])), { label: 'vendor-default:fanvil' });
});

digest('decodes the RFC 7616 §3.4.4 username* form', () => {
  const p = buildDigest('MD5', 'auth', 'welcome', 'REGISTER');
  const { username: _drop, ...rest } = p;
  assert.equal(verifyDigest({ ...rest, 'username*': "UTF-8''1001" }, 'REGISTER', cands(['welcome', 'weak:common'])), { label: 'weak:common' });
});

digest('returns only the label, never the password', () => {
  const p = buildDigest('MD5', 'auth', 'changeme', 'REGISTER');
  const r = verifyDigest(p, 'REGISTER', cands(['changeme', 'weak:common']));
  assert.equal(Object.keys(r ?? {}), ['label']);
  assert.not.ok(JSON.stringify(r).includes('changeme'));
});

digest('refuses parameters it cannot verify', () => {
  const good = buildDigest('MD5', 'auth', 'x', 'GET');
  const c = cands(['x', 'hit']);
  assert.equal(verifyDigest(good, 'GET', c), { label: 'hit' });
  const { response: _r, ...noResponse } = good;
  const { nonce: _n, ...noNonce } = good;
  const { cnonce: _c, ...noCnonce } = good;
  assert.is(verifyDigest(noResponse, 'GET', c), null, 'no response');
  assert.is(verifyDigest(noNonce, 'GET', c), null, 'no nonce');
  assert.is(verifyDigest(noCnonce, 'GET', c), null, 'qop without cnonce');
  assert.is(verifyDigest({ ...good, algorithm: 'SHA-1' }, 'GET', c), null, 'unknown algorithm');
  assert.is(verifyDigest({ ...good, qop: 'auth,auth-int' }, 'GET', c), null, 'qop list is a challenge, not a response');
  assert.is(verifyDigest({ ...good, response: good.response!.slice(2) }, 'GET', c), null, 'short response');
  assert.is(verifyDigest({ ...good, response: 'z'.repeat(32) }, 'GET', c), null, 'non-hex response');
  assert.is(verifyDigest({ ...good, userhash: 'true' }, 'GET', c), null, 'hashed user name');
  assert.is(verifyDigest({ ...good, uri: 'a'.repeat(10_000) }, 'GET', c), null, 'oversized value');
  assert.is(verifyDigest({}, 'GET', c), null, 'nothing at all');
});

digest('stops after MAX_CANDIDATES_PER_VERIFICATION candidates of an endless iterable', () => {
  const p = buildDigest('MD5', 'auth', 'never-offered', 'GET');
  let offered = 0;
  function* endless() { for (;;) { offered++; yield { password: String(offered), label: 'x' }; } }
  assert.is(verifyDigest(p, 'GET', endless()), null);
  assert.is(offered, MAX_CANDIDATES_PER_VERIFICATION + 1);
});

digest('verifies 2,000 candidates in well under 50 ms (MD5 and SHA-256, no match)', () => {
  const list = Array.from({ length: 2_000 }, (_, i) => ({ password: `candidate-${i}`, label: 'x' }));
  for (const algorithm of ['MD5', 'SHA-256', 'SHA-512-256-sess']) {
    const p = buildDigest(algorithm, 'auth', 'not-in-list', 'REGISTER');
    verifyDigest(p, 'REGISTER', list); // warm up
    const t0 = performance.now();
    assert.is(verifyDigest(p, 'REGISTER', list), null);
    const ms = performance.now() - t0;
    assert.ok(ms < 50, `${algorithm}: ${ms.toFixed(1)} ms`);
  }
});

digest.run();

// ---------------------------------------------------------------------------------------------

const basic = suite('matchBasic');

basic('matches a plaintext password and reports the label', () => {
  assert.equal(matchBasic('admin', 'admin', cands(['1234', 'a'], ['admin', 'vendor-default:yealink'])), { label: 'vendor-default:yealink' });
  assert.is(matchBasic('admin', 'S3cure!pass', cands(['admin', 'x'])), null);
});

basic('honours a candidate bound to one user name, case-insensitively', () => {
  const polycom = [{ username: 'Polycom', password: '456', label: 'vendor-default:polycom' }];
  assert.equal(matchBasic('polycom', '456', polycom), { label: 'vendor-default:polycom' });
  assert.is(matchBasic('admin', '456', polycom), null);
});

basic.run();

// ---------------------------------------------------------------------------------------------

const sha = suite('matchSha256Form');
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

sha('matches Grandstream GRP access=sha256(password)', () => {
  assert.equal(matchSha256Form(sha256('admin'), cands(['user', 'a'], ['admin', 'vendor-default:grandstream'])), { label: 'vendor-default:grandstream' });
  assert.equal(matchSha256Form(sha256('admin').toUpperCase(), cands(['admin', 'hit'])), { label: 'hit' });
});

sha('matches Avaya J100 psw=sha256(password + nonce)', () => {
  const nonce = '5f2b9c0e71d4';
  const value = sha256(`27238${nonce}`);
  assert.equal(matchSha256Form(value, cands(['27238', 'vendor-default:avaya']), nonce), { label: 'vendor-default:avaya' });
  assert.is(matchSha256Form(value, cands(['27238', 'vendor-default:avaya'])), null, 'without the nonce');
  assert.is(matchSha256Form(value, cands(['27238', 'vendor-default:avaya']), 'other-nonce'), null);
});

sha('rejects values that are not a SHA-256 hex digest', () => {
  assert.is(matchSha256Form('admin', cands(['admin', 'x'])), null);
  assert.is(matchSha256Form('g'.repeat(64), cands(['admin', 'x'])), null);
});

sha.run();

// ---------------------------------------------------------------------------------------------

const classify = suite('classifyCredential');

classify('prefers the device vendor\'s default label', () => {
  assert.equal(classifyCredential('admin', 'admin', 'fanvil'), { label: 'vendor-default:fanvil' });
  assert.equal(classifyCredential('Polycom', '456', 'polycom'), { label: 'vendor-default:polycom' });
  assert.equal(classifyCredential('anything', '0000', 'snom'), { label: 'vendor-default:snom' });
});

classify('still recognises another vendor\'s default on a misidentified device', () => {
  assert.equal(classifyCredential('admin', '22222', 'yealink'), { label: 'vendor-default:mitel' });
  assert.equal(classifyCredential('admin', 'admin', null)?.label.startsWith('vendor-default:'), true);
});

classify('falls back to the weak-password classes', () => {
  assert.equal(classifyCredential('1001', '1001', null), { label: 'weak:extension' });
  assert.equal(classifyCredential('bob', '', null), { label: 'weak:empty' });
  assert.equal(classifyCredential('1001', '9999', null), { label: 'weak:repeated-digits' });
  assert.equal(classifyCredential('1001', 'letmein', 'snom'), { label: 'weak:common' });
});

classify('returns null for a password in no list', () => {
  assert.is(classifyCredential('1001', 'c0rrect-h0rse-battery', 'snom'), null);
});

classify.run();
