/**
 * The sensor's settings: defaults here, then the YAML file, then environment variables,
 * then flags. Validated once at start (and at SIGHUP) into a frozen object; every problem is
 * an ERR_CONFIG naming the key (`capture.snaplen`) or variable (`VOIPWATCH_SNAPLEN`) at fault.
 * Unknown keys in the file are errors too, so a typo never silently keeps a default.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { VoipwatchError } from '../errors.ts';
import { NetworkClassifier, DEFAULT_INTERNAL_NETWORKS } from '../net/networks.ts';
import { resolveStoreConfig, type StoreConfig } from '../store/store-config.ts';
import { parseAlertsConfig, type AlertsConfig } from '../../alerts/alerts-config.ts';
import { resolveListen } from '../api/listen-address.ts';
import { parseReportsConfig, type ReportsConfig } from '../weekly/report-schedule.ts';

export interface SensorConfig {
  interfaces: readonly string[];
  capture: {
    /** bytes kept per packet */
    snaplen: number;
    /** kernel capture buffer, MiB */
    bufferSizeMiB: number;
    promiscuous: boolean;
    /** BPF expression */
    filter: string;
  };
  queue: {
    /** packets between capture and analysis */
    maxPackets: number;
    /** bytes between capture and analysis, MiB */
    maxMiB: number;
  };
  http: { host: string; port: number };
  networks: { internal: readonly string[] };
  health: {
    /** drops (kernel + queue) as a share of packets in one minute that make a sensor_health finding, percent */
    dropAlertPct: number;
  };
  /** seconds between store snapshots of findings and devices */
  snapshotIntervalSec: number;
  /** seconds a finished call or stream waits for late packets before it is stored and forgotten */
  settleSec: number;
  log: { level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' };
  store: StoreConfig | null;
  allowRoot: boolean;
  alerts: AlertsConfig;
  /** the API and dashboard served by the sensor itself (null: not served; `voipwatch serve` can serve them) */
  api: { listen: string; tlsCertFile: string | null; tlsKeyFile: string | null; insecureListen: boolean } | null;
  /** the weekly report: when, in which time zone, and to which destinations */
  reports: ReportsConfig;
}

/**
 * The default BPF filter: SIP and any media on UDP (RTP/RTCP use dynamic ports, so all UDP),
 * IP fragments (a fragmented INVITE's later fragments carry no UDP header), and the TCP
 * services a phone network runs: SIP, SIP-TLS, web UIs and provisioning over HTTP(S). TFTP
 * is UDP. VLAN-tagged frames are matched by the same expression after `vlan`.
 */
export const DEFAULT_FILTER = '(udp or (ip[6:2] & 0x1fff != 0) or tcp port 5060 or tcp port 5061 or tcp port 80 or tcp port 443 or tcp port 8080 or tcp port 8443)'
  + ' or (vlan and (udp or tcp port 5060 or tcp port 5061 or tcp port 80 or tcp port 443 or tcp port 8080 or tcp port 8443))';

export interface SensorFlags {
  config?: string;
  interfaces?: string[];
  filter?: string;
  snaplen?: string;
  dataDir?: string;
  clickhouseUrl?: string;
  noStore?: boolean;
  allowRoot?: boolean;
  httpListen?: string;
}

const FILE_KEYS: Record<string, readonly string[] | null> = {
  interfaces: null,
  capture: ['snaplen', 'bufferSizeMiB', 'promiscuous', 'filter'],
  queue: ['maxPackets', 'maxMiB'],
  store: ['dataDir', 'url', 'user', 'password', 'database', 'cluster', 'sensor', 'site', 'sipMessages'],
  http: ['listen'],
  networks: ['internal'],
  health: ['dropAlertPct'],
  log: ['level'],
  snapshotIntervalSec: null,
  settleSec: null,
  allowRoot: null,
  // validated by alerts/alerts-config.ts
  alerts: null,
  api: ['listen', 'tlsCertFile', 'tlsKeyFile', 'insecureListen'],
  reports: ['schedule', 'timeZone', 'destinations', 'enabled', 'email'],
};

const bad = (where: string, msg: string): never => { throw new VoipwatchError('ERR_CONFIG', `${where}: ${msg}`); };

export function loadSensorConfig(flags: SensorFlags, env: NodeJS.ProcessEnv = process.env): SensorConfig {
  const file = flags.config ? readConfigFile(flags.config) : {};
  const f = (section: string, key: string): unknown => (file[section] as Record<string, unknown> | undefined)?.[key];
  const where = (section: string, key: string, envName: string) => (env[envName] !== undefined ? envName : `${section}.${key}`);

  const interfaces = flags.interfaces?.length ? flags.interfaces
    : env.VOIPWATCH_INTERFACES ? env.VOIPWATCH_INTERFACES.split(',').map((s) => s.trim()).filter(Boolean)
    : asStringList('interfaces', file.interfaces ?? []);
  if (interfaces.length === 0) bad('interfaces', 'no capture interface: set --interface, VOIPWATCH_INTERFACES or interfaces: in the config file');
  for (const name of interfaces) if (!/^[A-Za-z0-9_.:@-]{1,64}$/.test(name)) bad('interfaces', `not an interface name: ${JSON.stringify(name)}`);

  const snaplen = int(flags.snaplen !== undefined ? '--snaplen' : where('capture', 'snaplen', 'VOIPWATCH_SNAPLEN'), flags.snaplen ?? env.VOIPWATCH_SNAPLEN ?? f('capture', 'snaplen'), 64, 262_144, 262_144);
  const bufferSizeMiB = int(where('capture', 'bufferSizeMiB', 'VOIPWATCH_BUFFER_MIB'), env.VOIPWATCH_BUFFER_MIB ?? f('capture', 'bufferSizeMiB'), 1, 4096, 64);
  const promiscuous = bool(where('capture', 'promiscuous', 'VOIPWATCH_PROMISCUOUS'), env.VOIPWATCH_PROMISCUOUS ?? f('capture', 'promiscuous'), true);
  const filter = str(flags.filter !== undefined ? '--filter' : where('capture', 'filter', 'VOIPWATCH_FILTER'), flags.filter ?? env.VOIPWATCH_FILTER ?? f('capture', 'filter'), DEFAULT_FILTER);
  const maxPackets = int(where('queue', 'maxPackets', 'VOIPWATCH_QUEUE_PACKETS'), env.VOIPWATCH_QUEUE_PACKETS ?? f('queue', 'maxPackets'), 1024, 16_777_216, 262_144);
  const maxMiB = int(where('queue', 'maxMiB', 'VOIPWATCH_QUEUE_MIB'), env.VOIPWATCH_QUEUE_MIB ?? f('queue', 'maxMiB'), 1, 16_384, 256);

  const listenFrom = flags.httpListen !== undefined ? '--http-listen' : where('http', 'listen', 'VOIPWATCH_HTTP_LISTEN');
  const listen = str(listenFrom, flags.httpListen ?? env.VOIPWATCH_HTTP_LISTEN ?? f('http', 'listen'), '127.0.0.1:9310');
  const m = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(listen);
  if (!m || Number(m[2]) > 65_535) bad(listenFrom, `expected host:port, not ${JSON.stringify(listen)}`);
  const http = { host: m![1].replace(/^\[|\]$/g, ''), port: Number(m![2]) };

  const internal = env.VOIPWATCH_INTERNAL_NETWORKS ? env.VOIPWATCH_INTERNAL_NETWORKS.split(',').map((s) => s.trim())
    : asStringList('networks.internal', f('networks', 'internal') ?? [...DEFAULT_INTERNAL_NETWORKS]);
  try { new NetworkClassifier(internal); } catch (e) { bad(env.VOIPWATCH_INTERNAL_NETWORKS ? 'VOIPWATCH_INTERNAL_NETWORKS' : 'networks.internal', (e as Error).message); }

  const dropAlertPct = num(where('health', 'dropAlertPct', 'VOIPWATCH_DROP_ALERT_PCT'), env.VOIPWATCH_DROP_ALERT_PCT ?? f('health', 'dropAlertPct'), 0, 100, 1);
  const snapshotIntervalSec = int(env.VOIPWATCH_SNAPSHOT_INTERVAL_SEC !== undefined ? 'VOIPWATCH_SNAPSHOT_INTERVAL_SEC' : 'snapshotIntervalSec', env.VOIPWATCH_SNAPSHOT_INTERVAL_SEC ?? file.snapshotIntervalSec, 1, 3600, 30);
  const settleSec = int(env.VOIPWATCH_SETTLE_SEC !== undefined ? 'VOIPWATCH_SETTLE_SEC' : 'settleSec', env.VOIPWATCH_SETTLE_SEC ?? file.settleSec, 0, 3600, 90);
  const level = str(where('log', 'level', 'VOIPWATCH_LOG_LEVEL'), env.VOIPWATCH_LOG_LEVEL ?? f('log', 'level'), 'info');
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace'].includes(level)) bad(where('log', 'level', 'VOIPWATCH_LOG_LEVEL'), `one of fatal, error, warn, info, debug, trace, not ${JSON.stringify(level)}`);
  const allowRoot = flags.allowRoot === true || bool(env.VOIPWATCH_ALLOW_ROOT !== undefined ? 'VOIPWATCH_ALLOW_ROOT' : 'allowRoot', env.VOIPWATCH_ALLOW_ROOT ?? file.allowRoot, false);

  // The store section maps onto the store's own variables; real variables win over the file.
  const storeFile = (file.store ?? {}) as Record<string, unknown>;
  const storeEnv: NodeJS.ProcessEnv = {};
  const fromFile: [string, string][] = [['dataDir', 'VOIPWATCH_DATA_DIR'], ['url', 'VOIPWATCH_CLICKHOUSE_URL'], ['user', 'VOIPWATCH_CLICKHOUSE_USER'],
    ['password', 'VOIPWATCH_CLICKHOUSE_PASSWORD'], ['database', 'VOIPWATCH_CLICKHOUSE_DATABASE'], ['cluster', 'VOIPWATCH_CLICKHOUSE_CLUSTER'],
    ['sensor', 'VOIPWATCH_SENSOR'], ['site', 'VOIPWATCH_SITE'], ['sipMessages', 'VOIPWATCH_SIP_MESSAGES']];
  for (const [key, name] of fromFile) if (storeFile[key] !== undefined && storeFile[key] !== null) storeEnv[name] = String(storeFile[key]);
  let store: StoreConfig | null = null;
  if (!flags.noStore) {
    try {
      store = resolveStoreConfig({ dataDir: flags.dataDir, url: flags.clickhouseUrl }, { ...storeEnv, ...env });
    } catch (e) {
      bad('store', (e as Error).message);
    }
  }

  const alerts = parseAlertsConfig(file.alerts, env);
  const reports = parseReportsConfig(file.reports, alerts.destinations, env);
  const apiListen = env.VOIPWATCH_API_LISTEN ?? f('api', 'listen');
  let api: SensorConfig['api'] = null;
  if (apiListen !== undefined && apiListen !== null && apiListen !== '') {
    const where = env.VOIPWATCH_API_LISTEN !== undefined ? 'VOIPWATCH_API_LISTEN' : 'api.listen';
    api = {
      listen: str(where, apiListen, ''),
      tlsCertFile: str('api.tlsCertFile', env.VOIPWATCH_API_TLS_CERT ?? f('api', 'tlsCertFile'), '') || null,
      tlsKeyFile: str('api.tlsKeyFile', env.VOIPWATCH_API_TLS_KEY ?? f('api', 'tlsKeyFile'), '') || null,
      insecureListen: bool('api.insecureListen', env.VOIPWATCH_API_INSECURE_LISTEN ?? f('api', 'insecureListen'), false),
    };
    try { resolveListen(api.listen, { certFile: api.tlsCertFile, keyFile: api.tlsKeyFile }, api.insecureListen, where); } catch (e) { bad(where, (e as Error).message.replace(/^[^:]+: /, '')); }
  }

  return deepFreeze({
    alerts, api, reports,
    interfaces, capture: { snaplen, bufferSizeMiB, promiscuous, filter }, queue: { maxPackets, maxMiB }, http,
    networks: { internal }, health: { dropAlertPct }, snapshotIntervalSec, settleSec, log: { level: level as SensorConfig['log']['level'] },
    store, allowRoot,
  });
}

export function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch (cause) {
    throw new VoipwatchError('ERR_CONFIG', `cannot read the config file ${path}: ${(cause as Error).message}`, { cause });
  }
  let doc: unknown;
  try { doc = parseYaml(text, { maxAliasCount: 100 }); } catch (cause) {
    throw new VoipwatchError('ERR_CONFIG', `${path} is not valid YAML: ${(cause as Error).message.split('\n')[0]}`, { cause });
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) bad(path, 'the top level must be a mapping of settings');
  const obj = doc as Record<string, unknown>;
  for (const [key, value] of Object.entries(obj)) {
    if (!(key in FILE_KEYS)) bad(`${path}: ${key}`, `unknown setting (known: ${Object.keys(FILE_KEYS).join(', ')})`);
    const sub = FILE_KEYS[key];
    if (sub && value !== null) {
      if (typeof value !== 'object' || Array.isArray(value)) bad(`${path}: ${key}`, 'must be a mapping');
      for (const k of Object.keys(value as object)) if (!sub.includes(k)) bad(`${path}: ${key}.${k}`, `unknown setting (known: ${sub.join(', ')})`);
    }
  }
  return obj;
}

function asStringList(where: string, v: unknown): string[] {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) bad(where, 'must be a list of strings');
  return v as string[];
}

function str(where: string, v: unknown, fallback: string): string {
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'string') bad(where, `must be a string, not ${JSON.stringify(v)}`);
  return v as string;
}

function num(where: string, v: unknown, min: number, max: number, fallback: number): number {
  if (v === undefined || v === null || v === '') return fallback;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(n) || n < min || n > max) bad(where, `must be a number from ${min} to ${max}, not ${JSON.stringify(v)}`);
  return n;
}

function int(where: string, v: unknown, min: number, max: number, fallback: number): number {
  const n = num(where, v, min, max, fallback);
  if (!Number.isInteger(n)) bad(where, `must be an integer, not ${JSON.stringify(v)}`);
  return n;
}

function bool(where: string, v: unknown, fallback: boolean): boolean {
  if (v === undefined || v === null || v === '') return fallback;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && /^(true|yes|on|1)$/i.test(v)) return true;
  if (typeof v === 'string' && /^(false|no|off|0)$/i.test(v)) return false;
  return bad(where, `must be true or false, not ${JSON.stringify(v)}`);
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    for (const v of Object.values(o as object)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
