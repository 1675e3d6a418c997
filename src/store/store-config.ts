/**
 * Storage settings: one defaults object (units in the comments), each setting also read from
 * an environment variable, validated once and frozen. With no URL the embedded engine (chDB)
 * keeps the data in `dataDir`; with `url` the same code talks to a ClickHouse server or
 * cluster.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { VoipwatchError } from '../errors.ts';

export interface StoreConfig {
  /** embedded mode: the chDB data directory */
  dataDir: string;
  /** server mode: http(s)://host:8123; null = embedded */
  url: string | null;
  user: string;
  password: string;
  database: string;
  /** server mode: a CA bundle (PEM path) for https URLs with a private CA */
  tlsCaFile: string | null;
  /** cluster mode: the cluster name of `remote_servers`; DDL runs ON CLUSTER, tables are Replicated + Distributed */
  cluster: string | null;
  /** written on every row, so several sensors can share one database */
  sensor: string;
  site: string;
  /** keep each table's rows this many days (0 = forever) */
  ttlDays: Readonly<Record<StoredTable, number>>;
  /** forensic SIP message log (opt-in: it grows with every message) */
  sipMessages: boolean;
  /** rows per table that trigger a flush */
  batchRows: number;
  /** milliseconds after which a non-empty batch is flushed anyway */
  batchAgeMs: number;
  /** rows held in memory across tables before writes spill to the spool */
  maxBufferedRows: number;
  /** on-disk spool for batches the store could not take */
  spoolDir: string;
  /** bytes the spool may use; past it new batches are dropped and counted */
  spoolMaxBytes: number;
  /** milliseconds per ClickHouse request before it counts as failed */
  requestTimeoutMs: number;
}

export const STORED_TABLES = ['findings', 'calls', 'rtp_streams', 'devices', 'tls_sessions', 'http_logins', 'sip_messages',
  'alerts', 'alert_acks', 'allowlist', 'audit_log', 'alert_deliveries', 'api_tokens', 'users', 'weekly_reports'] as const;
export type StoredTable = typeof STORED_TABLES[number];

/** Where embedded data lives without --data-dir / VOIPWATCH_DATA_DIR (XDG data home). */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_DATA_HOME && env.XDG_DATA_HOME.startsWith('/') ? env.XDG_DATA_HOME : join(homedir(), '.local', 'share');
  return join(base, 'voipwatch');
}

const DEFAULT_TTL_DAYS: Readonly<Record<StoredTable, number>> = Object.freeze({
  findings: 365, calls: 180, rtp_streams: 180, devices: 365, tls_sessions: 180, http_logins: 365, sip_messages: 30,
  // Decisions people made (acknowledgements, allowlist entries) and their audit trail are kept.
  alerts: 365, alert_acks: 0, allowlist: 0, audit_log: 0, alert_deliveries: 90, api_tokens: 0, users: 0, weekly_reports: 0,
});

export interface StoreOverrides {
  dataDir?: string;
  url?: string;
  sipMessages?: boolean;
}

/** Identifiers go into DDL text (ClickHouse cannot bind a cluster name): only plain names pass. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
/** Sensor and site names are row values, but also appear in logs and file names. */
const LABEL = /^[A-Za-z0-9_.:-]{1,64}$/;

/**
 * Settings from flags (`overrides`), then environment, then defaults. Every bad value throws
 * ERR_STORE_CONFIG naming its flag or variable.
 */
export function resolveStoreConfig(overrides: StoreOverrides = {}, env: NodeJS.ProcessEnv = process.env): StoreConfig {
  const dataDir = resolve(overrides.dataDir ?? env.VOIPWATCH_DATA_DIR ?? defaultDataDir(env));
  const url = overrides.url ?? env.VOIPWATCH_CLICKHOUSE_URL ?? null;
  if (url !== null) {
    let parsed: URL;
    try { parsed = new URL(url); } catch (cause) {
      throw new VoipwatchError('ERR_STORE_CONFIG', `VOIPWATCH_CLICKHOUSE_URL / --clickhouse-url is not a URL: ${JSON.stringify(url)}`, { cause });
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new VoipwatchError('ERR_STORE_CONFIG', `VOIPWATCH_CLICKHOUSE_URL must be http:// or https://, not ${parsed.protocol}`);
    }
  }
  const database = env.VOIPWATCH_CLICKHOUSE_DATABASE ?? 'voipwatch';
  if (!IDENTIFIER.test(database)) throw new VoipwatchError('ERR_STORE_CONFIG', `VOIPWATCH_CLICKHOUSE_DATABASE must be a plain identifier, not ${JSON.stringify(database)}`);
  const cluster = env.VOIPWATCH_CLICKHOUSE_CLUSTER || null;
  if (cluster !== null && !IDENTIFIER.test(cluster)) throw new VoipwatchError('ERR_STORE_CONFIG', `VOIPWATCH_CLICKHOUSE_CLUSTER must be a plain identifier, not ${JSON.stringify(cluster)}`);
  if (cluster !== null && url === null) throw new VoipwatchError('ERR_STORE_CONFIG', 'VOIPWATCH_CLICKHOUSE_CLUSTER needs a server: set VOIPWATCH_CLICKHOUSE_URL too');
  const sensor = env.VOIPWATCH_SENSOR ?? 'default';
  if (!LABEL.test(sensor)) throw new VoipwatchError('ERR_STORE_CONFIG', `VOIPWATCH_SENSOR must be 1-64 of A-Z a-z 0-9 _ . : -, not ${JSON.stringify(sensor)}`);
  const site = env.VOIPWATCH_SITE ?? 'default';
  if (!LABEL.test(site)) throw new VoipwatchError('ERR_STORE_CONFIG', `VOIPWATCH_SITE must be 1-64 of A-Z a-z 0-9 _ . : -, not ${JSON.stringify(site)}`);

  const ttlDays: Record<StoredTable, number> = { ...DEFAULT_TTL_DAYS };
  for (const table of STORED_TABLES) {
    const name = `VOIPWATCH_TTL_DAYS_${table.toUpperCase()}`;
    if (env[name] !== undefined) ttlDays[table] = integer(name, env[name], 0, 36_500);
  }

  return Object.freeze({
    dataDir,
    url,
    user: env.VOIPWATCH_CLICKHOUSE_USER ?? 'default',
    password: env.VOIPWATCH_CLICKHOUSE_PASSWORD ?? '',
    database,
    tlsCaFile: env.VOIPWATCH_CLICKHOUSE_CA_FILE || null,
    cluster,
    sensor,
    site,
    ttlDays: Object.freeze(ttlDays),
    sipMessages: overrides.sipMessages ?? boolean('VOIPWATCH_SIP_MESSAGES', env.VOIPWATCH_SIP_MESSAGES, false),
    batchRows: integer('VOIPWATCH_BATCH_ROWS', env.VOIPWATCH_BATCH_ROWS, 1, 1_000_000, 50_000),
    batchAgeMs: integer('VOIPWATCH_BATCH_AGE_MS', env.VOIPWATCH_BATCH_AGE_MS, 10, 600_000, 2_000),
    maxBufferedRows: integer('VOIPWATCH_MAX_BUFFERED_ROWS', env.VOIPWATCH_MAX_BUFFERED_ROWS, 1, 10_000_000, 500_000),
    spoolDir: resolve(env.VOIPWATCH_SPOOL_DIR ?? join(dataDir, 'spool')),
    spoolMaxBytes: integer('VOIPWATCH_SPOOL_MAX_BYTES', env.VOIPWATCH_SPOOL_MAX_BYTES, 1_048_576, Number.MAX_SAFE_INTEGER, 2 * 1024 ** 3),
    requestTimeoutMs: integer('VOIPWATCH_CLICKHOUSE_TIMEOUT_MS', env.VOIPWATCH_CLICKHOUSE_TIMEOUT_MS, 100, 600_000, 30_000),
  });
}

function integer(name: string, raw: string | undefined, min: number, max: number, fallback?: number): number {
  if (raw === undefined || raw === '') {
    if (fallback === undefined) throw new VoipwatchError('ERR_STORE_CONFIG', `${name} is empty`);
    return fallback;
  }
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new VoipwatchError('ERR_STORE_CONFIG', `${name} must be an integer from ${min} to ${max}, not ${JSON.stringify(raw)}`);
  }
  return n;
}

function boolean(name: string, raw: string | undefined, fallback: boolean): boolean {
  if (raw === undefined || raw === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new VoipwatchError('ERR_STORE_CONFIG', `${name} must be true or false, not ${JSON.stringify(raw)}`);
}
