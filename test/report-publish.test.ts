/**
 * The weekly report end to end: `voipwatch report` on a store filled by `analyze` from the
 * bundled captures (figures checked against the analysis itself), and the scheduled job
 * publishing a week — kept in the store, posted signed to a real HTTP receiver, e-mailed to a
 * local SMTP sink with the HTML inline and the PDF attached.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { SMTPServer } from 'smtp-server';
import { bundledCapture, voipwatch } from './support/cli.ts';
import { apiFixture } from './support/api-fixture.ts';
import { publishWeeklyReport } from '../src/weekly/report-publisher.ts';
import { parseReportsConfig } from '../src/weekly/report-schedule.ts';
import { listReports, loadReport } from '../src/weekly/report-history.ts';
import { verifySignature } from '../alerts/delivery/signature.ts';
import { parseAlertsConfig } from '../alerts/alerts-config.ts';
import type { AnalysisReport } from '../src/report/json-report.ts';
import { computeWeeklyReport } from '../src/weekly/compute-weekly.ts';

const computeWeekly = (fx: Awaited<ReturnType<typeof apiFixture>>, week: string) => computeWeeklyReport(fx.store, { week, timeZone: 'UTC' });
import type { WeeklyReport } from '../src/weekly/weekly-report.ts';

const dirs: string[] = [];
const temp = () => { const d = mkdtempSync(join(tmpdir(), 'voipwatch-report-')); dirs.push(d); return d; };
const test = suite('weekly report: CLI and scheduled delivery');
test.after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

const CAPTURES = ['sip-udp-call.pcap', 'sip-sdes-exposed.pcap', 'sip-zrtp.pcap', 'sip-tls-srtp-clean.pcap', 'webui-default-basic-internet.pcap'];

test('voipwatch report should give the analysis\'s own media figures for the captures\' week, in every format', async () => {
  const dir = temp();
  const analyzed = await voipwatch(['analyze', '--format', 'json', '--data-dir', dir, ...CAPTURES.map(bundledCapture)]);
  assert.is(analyzed.code, 0, analyzed.stderr);
  const a = JSON.parse(analyzed.stdout) as AnalysisReport;
  const week = '2026-W48';
  const inWeek = (iso: string) => iso >= '2026-11-23T00:00:00.000Z' && iso < '2026-11-30T00:00:00.000Z';
  const streams = a.calls.filter((c) => inWeek(c.start)).flatMap((c) => c.streams).filter((s) => s.encrypted !== null);
  assert.ok(streams.length > 0, 'the SIP captures were made on Monday 2026-11-23 (2026-W48)');
  const json = await voipwatch(['report', '--week', week, '--format', 'json', '--data-dir', dir]);
  assert.is(json.code, 0, json.stderr);
  const r = JSON.parse(json.stdout) as WeeklyReport;
  assert.equal([r.coverage.media_streams.total, r.coverage.media_streams.encrypted], [streams.length, streams.filter((s) => s.encrypted).length]);
  assert.is(r.time_zone, 'UTC');
  assert.ok(r.open_findings.some((f) => f.rule === 'default-credentials' && /default admin password/.test(f.recommendation)));
  const pctText = r.coverage.media_streams.pct === null ? 'no data' : `${r.coverage.media_streams.pct.toFixed(1)}%`;
  const md = await voipwatch(['report', '--week', week, '--format', 'md', '--data-dir', dir]);
  assert.match(md.stdout, new RegExp(`\\| Media streams \\(SRTP\\) \\| ${pctText.replace('.', '\\.')} \\|`));
  const csv = await voipwatch(['report', '--week', week, '--format', 'csv', '--data-dir', dir]);
  assert.match(csv.stdout, new RegExp(`coverage,,${week},media_streams,${streams.length},${streams.filter((s) => s.encrypted).length},`));
  const html = await voipwatch(['report', '--week', week, '--data-dir', dir]);
  assert.ok(html.stdout.includes(`${pctText}</td>`));
  if (existsSync('/usr/bin/chromium')) {
    const out = join(dir, 'w48.pdf');
    const pdf = await voipwatch(['report', '--week', week, '--format', 'pdf', '--out', out, '--data-dir', dir]);
    assert.is(pdf.code, 0, pdf.stderr);
    assert.is(readFileSync(out).subarray(0, 5).toString(), '%PDF-');
  } else if (process.env.CI === 'true') assert.unreachable('Chromium missing: the PDF format was not tested');
  const bad = await voipwatch(['report', '--week', '2026-W54', '--data-dir', dir]);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /2026 has 53 ISO weeks, not 54/);
  const tz = await voipwatch(['report', '--tz', 'Mars/Olympus', '--data-dir', dir]);
  assert.match(tz.stderr, /not an IANA time zone/);
});

test('the scheduled job should keep the report, post it signed, and e-mail it with the PDF', async () => {
  const fx = await apiFixture('publish_test', ['sip-udp-call.pcap', 'sip-sdes-exposed.pcap']);
  const posts: { body: string; key: string; ok: boolean }[] = [];
  const soc = Fastify({ logger: false });
  soc.addContentTypeParser('application/json', { parseAs: 'string' }, (_r, b, done) => done(null, b));
  soc.post('/hook', async (req) => {
    const ok = verifySignature({ secret: 'report-secret', timestamp: req.headers['x-voipwatch-timestamp'] as string, signature: req.headers['x-voipwatch-signature'] as string, body: req.body as string }).ok;
    posts.push({ body: req.body as string, key: req.headers['idempotency-key'] as string, ok });
    return { ok: true };
  });
  await soc.listen({ host: '127.0.0.1', port: 0 });
  const mails: string[] = [];
  const sink = new SMTPServer({ authOptional: true, disabledCommands: ['STARTTLS'], onData(stream, _s, cb) { let m = ''; stream.on('data', (c) => { m += c; }); stream.on('end', () => { mails.push(m); cb(); }); } });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
  const smtpPort = (sink.server.address() as { port: number }).port;
  try {
    const alerts = parseAlertsConfig({ destinations: [{ name: 'soc', type: 'webhook', url: `http://127.0.0.1:${(soc.server.address() as { port: number }).port}/hook`, secret: 'report-secret' }] });
    const reports = parseReportsConfig({ schedule: 'Mon 06:00', timeZone: 'Europe/Berlin', destinations: ['soc'],
      email: { host: '127.0.0.1', port: smtpPort, requireTls: false, from: 'voipwatch@example.org', to: ['ciso@example.org', 'voice-team@example.org'] } }, alerts.destinations, {});
    const log = { info() {}, warn(o: object, m: string) { throw new Error(`${m} ${JSON.stringify(o)}`); }, error() {} };
    const report = await publishWeeklyReport(fx.store, '2026-W47', reports, alerts.destinations, log, 'sensor-1');
    assert.is(posts.length, 1);
    assert.ok(posts[0].ok, 'signed');
    assert.is(posts[0].key, 'report-sensor-1-2026-W47-Europe/Berlin');
    const posted = JSON.parse(posts[0].body) as { schema: string; report: WeeklyReport };
    assert.is(posted.schema, 'voipwatch.report.v1');
    assert.equal(posted.report.coverage, report.coverage);
    const saved = await loadReport(fx.store, '2026-W47', 'Europe/Berlin');
    assert.equal(saved?.report.coverage, report.coverage);
    assert.match(saved!.html, /Encryption coverage — 2026-W47/);
    assert.equal((await listReports(fx.store)).map((x) => x.week), ['2026-W47']);
    assert.is(mails.length, 1);
    const mail = mails[0];
    assert.match(mail, /^Subject: VoIP encryption 2026-W47: media /m);
    assert.match(mail, /^To: ciso@example\.org, voice-team@example\.org/m);
    assert.match(mail, /Content-Type: text\/html/);
    if (existsSync('/usr/bin/chromium')) assert.match(mail, /Content-Type: application\/pdf; name=voipwatch-2026-W47\.pdf/);
  } finally {
    await soc.close();
    await new Promise<void>((r) => sink.close(() => r()));
  }
});

test('should show bundled captures shifted by whole weeks as the same coverage in each of those weeks', async () => {
  const fx = await apiFixture('shifted_test', ['sip-udp-call.pcap', 'sip-sdes-exposed.pcap', 'sip-zrtp.pcap']);
  const t = (n: string) => `shifted_test.${n}`;
  // One statement for all shifts: the copies must come from the original rows only.
  await fx.store.client.command({ query: `INSERT INTO ${t('calls')} SELECT * EXCEPT (k) REPLACE (start - toIntervalWeek(k) AS start, end - toIntervalWeek(k) AS end, concat(call_key, '-', toString(k)) AS call_key)
    FROM ${t('calls')} ARRAY JOIN [1, 2, 5] AS k` });
  const base = await computeWeekly(fx, '2026-W48');
  assert.ok(base.coverage.calls.total > 0);
  const r = await computeWeekly(fx, '2026-W48');
  const byWeek = new Map(r.trend.map((p) => [p.week, p.signaling_pct]));
  for (const week of ['2026-W47', '2026-W46', '2026-W43']) assert.is(byWeek.get(week), base.coverage.signaling.pct, week);
  assert.is(byWeek.get('2026-W45'), null, 'a week with nothing shifted into it has no data');
});

test.run();
