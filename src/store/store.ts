/**
 * The store as the rest of the program sees it: open (embedded or server), migrate, write
 * rows per table through the batched writer, close. The schema is applied at open; when the
 * store cannot be reached then, rows are spooled and the schema is applied before replay.
 */
import type { ClickHouseClient, ClickHouseSettings } from '@clickhouse/client';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { BatchWriter, type EncodedBatch, type InsertTarget, type Row, type StoreLogger, type WriterStats } from './batch-writer.ts';
import { openStoreConnection, type RawInsert, type StoreConnection } from './clickhouse-connection.ts';
import { applyMigrations } from './migrate.ts';
import { tableRef, type SchemaLayout } from './schema.ts';
import type { StoreConfig, StoredTable } from './store-config.ts';

export interface OpenStoreOptions {
  /** who opens it, for the embedded store's owner note: 'analyze', 'sensor', 'db migrate' ... */
  command: string;
  logger: StoreLogger;
  /** false: batches are cut by size and on close only, so the same input gives the same batches */
  flushByAge: boolean;
}

export interface Store {
  readonly config: StoreConfig;
  readonly layout: SchemaLayout;
  readonly where: string;
  readonly mode: 'embedded' | 'server';
  readonly client: ClickHouseClient;
  write(table: StoredTable, row: Row): void;
  /** waits for inserts already under way */
  drain(): Promise<void>;
  /** a producing loop awaits this between chunks: it waits only while the store falls behind */
  keepUp(): Promise<void>;
  stats(): WriterStats;
  close(): Promise<WriterStats>;
}

export const layoutOf = (config: StoreConfig): SchemaLayout => ({ database: config.database, cluster: config.cluster, ttlDays: config.ttlDays });

/** Inserts through the client, applying the schema first whenever it is not known to be there. */
export function clickHouseTarget(client: ClickHouseClient, layout: SchemaLayout, rawInsert: RawInsert | null = null): InsertTarget & { migrated: boolean } {
  const target = {
    migrated: false,
    async insert(batch: EncodedBatch): Promise<void> {
      if (!target.migrated) {
        await applyMigrations(client, layout);
        target.migrated = true;
      }
      // JSONCompactEachRow (arrays under a column list) parses about twice as fast as
      // JSONEachRow in the engine and is half the bytes on the wire. The text was made once
      // when the batch was cut and goes as it is (exec with values: no second encoding).
      // Column names come from the row builders, never from the wire.
      // The rollup views must skip a deduplicated batch too, or a retry counts twice there.
      const settings: Record<string, string | number> = { insert_deduplicate: 1, insert_deduplication_token: batch.token, deduplicate_blocks_in_dependent_materialized_views: 1 };
      if (rawInsert) {
        // chDB takes a plain `database.table` (identifiers were validated at configuration).
        await rawInsert({ table: `${layout.database}.${batch.table}`, columns: batch.columns, body: batch.body, settings });
        return;
      }
      const columns = batch.columns.map((c) => `\`${c}\``).join(', ');
      const result = await client.exec({
        query: `INSERT INTO ${tableRef(layout, batch.table)} (${columns}) FORMAT JSONCompactEachRow`,
        values: Readable.from([batch.body]),
        clickhouse_settings: settings as ClickHouseSettings,
      });
      await finished(result.stream.resume());
    },
  };
  return target;
}

export async function openStore(config: StoreConfig, opts: OpenStoreOptions): Promise<Store> {
  const connection: StoreConnection = await openStoreConnection(config, opts.command);
  const layout = layoutOf(config);
  const target = clickHouseTarget(connection.client, layout, connection.rawInsert);
  try {
    await applyMigrations(connection.client, layout);
    target.migrated = true;
  } catch (err) {
    opts.logger.warn({ where: connection.where, err: String((err as Error).message ?? err).slice(0, 300) },
      'store unreachable at start: rows go to the spool and are replayed when it answers');
  }
  const writer = new BatchWriter(target, {
    batchRows: config.batchRows,
    batchAgeMs: opts.flushByAge ? config.batchAgeMs : 0,
    maxBufferedRows: config.maxBufferedRows,
    spoolDir: config.spoolDir,
    spoolMaxBytes: config.spoolMaxBytes,
    logger: opts.logger,
  });
  return {
    config, layout, where: connection.where, mode: connection.mode, client: connection.client,
    write: (table, row) => {
      if (table === 'sip_messages' && !config.sipMessages) return;
      writer.write(table, row);
    },
    drain: () => writer.drain(),
    keepUp: () => writer.keepUp(),
    stats: () => writer.snapshot(),
    async close() {
      await writer.close();
      const stats = writer.snapshot();
      await connection.close();
      return stats;
    },
  };
}
