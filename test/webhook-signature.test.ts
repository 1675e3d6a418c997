import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signBody, verifySignature } from '../alerts/delivery/signature.ts';
import { parseRetryAfter } from '../alerts/delivery/webhook-sender.ts';

const test = suite('verifySignature');
const SECRET = 'whsec-test';
const BODY = '{"event_id":"e1","finding":{"summary":"ünïcode ✓"}}';
const NOW = 1_793_610_000;

test('should accept the signature signBody made over the same timestamp and raw body', () => {
  const signature = signBody(SECRET, NOW, BODY);
  assert.match(signature, /^v1=[0-9a-f]{64}$/);
  assert.equal(verifySignature({ secret: SECRET, timestamp: String(NOW), signature, body: BODY, nowSec: NOW + 5 }), { ok: true });
  assert.equal(verifySignature({ secret: SECRET, timestamp: String(NOW), signature, body: Buffer.from(BODY), nowSec: NOW }), { ok: true });
});

test('should refuse a wrong secret, a changed body, and a missing or malformed header', () => {
  const signature = signBody(SECRET, NOW, BODY);
  const check = (o: Partial<Parameters<typeof verifySignature>[0]>) => verifySignature({ secret: SECRET, timestamp: String(NOW), signature, body: BODY, nowSec: NOW, ...o }).ok;
  assert.is(check({ secret: 'other' }), false);
  assert.is(check({ body: BODY.replace('e1', 'e2') }), false);
  assert.is(check({ timestamp: String(NOW + 1) }), false, 'the timestamp is inside the MAC');
  assert.is(check({ signature: undefined }), false);
  assert.is(check({ signature: 'v1=zz' }), false);
  assert.is(check({ timestamp: 'yesterday' }), false);
});

test('should refuse stale and future timestamps outside the tolerance (replay)', () => {
  const signature = signBody(SECRET, NOW, BODY);
  assert.equal(verifySignature({ secret: SECRET, timestamp: String(NOW), signature, body: BODY, nowSec: NOW + 301 }), { ok: false, reason: 'timestamp outside the tolerance (stale or replayed)' });
  assert.is(verifySignature({ secret: SECRET, timestamp: String(NOW), signature, body: BODY, nowSec: NOW - 301 }).ok, false);
  assert.is(verifySignature({ secret: SECRET, timestamp: String(NOW), signature, body: BODY, nowSec: NOW + 1000, toleranceSec: 2000 }).ok, true);
});

test('should accept any of several v1 values while keys rotate', () => {
  const both = `${signBody('old-key', NOW, BODY)}, ${signBody(SECRET, NOW, BODY)}`;
  assert.is(verifySignature({ secret: SECRET, timestamp: String(NOW), signature: both, body: BODY, nowSec: NOW }).ok, true);
  assert.is(verifySignature({ secret: 'old-key', timestamp: String(NOW), signature: both, body: BODY, nowSec: NOW }).ok, true);
});

test('the README\'s receiver snippet should agree with signBody', async () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const snippet = /```js\n(import \{ createHmac[\s\S]*?function verifyVoipwatch[\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(snippet, 'the README shows verifyVoipwatch');
  const dir = mkdtempSync(join(tmpdir(), 'voipwatch-snippet-'));
  try {
    const file = join(dir, 'verify.mjs');
    writeFileSync(file, `${snippet}\nexport { verifyVoipwatch };\n`);
    const { verifyVoipwatch } = await import(file) as { verifyVoipwatch: (s: string, h: Record<string, string>, b: string) => boolean };
    const ts = Math.floor(Date.now() / 1000);
    const headers = { 'x-voipwatch-timestamp': String(ts), 'x-voipwatch-signature': signBody(SECRET, ts, BODY) };
    assert.is(verifyVoipwatch(SECRET, headers, BODY), true);
    assert.is(verifyVoipwatch('other', headers, BODY), false);
    assert.is(verifyVoipwatch(SECRET, headers, `${BODY} `), false);
    assert.is(verifyVoipwatch(SECRET, { ...headers, 'x-voipwatch-timestamp': String(ts - 3600) }, BODY), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const retryAfter = suite('parseRetryAfter');
retryAfter('should read delay-seconds and HTTP dates, cap them at an hour and ignore garbage', () => {
  const now = Date.parse('2026-12-02T10:00:00Z');
  assert.is(parseRetryAfter('2', now), 2000);
  assert.is(parseRetryAfter('Wed, 02 Dec 2026 10:00:30 GMT', now), 30_000);
  assert.is(parseRetryAfter('Wed, 02 Dec 2026 09:00:00 GMT', now), 0);
  assert.is(parseRetryAfter('999999', now), 3_600_000);
  assert.is(parseRetryAfter('soon', now), null);
  assert.is(parseRetryAfter('1.5', now), null);
  assert.is(parseRetryAfter(undefined, now), null);
});

test.run();
retryAfter.run();
