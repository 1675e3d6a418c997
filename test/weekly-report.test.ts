/**
 * The weekly report's numbers against an independent computation: several weeks of seeded
 * calls, streams, TLS sessions and phones (around the end of daylight saving time and ISO week
 * 53 of 2026) are summed here in plain JavaScript, with week membership taken from the local
 * calendar date by a formula of its own, and compared with what ClickHouse computes.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { applyMigrations } from '../src/store/migrate.ts';
import { tableRef, type SchemaLayout } from '../src/store/schema.ts';
import { resolveStoreConfig } from '../src/store/store-config.ts';
import { toClickHouseTime } from '../src/store/rows.ts';
import { computeWeeklyReport } from '../src/weekly/compute-weekly.ts';
import { weekWindow } from '../src/weekly/week-window.ts';
import { nextRunAfter } from '../src/weekly/report-schedule.ts';
import { embeddedClickHouse } from './support/embedded-clickhouse.ts';

const TZ = 'Europe/Berlin';
const client = embeddedClickHouse();
const layout: SchemaLayout = { database: 'weekly_test', cluster: null, ttlDays: Object.fromEntries(Object.keys(resolveStoreConfig({}, {}).ttlDays).map((k) => [k, 0])) as SchemaLayout['ttlDays'] };
const store = { client, layout };

/** Local calendar date in the zone, then the ISO week by the ordinal-day formula (independent of src/). */
function localIsoWeek(ms: number, tz: string): string {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  const y = Number(p.year), m = Number(p.month), d = Number(p.day);
  const date = Date.UTC(y, m - 1, d);
  const ordinal = (date - Date.UTC(y, 0, 1)) / 86_400_000 + 1;
  const weekday = ((new Date(date).getUTCDay() + 6) % 7) + 1;
  let week = Math.floor((ordinal - weekday + 10) / 7);
  let year = y;
  const weeksIn = (yy: number) => { const p1 = (yy + Math.floor(yy / 4) - Math.floor(yy / 100) + Math.floor(yy / 400)) % 7; const p0 = (yy - 1 + Math.floor((yy - 1) / 4) - Math.floor((yy - 1) / 100) + Math.floor((yy - 1) / 400)) % 7; return p1 === 4 || p0 === 3 ? 53 : 52; };
  if (week < 1) { year = y - 1; week = weeksIn(year); } else if (week > weeksIn(y)) { year = y + 1; week = 1; }
  return `${year}-W${String(week).padStart(2, '0')}`;
}

let seed = 7;
const rand = () => { seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31; return seed / 2 ** 31; };

interface Call { start: number; signaling: string; media: string; streams: number; enc: number; ip: string; from: string }
interface Stream { start: number; end: number; encrypted: boolean | null; ip: string }
const calls: Call[] = [], streams: Stream[] = [], tls: { ts: number; ip: string }[] = [];
const phones = ['10.1.0.1', '10.1.0.2', '10.1.0.3', '10.2.0.9'];

const test = suite('weekly report numbers');

test.before(async () => {
  await applyMigrations(client, layout);
  // 2026-10-12 .. 2026-11-08 (daylight saving ends 25 Oct in Berlin) and 2026-12-21 .. 2027-01-10 (ISO week 53).
  const spans = [[Date.UTC(2026, 9, 12), Date.UTC(2026, 10, 9)], [Date.UTC(2026, 11, 21), Date.UTC(2027, 0, 11)]];
  for (const [a, b] of spans) {
    for (let t = a; t < b; t += 3_600_000 * (1 + Math.floor(rand() * 5))) {
      const ip = phones[Math.floor(rand() * phones.length)];
      const tlsCall = rand() < 0.3;
      if (tlsCall) { tls.push({ ts: t, ip }); continue; }
      const signaling = rand() < 0.1 ? 'wss' : 'udp';
      const encrypted = rand() < 0.4;
      calls.push({ start: t, signaling, media: encrypted ? 'srtp-sdes' : 'rtp', streams: 2, enc: encrypted ? 2 : 0, ip, from: `sip:${1000 + Math.floor(rand() * 5)}@pbx` });
      const dur = 60_000 + Math.floor(rand() * 600_000);
      streams.push({ start: t, end: t + dur, encrypted, ip }, { start: t, end: t + dur, encrypted: rand() < 0.05 ? null : encrypted, ip: '10.0.0.10' });
    }
  }
  // Boundaries that only a time zone tells apart: Sunday 23:30 and Monday 00:30 local, in winter time.
  const boundary = [Date.UTC(2026, 10, 1, 22, 30), Date.UTC(2026, 10, 1, 23, 30)];
  for (const t of boundary) { calls.push({ start: t, signaling: 'udp', media: 'rtp', streams: 0, enc: 0, ip: phones[0], from: 'sip:1999@pbx' }); }
  const ins = (table: string, values: Record<string, unknown>[]) => client.insert({ table: tableRef(layout, table), values, format: 'JSONEachRow' });
  const base = { sensor: 's1', site: 'hq', source: 'seed' };
  await ins('calls', calls.map((c, i) => ({ ...base, call_key: `k${i}`, call_id: `c${i}`, from_uri: c.from, to_uri: 'sip:2000@pbx', caller_ip: c.ip, callee_ip: '10.0.0.10',
    signaling: c.signaling, media: c.media, start: toClickHouseTime(c.start / 1000), end: toClickHouseTime(c.start / 1000 + 60), streams: c.streams, encrypted_streams: c.enc })));
  await ins('rtp_streams', streams.map((s, i) => ({ ...base, call_id: `c${i}`, src_ip: s.ip, src_port: 4000, dst_ip: '10.0.0.10', dst_port: 5000, ssrc: i, codec: 'PCMU', packets: 1,
    lost: 0, jitter_ms: 0, encrypted: s.encrypted, classified_by: 'sdp', start: toClickHouseTime(s.start / 1000), end: toClickHouseTime(s.end / 1000) })));
  await ins('tls_sessions', tls.map((x) => ({ ...base, ts: toClickHouseTime(x.ts / 1000), client_ip: x.ip, client_port: 40000, server_ip: '10.0.0.10', server_port: 5061, sni: '',
    version: 'TLS 1.3', cipher_suite: 'TLS_AES_128_GCM_SHA256', offered_versions: [], dtls: false })));
  await ins('devices', phones.map((ip, i) => ({ ...base, ip, mac: '', vendor: i < 2 ? 'snom' : 'yealink', model: i < 2 ? 'D785' : 'T54W', firmware: '1', user_agent: '', server: '',
    roles: ['phone'], sip_users: [], signaling: i === 3 ? ['tls'] : ['udp', 'tls'], media: i === 3 ? ['srtp'] : ['rtp', 'srtp'],
    first_seen: toClickHouseTime(Date.UTC(2026, 9, 1) / 1000 + i * 86_400 * 30), last_seen: toClickHouseTime(Date.UTC(2027, 0, 10) / 1000) })));
});

function expected(week: string) {
  const inWeek = (ms: number) => localIsoWeek(ms, TZ) === week;
  const c = calls.filter((x) => inWeek(x.start));
  const s = streams.filter((x) => inWeek(x.start) && x.encrypted !== null);
  const t = tls.filter((x) => inWeek(x.ts));
  const minutes = (xs: Stream[]) => Math.round(xs.reduce((n, x) => n + (x.end - x.start), 0) / 600) / 100;
  return {
    signaling: { total: c.length + t.length, encrypted: c.filter((x) => x.signaling === 'wss').length + t.length },
    media_streams: { total: s.length, encrypted: s.filter((x) => x.encrypted).length },
    media_minutes: { total: minutes(s), encrypted: minutes(s.filter((x) => x.encrypted)) },
    calls: { total: c.length, encrypted: c.filter((x) => x.media === 'srtp-sdes' && x.enc === x.streams && x.signaling !== 'udp').length },
  };
}

const figures = (b: { signaling: { total: number; encrypted: number }; media_streams: { total: number; encrypted: number }; media_minutes: { total: number; encrypted: number }; calls: { total: number; encrypted: number } }) => ({
  signaling: { total: b.signaling.total, encrypted: b.signaling.encrypted }, media_streams: { total: b.media_streams.total, encrypted: b.media_streams.encrypted },
  media_minutes: { total: b.media_minutes.total, encrypted: b.media_minutes.encrypted }, calls: { total: b.calls.total, encrypted: b.calls.encrypted },
});

test('should agree with an independent count for every seeded week, in Berlin time', async () => {
  for (const week of ['2026-W42', '2026-W43', '2026-W44', '2026-W45', '2026-W52', '2026-W53', '2027-W01']) {
    const r = await computeWeeklyReport(store, { week, timeZone: TZ });
    assert.equal(figures(r.coverage), expected(week), week);
    assert.ok(r.coverage.signaling.total > 0, `${week} has traffic`);
  }
});

test('should put Sunday 23:30 and Monday 00:30 local time in different weeks, which UTC would not', async () => {
  const berlin = await computeWeeklyReport(store, { week: '2026-W44', timeZone: TZ });
  const utc = await computeWeeklyReport(store, { week: '2026-W44', timeZone: 'UTC' });
  assert.is(berlin.from, '2026-10-25T23:00:00.000Z', 'Monday 26 Oct 00:00 CET (summer time ended on the 25th)');
  assert.is(berlin.to, '2026-11-01T23:00:00.000Z');
  const w43 = weekWindow('2026-W43', TZ);
  assert.equal([w43.from.toISOString(), w43.to.getTime() - w43.from.getTime()], ['2026-10-18T22:00:00.000Z', 169 * 3_600_000], 'the week summer time ends has 169 hours');
  const usersBerlin = berlin.plaintext_users.find((u) => u.user === '1999')?.plaintext_calls ?? 0;
  const usersUtc = utc.plaintext_users.find((u) => u.user === '1999')?.plaintext_calls ?? 0;
  assert.equal([usersBerlin, usersUtc], [1, 2], 'Sunday 23:30 Berlin is in W44; Monday 00:30 Berlin (Sunday 23:30 UTC) is not');
});

test('should compute ISO week 53 of 2026 and the change against the previous week', async () => {
  const r = await computeWeeklyReport(store, { week: '2026-W53', timeZone: TZ });
  assert.is(r.from, '2026-12-27T23:00:00.000Z');
  assert.is(r.to, '2027-01-03T23:00:00.000Z');
  const prev = expected('2026-W52');
  assert.equal(figures(r.previous), prev);
  const pct = (x: { total: number; encrypted: number }) => (x.total ? Math.round((x.encrypted / x.total) * 1000) / 10 : null);
  const cur = expected('2026-W53');
  assert.is(r.change.media_streams, Math.round(((pct(cur.media_streams) ?? 0) - (pct(prev.media_streams) ?? 0)) * 10) / 10);
  assert.equal(r.trend.map((p) => p.week).slice(-3), ['2026-W51', '2026-W52', '2026-W53']);
  assert.is(r.trend.length, 12);
  assert.is(r.trend.at(-1)!.media_pct, r.coverage.media_streams.pct);
});

test('should group by site, vendor, model and subnet, and list plaintext devices worst first', async () => {
  const r = await computeWeeklyReport(store, { week: '2026-W44', timeZone: TZ });
  assert.equal(r.by.site.map((g) => g.key), ['hq']);
  assert.equal(r.by.site[0].media_streams, r.coverage.media_streams);
  assert.equal(r.by.vendor.map((g) => g.key).sort(), ['snom', 'unknown', 'yealink']);
  assert.ok(r.by.subnet.some((g) => g.key === '10.1.0.0/24'));
  const streamsSum = r.by.vendor.reduce((n, g) => n + g.media_streams.total, 0);
  assert.is(streamsSum, r.coverage.media_streams.total, 'groups add up to the total');
  assert.equal(r.plaintext_devices.map((d) => d.ip).sort(), ['10.1.0.1', '10.1.0.2'], 'the phones seen that week (10.1.0.3 first appears later)');
  const own = (ip: string) => calls.filter((c) => localIsoWeek(c.start, TZ) === '2026-W44' && c.signaling === 'udp' && c.ip === ip).length;
  for (const d of r.plaintext_devices) assert.is(d.plaintext_calls, own(d.ip), d.ip);
  assert.ok(r.plaintext_devices[0].plaintext_calls >= r.plaintext_devices[1].plaintext_calls, 'worst first');
  const late = await computeWeeklyReport(store, { week: '2026-W53', timeZone: TZ });
  assert.not.ok(late.plaintext_devices.some((d) => d.ip === '10.2.0.9'), 'the fully encrypted phone is never listed');
  assert.ok(late.plaintext_devices.some((d) => d.ip === '10.1.0.3'));
});

test('should schedule the next run at Monday 06:00 local, across a daylight-saving change', () => {
  const c = { weekday: 1, hour: 6, minute: 0, timeZone: TZ };
  assert.is(new Date(nextRunAfter(Date.UTC(2026, 9, 21, 12), c)).toISOString(), '2026-10-26T05:00:00.000Z', 'after DST ends: 06:00 CET = 05:00 UTC');
  assert.is(new Date(nextRunAfter(Date.UTC(2026, 9, 14, 12), c)).toISOString(), '2026-10-19T04:00:00.000Z', 'summer: 06:00 CEST = 04:00 UTC');
  assert.is(new Date(nextRunAfter(Date.UTC(2026, 9, 19, 4), c)).toISOString(), '2026-10-26T05:00:00.000Z', 'exactly at the time: the next week');
  assert.equal([weekWindow('2026-W13', TZ).from.toISOString(), weekWindow('2026-W13', TZ).to.toISOString()], ['2026-03-22T23:00:00.000Z', '2026-03-29T22:00:00.000Z'], 'the week DST starts has 167 hours');
});

test.run();
