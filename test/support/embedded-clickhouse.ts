/**
 * One embedded ClickHouse (chDB) per test process: chDB allows one data directory per
 * process, so every suite shares this one and keeps to its own database.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';

let shared: { client: ClickHouseClient; dir: string } | null = null;

export function embeddedClickHouse(): ClickHouseClient {
  if (!shared) {
    const dir = mkdtempSync(join(tmpdir(), 'voipwatch-test-chdb-'));
    const client = createClient({ connection: createChdbConnection({ path: dir }) as unknown as NonNullable<Parameters<typeof createClient>[0]>['connection'] });
    shared = { client, dir };
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return shared.client;
}

export async function countRows(client: ClickHouseClient, table: string): Promise<number> {
  const rs = await client.query({ query: `SELECT count() AS n FROM ${table}`, format: 'JSONEachRow' });
  return Number((await rs.json<{ n: string | number }>())[0].n);
}
