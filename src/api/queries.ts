/**
 * The API's reads, each one ClickHouse query with bound parameters ({name:Type}); no value
 * from a request ever enters SQL text. Lists page by keyset cursors (the last row's sort key,
 * opaque to clients), so a page costs the same at the millionth row as at the first.
 *
 * An alert's status is computed when read: `suppressed` from its row, `acknowledged` when an
 * acknowledgement in force covers its severity, else `open` — so a decision made through the
 * API shows at once, before any sensor applies it.
 */
import { tableRef } from '../store/schema.ts';
import type { Store } from '../store/store.ts';

type StoreAccess = Pick<Store, 'client' | 'layout'>;

export interface Page<T> { items: T[]; next_cursor: string | null }

export const MAX_PAGE = 500;

const iso = (ch: string | null): string | null => (ch ? `${ch.replace(' ', 'T')}Z` : null);
const plainIp = (ip: string | null): string | null => (ip ? ip.replace(/^::ffff:/, '') : null);
const pct = (part: number, total: number): number | null => (total > 0 ? Math.round((part / total) * 1000) / 10 : null);

export const encodeCursor = (values: (string | number)[]): string => Buffer.from(JSON.stringify(values)).toString('base64url');
export function decodeCursor(cursor: string | undefined, arity: number): (string | number)[] | null {
  if (!cursor) return null;
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === arity && v.every((x) => typeof x === 'string' || typeof x === 'number')) return v as (string | number)[];
  } catch { /* not ours */ }
  return null;
}

async function rows<T>(store: StoreAccess, query: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const rs = await store.client.query({ query, query_params: params, format: 'JSONEachRow' });
  return rs.json<T>();
}

const t = (store: StoreAccess, name: string): string => tableRef(store.layout, name);

/** ClickHouse DateTime64 text for a bound parameter from an ISO time (or the epoch / far future). */
export const chTime = (iso8601: string | undefined, fallback: 'min' | 'max'): string => {
  const ms = iso8601 ? Date.parse(iso8601) : NaN;
  const d = Number.isFinite(ms) ? new Date(ms) : new Date(fallback === 'min' ? 0 : Date.UTC(2200, 0, 1));
  return d.toISOString().replace('T', ' ').replace('Z', '');
};

// ------------------------------------------------------------------------------------------
// Alerts

export interface AlertFilter {
  status?: string; severity?: string[]; rule?: string; device?: string; site?: string; from?: string; to?: string; q?: string;
  sort?: 'last_seen' | 'severity'; limit: number; cursor?: string; alertId?: string; updatedSince?: string;
}

const ALERTS_CTE = (store: StoreAccess) => `
  acks AS (SELECT alert_id, severity AS ack_severity, actor AS ack_actor, reason AS ack_reason, acked_at FROM ${t(store, 'alert_acks')} FINAL WHERE deleted = 0),
  live AS (
    SELECT a.alert_id AS alert_id, a.rule AS rule, toString(a.severity) AS severity, toInt8(a.severity) AS severity_rank,
      if(a.status = 'suppressed', 'suppressed', if(acks.alert_id != '' AND toInt8(a.severity) <= toInt8(acks.ack_severity), 'acknowledged', 'open')) AS status,
      toString(a.device_ip) AS device_ip, toString(a.peer_ip) AS peer_ip, a.site AS site, a.sensor AS sensor,
      a.first_seen AS first_seen, a.last_seen AS last_seen, a.count AS count, a.fire_count AS fire_count, a.summary AS summary,
      a.finding AS finding, a.suppressed_by AS suppressed_by, a.updated_at AS updated_at,
      acks.alert_id != '' AS acked, acks.actor_ AS ack_actor, acks.reason_ AS ack_reason, acks.acked_at_ AS acked_at, toString(acks.ack_severity) AS ack_severity
    FROM ${t(store, 'alerts')} AS a FINAL
    LEFT JOIN (SELECT alert_id, ack_severity, ack_actor AS actor_, ack_reason AS reason_, acked_at AS acked_at_ FROM acks) AS acks ON acks.alert_id = a.alert_id
  )`;

interface AlertRow {
  alert_id: string; rule: string; severity: string; severity_rank: number; status: string; device_ip: string; peer_ip: string | null; site: string; sensor: string;
  first_seen: string; last_seen: string; count: string | number; fire_count: number; summary: string; finding: string; suppressed_by: string; updated_at: string;
  acked: boolean | number; ack_actor: string; ack_reason: string; acked_at: string; ack_severity: string;
}

export interface AlertItem {
  alert_id: string; rule: string; severity: string; status: string; device_ip: string; peer_ip: string | null; site: string; sensor: string;
  first_seen: string; last_seen: string; count: number; fire_count: number; summary: string; evidence: Record<string, unknown>;
  device: Record<string, unknown>; peer: { ip: string; internal: boolean } | null;
  acknowledgement: { actor: string; reason: string; acked_at: string; severity: string } | null; suppressed_by: string | null;
  updated_at: string;
}

function toAlert(r: AlertRow): AlertItem {
  let finding: { evidence?: Record<string, unknown>; device?: Record<string, unknown>; peer?: { ip: string; internal: boolean } | null } = {};
  try { finding = JSON.parse(r.finding) as typeof finding; } catch { /* an old row: fields below still hold */ }
  return {
    alert_id: r.alert_id, rule: r.rule, severity: r.severity, status: r.status, device_ip: plainIp(r.device_ip)!, peer_ip: plainIp(r.peer_ip),
    site: r.site, sensor: r.sensor, first_seen: iso(r.first_seen)!, last_seen: iso(r.last_seen)!, count: Number(r.count), fire_count: Number(r.fire_count),
    summary: r.summary, evidence: finding.evidence ?? {}, device: finding.device ?? { ip: plainIp(r.device_ip) }, peer: finding.peer ?? null,
    acknowledgement: r.acked ? { actor: r.ack_actor, reason: r.ack_reason, acked_at: iso(r.acked_at)!, severity: r.ack_severity } : null,
    suppressed_by: r.suppressed_by || null, updated_at: iso(r.updated_at)!,
  };
}

export async function listAlerts(store: StoreAccess, f: AlertFilter): Promise<Page<AlertItem>> {
  const bySeverity = f.sort === 'severity';
  const cursor = decodeCursor(f.cursor, bySeverity ? 3 : 2);
  const where = [
    "({status:String} = '' OR status = {status:String})",
    '(empty({severity:Array(String)}) OR has({severity:Array(String)}, severity))',
    "({rule:String} = '' OR rule = {rule:String})",
    "({device:String} = '' OR device_ip = toString(toIPv6OrDefault({device:String})) OR device_ip = {device:String})",
    "({site:String} = '' OR site = {site:String})",
    'last_seen >= {from:DateTime64(3)} AND last_seen <= {to:DateTime64(3)}',
    "({q:String} = '' OR positionCaseInsensitiveUTF8(summary, {q:String}) > 0 OR positionCaseInsensitiveUTF8(device_ip, {q:String}) > 0 OR rule = {q:String} OR alert_id = {q:String})",
    "({alert_id:String} = '' OR alert_id = {alert_id:String})",
    'updated_at > {since:DateTime64(3)}',
  ];
  if (cursor) where.push(bySeverity ? '(severity_rank, last_seen, alert_id) < ({c0:Int8}, {c1:DateTime64(3)}, {c2:String})' : '(last_seen, alert_id) < ({c0:DateTime64(3)}, {c1:String})');
  const order = bySeverity ? 'severity_rank DESC, last_seen DESC, alert_id DESC' : 'last_seen DESC, alert_id DESC';
  const params: Record<string, unknown> = {
    status: f.status ?? '', severity: f.severity ?? [], rule: f.rule ?? '', device: f.device ?? '', site: f.site ?? '', q: f.q ?? '',
    from: chTime(f.from, 'min'), to: chTime(f.to, 'max'), alert_id: f.alertId ?? '', since: chTime(f.updatedSince, 'min'), limit: f.limit + 1,
  };
  if (cursor) cursor.forEach((v, i) => { params[`c${i}`] = v; });
  const found = await rows<AlertRow>(store, `WITH ${ALERTS_CTE(store)} SELECT * FROM live WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT {limit:UInt32}`, params);
  const page = found.slice(0, f.limit);
  const last = page.at(-1);
  const next = found.length > f.limit && last ? encodeCursor(bySeverity ? [last.severity_rank, last.last_seen, last.alert_id] : [last.last_seen, last.alert_id]) : null;
  return { items: page.map(toAlert), next_cursor: next };
}

export async function alertDeliveries(store: StoreAccess, alertId: string): Promise<Record<string, unknown>[]> {
  const r = await rows<{ destination: string; ts: string; outcome: string; status: number | null; attempt: number; error: string }>(store,
    `SELECT destination, ts, toString(outcome) AS outcome, status, attempt, error FROM ${t(store, 'alert_deliveries')} WHERE alert_id = {id:String} ORDER BY ts DESC LIMIT 100`, { id: alertId });
  return r.map((d) => ({ ...d, ts: iso(d.ts) }));
}

export async function alertSeverity(store: StoreAccess, alertId: string): Promise<string | null> {
  const r = await rows<{ severity: string }>(store, `SELECT toString(severity) AS severity FROM ${t(store, 'alerts')} FINAL WHERE alert_id = {id:String} ORDER BY updated_at DESC LIMIT 1`, { id: alertId });
  return r[0]?.severity ?? null;
}

// ------------------------------------------------------------------------------------------
// Findings

export interface FindingFilter { rule?: string; severity?: string[]; device?: string; site?: string; from?: string; to?: string; limit: number; cursor?: string }

export async function listFindings(store: StoreAccess, f: FindingFilter): Promise<Page<Record<string, unknown>>> {
  const cursor = decodeCursor(f.cursor, 2);
  const where = [
    "({rule:String} = '' OR rule = {rule:String})",
    '(empty({severity:Array(String)}) OR has({severity:Array(String)}, toString(severity)))',
    "({device:String} = '' OR device_ip = toIPv6OrDefault({device:String}))",
    "({site:String} = '' OR site = {site:String})",
    'last_seen >= {from:DateTime64(3)} AND last_seen <= {to:DateTime64(3)}',
  ];
  if (cursor) where.push('(last_seen, id) < ({c0:DateTime64(3)}, {c1:String})');
  const params: Record<string, unknown> = { rule: f.rule ?? '', severity: f.severity ?? [], device: f.device ?? '', site: f.site ?? '', from: chTime(f.from, 'min'), to: chTime(f.to, 'max'), limit: f.limit + 1 };
  if (cursor) { params.c0 = cursor[0]; params.c1 = cursor[1]; }
  // Two steps, so a page costs a top-N over three narrow columns rather than a sort of whole
  // rows: the newest identities first (a replaced row may still be there until the engine
  // merges: the duplicates are dropped here), then those rows in full.
  const top = await rows<{ sensor: string; id: string; last_seen: string }>(store, `
    SELECT sensor, id, last_seen FROM ${t(store, 'findings')} WHERE ${where.join(' AND ')}
    ORDER BY last_seen DESC, id DESC LIMIT {scan:UInt32}`, { ...params, scan: (f.limit + 1) * 3 });
  const seenIds = new Set<string>();
  const keys = top.filter((r) => { const k = `${r.sensor}\0${r.id}`; if (seenIds.has(k)) return false; seenIds.add(k); return true; }).slice(0, f.limit + 1);
  const full = keys.length === 0 ? [] : await rows<Record<string, string>>(store, `
    SELECT id, rule, toString(severity) AS severity_text, toString(device_ip) AS device_text, device_mac, device_vendor, device_model, device_firmware, device_user_agent,
      toString(peer_ip) AS peer_text, peer_internal, first_seen, last_seen, count, summary, evidence, sensor, site
    FROM ${t(store, 'findings')} WHERE id IN {ids:Array(String)} AND sensor IN {sensors:Array(String)}
    ORDER BY last_seen DESC, id DESC LIMIT 1 BY sensor, id`, { ids: [...new Set(keys.map((k) => k.id))], sensors: [...new Set(keys.map((k) => k.sensor))] });
  const wanted = new Set(keys.map((k) => `${k.sensor}\0${k.id}`));
  const found = full.filter((r) => wanted.has(`${r.sensor}\0${r.id}`));
  const page = found.slice(0, f.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({
      id: r.id, rule: r.rule, severity: r.severity_text,
      device: { ip: plainIp(r.device_text), mac: r.device_mac || null, vendor: r.device_vendor || null, model: r.device_model || null, firmware: r.device_firmware || null, user_agent: r.device_user_agent || null },
      peer: r.peer_text ? { ip: plainIp(r.peer_text), internal: Boolean(r.peer_internal) } : null,
      first_seen: iso(r.first_seen), last_seen: iso(r.last_seen), count: Number(r.count), summary: r.summary, evidence: safeJson(r.evidence), sensor: r.sensor, site: r.site,
    })),
    next_cursor: found.length > f.limit && last ? encodeCursor([last.last_seen, last.id]) : null,
  };
}

const safeJson = (s: string): unknown => { try { return JSON.parse(s); } catch { return {}; } };

// ------------------------------------------------------------------------------------------
// Devices

export interface DeviceFilter { q?: string; vendor?: string; role?: string; site?: string; limit: number; cursor?: string; ip?: string }

const DEVICES_CTE = (store: StoreAccess) => `
  open_alerts AS (
    SELECT device_ip, count() AS n FROM ${t(store, 'alerts')} AS a FINAL
    LEFT JOIN (SELECT alert_id, severity AS ack_severity FROM ${t(store, 'alert_acks')} FINAL WHERE deleted = 0) AS k ON k.alert_id = a.alert_id
    WHERE a.status != 'suppressed' AND NOT (k.alert_id != '' AND toInt8(a.severity) <= toInt8(k.ack_severity)) GROUP BY device_ip),
  dev AS (
    SELECT ip, toString(ip) AS ip_text, mac, vendor, model, firmware, if(user_agent != '', user_agent, server) AS user_agent, roles, sip_users, signaling, media,
      first_seen, last_seen, site, sensor FROM ${t(store, 'devices')} FINAL)`;

export async function listDevices(store: StoreAccess, f: DeviceFilter): Promise<Page<Record<string, unknown>>> {
  const cursor = decodeCursor(f.cursor, 2);
  const where = [
    "({q:String} = '' OR positionCaseInsensitiveUTF8(ip_text, {q:String}) > 0 OR positionCaseInsensitiveUTF8(vendor, {q:String}) > 0 OR positionCaseInsensitiveUTF8(model, {q:String}) > 0 OR positionCaseInsensitiveUTF8(user_agent, {q:String}) > 0 OR has(sip_users, {q:String}))",
    "({vendor:String} = '' OR vendor = {vendor:String})",
    "({role:String} = '' OR has(roles, {role:String}))",
    "({site:String} = '' OR site = {site:String})",
    "({ip:String} = '' OR ip = toIPv6OrDefault({ip:String}))",
  ];
  if (cursor) where.push('(last_seen, ip_text) < ({c0:DateTime64(3)}, {c1:String})');
  const params: Record<string, unknown> = { q: f.q ?? '', vendor: f.vendor ?? '', role: f.role ?? '', site: f.site ?? '', ip: f.ip ?? '', limit: f.limit + 1 };
  if (cursor) { params.c0 = cursor[0]; params.c1 = cursor[1]; }
  const found = await rows<Record<string, unknown> & { ip_text: string; last_seen: string; first_seen: string; signaling: string[]; media: string[]; n: number | string }>(store, `
    WITH ${DEVICES_CTE(store)}
    SELECT dev.*, open_alerts.n AS n FROM dev LEFT JOIN open_alerts ON open_alerts.device_ip = dev.ip
    WHERE ${where.join(' AND ')} ORDER BY last_seen DESC, ip_text DESC LIMIT 1 BY ip_text LIMIT {limit:UInt32}`, params);
  const page = found.slice(0, f.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => {
      const { ip: _ip, ip_text, n, ...rest } = r;
      void _ip;
      return {
        ...rest, ip: plainIp(ip_text), first_seen: iso(r.first_seen), last_seen: iso(r.last_seen), open_alerts: Number(n ?? 0),
        mac: r.mac || null, vendor: r.vendor || null, model: r.model || null, firmware: r.firmware || null, user_agent: r.user_agent || null,
        signaling_encrypted: r.signaling.length === 0 ? null : !r.signaling.some((s) => s === 'udp' || s === 'tcp' || s === 'ws'),
        media_encrypted: r.media.length === 0 ? null : !r.media.includes('rtp'),
      };
    }),
    next_cursor: found.length > f.limit && last ? encodeCursor([last.last_seen, last.ip_text]) : null,
  };
}

// ------------------------------------------------------------------------------------------
// Calls and streams

export interface CallFilter { q?: string; from?: string; to?: string; limit: number; cursor?: string }

export async function listCalls(store: StoreAccess, f: CallFilter): Promise<Page<Record<string, unknown>>> {
  const cursor = decodeCursor(f.cursor, 2);
  const where = [
    `({q:String} = '' OR call_id = {q:String} OR positionCaseInsensitiveUTF8(from_uri, {q:String}) > 0 OR positionCaseInsensitiveUTF8(to_uri, {q:String}) > 0
      OR caller_ip = toIPv6OrDefault({q:String}) OR callee_ip = toIPv6OrDefault({q:String}))`,
    'start >= {from:DateTime64(3)} AND start <= {to:DateTime64(3)}',
  ];
  if (cursor) where.push('(start, call_key) < ({c0:DateTime64(3)}, {c1:String})');
  const params: Record<string, unknown> = { q: f.q ?? '', from: chTime(f.from, 'min'), to: chTime(f.to, 'max'), limit: f.limit + 1 };
  if (cursor) { params.c0 = cursor[0]; params.c1 = cursor[1]; }
  const found = await rows<Record<string, string>>(store, `
    SELECT call_key, call_id, from_uri, to_uri, toString(caller_ip) AS caller_text, toString(callee_ip) AS callee_text, signaling, media, start, end,
      streams, encrypted_streams, site, sensor
    FROM ${t(store, 'calls')} WHERE ${where.join(' AND ')} ORDER BY start DESC, call_key DESC LIMIT 1 BY sensor, call_key LIMIT {limit:UInt32}`, params);
  const page = found.slice(0, f.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({
      call_key: r.call_key, call_id: r.call_id || null, from: r.from_uri || null, to: r.to_uri || null, caller_ip: plainIp(r.caller_text), callee_ip: plainIp(r.callee_text),
      signaling: r.signaling || null, media: r.media, start: iso(r.start), end: iso(r.end), streams: Number(r.streams), encrypted_streams: Number(r.encrypted_streams), site: r.site,
    })),
    next_cursor: found.length > f.limit && last ? encodeCursor([last.start, last.call_key]) : null,
  };
}

export async function callStreams(store: StoreAccess, callKey: string): Promise<Record<string, unknown>[] | null> {
  const [call] = await rows<{ call_id: string; caller_text: string; callee_text: string; start: string; end: string }>(store,
    `SELECT call_id, toString(caller_ip) AS caller_text, toString(callee_ip) AS callee_text, start, end FROM ${t(store, 'calls')} WHERE call_key = {key:String} LIMIT 1`, { key: callKey });
  if (!call) return null;
  const found = await rows<Record<string, string>>(store, `
    SELECT toString(src_ip) AS src_text, src_port, toString(dst_ip) AS dst_text, dst_port, ssrc, codec, packets, lost, jitter_ms, encrypted, classified_by, start, end
    FROM ${t(store, 'rtp_streams')}
    WHERE ({call_id:String} != '' AND call_id = {call_id:String})
       OR ({call_id:String} = '' AND call_id = '' AND start <= {end:DateTime64(3)} AND end >= {start:DateTime64(3)}
           AND ((src_ip = toIPv6({a:String}) AND dst_ip = toIPv6({b:String})) OR (src_ip = toIPv6({b:String}) AND dst_ip = toIPv6({a:String}))))
    ORDER BY start LIMIT 1000`, { call_id: call.call_id, a: call.caller_text, b: call.callee_text, start: call.start, end: call.end });
  const endpoint = (ip: string, port: string | number) => { const p = plainIp(ip)!; return p.includes(':') ? `[${p}]:${port}` : `${p}:${port}`; };
  return found.map((s) => ({
    src: endpoint(s.src_text, s.src_port), dst: endpoint(s.dst_text, s.dst_port), ssrc: `0x${Number(s.ssrc).toString(16).padStart(8, '0')}`, codec: s.codec,
    packets: Number(s.packets), lost: Number(s.lost), jitter_ms: Number(s.jitter_ms), encrypted: s.encrypted === null ? null : Boolean(s.encrypted),
    classified_by: s.classified_by, start: iso(s.start), end: iso(s.end),
  }));
}

// ------------------------------------------------------------------------------------------
// Coverage

export interface Coverage {
  signaling: { sessions: number; encrypted: number; pct: number | null };
  media: { streams: number; encrypted: number; pct: number | null };
  devices: { total: number; fully_encrypted: number; pct: number | null };
}

export type CoverageGroup = 'site' | 'subnet' | 'vendor' | 'model' | null;

const coverage = (sessions: number, sigEnc: number, streams: number, mediaEnc: number, devices: number, fully: number): Coverage => ({
  signaling: { sessions, encrypted: sigEnc, pct: pct(sigEnc, sessions) },
  media: { streams, encrypted: mediaEnc, pct: pct(mediaEnc, streams) },
  devices: { total: devices, fully_encrypted: fully, pct: pct(fully, devices) },
});

/** Group keys computed in SQL from a device address column and the device's own row. */
function groupKey(group: CoverageGroup, ipColumn: string, siteColumn: string): string {
  switch (group) {
    case 'site': return siteColumn;
    case 'subnet': return `concat(toString(cutIPv6(${ipColumn}, 8, 1)), if(startsWith(toString(${ipColumn}), '::ffff:'), '/24', '/64'))`;
    case 'vendor': return "if(d.vendor = '', 'unknown', d.vendor)";
    case 'model': return "if(d.vendor = '', 'unknown', concat(d.vendor, ' ', if(d.model = '', '?', d.model)))";
    default: return "'all'";
  }
}

export async function coverageOver(store: StoreAccess, from: string, to: string, group: CoverageGroup): Promise<{ total: Coverage; groups: ({ key: string } & Coverage)[] }> {
  const params = { from, to };
  const devJoin = `LEFT JOIN (SELECT ip, vendor, model FROM ${t(store, 'devices')} FINAL) AS d ON d.ip = `;
  const needsDevices = group === 'vendor' || group === 'model';
  const [media, signaling, devices] = await Promise.all([
    rows<{ key: string; streams: string; encrypted: string }>(store, `
      SELECT ${groupKey(group, 's.src_ip', 's.site')} AS key, count() AS streams, countIf(s.encrypted = true) AS encrypted
      FROM ${t(store, 'rtp_streams')} AS s ${needsDevices ? `${devJoin} s.src_ip` : ''}
      WHERE s.start >= {from:DateTime64(3)} AND s.start < {to:DateTime64(3)} GROUP BY key`, params),
    rows<{ key: string; sessions: string; encrypted: string }>(store, `
      SELECT ${groupKey(group, 'c.caller_ip', 'c.site')} AS key, count() AS sessions, countIf(c.signaling IN ('tls', 'wss')) AS encrypted
      FROM ${t(store, 'calls')} AS c ${needsDevices ? `${devJoin} c.caller_ip` : ''}
      WHERE c.start >= {from:DateTime64(3)} AND c.start < {to:DateTime64(3)} AND c.call_id != '' GROUP BY key`, params),
    rows<{ key: string; total: string; fully: string }>(store, `
      SELECT ${groupKey(group, 'd.ip', 'd.site')} AS key, count() AS total,
        countIf(notEmpty(d.signaling) AND NOT hasAny(d.signaling, ['udp', 'tcp', 'ws']) AND NOT has(d.media, 'rtp')
             OR (empty(d.signaling) AND notEmpty(d.media) AND NOT has(d.media, 'rtp'))) AS fully
      FROM (SELECT * FROM ${t(store, 'devices')} FINAL) AS d
      WHERE has(d.roles, 'phone') AND d.last_seen >= {from:DateTime64(3)} AND d.first_seen < {to:DateTime64(3)} GROUP BY key`, params),
  ]);
  const keys = new Set([...media, ...signaling, ...devices].map((r) => r.key));
  const groups = [...keys].sort().map((key) => {
    const m = media.find((r) => r.key === key), s = signaling.find((r) => r.key === key), d = devices.find((r) => r.key === key);
    return { key: key.replace(/^::ffff:/, ''), ...coverage(Number(s?.sessions ?? 0), Number(s?.encrypted ?? 0), Number(m?.streams ?? 0), Number(m?.encrypted ?? 0), Number(d?.total ?? 0), Number(d?.fully ?? 0)) };
  });
  const sum = (k: (g: Coverage) => number) => groups.reduce((n, g) => n + k(g), 0);
  const total = coverage(sum((g) => g.signaling.sessions), sum((g) => g.signaling.encrypted), sum((g) => g.media.streams), sum((g) => g.media.encrypted), sum((g) => g.devices.total), sum((g) => g.devices.fully_encrypted));
  return { total, groups };
}

/** Daily percentages from the coverage rollup (a few rows per day, whatever the traffic). */
export async function dailyTrend(store: StoreAccess, from: string, to: string): Promise<{ day: string; media_pct: number | null; signaling_pct: number | null; streams: number; calls: number }[]> {
  const r = await rows<{ day_text: string; streams: string; enc: string; calls: string; tls: string }>(store, `
    SELECT toString(day) AS day_text, sum(streams) AS streams, sum(streams_encrypted) AS enc, sum(calls) AS calls, sum(calls_tls_signaling) AS tls
    FROM ${t(store, 'coverage_daily')} WHERE day >= toDate({from:DateTime64(3)}) AND day <= toDate({to:DateTime64(3)}) GROUP BY day ORDER BY day`, { from, to });
  return r.map((d) => ({ day: d.day_text, media_pct: pct(Number(d.enc), Number(d.streams)), signaling_pct: pct(Number(d.tls), Number(d.calls)), streams: Number(d.streams), calls: Number(d.calls) }));
}

/** The newest traffic in the store (overview windows end there, so a store filled from old captures still shows them). */
export async function newestTraffic(store: StoreAccess): Promise<number | null> {
  // Calls and streams are ordered by (sensor, start): their newest start is read from the index, not scanned.
  const [r] = await rows<{ newest: string }>(store, `SELECT toString(greatest((SELECT max(start) FROM ${t(store, 'rtp_streams')}), (SELECT max(start) FROM ${t(store, 'calls')}))) AS newest`);
  const ms = r ? Date.parse(`${r.newest.replace(' ', 'T')}Z`) : NaN;
  return Number.isFinite(ms) && ms > 0 ? ms : null;
}

export async function openAlertCounts(store: StoreAccess): Promise<{ bySeverity: Record<string, number>; byRule: { rule: string; severity: string; count: number }[] }> {
  const r = await rows<{ rule: string; severity: string; n: string }>(store, `WITH ${ALERTS_CTE(store)} SELECT rule, severity, count() AS n FROM live WHERE status = 'open' GROUP BY rule, severity ORDER BY n DESC`);
  const bySeverity: Record<string, number> = { critical: 0, high: 0, medium: 0, low: 0 };
  for (const x of r) bySeverity[x.severity] = (bySeverity[x.severity] ?? 0) + Number(x.n);
  return { bySeverity, byRule: r.map((x) => ({ rule: x.rule, severity: x.severity, count: Number(x.n) })) };
}

export async function deviceCounts(store: StoreAccess): Promise<{ total: number; phones: number; fully_encrypted: number }> {
  const [r] = await rows<{ total: string; phones: string; fully: string }>(store, `
    SELECT count() AS total, countIf(has(roles, 'phone')) AS phones,
      countIf(has(roles, 'phone') AND notEmpty(signaling) AND NOT hasAny(signaling, ['udp', 'tcp', 'ws']) AND NOT has(media, 'rtp')) AS fully
    FROM (SELECT * FROM ${t(store, 'devices')} FINAL)`);
  return { total: Number(r?.total ?? 0), phones: Number(r?.phones ?? 0), fully_encrypted: Number(r?.fully ?? 0) };
}

export async function sensors(store: StoreAccess): Promise<{ sensor: string; site: string; last_seen: string }[]> {
  const r = await rows<{ sensor: string; site: string; last_seen: string }>(store, `SELECT sensor, site, max(last_seen) AS last_seen FROM ${t(store, 'devices')} GROUP BY sensor, site ORDER BY sensor, site`);
  return r.map((x) => ({ ...x, last_seen: iso(x.last_seen)! }));
}

export async function plaintextDevices(store: StoreAccess, from: string, to: string, limit: number): Promise<Record<string, unknown>[]> {
  const r = await rows<Record<string, unknown> & { ip_text: string; first_seen: string; last_seen: string; signaling: string[]; media: string[]; n: string | null }>(store, `
    WITH ${DEVICES_CTE(store)}
    SELECT dev.*, open_alerts.n AS n FROM dev LEFT JOIN open_alerts ON open_alerts.device_ip = dev.ip
    WHERE last_seen >= {from:DateTime64(3)} AND first_seen < {to:DateTime64(3)} AND (hasAny(signaling, ['udp', 'tcp', 'ws']) OR has(media, 'rtp'))
    ORDER BY (hasAny(signaling, ['udp', 'tcp', 'ws']) AND has(media, 'rtp')) DESC, n DESC, ip_text LIMIT 1 BY ip_text LIMIT {limit:UInt32}`, { from, to, limit });
  return r.map(({ ip: _ip, ip_text, n, ...rest }) => {
    void _ip;
    return { ...rest, ip: plainIp(ip_text), first_seen: iso(rest.first_seen), last_seen: iso(rest.last_seen), open_alerts: Number(n ?? 0),
      signaling_encrypted: rest.signaling.length === 0 ? null : !rest.signaling.some((s) => s === 'udp' || s === 'tcp' || s === 'ws'),
      media_encrypted: rest.media.length === 0 ? null : !rest.media.includes('rtp') };
  });
}

export async function tableRows(store: StoreAccess, tables: readonly string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  await Promise.all(tables.map(async (name) => {
    const [r] = await rows<{ n: string }>(store, `SELECT count() AS n FROM ${t(store, name)}`);
    out[name] = Number(r?.n ?? 0);
  }));
  return out;
}
