/**
 * Versioned migrations, applied at start and by `voipwatch db migrate`. Idempotent: every
 * statement is IF NOT EXISTS, and a version is recorded only after all its statements ran,
 * so an interrupted run simply runs again.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { toClickHouseTime } from './rows.ts';
import { bootstrapStatements, migrations, migrationsTable, type SchemaLayout } from './schema.ts';

export interface MigrationStatus {
  applied: { version: number; name: string; applied_at: string }[];
  pending: { version: number; name: string }[];
}

export async function migrationStatus(client: ClickHouseClient, layout: SchemaLayout): Promise<MigrationStatus> {
  for (const sql of bootstrapStatements(layout)) await client.command({ query: sql });
  const rs = await client.query({
    query: `SELECT version, argMax(name, applied_at) AS last_name, max(applied_at) AS last_applied FROM ${migrationsTable(layout)} GROUP BY version ORDER BY version`,
    format: 'JSONEachRow',
  });
  const rows = await rs.json<{ version: number; last_name: string; last_applied: string }>();
  const applied = rows.map((r) => ({ version: Number(r.version), name: r.last_name, applied_at: r.last_applied }));
  const done = new Set(applied.map((a) => a.version));
  const pending = migrations(layout).filter((m) => !done.has(m.version)).map(({ version, name }) => ({ version, name }));
  return { applied, pending };
}

/** Applies what is pending, in version order; returns the versions applied now. */
export async function applyMigrations(client: ClickHouseClient, layout: SchemaLayout): Promise<number[]> {
  const status = await migrationStatus(client, layout);
  const pending = new Set(status.pending.map((p) => p.version));
  const appliedNow: number[] = [];
  for (const m of migrations(layout)) {
    if (!pending.has(m.version)) continue;
    for (const sql of m.statements) await client.command({ query: sql });
    await client.insert({
      table: migrationsTable(layout),
      values: [{ version: m.version, name: m.name, applied_at: toClickHouseTime(Date.now() / 1000) }],
      format: 'JSONEachRow',
    });
    appliedNow.push(m.version);
  }
  return appliedNow;
}
