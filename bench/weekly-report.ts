/**
 * The weekly-report stage of `npm run bench`: one ISO week holding 1,000,000 calls (2,000,000
 * RTP streams, 200,000 SIP-TLS sessions) from 5,000 phones in a new embedded store, then the
 * whole report — computation (current and previous week, four groupings, 12-week trend,
 * plaintext lists) and the HTML rendering — timed. The peer is one plain count over the same
 * week's calls on the same engine: the floor any report query pays.
 *
 *   node --import tsx bench/weekly-report.ts [--calls N] [--devices N] [--runs N]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { resolveStoreConfig } from '../src/store/store-config.ts';
import { openStore } from '../src/store/store.ts';
import { tableRef } from '../src/store/schema.ts';
import { computeWeeklyReport } from '../src/weekly/compute-weekly.ts';
import { renderHtml } from '../src/weekly/render-html.ts';
import { weekWindow } from '../src/weekly/week-window.ts';

export interface WeeklyBenchResult { calls: number; devices: number; fillSeconds: number; runs: { computeMs: number; renderMs: number; totalMs: number }[]; bestTotalMs: number; peerCountMs: number }

export async function runWeeklyBench(opts: { calls?: number; devices?: number; runs?: number } = {}): Promise<WeeklyBenchResult> {
  const calls = opts.calls ?? 1_000_000, devices = opts.devices ?? 5_000, runs = opts.runs ?? 3;
  const week = '2026-W47', tz = 'Europe/Berlin';
  const w = weekWindow(week, tz);
  const start = `toDateTime64('${w.from.toISOString().replace('T', ' ').replace('Z', '')}', 3, 'UTC')`;
  const span = Math.floor((w.to.getTime() - w.from.getTime()) / 1000) - 1;
  const dir = mkdtempSync(join(tmpdir(), 'voipwatch-bench-weekly-'));
  const store = await openStore(resolveStoreConfig({ dataDir: dir }, {}), { command: 'bench weekly', logger: { info() {}, warn() {} }, flushByAge: false });
  try {
    const t = (n: string) => tableRef(store.layout, n);
    const ip = (e: string) => `toIPv6(IPv4NumToString(toUInt32(167772160 + (${e}))))`;
    const at = (e: string) => `${start} + toIntervalSecond((${e}) % ${span})`;
    const t0 = performance.now();
    await store.client.command({ query: `INSERT INTO ${t('calls')} SELECT 'bench', concat('site-', toString(number % 4)), 'bench', concat('k', toString(number)), concat('c', toString(number)),
      concat('sip:', toString(1000 + number % ${devices}), '@pbx'), 'sip:2000@pbx', ${ip(`number % ${devices}`)}, ${ip('100000')}, if(number % 5 = 0, 'wss', 'udp'),
      if(number % 3 = 0, 'srtp-sdes', 'rtp'), ${at('number * 7')}, ${at('number * 7')} + toIntervalSecond(90), 2, if(number % 3 = 0, 2, 0) FROM numbers(${calls})` });
    await store.client.command({ query: `INSERT INTO ${t('rtp_streams')} SELECT 'bench', concat('site-', toString(intDiv(number, 2) % 4)), 'bench', concat('c', toString(intDiv(number, 2))),
      ${ip(`intDiv(number, 2) % ${devices}`)}, 4000, ${ip('100000')}, 5000, toUInt32(number), 'PCMU', 4500, 0, 1, intDiv(number, 2) % 3 = 0, 'sdp',
      ${at('intDiv(number, 2) * 7')}, ${at('intDiv(number, 2) * 7')} + toIntervalSecond(90) FROM numbers(${calls * 2})` });
    await store.client.command({ query: `INSERT INTO ${t('tls_sessions')} SELECT 'bench', concat('site-', toString(number % 4)), 'bench', ${at('number * 13')}, ${ip(`number % ${devices}`)}, 40000,
      ${ip('100000')}, 5061, '', 'TLS 1.3', 'TLS_AES_128_GCM_SHA256', [], false FROM numbers(${Math.round(calls / 5)})` });
    await store.client.command({ query: `INSERT INTO ${t('devices')} SELECT 'bench', concat('site-', toString(number % 4)), 'bench', ${ip('number')}, '', ['snom', 'yealink', 'polycom'][number % 3 + 1],
      ['D785', 'T54W', 'VVX 450'][number % 3 + 1], '10.1', 'ua', '', ['phone'], [toString(1000 + number)], if(number % 4 = 0, ['tls'], ['udp']), if(number % 3 = 0, ['srtp'], ['rtp']),
      ${start} - toIntervalDay(if(number % 10 = 0, 0, 60)), ${at('number')} FROM numbers(${devices})` });
    const fillSeconds = (performance.now() - t0) / 1000;
    const result: WeeklyBenchResult['runs'] = [];
    for (let i = 0; i < runs; i++) {
      const a = performance.now();
      const report = await computeWeeklyReport(store, { week, timeZone: tz });
      const b = performance.now();
      renderHtml(report);
      const c = performance.now();
      if (report.coverage.calls.total !== calls) throw new Error(`the report counted ${report.coverage.calls.total} calls, not ${calls}`);
      result.push({ computeMs: b - a, renderMs: c - b, totalMs: c - a });
    }
    const p0 = performance.now();
    await (await store.client.query({ query: `SELECT count() FROM ${t('calls')} WHERE start >= {from:DateTime64(3)} AND start < {to:DateTime64(3)}`, query_params: { from: w.from.toISOString().replace('T', ' ').replace('Z', ''), to: w.to.toISOString().replace('T', ' ').replace('Z', '') }, format: 'JSONEachRow' })).json();
    const peerCountMs = performance.now() - p0;
    return { calls, devices, fillSeconds, runs: result, bestTotalMs: Math.min(...result.map((r) => r.totalMs)), peerCountMs };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { calls: { type: 'string' }, devices: { type: 'string' }, runs: { type: 'string' } } });
  console.log(JSON.stringify(await runWeeklyBench({ calls: values.calls ? Number(values.calls) : undefined, devices: values.devices ? Number(values.devices) : undefined, runs: values.runs ? Number(values.runs) : undefined }), null, 2));
  process.exit(0);
}
