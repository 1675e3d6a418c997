/**
 * The weekly report's renderers on one report: the HTML, Markdown and CSV carry the same
 * figures, hostile strings from the wire stay text (and never formulas), and the PDF printed
 * by Chromium turns into a PNG page (test-artifacts/report/) so a layout regression is visible.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderHtml } from '../src/weekly/render-html.ts';
import { renderMarkdown } from '../src/weekly/render-markdown.ts';
import { renderCsv } from '../src/weekly/render-csv.ts';
import { renderPdf } from '../src/weekly/render-pdf.ts';
import type { CoverageBlock, WeeklyReport } from '../src/weekly/weekly-report.ts';

const OUT = join(new URL('..', import.meta.url).pathname, 'test-artifacts', 'report');
const EVIL = '<script>alert(1)</script>';
const FORMULA = '=HYPERLINK("http://evil.example/x","click")';
const s = (total: number, encrypted: number) => ({ total, encrypted, pct: total ? Math.round((encrypted / total) * 1000) / 10 : null });
const block = (k: number): CoverageBlock => ({ signaling: s(200 * k, 37 * k), media_streams: s(400 * k, 150 * k), media_minutes: s(1234.5 * k, 400.25 * k), devices: s(50, 12), calls: s(200 * k, 30 * k) });

const report: WeeklyReport = {
  version: 1, week: '2026-W47', time_zone: 'Europe/Berlin', from: '2026-11-15T23:00:00.000Z', to: '2026-11-22T23:00:00.000Z', generated_at: '2026-11-23T05:00:00.000Z',
  scope: { sensor: null, site: null }, coverage: block(2), previous: block(1), change: { signaling: 0, media_streams: 0, media_minutes: 0, devices: 0, calls: 0 },
  by: {
    site: [{ key: 'hq', ...block(1) }, { key: 'branch|a', ...block(1) }],
    subnet: [{ key: '10.20.0.0/24', ...block(2) }],
    vendor: [{ key: EVIL, ...block(1) }, { key: 'snom', ...block(1) }],
    model: [{ key: `${FORMULA} D785`, ...block(2) }],
  },
  trend: Array.from({ length: 12 }, (_, i) => ({ week: `2026-W${String(36 + i).padStart(2, '0')}`, signaling_pct: i === 3 ? null : 10 + i, media_pct: 30 + i * 2, calls_pct: i < 2 ? null : 5 + i })),
  plaintext_devices: [{ ip: '10.20.0.21', vendor: 'snom', model: EVIL, firmware: '10.1.33.33', site: 'hq', signaling: ['udp'], media: ['rtp'], plaintext_calls: 41, plaintext_streams: 82, open_findings: 3 }],
  plaintext_users: [{ user: FORMULA, plaintext_calls: 17, devices: 2 }, { user: '1001', plaintext_calls: 5, devices: 1 }],
  new_devices: [{ ip: '10.20.0.99', vendor: null, model: null, site: 'hq', first_seen: '2026-11-17T08:00:00.000Z', fully_encrypted: false }],
  open_findings: [{ rule: 'default-credentials', severity: 'critical', count: 2, recommendation: 'Change the default admin password.', seed: '000, 003' }],
};
report.change = { signaling: 0, media_streams: 0, media_minutes: 0, devices: 0, calls: 0 };

/** RFC 4180, as a spreadsheet reads it. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [], cell = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) { if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false; else cell += c; continue; }
    if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; }
    else if (c === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i++; }
    else cell += c;
  }
  return rows;
}

const test = suite('weekly report renderers');

test('HTML: self-contained, no script, hostile strings escaped, the figures and a trend chart', () => {
  const html = renderHtml(report);
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, 'weekly.html'), html);
  assert.not.match(html, /<script/i);
  assert.not.match(html, /(src|href)=["']?https?:/i);
  assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  assert.ok(html.includes('18.5%'), 'signaling 74 of 400');
  assert.ok(html.includes('37.5%'), 'media 300 of 800');
  assert.ok(html.includes('74 of 400 sessions'));
  assert.match(html, /<svg viewBox="0 0 680 220" class="trend"/);
  assert.is((html.match(/<path d="M/g) ?? []).length, 3, 'three series drawn');
  assert.ok(html.includes('Change the default admin password.'));
});

test('Markdown: every table row has its header\'s column count, pipes in values escaped', () => {
  const md = renderMarkdown(report);
  const tables = md.split('\n\n').filter((b) => b.startsWith('| '));
  assert.ok(tables.length >= 8);
  const cols = (line: string) => line.replace(/\\\|/g, '').split('|').length;
  for (const t of tables) { const lines = t.split('\n').filter((l) => l.startsWith('|')); for (const l of lines) assert.is(cols(l), cols(lines[0]), l); }
  assert.ok(md.includes('branch\\|a'));
  assert.ok(md.includes('| Signaling (SIP over TLS) | 18.5% | 0.0 | 74 | 400 | 18.5% |'));
  assert.not.ok(md.includes('<script>'));
});

test('CSV: parses back to the report\'s figures, formulas defused', () => {
  const rows = parseCsv(renderCsv(report));
  assert.equal(rows[0], ['section', 'group', 'key', 'metric', 'total', 'encrypted', 'pct']);
  const find = (section: string, key: string, metric: string) => rows.find((r) => r[0] === section && r[2] === key && r[3] === metric);
  assert.equal(find('coverage', '2026-W47', 'media_streams')?.slice(4), ['800', '300', '37.5']);
  assert.equal(find('coverage', '2026-W47', 'media_minutes')?.slice(4), ['2469', '800.5', '32.4']);
  assert.equal(find('trend', '2026-W39', 'signaling')?.[6], '', 'no data is an empty cell');
  const user = rows.find((r) => r[0] === 'plaintext_user' && r[4] === '17')!;
  assert.is(user[2], `'${FORMULA}`, 'a formula from the wire is defused');
  assert.ok(rows.some((r) => r[0] === 'by' && r[1] === 'site' && r[2] === 'branch|a'));
  assert.is(rows.filter((r) => r[0] === 'by').length, 6 * 5);
});

test('PDF: printed by Chromium, page 1 rendered to PNG', async () => {
  if (!existsSync('/usr/bin/chromium') || spawnMissing('pdftoppm')) {
    const message = 'weekly report PDF NOT RENDERED: /usr/bin/chromium or pdftoppm missing (scripts/install-test-deps.sh installs them)';
    if (process.env.CI === 'true') assert.unreachable(message);
    console.warn(message);
    return;
  }
  const pdf = await renderPdf(renderHtml(report));
  assert.is(pdf.subarray(0, 5).toString(), '%PDF-');
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, 'weekly.pdf'), pdf);
  execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', join(OUT, 'weekly.pdf'), join(OUT, 'weekly-page')]);
  const png = readdirPng();
  assert.ok(png && statSync(png).size > 10_000, 'page 1 has content');
  assert.equal([...readFileSync(png!).subarray(1, 4)], [0x50, 0x4e, 0x47]);
});

function spawnMissing(tool: string): boolean {
  try { execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }); return false; } catch { return true; }
}
function readdirPng(): string | null {
  for (const name of ['weekly-page-1.png', 'weekly-page-01.png']) if (existsSync(join(OUT, name))) return join(OUT, name);
  return null;
}

test.run();
