/**
 * `voipwatch analyze` and `voipwatch db` against the embedded store, as a user runs them:
 * separate processes, a data directory of their own.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { AnalysisReport } from '../src/report/json-report.ts';
import { bundledCapture, repoRoot, voipwatch } from './support/cli.ts';

const root = repoRoot;
const run = promisify(execFile);
const capture = bundledCapture;

interface Status { version: number; latest: number; rows: Record<string, number>; spool: { batches: number } }
const status = async (dir: string): Promise<Status> => JSON.parse((await voipwatch(['db', 'status', '--format', 'json', '--data-dir', dir])).stdout) as Status;

const made: string[] = [];
const tempDir = (prefix: string): string => { const d = mkdtempSync(join(tmpdir(), prefix)); made.push(d); return d; };

const test = suite('analyze with the embedded store');

test('writes the findings, calls, streams and devices of the report to the store', async () => {
  const dir = tempDir('voipwatch-store-');
  const res = await voipwatch(['analyze', '--format', 'json', '--data-dir', dir, capture('sip-udp-call.pcap'), capture('webui-digest-default.pcap'), capture('tls-weak.pcap')]);
  assert.is(res.code, 0, res.stderr);
  const report = JSON.parse(res.stdout) as AnalysisReport;
  const s = await status(dir);
  assert.is(s.version, s.latest);
  assert.is(s.rows.findings, report.findings.length);
  assert.is(s.rows.calls, report.calls.length);
  assert.is(s.rows.rtp_streams, report.calls.reduce((n, c) => n + c.streams.length, 0));
  assert.is(s.rows.devices, report.devices.length);
  assert.is(s.rows.tls_sessions, 3, 'the three TLS sessions of tls-weak.pcap');
  assert.ok(s.rows.http_logins >= 3, 'the Digest logins of webui-digest-default.pcap');
  assert.is(s.rows.sip_messages, 0, 'the SIP message log is opt-in');
  assert.is(s.spool.batches, 0);
  assert.match(res.stderr, /stored \d+ rows in the embedded store/);
});

test('does not duplicate anything when the same captures are analyzed again', async () => {
  const dir = tempDir('voipwatch-store-');
  const files = [capture('sip-sdes-exposed.pcap'), capture('webui-bruteforce.pcap')];
  assert.is((await voipwatch(['analyze', '--data-dir', dir, ...files])).code, 0);
  const first = await status(dir);
  assert.is((await voipwatch(['analyze', '--data-dir', dir, ...files])).code, 0);
  const second = await status(dir);
  assert.equal(second.rows, first.rows);
  assert.ok(first.rows.findings > 0 && first.rows.http_logins >= 30);
});

test('stores no password and no SDES key, even in the SIP message log', async () => {
  const dir = tempDir('voipwatch-store-');
  const files = ['sip-sdes-exposed.pcap', 'webui-default-basic-internet.pcap', 'webui-form-login.pcap', 'sip-weak-password.pcap'].map(capture);
  assert.is((await voipwatch(['analyze', '--sip-messages', '--data-dir', dir, ...files])).code, 0);
  const dump = await run(process.execPath, ['--import', 'tsx', join(root, 'test/support/dump-store.ts'), dir], { maxBuffer: 64 * 1024 * 1024 });
  const lines = dump.stdout.trim().split('\n');
  assert.ok(lines.some((l) => l.startsWith('{"table":"sip_messages"')), 'SIP messages were stored');
  const keys = new Set<string>();
  for (const f of files) for (const m of readFileSync(f).toString('latin1').matchAll(/inline:([A-Za-z0-9+/]{30,})/g)) keys.add(m[1]);
  assert.ok(keys.size >= 2, 'the capture carries SDES keys');
  for (const key of keys) assert.not.ok(dump.stdout.includes(key), 'an SDES key reached the store');
  assert.match(dump.stdout, /inline:<redacted>/);
  // webui-default-basic-internet: Basic admin:0000; webui-form-login: P2=admin; weak SIP passwords 1003 and 1234.
  for (const l of lines.filter((x) => x.startsWith('{"table":"http_logins"'))) {
    const row = JSON.parse(l).row as Record<string, unknown>;
    assert.not.ok(Object.values(row).includes('0000'), 'the Basic password reached http_logins');
    assert.not.ok(/YWRtaW46MDAwMA/.test(l), 'the Basic credentials reached http_logins');
  }
  assert.not.match(dump.stdout, /P2=admin|YWRtaW46MDAwMA/);
});

test('refuses a second process on the same data directory with a message naming the owner', async () => {
  const dir = tempDir('voipwatch-store-');
  const holder = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/support/hold-store.ts'), dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    holder.stdout.on('data', (c) => { if (String(c).includes('ready')) resolve(); });
    holder.on('exit', () => reject(new Error('holder exited early')));
  });
  try {
    const res = await voipwatch(['analyze', '--data-dir', dir, capture('sip-udp-call.pcap')]);
    assert.is(res.code, 2);
    assert.match(res.stderr, new RegExp(`in use by process ${holder.pid} \\(voipwatch sensor --interface mirror0`));
    assert.match(res.stderr, /--no-store/);
    assert.match(res.stderr, /ERR_STORE_LOCKED/);
  } finally {
    holder.kill('SIGTERM');
    await new Promise((r) => holder.on('exit', r));
  }
  assert.is((await voipwatch(['analyze', '--data-dir', dir, capture('sip-udp-call.pcap')])).code, 0, 'free again once the owner stopped');
});

test('runs without a store when told --no-store and creates no data directory', async () => {
  const parent = tempDir('voipwatch-store-');
  const dir = join(parent, 'never');
  const res = await voipwatch(['analyze', '--no-store', '--data-dir', dir, capture('sip-udp-call.pcap')]);
  assert.is(res.code, 0);
  assert.not.match(res.stderr, /stored/);
  assert.throws(() => readFileSync(join(dir, 'owner.json')));
});

test('db migrate brings a new store to the latest schema and says so', async () => {
  const dir = tempDir('voipwatch-store-');
  const before = await status(dir);
  assert.is(before.version, 0);
  const res = await voipwatch(['db', 'migrate', '--data-dir', dir]);
  assert.is(res.code, 0);
  assert.match(res.stdout, /applied migrations 1, 2, 3, 4, 5; schema at version 5/);
  assert.match((await voipwatch(['db', 'migrate', '--data-dir', dir])).stdout, /schema up to date at version 5/);
});

test('names an unreachable ClickHouse server and exits 2 from db status', async () => {
  const res = await voipwatch(['db', 'status', '--clickhouse-url', 'http://127.0.0.1:1']);
  assert.is(res.code, 2);
  assert.match(res.stderr, /the store at http:\/\/127\.0\.0\.1:1\/ did not answer as expected.*ECONNREFUSED/);
});

test.after(() => { for (const d of made) rmSync(d, { recursive: true, force: true }); });

test.run();
