/** `voipwatch db migrate` and `voipwatch db status`. */
import { parseArgs } from 'node:util';
import { VoipwatchError } from '../errors.ts';
import { defaultDataDir, resolveStoreConfig, type StoreConfig } from '../store/store-config.ts';
import { openStoreConnection } from '../store/clickhouse-connection.ts';
import { applyMigrations, migrationStatus } from '../store/migrate.ts';
import { layoutOf } from '../store/store.ts';
import { LATEST_SCHEMA_VERSION, tableRef } from '../store/schema.ts';
import { DiskSpool } from '../store/disk-spool.ts';

export const DB_USAGE = `usage: voipwatch db migrate|status [options]

  migrate                apply pending schema migrations (also done at every start)
  status                 schema version, pending migrations, rows per table, spool size

options:
  --data-dir DIR         embedded store directory (default: $VOIPWATCH_DATA_DIR or ${defaultDataDir()})
  --clickhouse-url URL   a ClickHouse server instead (default: $VOIPWATCH_CLICKHOUSE_URL)
  --format text|json     output format (default: text)
  -h, --help             show this help
`;

const COUNTED_TABLES = ['findings', 'calls', 'rtp_streams', 'devices', 'tls_sessions', 'http_logins', 'sip_messages', 'coverage_daily',
  'alerts', 'alert_acks', 'allowlist', 'audit_log', 'alert_deliveries', 'api_tokens', 'users', 'weekly_reports'];

export async function runDb(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv, allowPositionals: true, strict: true,
      options: {
        'data-dir': { type: 'string' },
        'clickhouse-url': { type: 'string' },
        format: { type: 'string', default: 'text' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (cause) {
    throw new VoipwatchError('ERR_CLI_ARGS', `${(cause as Error).message}\n\n${DB_USAGE}`, { cause });
  }
  const { values, positionals } = parsed;
  if (values.help) { process.stdout.write(DB_USAGE); return 0; }
  const [action, ...extra] = positionals;
  if ((action !== 'migrate' && action !== 'status') || extra.length > 0) {
    throw new VoipwatchError('ERR_CLI_ARGS', `${action === undefined ? 'no db action given' : `unknown db action ${JSON.stringify([action, ...extra].join(' '))}`}\n\n${DB_USAGE}`);
  }
  if (values.format !== 'text' && values.format !== 'json') throw new VoipwatchError('ERR_CLI_ARGS', `--format must be text or json, not ${JSON.stringify(values.format)}`);
  const config = resolveStoreConfig({ dataDir: values['data-dir'], url: values['clickhouse-url'] });
  const connection = await openStoreConnection(config, `db ${action}`);
  const layout = layoutOf(config);
  try {
    if (action === 'migrate') {
      const applied = await withStore(config, connection.where, () => applyMigrations(connection.client, layout));
      const text = applied.length > 0 ? `applied migrations ${applied.join(', ')}; schema at version ${LATEST_SCHEMA_VERSION}` : `schema up to date at version ${LATEST_SCHEMA_VERSION}`;
      process.stdout.write(values.format === 'json' ? JSON.stringify({ where: connection.where, applied, version: LATEST_SCHEMA_VERSION }) + '\n' : `${text} (${connection.where})\n`);
      return 0;
    }
    const status = await withStore(config, connection.where, () => migrationStatus(connection.client, layout));
    const rows: Record<string, number> = {};
    if (status.pending.length === 0) {
      for (const t of COUNTED_TABLES) {
        const rs = await connection.client.query({ query: `SELECT count() AS n FROM ${tableRef(layout, t)}`, format: 'JSONEachRow' });
        rows[t] = Number((await rs.json<{ n: string | number }>())[0]?.n ?? 0);
      }
    }
    const spool = new DiskSpool(config.spoolDir, config.spoolMaxBytes);
    const version = status.applied.reduce((v, a) => Math.max(v, a.version), 0);
    const out = {
      mode: connection.mode, where: connection.where, database: config.database, cluster: config.cluster,
      version, latest: LATEST_SCHEMA_VERSION, applied: status.applied, pending: status.pending, rows,
      spool: { dir: config.spoolDir, batches: spool.batches, bytes: spool.bytes },
    };
    if (values.format === 'json') process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    else {
      const lines = [
        `store      ${connection.mode} ${connection.where} (database ${config.database}${config.cluster ? `, cluster ${config.cluster}` : ''})`,
        `schema     version ${version} of ${LATEST_SCHEMA_VERSION}${status.pending.length ? `; pending: ${status.pending.map((p) => `${p.version} (${p.name})`).join(', ')} — run voipwatch db migrate` : ''}`,
        ...Object.entries(rows).map(([t, n]) => `rows       ${t.padEnd(16)} ${n.toLocaleString('en-US')}`),
        `spool      ${spool.batches} batches, ${spool.bytes} bytes in ${config.spoolDir}`,
      ];
      process.stdout.write(lines.join('\n') + '\n');
    }
    return 0;
  } finally {
    await connection.close();
  }
}

async function withStore<T>(config: StoreConfig, where: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (cause) {
    const message = String((cause as Error).message ?? cause).slice(0, 400);
    throw new VoipwatchError('ERR_STORE_UNAVAILABLE', `the store at ${where} did not answer as expected${config.url ? ' (check VOIPWATCH_CLICKHOUSE_URL, user and password)' : ''}: ${message}`, { cause });
  }
}
