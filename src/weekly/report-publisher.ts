/**
 * One scheduled weekly report: the last full week computed, kept in the store with its HTML,
 * posted to the configured webhook destinations (the `json` ones: a signed
 * `voipwatch.report.v1` body whose idempotency key names sensor, week and time zone), and
 * e-mailed when configured (HTML body, PDF attached).
 */
import { computeWeeklyReport } from './compute-weekly.ts';
import { saveReport } from './report-history.ts';
import { renderHtml } from './render-html.ts';
import { WebhookSender } from '../../alerts/delivery/webhook-sender.ts';
import type { Store } from '../store/store.ts';
import type { Destination, WebhookDestination } from '../../alerts/alert-event.ts';
import type { WeeklyReport } from './weekly-report.ts';
import type { Log, ReportsConfig } from './report-schedule.ts';
import { renderPdf } from './render-pdf.ts';
import { sendReportEmail } from './report-email.ts';

/** Generates, stores and posts one week's report; returns it. */
export async function publishWeeklyReport(store: Pick<Store, 'client' | 'layout'>, week: string, c: ReportsConfig, destinations: readonly Destination[], log: Log, sensor: string): Promise<WeeklyReport> {
  const report = await computeWeeklyReport(store, { week, timeZone: c.timeZone });
  const html = renderHtml(report);
  await saveReport(store, report, html);
  const body = JSON.stringify({ schema: 'voipwatch.report.v1', event_id: `report-${sensor}-${week}-${c.timeZone}`, report });
  for (const name of c.destinations) {
    const dest = destinations.find((d) => d.name === name) as WebhookDestination;
    const sender = new WebhookSender(dest, () => ({ body, contentType: 'application/json', headers: {} }));
    try {
      const r = await sender.post(body, 'application/json', {}, `report-${sensor}-${week}-${c.timeZone}`);
      if (r.ok) log.info({ week, destination: name, status: r.status }, 'weekly report posted');
      else log.warn({ week, destination: name, status: r.status, error: r.error }, 'weekly report not accepted by the destination (it stays in the store and on the dashboard)');
    } finally {
      await sender.close();
    }
  }
  if (c.email) {
    let pdf: Buffer | null = null;
    if (c.email.attachPdf) {
      try { pdf = await renderPdf(html); } catch (err) { log.warn({ week, err: (err as Error).message }, 'weekly report PDF not made: the e-mail goes without it'); }
    }
    try {
      const id = await sendReportEmail(c.email, report, html, pdf);
      log.info({ week, to: c.email.to, messageId: id, pdf: pdf !== null }, 'weekly report e-mailed');
    } catch (err) {
      log.warn({ week, err: (err as Error).message }, 'weekly report not e-mailed (it stays in the store and on the dashboard)');
    }
  }
  return report;
}

