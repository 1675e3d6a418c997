/**
 * The `alerts:` section of the config file: lifecycle tunables, static allowlist entries and
 * the delivery destinations. Validated once into a frozen object; every problem is an
 * ERR_CONFIG naming the key (`alerts.destinations[1].url`). Secrets may stay out of the file:
 * `secretEnv` / `tokenEnv` name an environment variable to read them from.
 */
import { resolve } from 'node:path';
import { VoipwatchError } from '../src/errors.ts';
import { SEVERITY_RANK, type Severity } from './finding-store.ts';
import { makeAllowlistEntry, parseExpiry, type AllowlistEntry } from './allowlist.ts';
import type { DeliveryPolicy, Destination, DestinationFilter, WebhookFormat } from './alert-event.ts';

export interface AlertsConfig {
  /** seconds without sightings after which an alert fires again */
  quietPeriodSec: number;
  /** base URL of the dashboard, for links in alerts */
  dashboardUrl: string | null;
  /** the on-disk delivery queue; null: next to the store's data (`<dataDir>/alerts-outbox`) */
  queueDir: string | null;
  /** milliseconds between live evaluations of the findings (the sensor) */
  evaluateIntervalMs: number;
  /** seconds a command waits at exit for pending deliveries (what is left stays queued on disk) */
  flushTimeoutSec: number;
  allowlist: readonly AllowlistEntry[];
  destinations: readonly Destination[];
}

export const DEFAULT_DELIVERY: Readonly<DeliveryPolicy> = Object.freeze({
  timeoutMs: 10_000, initialBackoffMs: 1_000, maxBackoffMs: 300_000, giveUpAfterSec: 86_400, ratePerSec: 50, burst: 100,
});

export const DEFAULT_ALERTS_CONFIG: Readonly<AlertsConfig> = Object.freeze({
  quietPeriodSec: 86_400, dashboardUrl: null, queueDir: null, evaluateIntervalMs: 500, flushTimeoutSec: 10,
  allowlist: Object.freeze([]), destinations: Object.freeze([]),
});

const TOP_KEYS = ['quietPeriodHours', 'dashboardUrl', 'queueDir', 'evaluateIntervalMs', 'flushTimeoutSec', 'allowlist', 'destinations'];
const ALLOW_KEYS = ['rule', 'cidr', 'device', 'sipUser', 'reason', 'expires'];
const COMMON_DEST_KEYS = ['name', 'type', 'format', 'minSeverity', 'rules', 'sites', 'timeoutMs', 'initialBackoffMs', 'maxBackoffMs', 'giveUpAfterSec', 'ratePerSec', 'burst', 'caFile'];
const WEBHOOK_KEYS = [...COMMON_DEST_KEYS, 'url', 'secret', 'secretEnv', 'token', 'tokenEnv', 'sourcetype', 'index', 'headers'];
const SYSLOG_KEYS = [...COMMON_DEST_KEYS, 'host', 'port', 'protocol', 'facility', 'appName'];
const WEBHOOK_FORMATS: readonly WebhookFormat[] = ['json', 'slack', 'splunk-hec', 'ecs'];
const NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

const bad = (where: string, msg: string): never => { throw new VoipwatchError('ERR_CONFIG', `${where}: ${msg}`); };

export function parseAlertsConfig(section: unknown, env: NodeJS.ProcessEnv = process.env, now = Date.now() / 1000): AlertsConfig {
  if (section === undefined || section === null) return DEFAULT_ALERTS_CONFIG;
  const o = mapping('alerts', section, TOP_KEYS);
  const quietPeriodSec = num('alerts.quietPeriodHours', o.quietPeriodHours, 0, 24 * 365, 24) * 3600;
  const dashboardUrl = o.dashboardUrl === undefined || o.dashboardUrl === null ? null : httpUrl('alerts.dashboardUrl', o.dashboardUrl);
  const queueDir = o.queueDir === undefined || o.queueDir === null ? null : resolve(str('alerts.queueDir', o.queueDir));
  const evaluateIntervalMs = int('alerts.evaluateIntervalMs', o.evaluateIntervalMs, 50, 600_000, 500);
  const flushTimeoutSec = int('alerts.flushTimeoutSec', o.flushTimeoutSec, 0, 3600, 10);

  const allowlist = list('alerts.allowlist', o.allowlist).map((raw, i) => {
    const where = `alerts.allowlist[${i}]`;
    const e = mapping(where, raw, ALLOW_KEYS);
    if (e.reason === undefined) bad(`${where}.reason`, 'every allowlist entry needs a reason');
    if (e.expires === undefined) bad(`${where}.expires`, 'every allowlist entry needs an expiry (30d, 2027-03-31, or never)');
    try {
      return makeAllowlistEntry({
        rule: optStr(`${where}.rule`, e.rule), cidr: optStr(`${where}.cidr`, e.cidr), device: optStr(`${where}.device`, e.device),
        sipUser: optStr(`${where}.sipUser`, e.sipUser), reason: str(`${where}.reason`, e.reason),
        // A fixed creation time keeps a config entry's id the same across restarts.
        expiresAt: parseExpiry(e.expires instanceof Date ? e.expires.toISOString() : String(e.expires), now), actor: 'config', createdAt: 0,
      }, now);
    } catch (err) { return bad(where, (err as Error).message); }
  });

  const names = new Set<string>();
  const destinations = list('alerts.destinations', o.destinations).map((raw, i) => {
    const where = `alerts.destinations[${i}]`;
    const type = (raw as Record<string, unknown> | null)?.type;
    if (type !== 'webhook' && type !== 'syslog') bad(`${where}.type`, `webhook or syslog, not ${JSON.stringify(type)}`);
    const d = mapping(where, raw, type === 'webhook' ? WEBHOOK_KEYS : SYSLOG_KEYS);
    const name = str(`${where}.name`, d.name);
    if (!NAME.test(name)) bad(`${where}.name`, `1-64 of a-z 0-9 _ - (it names a queue directory), not ${JSON.stringify(name)}`);
    if (names.has(name)) bad(`${where}.name`, `${name} is used twice`);
    names.add(name);
    const filter = parseFilter(where, d);
    const delivery = parseDelivery(where, d);
    const caFile = d.caFile === undefined || d.caFile === null ? null : resolve(str(`${where}.caFile`, d.caFile));
    if (type === 'syslog') {
      const format = d.format ?? 'cef';
      if (format !== 'cef') bad(`${where}.format`, `syslog destinations send CEF, not ${JSON.stringify(format)}`);
      const protocol = d.protocol ?? 'tcp';
      if (protocol !== 'udp' && protocol !== 'tcp' && protocol !== 'tls') bad(`${where}.protocol`, `udp, tcp or tls, not ${JSON.stringify(protocol)}`);
      return {
        name, type: 'syslog' as const, format: 'cef' as const, host: str(`${where}.host`, d.host),
        port: int(`${where}.port`, d.port, 1, 65_535, protocol === 'tls' ? 6514 : 514), protocol: protocol as 'udp' | 'tcp' | 'tls',
        caFile, facility: int(`${where}.facility`, d.facility, 0, 23, 10), appName: str(`${where}.appName`, d.appName ?? 'voipwatch'),
        filter, delivery,
      };
    }
    const format = str(`${where}.format`, d.format ?? 'json') as WebhookFormat;
    if (!WEBHOOK_FORMATS.includes(format)) bad(`${where}.format`, `one of ${WEBHOOK_FORMATS.join(', ')}, not ${JSON.stringify(format)}`);
    const secret = fromEnvOr(`${where}.secret`, d.secret, `${where}.secretEnv`, d.secretEnv, env);
    const token = fromEnvOr(`${where}.token`, d.token, `${where}.tokenEnv`, d.tokenEnv, env);
    if (format === 'splunk-hec' && token === null) bad(`${where}.token`, 'a splunk-hec destination needs its HEC token (token or tokenEnv)');
    const headers: Record<string, string> = {};
    if (d.headers !== undefined && d.headers !== null) {
      if (typeof d.headers !== 'object' || Array.isArray(d.headers)) bad(`${where}.headers`, 'must be a mapping of header names to values');
      for (const [k, v] of Object.entries(d.headers as object)) {
        if (!/^[A-Za-z0-9-]{1,64}$/.test(k) || typeof v !== 'string' || /[\r\n]/.test(v)) bad(`${where}.headers.${k}`, 'a header name of letters, digits and - with a one-line string value');
        headers[k] = v as string;
      }
    }
    return {
      name, type: 'webhook' as const, format, url: httpUrl(`${where}.url`, d.url), secret, token,
      sourcetype: str(`${where}.sourcetype`, d.sourcetype ?? 'voipwatch:alert'), index: optStr(`${where}.index`, d.index),
      headers, caFile, filter, delivery,
    };
  });

  return deepFreeze({ quietPeriodSec, dashboardUrl, queueDir, evaluateIntervalMs, flushTimeoutSec, allowlist, destinations });
}

function parseFilter(where: string, d: Record<string, unknown>): DestinationFilter {
  const minSeverity = str(`${where}.minSeverity`, d.minSeverity ?? 'low');
  if (!(minSeverity in SEVERITY_RANK)) bad(`${where}.minSeverity`, `one of low, medium, high, critical, not ${JSON.stringify(minSeverity)}`);
  const strings = (key: string): string[] | null => {
    if (d[key] === undefined || d[key] === null) return null;
    const v = d[key];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) bad(`${where}.${key}`, 'must be a list of strings');
    return v as string[];
  };
  return { minSeverity: minSeverity as Severity, rules: strings('rules'), sites: strings('sites') };
}

function parseDelivery(where: string, d: Record<string, unknown>): DeliveryPolicy {
  const p = DEFAULT_DELIVERY;
  const policy = {
    timeoutMs: int(`${where}.timeoutMs`, d.timeoutMs, 100, 600_000, p.timeoutMs),
    initialBackoffMs: int(`${where}.initialBackoffMs`, d.initialBackoffMs, 1, 3_600_000, p.initialBackoffMs),
    maxBackoffMs: int(`${where}.maxBackoffMs`, d.maxBackoffMs, 1, 86_400_000, p.maxBackoffMs),
    giveUpAfterSec: int(`${where}.giveUpAfterSec`, d.giveUpAfterSec, 1, 30 * 86_400, p.giveUpAfterSec),
    ratePerSec: num(`${where}.ratePerSec`, d.ratePerSec, 0.01, 100_000, p.ratePerSec),
    burst: int(`${where}.burst`, d.burst, 1, 100_000, p.burst),
  };
  if (policy.maxBackoffMs < policy.initialBackoffMs) bad(`${where}.maxBackoffMs`, 'must not be below initialBackoffMs');
  return policy;
}

function fromEnvOr(whereValue: string, value: unknown, whereEnv: string, envName: unknown, env: NodeJS.ProcessEnv): string | null {
  if (value !== undefined && value !== null && envName !== undefined && envName !== null) bad(whereValue, `set either it or ${whereEnv.split('.').pop()}, not both`);
  if (envName !== undefined && envName !== null) {
    const name = str(whereEnv, envName);
    const v = env[name];
    if (v === undefined || v === '') bad(whereEnv, `the environment variable ${name} is not set`);
    return v as string;
  }
  return optStr(whereValue, value);
}

function mapping(where: string, v: unknown, keys: readonly string[]): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) bad(where, 'must be a mapping');
  for (const k of Object.keys(v as object)) if (!keys.includes(k)) bad(`${where}.${k}`, `unknown setting (known: ${keys.join(', ')})`);
  return v as Record<string, unknown>;
}

function list(where: string, v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) bad(where, 'must be a list');
  return v as unknown[];
}

function str(where: string, v: unknown): string {
  if (typeof v !== 'string' || v === '') bad(where, `must be a non-empty string, not ${JSON.stringify(v)}`);
  return v as string;
}

const optStr = (where: string, v: unknown): string | null => (v === undefined || v === null ? null : str(where, v));

function httpUrl(where: string, v: unknown): string {
  const text = str(where, v);
  let u: URL;
  try { u = new URL(text); } catch { return bad(where, `not a URL: ${JSON.stringify(text)}`); }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') bad(where, `must be http:// or https://, not ${u.protocol}`);
  return text;
}

function num(where: string, v: unknown, min: number, max: number, fallback: number): number {
  if (v === undefined || v === null) return fallback;
  const n = typeof v === 'number' ? v : Number(v);
  if (typeof v === 'boolean' || !Number.isFinite(n) || n < min || n > max) bad(where, `must be a number from ${min} to ${max}, not ${JSON.stringify(v)}`);
  return n;
}

function int(where: string, v: unknown, min: number, max: number, fallback: number): number {
  const n = num(where, v, min, max, fallback);
  if (!Number.isInteger(n)) bad(where, `must be an integer, not ${JSON.stringify(v)}`);
  return n;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    for (const v of Object.values(o as object)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
