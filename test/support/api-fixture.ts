/**
 * A store for API and browser tests, in this process: the shared embedded engine, a database
 * of the test's own, filled by analyzing bundled captures and raising their alerts — the same
 * row builders and alert pipeline `voipwatch analyze` uses, inserted at once.
 */
import { join } from 'node:path';
import { analyzeCaptures } from '../../src/analyze.ts';
import { applyMigrations } from '../../src/store/migrate.ts';
import { tableRef, type SchemaLayout } from '../../src/store/schema.ts';
import { resolveStoreConfig, type StoredTable } from '../../src/store/store-config.ts';
import { callRows, deviceRow, findingRow, type RowContext } from '../../src/store/rows.ts';
import { AlertPipeline } from '../../alerts/alert-pipeline.ts';
import { DEFAULT_ALERTS_CONFIG } from '../../alerts/alerts-config.ts';
import { embeddedClickHouse } from './embedded-clickhouse.ts';
import type { Row } from '../../src/store/batch-writer.ts';
import type { Store } from '../../src/store/store.ts';
import type { AnalysisReport } from '../../src/report/json-report.ts';

const root = new URL('../..', import.meta.url).pathname;

export interface ApiFixture { store: Store; reports: AnalysisReport[]; flush(): Promise<void> }

export async function apiFixture(database: string, captures: string[], site = 'hq'): Promise<ApiFixture> {
  const client = embeddedClickHouse();
  const layout: SchemaLayout = { database, cluster: null, ttlDays: { ...resolveStoreConfig({}, {}).ttlDays, findings: 0, calls: 0, rtp_streams: 0, devices: 0, alerts: 0 } };
  await applyMigrations(client, layout);
  const pending = new Map<string, Row[]>();
  const store = {
    client, layout, where: `embedded test database ${database}`, mode: 'embedded' as const,
    write: (table: StoredTable, row: Row) => { const l = pending.get(table) ?? []; l.push(row); pending.set(table, l); },
  } as unknown as Store;
  const flush = async () => {
    for (const [table, values] of pending) if (values.length) await client.insert({ table: tableRef(layout, table), values, format: 'JSONEachRow' });
    pending.clear();
  };
  const reports: AnalysisReport[] = [];
  for (const name of captures) {
    const path = join(root, 'captures', name);
    const result = await analyzeCaptures([path]);
    const ctx: RowContext = { sensor: 'sensor-1', site, source: path };
    for (const f of result.report.findings) store.write('findings', findingRow(f, ctx));
    for (const c of result.report.calls) { const { call, streams } = callRows(c, ctx); store.write('calls', call); for (const s of streams) store.write('rtp_streams', s); }
    for (const d of result.inventory) store.write('devices', deviceRow(d, ctx));
    const pipeline = await AlertPipeline.open({ config: DEFAULT_ALERTS_CONFIG, sensor: 'sensor-1', site, store, defaultQueueDir: '/nonexistent', log: { info() {}, warn() {}, error() {} } });
    await flush();
    pipeline.observe(result.report.findings, Date.now() / 1000);
    await pipeline.close(0);
    await flush();
    reports.push(result.report);
  }
  return { store, reports, flush };
}
