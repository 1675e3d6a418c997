/**
 * Store stage of `npm run bench`: rows per second written into the embedded engine through
 * the same path the sensor uses (row builders → BatchWriter → @clickhouse/client → chDB),
 * for findings, RTP streams and calls in batches of VOIPWATCH_BATCH_ROWS (50,000). Each table
 * is timed from the first write to the moment the store acknowledged the last batch.
 * Run as a child process (chDB holds one data directory per process); prints one JSON line.
 *
 *   node --import tsx bench/store-write.ts [--rows N] [--data-dir DIR]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../src/store/store.ts';
import { resolveStoreConfig, type StoredTable } from '../src/store/store-config.ts';
import { callRows, findingRow, type RowContext } from '../src/store/rows.ts';
import type { CallJson, FindingJson } from '../src/report/json-report.ts';

export interface StoreWriteResult {
  rowsPerTable: number;
  batchRows: number;
  tables: { table: string; rows: number; seconds: number; rowsPerSec: number }[];
  overallRowsPerSec: number;
}

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
};

const ip = (i: number): string => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
const iso = (sec: number): string => new Date(sec * 1000).toISOString();
const T0 = Date.UTC(2026, 10, 23, 9) / 1000;

function finding(i: number): FindingJson {
  return {
    id: (0x1000000000000 + i).toString(16), rule: ['plaintext-sip', 'unencrypted-rtp', 'weak-sip-password', 'default-credentials'][i % 4],
    severity: (['medium', 'high', 'high', 'critical'] as const)[i % 4],
    device: { ip: ip(i), mac: '00:04:13:aa:bb:cc', vendor: 'snom', model: 'D785', firmware: '10.1.33.33', user_agent: 'snomD785/10.1.33.33' },
    peer: { ip: '10.20.0.10', internal: true }, first_seen: iso(T0 + i), last_seen: iso(T0 + i + 600), count: 1 + (i % 50),
    summary: 'SIP signaling in plaintext over UDP', evidence: { transport: 'udp', messages: 12, matched: 'weak:extension' },
  };
}

function call(i: number): CallJson {
  const s = (dir: 0 | 1) => ({
    src: `${ip(i * 2 + dir)}:${10000 + (i % 20000) * 2}`, dst: `${ip(i * 2 + 1 - dir)}:${10000 + (i % 20000) * 2}`, ssrc: `0x${(i * 2 + dir).toString(16).padStart(8, '0')}`,
    codec: 'PCMU', packets: 750, lost: i % 3, jitter_ms: 1.25, encrypted: i % 10 === 0, classified_by: 'sdp',
  });
  return {
    call_id: `${i}-bench@10.20.0.10`, from: `sip:${1000 + (i % 9000)}@pbx.example.com`, to: `sip:${2000 + (i % 9000)}@pbx.example.com`,
    caller_ip: ip(i * 2), callee_ip: ip(i * 2 + 1), signaling: 'udp', media: i % 10 === 0 ? 'srtp-sdes-exposed' : 'rtp',
    start: iso(T0 + i / 10), end: iso(T0 + i / 10 + 15), streams: [s(0), s(1)],
  };
}

async function main(): Promise<void> {
  const rowsPerTable = Number(arg('--rows', '200000'));
  const dir = arg('--data-dir', '') || mkdtempSync(join(tmpdir(), 'voipwatch-bench-store-'));
  const config = resolveStoreConfig({ dataDir: dir }, { VOIPWATCH_SPOOL_DIR: join(dir, 'spool') });
  const store = await openStore(config, { command: 'bench', logger: { info: () => {}, warn: (o, m) => process.stderr.write(`${m} ${JSON.stringify(o)}\n`) }, flushByAge: false });
  const ctx: RowContext = { sensor: 'bench', site: 'lab', source: 'bench' };
  const tables: StoreWriteResult['tables'] = [];
  const timeTable = async (table: StoredTable, build: (i: number) => void, rows: number) => {
    const before = store.stats().rowsWritten;
    const t = process.hrtime.bigint();
    for (let i = 0; i < rows; i++) {
      build(i);
      // As the analysis loop does between chunks.
      if (i % 1000 === 999) await store.keepUp();
    }
    await store.drain();
    // A final partial batch is cut by the next table or by close; time this table's rows only.
    const seconds = Number(process.hrtime.bigint() - t) / 1e9;
    tables.push({ table, rows: store.stats().rowsWritten - before, seconds, rowsPerSec: (store.stats().rowsWritten - before) / seconds });
  };
  await timeTable('findings', (i) => store.write('findings', findingRow(finding(i), ctx)), rowsPerTable);
  await timeTable('rtp_streams', (i) => { for (const s of callRows(call(i), ctx).streams) store.write('rtp_streams', s); }, rowsPerTable / 2);
  await timeTable('calls', (i) => store.write('calls', callRows(call(i), ctx).call), rowsPerTable);
  const stats = await store.close();
  if (stats.spoolBatches > 0 || stats.rowsDropped > 0) throw new Error(`rows left unstored: ${JSON.stringify(stats)}`);
  rmSync(dir, { recursive: true, force: true });
  const total = tables.reduce((n, t) => n + t.rows, 0);
  const seconds = tables.reduce((n, t) => n + t.seconds, 0);
  const result: StoreWriteResult = { rowsPerTable, batchRows: config.batchRows, tables, overallRowsPerSec: total / seconds };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

await main();
