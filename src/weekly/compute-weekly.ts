/**
 * The weekly report's numbers, computed in ClickHouse from the stored calls, streams, TLS
 * sessions, devices and alerts, with every value bound as a parameter.
 *
 * Definitions (the report prints them too):
 * - signaling: SIP sessions. A call whose SIP was seen counts by its transport (udp, tcp, ws:
 *   plaintext; wss: encrypted); a TLS session to a SIP-TLS port (5061) counts as one encrypted
 *   session (its SIP is invisible, which is the point).
 * - media: RTP streams classified encrypted or not (unknown streams are left out), and their
 *   minutes.
 * - devices: phones seen in the week whose signaling and media were all encrypted.
 * - calls protected end to end: every stream encrypted and no SIP seen in clear.
 * Grouping: site (the sensor's site), subnet (/24, or /64 for IPv6, of the device's address),
 * vendor and model (from the inventory).
 */
import { tableRef } from '../store/schema.ts';
import type { Store } from '../store/store.ts';
import { openAlertCounts } from '../api/queries.ts';
import { weekWindow, weeksBefore, type WeekWindow } from './week-window.ts';
import { RULE_RECOMMENDATIONS } from './recommendations.ts';
import type { CoverageBlock, GroupRow, NewDevice, PlaintextDevice, PlaintextUser, Share, TrendPoint, WeeklyReport } from './weekly-report.ts';

type StoreAccess = Pick<Store, 'client' | 'layout'>;
type Group = 'all' | 'site' | 'subnet' | 'vendor' | 'model';

const SIP_TLS_PORTS = [5061];
const ENCRYPTED_MEDIA = ['srtp-sdes', 'srtp-dtls', 'zrtp', 'srtp-unknown'];
const PLAINTEXT_SIGNALING = ['udp', 'tcp', 'ws'];
const LIST_LIMIT = 100;

const share = (total: number, encrypted: number): Share => ({ total, encrypted, pct: total > 0 ? Math.round((encrypted / total) * 1000) / 10 : null });
const ch = (d: Date): string => d.toISOString().replace('T', ' ').replace('Z', '');
const iso = (s: string): string => `${s.replace(' ', 'T')}Z`;
const plainIp = (ip: string): string => ip.replace(/^::ffff:/, '');

function keyExpr(group: Group, ip: string, site: string): string {
  switch (group) {
    case 'site': return site;
    case 'subnet': return `concat(replaceOne(toString(cutIPv6(${ip}, 8, 1)), '::ffff:', ''), if(startsWith(toString(${ip}), '::ffff:'), '/24', '/64'))`;
    case 'vendor': return "if(d.vendor = '', 'unknown', d.vendor)";
    case 'model': return "if(d.vendor = '', 'unknown', concat(d.vendor, ' ', if(d.model = '', '?', d.model)))";
    default: return "'all'";
  }
}

interface Scope { sensor: string | null; site: string | null }

export interface ComputeOptions { week: string; timeZone: string; scope?: Scope; now?: Date }

async function rows<T>(store: StoreAccess, query: string, params: Record<string, unknown>): Promise<T[]> {
  const rs = await store.client.query({ query, query_params: params, format: 'JSONEachRow' });
  return rs.json<T>();
}

/** The five shares per group key over [from, to). */
async function coverageBlocks(store: StoreAccess, w: { from: Date; to: Date }, group: Group, scope: Scope): Promise<Map<string, CoverageBlock>> {
  const t = (n: string) => tableRef(store.layout, n);
  const params = { from: ch(w.from), to: ch(w.to), sensor: scope.sensor ?? '', site: scope.site ?? '', enc: ENCRYPTED_MEDIA, plain: PLAINTEXT_SIGNALING, tlsPorts: SIP_TLS_PORTS };
  const inScope = (a: string) => `({sensor:String} = '' OR ${a}.sensor = {sensor:String}) AND ({site:String} = '' OR ${a}.site = {site:String})`;
  const devJoin = (ip: string) => (group === 'vendor' || group === 'model' ? `LEFT JOIN (SELECT ip, argMax(vendor, last_seen) AS vendor, argMax(model, last_seen) AS model FROM ${t('devices')} GROUP BY ip) AS d ON d.ip = ${ip}` : '');
  const [calls, tls, streams, devices] = await Promise.all([
    rows<{ key: string; sig_total: string; sig_enc: string; calls: string; protected: string }>(store, `
      SELECT ${keyExpr(group, 'c.caller_ip', 'c.site')} AS key,
        countIf(c.call_id != '' AND c.signaling != '') AS sig_total,
        countIf(c.call_id != '' AND c.signaling = 'wss') AS sig_enc,
        count() AS calls,
        countIf(c.media IN {enc:Array(String)} AND c.encrypted_streams = c.streams AND c.signaling NOT IN {plain:Array(String)}) AS protected
      FROM ${t('calls')} AS c ${devJoin('c.caller_ip')}
      WHERE c.start >= {from:DateTime64(3)} AND c.start < {to:DateTime64(3)} AND ${inScope('c')} GROUP BY key`, params),
    rows<{ key: string; n: string }>(store, `
      SELECT ${keyExpr(group, 's.client_ip', 's.site')} AS key, count() AS n
      FROM ${t('tls_sessions')} AS s ${devJoin('s.client_ip')}
      WHERE s.ts >= {from:DateTime64(3)} AND s.ts < {to:DateTime64(3)} AND s.server_port IN {tlsPorts:Array(UInt16)} AND NOT s.dtls AND ${inScope('s')} GROUP BY key`, params),
    rows<{ key: string; total: string; enc: string; ms_total: string; ms_enc: string }>(store, `
      SELECT ${keyExpr(group, 'r.src_ip', 'r.site')} AS key,
        countIf(isNotNull(r.encrypted)) AS total, countIf(r.encrypted = true) AS enc,
        sumIf(greatest(0, dateDiff('millisecond', r.start, r.end)), isNotNull(r.encrypted)) AS ms_total,
        sumIf(greatest(0, dateDiff('millisecond', r.start, r.end)), r.encrypted = true) AS ms_enc
      FROM ${t('rtp_streams')} AS r ${devJoin('r.src_ip')}
      WHERE r.start >= {from:DateTime64(3)} AND r.start < {to:DateTime64(3)} AND ${inScope('r')} GROUP BY key`, params),
    rows<{ key: string; total: string; fully: string }>(store, `
      SELECT ${keyExpr(group, 'd.ip', 'd.site')} AS key, count() AS total,
        countIf(notEmpty(d.signaling) AND NOT hasAny(d.signaling, {plain:Array(String)}) AND NOT has(d.media, 'rtp')) AS fully
      FROM (SELECT * FROM ${t('devices')} FINAL) AS d
      WHERE has(d.roles, 'phone') AND d.last_seen >= {from:DateTime64(3)} AND d.first_seen < {to:DateTime64(3)} AND ${inScope('d')} GROUP BY key`, params),
  ]);
  const keys = new Set([...calls, ...tls, ...streams, ...devices].map((r) => r.key));
  const out = new Map<string, CoverageBlock>();
  for (const key of keys) {
    const c = calls.find((r) => r.key === key), s = tls.find((r) => r.key === key), m = streams.find((r) => r.key === key), d = devices.find((r) => r.key === key);
    const tlsSessions = Number(s?.n ?? 0);
    out.set(key, {
      signaling: share(Number(c?.sig_total ?? 0) + tlsSessions, Number(c?.sig_enc ?? 0) + tlsSessions),
      media_streams: share(Number(m?.total ?? 0), Number(m?.enc ?? 0)),
      media_minutes: share(Math.round(Number(m?.ms_total ?? 0) / 600) / 100, Math.round(Number(m?.ms_enc ?? 0) / 600) / 100),
      devices: share(Number(d?.total ?? 0), Number(d?.fully ?? 0)),
      calls: share(Number(c?.calls ?? 0), Number(c?.protected ?? 0)),
    });
  }
  return out;
}

const EMPTY: CoverageBlock = { signaling: share(0, 0), media_streams: share(0, 0), media_minutes: share(0, 0), devices: share(0, 0), calls: share(0, 0) };
const groupRows = (m: Map<string, CoverageBlock>): GroupRow[] => [...m.entries()].map(([key, b]) => ({ key, ...b })).sort((a, b) => a.key.localeCompare(b.key));
const diff = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : Math.round((a - b) * 10) / 10);

export async function computeWeeklyReport(store: StoreAccess, opts: ComputeOptions): Promise<WeeklyReport> {
  const scope: Scope = opts.scope ?? { sensor: null, site: null };
  const win = weekWindow(opts.week, opts.timeZone);
  const prev = weekWindow(weeksBefore(opts.week, 1), opts.timeZone);
  const trendWeeks = Array.from({ length: 12 }, (_, i) => weeksBefore(opts.week, 11 - i));
  const [cur, before, site, subnet, vendor, model, trend, lists, open] = await Promise.all([
    coverageBlocks(store, win, 'all', scope), coverageBlocks(store, prev, 'all', scope),
    coverageBlocks(store, win, 'site', scope), coverageBlocks(store, win, 'subnet', scope),
    coverageBlocks(store, win, 'vendor', scope), coverageBlocks(store, win, 'model', scope),
    Promise.all(trendWeeks.map(async (week): Promise<TrendPoint> => {
      const b = (await coverageBlocks(store, weekWindow(week, opts.timeZone), 'all', scope)).get('all') ?? EMPTY;
      return { week, signaling_pct: b.signaling.pct, media_pct: b.media_streams.pct, calls_pct: b.calls.pct };
    })),
    plaintextLists(store, win, scope),
    openAlertCounts(store),
  ]);
  const c = cur.get('all') ?? EMPTY, p = before.get('all') ?? EMPTY;
  return {
    version: 1, week: opts.week, time_zone: opts.timeZone, from: win.from.toISOString(), to: win.to.toISOString(),
    generated_at: (opts.now ?? new Date()).toISOString(), scope,
    coverage: c, previous: p,
    change: {
      signaling: diff(c.signaling.pct, p.signaling.pct), media_streams: diff(c.media_streams.pct, p.media_streams.pct),
      media_minutes: diff(c.media_minutes.pct, p.media_minutes.pct), devices: diff(c.devices.pct, p.devices.pct), calls: diff(c.calls.pct, p.calls.pct),
    },
    by: { site: groupRows(site), subnet: groupRows(subnet), vendor: groupRows(vendor), model: groupRows(model) },
    trend,
    ...lists,
    open_findings: open.byRule.map((o) => ({ ...o, recommendation: RULE_RECOMMENDATIONS[o.rule]?.recommendation ?? '', seed: RULE_RECOMMENDATIONS[o.rule]?.seed ?? '' })),
  };
}

async function plaintextLists(store: StoreAccess, w: WeekWindow, scope: Scope): Promise<{ plaintext_devices: PlaintextDevice[]; plaintext_users: PlaintextUser[]; new_devices: NewDevice[] }> {
  const t = (n: string) => tableRef(store.layout, n);
  const params = { from: ch(w.from), to: ch(w.to), sensor: scope.sensor ?? '', site: scope.site ?? '', plain: PLAINTEXT_SIGNALING, limit: LIST_LIMIT };
  const inScope = "({sensor:String} = '' OR sensor = {sensor:String}) AND ({site:String} = '' OR site = {site:String})";
  const [devices, users, fresh] = await Promise.all([
    rows<{ ip: string; vendor: string; model: string; firmware: string; site: string; signaling: string[]; media: string[]; pcalls: string; pstreams: string; open: string }>(store, `
      WITH
        pc AS (SELECT ip, count() AS n FROM (
          SELECT caller_ip AS ip FROM ${t('calls')} WHERE start >= {from:DateTime64(3)} AND start < {to:DateTime64(3)} AND signaling IN {plain:Array(String)} AND ${inScope}
          UNION ALL SELECT callee_ip AS ip FROM ${t('calls')} WHERE start >= {from:DateTime64(3)} AND start < {to:DateTime64(3)} AND signaling IN {plain:Array(String)} AND ${inScope}) GROUP BY ip),
        ps AS (SELECT src_ip AS ip, count() AS n FROM ${t('rtp_streams')} WHERE start >= {from:DateTime64(3)} AND start < {to:DateTime64(3)} AND encrypted = false AND ${inScope} GROUP BY ip),
        oa AS (SELECT device_ip AS ip, count() AS n FROM ${t('alerts')} FINAL WHERE status = 'open' GROUP BY ip)
      SELECT toString(d.ip) AS ip, d.vendor AS vendor, d.model AS model, d.firmware AS firmware, d.site AS site, d.signaling AS signaling, d.media AS media,
        pc.n AS pcalls, ps.n AS pstreams, oa.n AS open
      FROM (SELECT * FROM ${t('devices')} FINAL) AS d LEFT JOIN pc ON pc.ip = d.ip LEFT JOIN ps ON ps.ip = d.ip LEFT JOIN oa ON oa.ip = d.ip
      WHERE d.last_seen >= {from:DateTime64(3)} AND d.first_seen < {to:DateTime64(3)} AND (hasAny(d.signaling, {plain:Array(String)}) OR has(d.media, 'rtp'))
        AND ({sensor:String} = '' OR d.sensor = {sensor:String}) AND ({site:String} = '' OR d.site = {site:String})
      ORDER BY (hasAny(d.signaling, {plain:Array(String)}) AND has(d.media, 'rtp')) DESC, pcalls DESC, pstreams DESC, ip LIMIT {limit:UInt32}`, params),
    rows<{ user: string; n: string; devices: string }>(store, `
      SELECT extract(from_uri, '^sips?:([^@;>]+)@') AS user, count() AS n, uniqExact(caller_ip) AS devices
      FROM ${t('calls')} WHERE start >= {from:DateTime64(3)} AND start < {to:DateTime64(3)} AND signaling IN {plain:Array(String)} AND ${inScope}
      GROUP BY user HAVING user != '' ORDER BY n DESC, user LIMIT {limit:UInt32}`, params),
    rows<{ ip: string; vendor: string; model: string; site: string; first_seen: string; signaling: string[]; media: string[] }>(store, `
      SELECT toString(ip) AS ip, vendor, model, site, first_seen, signaling, media FROM ${t('devices')} FINAL
      WHERE first_seen >= {from:DateTime64(3)} AND first_seen < {to:DateTime64(3)} AND notEmpty(roles) AND ${inScope}
      ORDER BY first_seen LIMIT {limit:UInt32}`, params),
  ]);
  return {
    plaintext_devices: devices.map((d) => ({
      ip: plainIp(d.ip), vendor: d.vendor || null, model: d.model || null, firmware: d.firmware || null, site: d.site, signaling: d.signaling, media: d.media,
      plaintext_calls: Number(d.pcalls ?? 0), plaintext_streams: Number(d.pstreams ?? 0), open_findings: Number(d.open ?? 0),
    })),
    plaintext_users: users.map((u) => ({ user: u.user, plaintext_calls: Number(u.n), devices: Number(u.devices) })),
    new_devices: fresh.map((d) => ({
      ip: plainIp(d.ip), vendor: d.vendor || null, model: d.model || null, site: d.site, first_seen: iso(d.first_seen),
      fully_encrypted: d.signaling.length > 0 && !d.signaling.some((s) => PLAINTEXT_SIGNALING.includes(s)) && !d.media.includes('rtp'),
    })),
  };
}
