/**
 * Opens the one ClickHouse client everything else uses: the embedded engine (chDB, in this
 * process, persistent in the data directory) or a server over HTTP(S). Both give the same
 * @clickhouse/client API and SQL.
 *
 * chDB locks its data directory: a second process gets "Cannot lock file .../status". We
 * write who owns the directory next to it (`owner.json`: pid, command, since), so the
 * second process can say which process holds it instead of repeating chDB's message.
 */
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VoipwatchError } from '../errors.ts';
import type { StoreConfig } from './store-config.ts';

/** chDB's own insert: the text handed over as one Buffer, parsed by the engine's parallel parser. */
export type RawInsert = (p: { table: string; columns: string[]; body: Buffer; settings: Record<string, string | number> }) => Promise<void>;

export interface StoreConnection {
  client: ClickHouseClient;
  /** embedded mode only: inserts that skip the HTTP-shaped client path */
  rawInsert: RawInsert | null;
  mode: 'embedded' | 'server';
  /** for logs and `db status`: the data directory or the URL without credentials */
  where: string;
  close(): Promise<void>;
}

interface Owner { pid: number; command: string; since: string }

const OWNER_FILE = 'owner.json';

export async function openStoreConnection(config: StoreConfig, command: string): Promise<StoreConnection> {
  return config.url ? openServer(config) : openEmbedded(config, command);
}

function openServer(config: StoreConfig): StoreConnection {
  const url = new URL(config.url as string);
  let ca: Buffer | undefined;
  if (config.tlsCaFile) {
    try { ca = readFileSync(config.tlsCaFile); } catch (cause) {
      throw new VoipwatchError('ERR_STORE_CONFIG', `cannot read VOIPWATCH_CLICKHOUSE_CA_FILE ${config.tlsCaFile}: ${(cause as Error).message}`, { cause });
    }
  }
  const client = createClient({
    url: url.toString(),
    username: config.user,
    password: config.password,
    request_timeout: config.requestTimeoutMs,
    // Failures surface as errors the writer logs once with context; the client's own lines would repeat them.
    log: { level: ClickHouseLogLevel.OFF },
    // Retried batches must reach the shards with their token: insert in the foreground.
    clickhouse_settings: config.cluster ? { insert_distributed_sync: 1 } : {},
    ...(ca ? { tls: { ca_cert: ca } } : {}),
  });
  url.username = '';
  url.password = '';
  return { client, rawInsert: null, mode: 'server', where: url.toString(), close: () => client.close() };
}

async function openEmbedded(config: StoreConfig, command: string): Promise<StoreConnection> {
  try {
    mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  } catch (cause) {
    throw new VoipwatchError('ERR_STORE_DATA_DIR', `cannot create the data directory ${config.dataDir}: ${(cause as Error).message}`, { cause });
  }
  // A live owner recorded: say so without asking chDB, which would print its own lock error.
  const recorded = readOwner(config.dataDir);
  if (recorded && recorded.pid !== process.pid && isAlive(recorded.pid)) throw lockedOrBroken(config.dataDir, new Error('owner alive'));
  // Imported here: the server mode does not need the embedded engine loaded.
  const { createChdbConnection } = await import('chdb/connection');
  let connection;
  try {
    connection = createChdbConnection({ path: config.dataDir });
  } catch (cause) {
    throw lockedOrBroken(config.dataDir, cause);
  }
  const ownerPath = join(config.dataDir, OWNER_FILE);
  const owner: Owner = { pid: process.pid, command, since: new Date().toISOString() };
  writeFileSync(ownerPath, JSON.stringify(owner) + '\n');
  // chdb types its connection against @clickhouse/client-common, which the client bundles
  // under another path: the same interface, two declarations.
  const client = createClient({ connection: connection as unknown as NonNullable<Parameters<typeof createClient>[0]>['connection'] });
  const chdb = (connection as unknown as { chdb: { rawInsert(p: object): Promise<unknown> } }).chdb;
  return {
    client,
    // The client path would copy the batch into one SQL string for chDB to parse again;
    // rawInsert takes the bytes as they are (about 2-3x the rows per second).
    rawInsert: async ({ table, columns, body, settings }) => {
      await chdb.rawInsert({ table, columns, values: body, format: 'JSONCompactEachRow', settings });
    },
    mode: 'embedded',
    where: config.dataDir,
    async close() {
      await client.close();
      try {
        const current = JSON.parse(readFileSync(ownerPath, 'utf8')) as Owner;
        if (current.pid === process.pid) rmSync(ownerPath, { force: true });
      } catch { /* the owner file is advisory */ }
    },
  };
}

function lockedOrBroken(dataDir: string, cause: unknown): VoipwatchError {
  const text = `${(cause as Error)?.message ?? ''} ${String((cause as { cause?: Error })?.cause?.message ?? '')}`;
  const owner = readOwner(dataDir);
  const alive = owner !== null && isAlive(owner.pid);
  if (alive || /lock/i.test(text)) {
    const who = owner && alive ? `process ${owner.pid} (voipwatch ${owner.command}, since ${owner.since})` : 'another process';
    return new VoipwatchError('ERR_STORE_LOCKED',
      `the data directory ${dataDir} is in use by ${who}: the embedded store has one owner at a time. `
      + 'Wait for it or stop it, use --no-store, choose another --data-dir, or point VOIPWATCH_CLICKHOUSE_URL at a ClickHouse server.',
      { cause });
  }
  return new VoipwatchError('ERR_STORE_OPEN', `cannot open the embedded store in ${dataDir}: ${text.trim()}`, { cause });
}

function readOwner(dataDir: string): Owner | null {
  try {
    const o = JSON.parse(readFileSync(join(dataDir, OWNER_FILE), 'utf8')) as Owner;
    return Number.isInteger(o.pid) && o.pid > 0 ? o : null;
  } catch { return null; }
}

/** Alive and still a Node process (a crashed owner's pid may since belong to something else). */
function isAlive(pid: number): boolean {
  try { process.kill(pid, 0); } catch (e) { if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false; }
  try { return readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes('node'); } catch { return true; }
}
