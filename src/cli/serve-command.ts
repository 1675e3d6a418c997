/**
 * `voipwatch serve`: the API and dashboard over the store, until SIGTERM/SIGINT.
 * `voipwatch token create|list|revoke` and `voipwatch user add`: who may use them.
 */
import { parseArgs } from 'node:util';
import { userInfo } from 'node:os';
import { VoipwatchError } from '../errors.ts';
import { defaultDataDir, resolveStoreConfig } from '../store/store-config.ts';
import { openStore } from '../store/store.ts';
import { buildApi } from '../api/api-server.ts';
import { resolveListen } from '../api/listen-address.ts';
import { addUser, createToken, generatePassword, listTokens, revokeToken, type Scope } from '../api/access.ts';
import { stderrLogger } from './cli-logger.ts';
import { StopSignal } from './stop-signal.ts';
import { readConfigFile } from '../sensor/sensor-config.ts';
import { parseAlertsConfig } from '../../alerts/alerts-config.ts';
import { DEFAULT_REPORTS, WeeklyReporter, parseReportsConfig } from '../weekly/report-schedule.ts';
import { publishWeeklyReport } from '../weekly/report-publisher.ts';

const STORE_OPTIONS = `  --data-dir DIR         embedded store directory (default: $VOIPWATCH_DATA_DIR or ${defaultDataDir()})
  --clickhouse-url URL   a ClickHouse server instead (default: $VOIPWATCH_CLICKHOUSE_URL)`;

export const SERVE_USAGE = `usage: voipwatch serve [options]

Serves the API (/api/v1, OpenAPI at /api/docs) and the dashboard over the store.
Sign in with a user (voipwatch user add) or an API token (voipwatch token create).

options:
  --listen HOST:PORT     address (default 127.0.0.1:9320); other than loopback only with TLS
  --tls-cert FILE        PEM certificate (with --tls-key): serve HTTPS
  --tls-key FILE         PEM private key
  --insecure-listen      allow a non-loopback address without TLS (a TLS proxy in front)
  --config FILE          the YAML configuration: its reports: section schedules the weekly report
                         (and alerts.destinations the webhooks it is posted to)
${STORE_OPTIONS}
  -h, --help             show this help
`;

export const ACCESS_USAGE = `usage: voipwatch token create --name NAME [--scope read|write]   print a new API token (shown once)
       voipwatch token list | token revoke TOKEN_ID
       voipwatch user add NAME [--scope read|write] [--password-stdin]
                              add a dashboard user; prints a generated password unless one comes on stdin

options:
${STORE_OPTIONS}
`;

const storeFlags = { 'data-dir': { type: 'string' as const }, 'clickhouse-url': { type: 'string' as const } };

export async function runServe(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, strict: true, options: {
      listen: { type: 'string', default: '127.0.0.1:9320' }, 'tls-cert': { type: 'string' }, 'tls-key': { type: 'string' },
      'insecure-listen': { type: 'boolean', default: false }, config: { type: 'string' }, ...storeFlags, help: { type: 'boolean', short: 'h', default: false },
    } });
  } catch (cause) {
    throw new VoipwatchError('ERR_CLI_ARGS', `${(cause as Error).message}\n\n${SERVE_USAGE}`, { cause });
  }
  const v = parsed.values;
  if (v.help) { process.stdout.write(SERVE_USAGE); return 0; }
  const listen = resolveListen(v.listen!, { certFile: v['tls-cert'], keyFile: v['tls-key'] }, v['insecure-listen']!);
  const store = await openStore(resolveStoreConfig({ dataDir: v['data-dir'], url: v['clickhouse-url'] }), { command: 'serve', logger: stderrLogger(), flushByAge: true });
  const file = v.config ? readConfigFile(v.config) : {};
  const alerts = parseAlertsConfig(file.alerts);
  const reports = v.config ? parseReportsConfig(file.reports, alerts.destinations) : { ...DEFAULT_REPORTS, enabled: false };
  const log = stderrLogger();
  const app = await buildApi({ store, https: listen.https, timeZone: reports.timeZone, log });
  const reporter = new WeeklyReporter((week) => publishWeeklyReport(store, week, reports, alerts.destinations, log, store.config.sensor), reports, log);
  try {
    await app.listen({ host: listen.host, port: listen.port });
  } catch (err) {
    await store.close();
    throw new VoipwatchError('ERR_LISTEN', `cannot listen on ${v.listen}: ${(err as Error).message}`, { cause: err });
  }
  const scheme = listen.https ? 'https' : 'http';
  const bound = app.server.address();
  const port = typeof bound === 'object' && bound ? bound.port : listen.port;
  process.stderr.write(`voipwatch: serving the dashboard and API on ${scheme}://${listen.host.includes(':') ? `[${listen.host}]` : listen.host}:${port}/ (store: ${store.where})\n`);
  reporter.start();
  return await new Promise<number>((resolve) => {
    new StopSignal(() => {
      reporter.stop();
      void app.close().then(() => store.close()).then(() => resolve(0), () => resolve(1));
    });
  });
}

export async function runAccess(kind: 'token' | 'user', argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: {
      name: { type: 'string' }, scope: { type: 'string', default: 'read' }, 'password-stdin': { type: 'boolean', default: false },
      format: { type: 'string', default: 'text' }, ...storeFlags, help: { type: 'boolean', short: 'h', default: false },
    } });
  } catch (cause) {
    throw new VoipwatchError('ERR_CLI_ARGS', `${(cause as Error).message}\n\n${ACCESS_USAGE}`, { cause });
  }
  const { values: v, positionals } = parsed;
  if (v.help) { process.stdout.write(ACCESS_USAGE); return 0; }
  if (v.scope !== 'read' && v.scope !== 'write') throw new VoipwatchError('ERR_CLI_ARGS', `--scope must be read or write, not ${JSON.stringify(v.scope)}`);
  const scope = v.scope as Scope;
  const [action, ...args] = positionals;
  const valid = kind === 'token' ? ['create', 'list', 'revoke'] : ['add'];
  if (!valid.includes(action)) throw new VoipwatchError('ERR_CLI_ARGS', `voipwatch ${kind} needs one of ${valid.join(', ')}\n\n${ACCESS_USAGE}`);
  let password: string | null = null;
  if (kind === 'user' && v['password-stdin']) {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    password = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  }
  const actor = `${safeLogin()}@cli`;
  const store = await openStore(resolveStoreConfig({ dataDir: v['data-dir'], url: v['clickhouse-url'] }), { command: `${kind} ${action}`, logger: stderrLogger(), flushByAge: false });
  try {
    if (kind === 'user') {
      const name = args[0];
      if (!name || args.length !== 1) throw new VoipwatchError('ERR_CLI_ARGS', 'voipwatch user add takes one NAME');
      const chosen = password ?? generatePassword();
      await addUser(store, name, chosen, scope, actor);
      process.stdout.write(password === null ? `user ${name} (${scope}) added; password (shown once): ${chosen}\n` : `user ${name} (${scope}) added\n`);
      return 0;
    }
    if (action === 'create') {
      if (!v.name) throw new VoipwatchError('ERR_CLI_ARGS', 'voipwatch token create needs --name NAME');
      const { token, record } = await createToken(store, v.name, scope, actor);
      process.stdout.write(v.format === 'json' ? `${JSON.stringify({ token, token_id: record.tokenId, scope })}\n` : `${token}\n`);
      process.stderr.write(`voipwatch: token ${record.tokenId} (${scope}) created; it is shown once — keep it in a secret store\n`);
      return 0;
    }
    if (action === 'list') {
      const tokens = await listTokens(store);
      process.stdout.write(tokens.length === 0 ? 'no tokens\n' : tokens.map((t) => `${t.tokenId}  ${t.scope.padEnd(5)}  ${new Date(t.createdAt * 1000).toISOString()}  ${t.name}  (by ${t.actor})`).join('\n') + '\n');
      return 0;
    }
    const id = args[0];
    if (!id || !(await revokeToken(store, id))) throw new VoipwatchError('ERR_TOKEN', `no token ${JSON.stringify(id ?? '')} to revoke`);
    process.stdout.write(`token ${id} revoked\n`);
    return 0;
  } finally {
    await store.close();
  }
}

function safeLogin(): string {
  try { return userInfo().username; } catch { return 'unknown'; }
}
