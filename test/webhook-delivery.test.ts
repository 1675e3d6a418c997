/**
 * Delivery to a real HTTP receiver (fastify, checking every signature) through the durable
 * outbox, with the receiver failing in each way a SOC's endpoint does. Each case ends with an
 * exact count: every alert delivered, duplicates only of what at-least-once allows, each
 * duplicate with the same idempotency key.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Outbox, passesFilter, type OutboxOptions } from '../alerts/delivery/outbox.ts';
import { createSender } from '../alerts/delivery/senders.ts';
import type { DeliveryRecord, Destination } from '../alerts/alert-event.ts';
import { SocReceiver, alertEvent, webhook } from './support/alert-fixtures.ts';

const silent = { info() {}, warn() {}, error() {} };
const dirs: string[] = [];
const tempDir = () => { const d = mkdtempSync(join(tmpdir(), 'voipwatch-outbox-')); dirs.push(d); return d; };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function open(dest: Destination, over: Partial<OutboxOptions> = {}): { outbox: Outbox; records: DeliveryRecord[]; dir: string } {
  const records: DeliveryRecord[] = [];
  const dir = over.dir ?? tempDir();
  const outbox = Outbox.open({ dir, destinations: [dest], senderFor: createSender, log: silent, onRecord: (r) => records.push(r), ...over });
  return { outbox, records, dir };
}

/** Every id of 0..n-1 delivered; repeats only with the same key. */
function assertAllOnce(soc: SocReceiver, n: number, maxDuplicates = 0): void {
  assert.equal(soc.delivered().sort(), Array.from({ length: n }, (_, i) => alertEvent(i).event_id).sort());
  const ok = soc.requests.filter((r) => r.status < 300);
  assert.ok(ok.length - n <= maxDuplicates, `${ok.length - n} duplicates`);
  for (const r of soc.requests) assert.is(r.key, r.eventId, 'the idempotency key is the event id on every attempt');
  assert.is(soc.badSignatures, 0);
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

const test = suite('Outbox delivering to a SOC receiver');
test.after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

test('should deliver everything queued while the receiver was down, once it comes up', async () => {
  const port = await freePort();
  const { outbox, records } = open(webhook(`http://127.0.0.1:${port}/hook`));
  for (let i = 0; i < 5; i++) outbox.enqueue(alertEvent(i));
  await sleep(600);
  assert.ok(records.some((r) => r.outcome === 'retry' && /ECONNREFUSED/.test(r.error)), 'refused connections are retried');
  const soc = new SocReceiver();
  await soc.start(port);
  try {
    assert.ok(await outbox.flush(10_000));
    assertAllOnce(soc, 5);
    assert.equal(soc.delivered(), [0, 1, 2, 3, 4].map((i) => alertEvent(i).event_id), 'in order');
  } finally { await outbox.close(); await soc.stop(); }
});

test('should retry 500 answers until they are taken', async () => {
  const soc = new SocReceiver();
  soc.behave = (n) => ({ status: n <= 3 ? 500 : 200 });
  await soc.start();
  const { outbox, records } = open(webhook(soc.url));
  try {
    for (let i = 0; i < 10; i++) outbox.enqueue(alertEvent(i));
    assert.ok(await outbox.flush(10_000));
    assertAllOnce(soc, 10);
    assert.equal(records.filter((r) => r.outcome === 'retry').map((r) => [r.attempt, r.status]), [[1, 500], [2, 500], [3, 500]]);
    assert.is(records.filter((r) => r.outcome === 'delivered').length, 10);
  } finally { await outbox.close(); await soc.stop(); }
});

test('should give up on an answer that hangs past the timeout and send again with the same key', async () => {
  const soc = new SocReceiver();
  soc.behave = (n) => ({ delayMs: n === 1 ? 1_500 : 0 });
  await soc.start();
  const { outbox, records } = open(webhook(soc.url, { timeoutMs: 300 }));
  try {
    for (let i = 0; i < 3; i++) outbox.enqueue(alertEvent(i));
    assert.ok(await outbox.flush(10_000));
    assertAllOnce(soc, 3, 1);
    const first = soc.requests.filter((r) => r.eventId === alertEvent(0).event_id);
    assert.is(first.length, 2, 'the hung request and its retry');
    assert.is(first[0].key, first[1].key);
    assert.match(records[0].error, /no answer within 300 ms/);
  } finally { await outbox.close(); await soc.stop(); }
});

test('should wait at least the Retry-After of a 429 before the next attempt', async () => {
  const soc = new SocReceiver();
  soc.behave = (n) => (n === 1 ? { status: 429, headers: { 'retry-after': '1' } } : {});
  await soc.start();
  const { outbox } = open(webhook(soc.url));
  try {
    outbox.enqueue(alertEvent(0));
    assert.ok(await outbox.flush(10_000));
    assertAllOnce(soc, 1);
    const [limited, retried] = soc.requests;
    assert.is(limited.status, 429);
    assert.ok(retried.at - limited.at >= 950, `retried after ${retried.at - limited.at} ms`);
  } finally { await outbox.close(); await soc.stop(); }
});

test('should not retry a 400, set it aside as rejected, and deliver the alerts after it', async () => {
  const soc = new SocReceiver();
  soc.behave = (_n, id) => ({ status: id === alertEvent(1).event_id ? 400 : 200 });
  await soc.start();
  const { outbox, records } = open(webhook(soc.url));
  try {
    for (let i = 0; i < 4; i++) outbox.enqueue(alertEvent(i));
    assert.ok(await outbox.flush(10_000));
    assert.is(soc.requests.filter((r) => r.eventId === alertEvent(1).event_id).length, 1, 'sent once');
    assert.equal(soc.delivered(), [0, 2, 3].map((i) => alertEvent(i).event_id));
    const dead = outbox.deadLetters('soc');
    assert.equal(dead.map((d) => [d.event.event_id, d.reason]), [[alertEvent(1).event_id, 'rejected: HTTP 400']]);
    assert.equal(records.find((r) => r.outcome === 'rejected')?.status, 400);
    assert.is(outbox.stats().soc.rejected, 1);
  } finally { await outbox.close(); await soc.stop(); }
});

test('should move alerts to the dead letters after the give-up time and deliver them when redriven', async () => {
  const port = await freePort();
  const { outbox, records } = open(webhook(`http://127.0.0.1:${port}/hook`, { giveUpAfterSec: 1 }));
  const soc = new SocReceiver();
  try {
    for (let i = 0; i < 3; i++) outbox.enqueue(alertEvent(i));
    assert.ok(await outbox.flush(10_000), 'the queue empties into the dead letters');
    assert.is(outbox.deadLetters('soc').length, 3);
    assert.is(records.filter((r) => r.outcome === 'dead-letter').length, 3);
    assert.match(outbox.deadLetters('soc')[0].reason, /^gave up after \d+ s: ECONNREFUSED/);
    await soc.start(port);
    assert.is(outbox.redrive('soc'), 3);
    assert.ok(await outbox.flush(10_000));
    assertAllOnce(soc, 3);
    assert.equal(soc.delivered(), [0, 1, 2].map((i) => alertEvent(i).event_id), 'redriven in their original order');
    assert.is(outbox.deadLetters('soc').length, 0);
  } finally { await outbox.close(); await soc.stop(); }
});

test('should keep the order of 200 alerts through intermittent 500s', async () => {
  const soc = new SocReceiver();
  soc.behave = (n) => ({ status: n % 7 === 0 ? 503 : 200 });
  await soc.start();
  const { outbox } = open(webhook(soc.url, { initialBackoffMs: 1, maxBackoffMs: 5 }));
  try {
    for (let i = 0; i < 200; i++) outbox.enqueue(alertEvent(i));
    assert.ok(await outbox.flush(20_000));
    assertAllOnce(soc, 200);
    assert.equal(soc.delivered(), Array.from({ length: 200 }, (_, i) => alertEvent(i).event_id));
  } finally { await outbox.close(); await soc.stop(); }
});

test('should hold a destination to its rate limit', async () => {
  const soc = new SocReceiver();
  await soc.start();
  const { outbox } = open(webhook(soc.url, { ratePerSec: 20, burst: 5 }));
  try {
    const t0 = Date.now();
    for (let i = 0; i < 45; i++) outbox.enqueue(alertEvent(i));
    assert.ok(await outbox.flush(20_000));
    const took = Date.now() - t0;
    assertAllOnce(soc, 45);
    assert.ok(took >= 1_900, `45 alerts at 20/s after a burst of 5 took ${took} ms`);
  } finally { await outbox.close(); await soc.stop(); }
});

test('should queue an alert only for the destinations whose filter it passes', () => {
  const f = { minSeverity: 'high' as const, rules: ['default-credentials', 'plaintext-sip'], sites: ['hq'] };
  assert.ok(passesFilter(f, alertEvent(0)));
  assert.not.ok(passesFilter(f, alertEvent(0, { severity: 'medium' })));
  assert.not.ok(passesFilter(f, alertEvent(0, { rule: 'weak-tls' })));
  assert.not.ok(passesFilter(f, alertEvent(0, { site: 'branch' })));
  assert.ok(passesFilter({ minSeverity: 'low', rules: null, sites: null }, alertEvent(0, { severity: 'low', rule: 'outdated-firmware', site: 'x' })));
  const port = 9; // never contacted: deliver false
  const outbox = Outbox.open({
    dir: tempDir(), log: silent, senderFor: createSender, deliver: false,
    destinations: [webhook(`http://127.0.0.1:${port}/`, { name: 'pager', filter: { minSeverity: 'critical', rules: null, sites: null } }), webhook(`http://127.0.0.1:${port}/`, { name: 'all' })],
  });
  assert.is(outbox.enqueue(alertEvent(1, { severity: 'high' })), 1);
  assert.is(outbox.enqueue(alertEvent(2, { severity: 'critical' })), 2);
  assert.equal([outbox.stats().pager.pending, outbox.stats().all.pending], [1, 2]);
  void outbox.close();
});

test('should set a corrupt queue file aside and deliver the rest after a restart', async () => {
  const soc = new SocReceiver();
  await soc.start();
  const dir = tempDir();
  const first = Outbox.open({ dir, destinations: [webhook(soc.url)], senderFor: createSender, log: silent, deliver: false });
  for (let i = 0; i < 3; i++) first.enqueue(alertEvent(i));
  await first.close();
  const pending = join(dir, 'soc', 'pending');
  const [, second] = readdirSync(pending).sort();
  const { writeFileSync } = await import('node:fs');
  writeFileSync(join(pending, second), '{"event": {tru');
  const { outbox } = open(webhook(soc.url), { dir });
  try {
    assert.ok(await outbox.flush(10_000));
    assert.equal(soc.delivered(), [0, 2].map((i) => alertEvent(i).event_id));
    assert.is(readdirSync(join(dir, 'soc', 'dead')).length, 1);
  } finally { await outbox.close(); await soc.stop(); }
});

test('should lose no alert when the process is SIGKILLed mid-delivery and started again', async () => {
  const soc = new SocReceiver();
  soc.behave = () => ({ delayMs: 5 });
  await soc.start();
  const dir = tempDir();
  const child = (mode: 'enqueue' | 'deliver') => spawn(process.execPath, ['--import', 'tsx', new URL('support/outbox-child.ts', import.meta.url).pathname, dir, soc.url, mode, '300'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const first = child('enqueue');
    let out = '';
    first.stdout!.on('data', (c: Buffer) => { out += c; });
    for (let i = 0; i < 500 && !(out.includes('enqueued 300') && soc.delivered().length >= 40); i++) await sleep(20);
    assert.ok(out.includes('enqueued 300'), 'all 300 queued before the kill');
    const beforeKill = soc.delivered().length;
    assert.ok(beforeKill > 0 && beforeKill < 300, `killed with ${beforeKill} of 300 delivered`);
    first.kill('SIGKILL');
    await new Promise((r) => first.on('exit', r));
    const second = child('deliver');
    const code = await new Promise<number | null>((r) => second.on('exit', r));
    assert.is(code, 0);
    assert.is(readdirSync(join(dir, 'soc', 'pending')).filter((f) => f.endsWith('.json')).length, 0);
    assertAllOnce(soc, 300, 2);
  } finally { await soc.stop(); }
});

test.run();
