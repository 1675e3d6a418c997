import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { AlertBook } from '../alerts/alert-book.ts';
import { Allowlist, makeAllowlistEntry, parseExpiry } from '../alerts/allowlist.ts';
import type { FindingJson } from '../src/report/json-report.ts';

const HOUR = 3600;
const T0 = Date.parse('2026-11-02T09:00:00Z') / 1000;
const iso = (sec: number) => new Date(sec * 1000).toISOString();

function finding(over: Partial<FindingJson> & { at?: number; first?: number } = {}): FindingJson {
  const at = over.at ?? T0;
  return {
    id: 'a1b2c3d4e5f60718', rule: 'default-credentials', severity: 'high',
    device: { ip: '10.20.0.21', mac: '00:04:13:aa:bb:cc', vendor: 'snom', model: 'D785', firmware: '10.1.33.33', user_agent: 'snomD785/10.1.33.33' },
    peer: { ip: '203.0.113.7', internal: false }, first_seen: iso(over.first ?? T0), last_seen: iso(at), count: 1,
    summary: 'web UI login with the vendor default credential for admin was tried',
    evidence: { scheme: 'basic', username: 'admin', matched: 'vendor-default:snom', result: 'tried', transport: 'http' },
    ...over,
  };
}

const book = (allowlist = new Allowlist(), quietPeriodSec = 24 * HOUR) =>
  new AlertBook({ quietPeriodSec, sensor: 'sensor-1', site: 'hq', dashboardUrl: 'https://voipwatch.example.org/', allowlist });

const test = suite('AlertBook');

test('should fire once for a new finding and only update count and last_seen on later sightings', () => {
  const b = book();
  const first = b.observe(finding(), T0);
  assert.ok(first?.event);
  assert.is(first.event.kind, 'new');
  assert.is(first.event.fire_count, 1);
  assert.is(first.event.previous_severity, null);
  assert.is(first.event.dashboard_url, 'https://voipwatch.example.org/#/alerts/a1b2c3d4e5f60718');
  const again = b.observe(finding({ count: 5, at: T0 + 60 }), T0 + 60);
  assert.ok(again);
  assert.is(again.event, null);
  assert.is(again.state.finding.count, 5);
  assert.is(b.observe(finding({ count: 5, at: T0 + 60 }), T0 + 61), null, 'an unchanged finding is not even an update');
  assert.equal({ fired: b.counts.fired, updated: b.counts.updated }, { fired: 1, updated: 1 });
});

test('should fire again as escalated when a default credential tried is then accepted', () => {
  const b = book();
  b.observe(finding(), T0);
  const up = b.observe(finding({ severity: 'critical', count: 2, at: T0 + 5 }), T0 + 5);
  assert.is(up?.event?.kind, 'escalated');
  assert.is(up?.event?.previous_severity, 'high');
  assert.is(up?.event?.fire_count, 2);
  assert.is(b.observe(finding({ severity: 'critical', count: 3, at: T0 + 9 }), T0 + 9)?.event, null, 'staying critical does not fire');
});

test('should re-fire after the quiet period without sightings, but not within it', () => {
  const b = book(new Allowlist(), 2 * HOUR);
  b.observe(finding(), T0);
  assert.is(b.observe(finding({ count: 2, at: T0 + HOUR }), T0 + HOUR)?.event, null);
  const back = b.observe(finding({ count: 3, at: T0 + HOUR + 2 * HOUR }), T0 + 3 * HOUR);
  assert.is(back?.event?.kind, 'refired');
  assert.is(back?.event?.fire_count, 2);
});

test('should keep an acknowledged alert quiet until its severity rises above the one acknowledged', () => {
  const b = book(new Allowlist(), HOUR);
  b.observe(finding(), T0);
  b.setAcknowledgements([{ alertId: 'a1b2c3d4e5f60718', severity: 'high', actor: 'ana', reason: 'known lab phone', ackedAt: T0 + 10 }]);
  assert.is(b.get('a1b2c3d4e5f60718')?.status, 'acknowledged');
  assert.is(b.observe(finding({ count: 2, at: T0 + 5 * HOUR }), T0 + 5 * HOUR)?.event, null, 'no re-fire after the quiet period while acknowledged');
  const up = b.observe(finding({ severity: 'critical', count: 3, at: T0 + 6 * HOUR }), T0 + 6 * HOUR);
  assert.is(up?.event?.kind, 'escalated');
  assert.is(b.get('a1b2c3d4e5f60718')?.status, 'open');
});

test('should suppress an allowlisted finding and fire it when the entry has expired', () => {
  const entry = makeAllowlistEntry({ rule: 'default-credentials', cidr: '10.20.0.0/16', device: null, sipUser: null, reason: 'lab phones', actor: 'ana', expiresAt: T0 + HOUR }, T0);
  const b = book(new Allowlist([entry]));
  const o = b.observe(finding(), T0);
  assert.is(o?.event, null);
  assert.is(o?.state.status, 'suppressed');
  assert.is(o?.state.suppressedBy, entry.id);
  const later = b.observe(finding({ count: 2, at: T0 + 2 * HOUR }), T0 + 2 * HOUR);
  assert.is(later?.event?.kind, 'new', 'never sent before, so it is new');
  assert.is(later?.state.status, 'open');
  assert.is(b.counts.suppressed, 1);
});

test('should not re-fire after a restart when the stored state is loaded', () => {
  const first = book();
  const o = first.observe(finding({ count: 4 }), T0)!;
  const restarted = book();
  restarted.load([{ ...o.state }], []);
  assert.is(restarted.observe(finding({ count: 1, at: T0 }), T0 + 100), null, 'a fresh analyzer counting from 1 again is not news');
  assert.is(restarted.observe(finding({ count: 2, at: T0 + 50 }), T0 + 100)?.event, null);
});

test('should forget the longest-unseen alert at its cap rather than grow', () => {
  const b = new AlertBook({ quietPeriodSec: HOUR, sensor: 's', site: 'x', dashboardUrl: null, allowlist: new Allowlist(), maxAlerts: 3 });
  for (let i = 0; i < 5; i++) b.observe(finding({ id: `id${i}` }), T0);
  assert.is(b.size, 3);
  assert.is(b.counts.forgotten, 2);
  assert.is(b.get('id0'), null);
  assert.ok(b.get('id4'));
});

const allow = suite('Allowlist');

allow('should match by rule, CIDR on either end, device and SIP user, and skip expired entries', () => {
  const mk = (o: Partial<Parameters<typeof makeAllowlistEntry>[0]>) => makeAllowlistEntry({ rule: null, cidr: null, device: null, sipUser: null, reason: 'r', actor: 'a', expiresAt: null, ...o }, T0);
  assert.ok(new Allowlist([mk({ cidr: '203.0.113.0/24' })]).match(finding(), T0), 'the peer inside the CIDR');
  assert.ok(new Allowlist([mk({ device: '10.20.0.21' })]).match(finding(), T0));
  assert.is(new Allowlist([mk({ rule: 'plaintext-sip' })]).match(finding(), T0), null);
  assert.ok(new Allowlist([mk({ sipUser: 'admin' })]).match(finding(), T0));
  assert.is(new Allowlist([mk({ sipUser: '1001' })]).match(finding(), T0), null);
  assert.is(new Allowlist([mk({ rule: 'default-credentials', expiresAt: T0 + 10 })]).match(finding(), T0 + 10), null);
});

allow('should refuse an entry without a reason, one that would hide everything, a bad CIDR and a past expiry', () => {
  const base = { rule: null, cidr: null, device: null, sipUser: null, reason: 'r', actor: 'a', expiresAt: null };
  assert.throws(() => makeAllowlistEntry({ ...base, rule: 'x', reason: '  ' }, T0), /reason/);
  assert.throws(() => makeAllowlistEntry(base, T0), /every alert/);
  assert.throws(() => makeAllowlistEntry({ ...base, cidr: '10.0.0.0/33' }, T0), /cidr/);
  assert.throws(() => makeAllowlistEntry({ ...base, rule: 'x', expiresAt: T0 - 1 }, T0), /past/);
});

allow('should read expiries as durations, dates and never', () => {
  assert.is(parseExpiry('30d', T0), T0 + 30 * 86_400);
  assert.is(parseExpiry('12h', T0), T0 + 12 * HOUR);
  assert.is(parseExpiry('2027-03-31', T0), Date.parse('2027-03-31T00:00:00Z') / 1000);
  assert.is(parseExpiry('never', T0), null);
  assert.throws(() => parseExpiry('soon', T0), /expiry/);
});

test.run();
allow.run();

const pipeline = suite('AlertPipeline');
pipeline('should store a firing at once but a busy finding\'s count only when updates are flushed', async () => {
  const { AlertPipeline } = await import('../alerts/alert-pipeline.ts');
  const { DEFAULT_ALERTS_CONFIG } = await import('../alerts/alerts-config.ts');
  const written: { table: string; row: Record<string, unknown> }[] = [];
  // A store whose reads fail (nothing to load) and whose writes are recorded.
  const store = { write: (table: string, row: Record<string, unknown>) => written.push({ table, row }), client: { query: () => Promise.reject(new Error('empty')) } } as never;
  const p = await AlertPipeline.open({ config: DEFAULT_ALERTS_CONFIG, sensor: 's', site: 'x', store, defaultQueueDir: '/nonexistent', log: { info() {}, warn() {}, error() {} } });
  assert.is(p.observe([finding()], T0).length, 1);
  assert.is(written.length, 1, 'the firing is stored at once');
  for (let i = 2; i <= 20; i++) p.observe([finding({ count: i, at: T0 + i })], T0 + i);
  assert.is(written.length, 1, 'nineteen sightings, no row yet');
  p.flushUpdates(T0 + 30);
  assert.is(written.length, 2);
  assert.is(written[1].row.count, 20);
  p.flushUpdates(T0 + 60);
  assert.is(written.length, 2, 'nothing moved, nothing written');
});
pipeline.run();
