/** Coverage over any range, the overview, the weekly reports, and health. */
import type { FastifyInstance } from 'fastify';
import * as q from '../queries.ts';
import { anyObject, itemsOf, responses, text, timeRange } from '../route-schemas.ts';
import { computeWeeklyReport } from '../../weekly/compute-weekly.ts';
import { lastFullWeek } from '../../weekly/week-window.ts';
import { listReports, loadReport } from '../../weekly/report-history.ts';
import { renderHtml } from '../../weekly/render-html.ts';
import { REPORT_HEADER } from '../security-headers.ts';
import type { Store } from '../../store/store.ts';

export interface CoverageRouteOptions {
  store: Pick<Store, 'client' | 'layout' | 'where' | 'mode'>;
  timeZone: string;
  sensorHealth: (() => Record<string, unknown>) | null;
}

/** How old the overview's figures may be (milliseconds). */
const OVERVIEW_TTL_MS = 10_000;

export async function coverageRoutes(app: FastifyInstance, opts: CoverageRouteOptions): Promise<void> {
  const { store } = opts;
  // ---------------------------------------------------------------------------------- coverage, overview, reports
  app.get('/api/v1/coverage', { schema: { tags: ['coverage'], querystring: { type: 'object', additionalProperties: false, properties: { ...timeRange, group: { type: 'string', enum: ['site', 'subnet', 'vendor', 'model'] } } }, response: responses(anyObject) } }, async (req) => {
    const v = req.query as { from?: string; to?: string; group?: q.CoverageGroup };
    const from = q.chTime(v.from, 'min'), to = q.chTime(v.to, 'max');
    const r = await q.coverageOver(store, from, to, v.group ?? null);
    return { from: v.from ?? null, to: v.to ?? null, total: r.total, groups: v.group ? r.groups : [] };
  });
  // Eight aggregate queries behind one dashboard page: computed at most every OVERVIEW_TTL_MS
  // and shared by everyone looking in that time (and by concurrent requests).
  let overview: { at: number; value: Promise<Record<string, unknown>> } | null = null;
  app.get('/api/v1/overview', { schema: { tags: ['coverage'], description: `Computed at most every ${OVERVIEW_TTL_MS / 1000} s`, response: responses(anyObject) } }, async () => {
    if (!overview || Date.now() - overview.at > OVERVIEW_TTL_MS) {
      overview = { at: Date.now(), value: computeOverview() };
      overview.value.catch(() => { overview = null; });
    }
    return overview.value;
  });
  const computeOverview = async (): Promise<Record<string, unknown>> => {
    const end = (await q.newestTraffic(store)) ?? Date.now();
    const iso = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
    const [cov, trend, open, devices, sensorList] = await Promise.all([
      q.coverageOver(store, iso(end - 7 * 86_400_000), iso(end + 1), null),
      q.dailyTrend(store, iso(end - 30 * 86_400_000), iso(end)),
      q.openAlertCounts(store), q.deviceCounts(store), q.sensors(store),
    ]);
    const openRule = (rule: string) => open.byRule.filter((r) => r.rule === rule).reduce((n, r) => n + r.count, 0);
    return {
      window: { from: new Date(end - 7 * 86_400_000).toISOString(), to: new Date(end).toISOString() },
      coverage: cov.total, trend, open_alerts: open.bySeverity,
      exposure: { webui_internet_exposed: openRule('webui-internet-exposed'), sip_internet_exposed: openRule('sip-internet-exposed'), default_credentials: openRule('default-credentials'), srtp_keys_exposed: openRule('srtp-keys-exposed') },
      devices, sensors: sensorList, computed_at: new Date().toISOString(),
    };
  };
  // The weekly report: the same computation as `voipwatch report` (one set of numbers everywhere).
  const weekQuery = { type: 'object', additionalProperties: false, properties: { week: { type: 'string', pattern: '^\\d{4}-W\\d{2}$' }, tz: text(64) } };
  app.get('/api/v1/reports/weekly', { schema: { tags: ['reports'], querystring: weekQuery, response: responses(anyObject) } }, async (req) => {
    const v = req.query as { week?: string; tz?: string };
    const tz = v.tz ?? opts.timeZone;
    const week = v.week ?? lastFullWeek(Date.now(), tz);
    const saved = v.week ? await loadReport(store, week, tz) : null;
    return saved?.report ?? computeWeeklyReport(store, { week, timeZone: tz });
  });
  app.get('/api/v1/reports', { schema: { tags: ['reports'], description: 'Weekly reports kept in the store (generated on schedule or with voipwatch report --save)', response: responses(itemsOf) } }, async () => ({ items: await listReports(store) }));
  app.get('/api/v1/reports/weekly.html', { schema: { tags: ['reports'], querystring: weekQuery } }, async (req, reply) => {
    const v = req.query as { week?: string; tz?: string };
    const tz = v.tz ?? opts.timeZone;
    const week = v.week ?? lastFullWeek(Date.now(), tz);
    const saved = await loadReport(store, week, tz);
    const html = saved?.html ?? renderHtml(await computeWeeklyReport(store, { week, timeZone: tz }));
    // A self-contained document with its own <style> and no script at all.
    return reply.type('text/html; charset=utf-8').header(REPORT_HEADER, '1').send(html);
  });

  app.get('/api/v1/health', { schema: { tags: ['health'], response: responses(anyObject) } }, async () => {
    const rows = await q.tableRows(store, ['findings', 'alerts', 'devices', 'calls', 'rtp_streams']).catch(() => null);
    const sensor = opts.sensorHealth?.() ?? null;
    return { status: rows && (sensor === null || sensor.ok !== false) ? 'ok' : 'degraded', store: { where: store.where, mode: store.mode, rows }, sensor };
  });

}
