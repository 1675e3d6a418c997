/**
 * Nothing lost across a ClickHouse outage: the real client against a closed port, a server
 * answering 500, a server hanging past the timeout, and a server that stores a batch but
 * loses the answer — then every row is counted in the store, each exactly once.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { embeddedClickHouse, countRows } from './support/embedded-clickhouse.ts';
import { ClickHouseHttpStub } from './support/clickhouse-http-stub.ts';
import { openStore, type Store } from '../src/store/store.ts';
import { resolveStoreConfig } from '../src/store/store-config.ts';
import type { StoreLogger } from '../src/store/batch-writer.ts';

const engine = embeddedClickHouse();
const stub = new ClickHouseHttpStub(engine);
let stubUrl = '';

const warnings: string[] = [];
const logger: StoreLogger = { info: () => {}, warn: (_o, msg) => { warnings.push(msg); } };

function config(url: string, database: string, spoolDir: string, extra: Record<string, string> = {}) {
  return resolveStoreConfig({ url, dataDir: spoolDir }, {
    VOIPWATCH_CLICKHOUSE_DATABASE: database, VOIPWATCH_SPOOL_DIR: spoolDir,
    VOIPWATCH_BATCH_ROWS: '100', VOIPWATCH_CLICKHOUSE_TIMEOUT_MS: '400', VOIPWATCH_BATCH_AGE_MS: '50', ...extra,
  });
}

const open = (url: string, database: string, spoolDir: string, extra?: Record<string, string>): Promise<Store> =>
  openStore(config(url, database, spoolDir, extra), { command: 'test', logger, flushByAge: true });

/** A TLS session row whose client_port numbers it, so counts and order can be checked. */
const row = (n: number) => ({
  sensor: 'test', site: 'lab', source: 'outage', ts: '2026-11-23 10:00:00.000', client_ip: '10.20.0.21', client_port: n,
  server_ip: '10.20.0.2', server_port: 443, sni: '', version: 'TLS 1.2', cipher_suite: 'TLS_AES_128_GCM_SHA256', offered_versions: [], dtls: false,
});

const spoolDir = () => tempDir('voipwatch-spool-');

async function closedPortUrl(): Promise<string> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

async function stored(database: string): Promise<{ rows: number; distinct: number }> {
  const rows = await countRows(engine, `\`${database}\`.tls_sessions`);
  const rs = await engine.query({ query: `SELECT uniqExact(client_port) AS n FROM \`${database}\`.tls_sessions`, format: 'JSONEachRow' });
  return { rows, distinct: Number((await rs.json<{ n: number }>())[0].n) };
}

const made: string[] = [];
const tempDir = (prefix: string): string => { const d = mkdtempSync(join(tmpdir(), prefix)); made.push(d); return d; };

const test = suite('store outage');

test.before(async () => { stubUrl = await stub.start(); });
test.after(async () => { await stub.stop(); });
test.before.each(() => { stub.mode = 'ok'; warnings.length = 0; });

test('spools every row while the port is closed and stores each exactly once after a restart', async () => {
  const dir = spoolDir();
  const down = await open(await closedPortUrl(), 'outage_closed', dir);
  for (let i = 0; i < 1_000; i++) down.write('tls_sessions', row(i));
  const before = await down.close();
  assert.is(before.rowsWritten, 0);
  assert.is(before.rowsSpooled, 1_000);
  assert.ok(before.spoolBatches >= 10, `${before.spoolBatches} batches spooled`);
  assert.ok(warnings.some((w) => w.includes('spooled')), 'the outage was logged');

  const up = await open(stubUrl, 'outage_closed', dir);
  const after = await up.close();
  assert.is(after.rowsReplayed, 1_000);
  assert.is(after.spoolBatches, 0);
  assert.equal(await stored('outage_closed'), { rows: 1_000, distinct: 1_000 });
});

test('replays in order, losing nothing, when the server answers 500 for a while', async () => {
  const dir = spoolDir();
  const store = await open(stubUrl, 'outage_500', dir);
  let n = 0;
  for (; n < 300; n++) store.write('tls_sessions', row(n));
  await store.drain();
  stub.mode = 'fail500';
  for (; n < 800; n++) store.write('tls_sessions', row(n));
  await new Promise((r) => setTimeout(r, 200));
  assert.ok(store.stats().spoolBatches > 0, 'batches went to the spool during the outage');
  stub.mode = 'ok';
  for (; n < 1_000; n++) store.write('tls_sessions', row(n));
  const stats = await store.close();
  assert.is(stats.spoolBatches, 0);
  assert.equal(await stored('outage_500'), { rows: 1_000, distinct: 1_000 });
  const landed = stub.inserts.filter((i) => i.table.includes('outage_500') && i.mode === 'ok').map((i) => Number(i.firstRow?.client_port));
  assert.equal(landed, [...landed].sort((a, b) => a - b), 'batches reached the store in the order they were written');
});

test('does not block on a server that hangs past the timeout, and loses nothing', async () => {
  const dir = spoolDir();
  const store = await open(stubUrl, 'outage_hang', dir);
  stub.mode = 'hang';
  const started = Date.now();
  for (let i = 0; i < 500; i++) store.write('tls_sessions', row(i));
  await store.drain();
  assert.ok(Date.now() - started < 5_000, 'the writer gave up on the hanging server within its timeout');
  assert.ok(store.stats().spoolBatches > 0);
  stub.mode = 'ok';
  await store.close();
  assert.equal(await stored('outage_hang'), { rows: 500, distinct: 500 });
});

test('stores a batch once when its insert landed but the answer was lost', async () => {
  const dir = spoolDir();
  const store = await open(stubUrl, 'outage_lost_ack', dir);
  stub.mode = 'store-then-500';
  for (let i = 0; i < 300; i++) store.write('tls_sessions', row(i));
  await store.drain();
  stub.mode = 'ok';
  await store.close();
  const tokens = stub.inserts.filter((i) => i.table.includes('outage_lost_ack')).map((i) => i.token);
  assert.ok(tokens.length > new Set(tokens).size, 'the same batch was sent twice, with the same token');
  assert.equal(await stored('outage_lost_ack'), { rows: 300, distinct: 300 });
});

test('keeps memory bounded by spilling to the spool when the store is slower than the traffic', async () => {
  const dir = spoolDir();
  const store = await open(stubUrl, 'outage_spill', dir, { VOIPWATCH_MAX_BUFFERED_ROWS: '250' });
  stub.mode = 'hang';
  for (let i = 0; i < 2_000; i++) {
    store.write('tls_sessions', row(i));
    assert.ok(store.stats().rowsBuffered <= 500, `row ${i}: ${store.stats().rowsBuffered} rows held in memory`);
  }
  stub.mode = 'ok';
  await store.close();
  assert.equal(await stored('outage_spill'), { rows: 2_000, distinct: 2_000 });
});

test('a writer stopped with SIGTERM mid-outage leaves every row it accepted in the store or the spool', async () => {
  const dir = spoolDir();
  stub.mode = 'ok';
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('./support/store-writer-child.ts', import.meta.url).pathname, stubUrl, 'outage_sigterm', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c) => { out += c; });
  let err = '';
  child.stderr.on('data', (c) => { err += c; });
  await new Promise((r) => setTimeout(r, 1_500));
  stub.mode = 'fail500';
  await new Promise((r) => setTimeout(r, 500));
  child.kill('SIGTERM');
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  assert.is(code, 143, `exit status (stderr: ${err.slice(0, 500)})`);
  const report = JSON.parse(out.trim().split('\n').pop() as string) as { accepted: number; written: number; spooled: number };
  assert.ok(report.accepted > 0 && report.spooled > 0, JSON.stringify(report));
  assert.ok(readdirSync(dir).some((f) => f.endsWith('.ndjson')), 'batches waiting in the spool');
  stub.mode = 'ok';
  const restarted = await open(stubUrl, 'outage_sigterm', dir);
  await restarted.close();
  assert.equal(await stored('outage_sigterm'), { rows: report.accepted, distinct: report.accepted });
});

test.after(() => { for (const d of made) rmSync(d, { recursive: true, force: true }); });

test.run();
