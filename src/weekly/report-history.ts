/** Generated weekly reports, kept in the store as they were sent. */
import { tableRef } from '../store/schema.ts';
import { toClickHouseTime } from '../store/rows.ts';
import type { Store } from '../store/store.ts';
import type { WeeklyReport } from './weekly-report.ts';

type StoreAccess = Pick<Store, 'client' | 'layout'>;

export async function saveReport(store: StoreAccess, report: WeeklyReport, html: string): Promise<void> {
  await store.client.insert({
    table: tableRef(store.layout, 'weekly_reports'), format: 'JSONEachRow',
    values: [{ week: report.week, time_zone: report.time_zone, scope_sensor: report.scope.sensor ?? '', scope_site: report.scope.site ?? '',
      generated_at: toClickHouseTime(Date.parse(report.generated_at) / 1000), report: JSON.stringify(report), html }],
  });
}

export async function listReports(store: StoreAccess, limit = 104): Promise<{ week: string; time_zone: string; generated_at: string }[]> {
  const rs = await store.client.query({
    query: `SELECT week, time_zone, max(generated_at) AS generated_at FROM ${tableRef(store.layout, 'weekly_reports')} GROUP BY week, time_zone ORDER BY week DESC LIMIT {limit:UInt32}`,
    query_params: { limit }, format: 'JSONEachRow',
  });
  return (await rs.json<{ week: string; time_zone: string; generated_at: string }>()).map((r) => ({ ...r, generated_at: `${r.generated_at.replace(' ', 'T')}Z` }));
}

export async function loadReport(store: StoreAccess, week: string, timeZone: string | null): Promise<{ report: WeeklyReport; html: string } | null> {
  const rs = await store.client.query({
    query: `SELECT report, html FROM ${tableRef(store.layout, 'weekly_reports')} WHERE week = {week:String} AND ({tz:String} = '' OR time_zone = {tz:String})
      ORDER BY generated_at DESC LIMIT 1`,
    query_params: { week, tz: timeZone ?? '' }, format: 'JSONEachRow',
  });
  const [row] = await rs.json<{ report: string; html: string }>();
  return row ? { report: JSON.parse(row.report) as WeeklyReport, html: row.html } : null;
}
