/** `voipwatch report`: the weekly encryption-coverage report, in one of five formats. */
import { parseArgs } from 'node:util';
import { writeFileSync } from 'node:fs';
import { VoipwatchError } from '../errors.ts';
import { defaultDataDir, resolveStoreConfig } from '../store/store-config.ts';
import { openStore } from '../store/store.ts';
import { computeWeeklyReport } from '../weekly/compute-weekly.ts';
import { lastFullWeek, assertTimeZone } from '../weekly/week-window.ts';
import { parseIsoWeek } from '../api/iso-week.ts';
import { saveReport } from '../weekly/report-history.ts';
import { renderHtml } from '../weekly/render-html.ts';
import { renderMarkdown } from '../weekly/render-markdown.ts';
import { renderCsv } from '../weekly/render-csv.ts';
import { renderPdf } from '../weekly/render-pdf.ts';
import { stderrLogger } from './cli-logger.ts';

export const REPORT_USAGE = `usage: voipwatch report [options]

The weekly encryption-coverage report from the store: signaling, media, phones and calls
encrypted, by site, subnet, vendor and model, the change against the previous week, a
12-week trend, what is still in plaintext, new devices and open findings.

options:
  --week YYYY-Www        ISO week (default: the last full week in the time zone)
  --tz ZONE              IANA time zone the week is taken in (default: $VOIPWATCH_TIME_ZONE or UTC)
  --format F             html (default), md, json, csv or pdf
  --out FILE             write there (default: stdout; pdf needs --out)
  --site SITE            only this site;  --sensor NAME  only this sensor
  --save                 also keep the report in the store's history (the dashboard lists it)
  --data-dir DIR         embedded store directory (default: $VOIPWATCH_DATA_DIR or ${defaultDataDir()})
  --clickhouse-url URL   a ClickHouse server instead (default: $VOIPWATCH_CLICKHOUSE_URL)
  -h, --help             show this help
`;

export async function runReport(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, strict: true, options: {
      week: { type: 'string' }, tz: { type: 'string' }, format: { type: 'string', default: 'html' }, out: { type: 'string' },
      site: { type: 'string' }, sensor: { type: 'string' }, save: { type: 'boolean', default: false },
      'data-dir': { type: 'string' }, 'clickhouse-url': { type: 'string' }, help: { type: 'boolean', short: 'h', default: false },
    } });
  } catch (cause) {
    throw new VoipwatchError('ERR_CLI_ARGS', `${(cause as Error).message}\n\n${REPORT_USAGE}`, { cause });
  }
  const v = parsed.values;
  if (v.help) { process.stdout.write(REPORT_USAGE); return 0; }
  const format = v.format!;
  if (!['html', 'md', 'json', 'csv', 'pdf'].includes(format)) throw new VoipwatchError('ERR_CLI_ARGS', `--format must be html, md, json, csv or pdf, not ${JSON.stringify(format)}`);
  if (format === 'pdf' && !v.out) throw new VoipwatchError('ERR_CLI_ARGS', '--format pdf needs --out FILE');
  const tz = v.tz ?? process.env.VOIPWATCH_TIME_ZONE ?? 'UTC';
  assertTimeZone(tz);
  const week = v.week ?? lastFullWeek(Date.now(), tz);
  parseIsoWeek(week);
  const store = await openStore(resolveStoreConfig({ dataDir: v['data-dir'], url: v['clickhouse-url'] }), { command: 'report', logger: stderrLogger(), flushByAge: false });
  let output: string | Buffer;
  try {
    const report = await computeWeeklyReport(store, { week, timeZone: tz, scope: { sensor: v.sensor ?? null, site: v.site ?? null } });
    const html = format === 'html' || format === 'pdf' || v.save ? renderHtml(report) : '';
    if (v.save) await saveReport(store, report, html);
    output = format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : format === 'md' ? renderMarkdown(report) : format === 'csv' ? renderCsv(report)
      : format === 'pdf' ? await renderPdf(html) : html;
  } finally {
    await store.close();
  }
  if (v.out) {
    writeFileSync(v.out, output);
    process.stderr.write(`voipwatch: report ${week} (${tz}) written to ${v.out}\n`);
  } else process.stdout.write(output);
  return 0;
}
