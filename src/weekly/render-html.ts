/**
 * The weekly report as one self-contained HTML document: inline <style>, charts as inline
 * SVG, no script and no external resource, printable on A4. Every string may come from the
 * wire (vendors, models, user names, subnets): all of it passes through `esc`.
 */
import { parseIsoWeek } from '../api/iso-week.ts';
import type { CoverageBlock, GroupRow, Share, TrendPoint, WeeklyReport } from './weekly-report.ts';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const esc = (v: unknown): string => String(v ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]);

const pct = (s: Share): string => (s.pct === null ? 'no data' : `${s.pct.toFixed(1)}%`);
const SHARES: [keyof CoverageBlock, string, string][] = [
  ['signaling', 'Signaling encrypted (SIP over TLS)', 'sessions'], ['media_streams', 'Media streams encrypted (SRTP)', 'streams'],
  ['media_minutes', 'Media minutes encrypted', 'minutes'], ['devices', 'Phones fully encrypted', 'phones'], ['calls', 'Calls protected end to end', 'calls'],
];

function delta(d: number | null): string {
  if (d === null) return '<span class="flat">—</span>';
  if (d > 0) return `<span class="up">▲ ${d.toFixed(1)}</span>`;
  if (d < 0) return `<span class="down">▼ ${(-d).toFixed(1)}</span>`;
  return '<span class="flat">= 0.0</span>';
}

function trendSvg(points: TrendPoint[]): string {
  const w = 680, h = 220, l = 40, r = 12, t = 12, b = 30, iw = w - l - r, ih = h - t - b;
  const x = (i: number) => l + (points.length <= 1 ? iw / 2 : (i / (points.length - 1)) * iw);
  const y = (v: number) => t + ih - (v / 100) * ih;
  const parts: string[] = [];
  for (const v of [0, 25, 50, 75, 100]) parts.push(`<line x1="${l}" x2="${w - r}" y1="${y(v)}" y2="${y(v)}" class="grid"/><text x="${l - 6}" y="${y(v) + 4}" text-anchor="end">${v}%</text>`);
  points.forEach((p, i) => parts.push(`<text x="${x(i)}" y="${h - 10}" text-anchor="middle">${esc(p.week.slice(5))}</text>`));
  const series: [keyof TrendPoint, string][] = [['media_pct', '#2563eb'], ['signaling_pct', '#16a34a'], ['calls_pct', '#9333ea']];
  for (const [key, color] of series) {
    let d = '';
    points.forEach((p, i) => { const v = p[key] as number | null; if (v !== null) d += `${d ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`; });
    if (d) parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"/>`);
    points.forEach((p, i) => { const v = p[key] as number | null; if (v !== null) parts.push(`<circle cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="2.5" fill="${color}"/>`); });
  }
  return `<svg viewBox="0 0 ${w} ${h}" class="trend" role="img" aria-label="12-week trend">${parts.join('')}</svg>
<p class="legend"><span class="k media"></span>media streams <span class="k sig"></span>signaling <span class="k calls"></span>calls end to end</p>`;
}

function bar(s: Share): string {
  const v = s.pct ?? 0;
  return `<svg viewBox="0 0 100 8" class="bar" aria-hidden="true"><rect width="100" height="8" fill="#e5e7eb"/><rect width="${v}" height="8" fill="${v >= 90 ? '#16a34a' : v >= 50 ? '#d97706' : '#dc2626'}"/></svg>`;
}

const groupTable = (title: string, rows: GroupRow[]): string => `<h3>${esc(title)}</h3>${rows.length === 0 ? '<p class="muted">No traffic.</p>' : `<table><thead><tr><th>${esc(title.replace('By ', ''))}</th>${SHARES.map(([, label]) => `<th class="num">${esc(label.split(' (')[0])}</th>`).join('')}</tr></thead><tbody>${
  rows.map((g) => `<tr><td>${esc(g.key)}</td>${SHARES.map(([k]) => `<td class="num">${pct(g[k])}</td>`).join('')}</tr>`).join('')}</tbody></table>`}`;

/** The week's local Monday dates (the UTC instants in `from`/`to` fall on the evening before east of Greenwich). */
export function localMondays(week: string): { from: string; to: string } {
  const { from, to } = parseIsoWeek(week);
  return { from: from.toISOString().slice(0, 10), to: to.toISOString().slice(0, 10) };
}

export function renderHtml(r: WeeklyReport): string {
  const days = localMondays(r.week);
  const summary = SHARES.map(([k, label, unit]) => `<tr><td>${esc(label)}</td><td class="big">${pct(r.coverage[k])}</td><td>${bar(r.coverage[k])}</td><td>${delta(r.change[k])}</td>
    <td class="muted">${esc(r.coverage[k].encrypted)} of ${esc(r.coverage[k].total)} ${unit}; previous week ${pct(r.previous[k])}</td></tr>`).join('');
  const plaintext = r.plaintext_devices.length === 0 ? '<p class="muted">None this week.</p>' : `<table><thead><tr><th>Device</th><th>Vendor / model</th><th>Firmware</th><th>Site</th><th>Signaling</th><th>Media</th><th class="num">Plaintext calls</th><th class="num">RTP streams</th><th class="num">Open findings</th></tr></thead><tbody>${
    r.plaintext_devices.map((d) => `<tr><td class="mono">${esc(d.ip)}</td><td>${esc([d.vendor, d.model].filter(Boolean).join(' ') || '—')}</td><td>${esc(d.firmware ?? '—')}</td><td>${esc(d.site)}</td>
      <td>${esc(d.signaling.join(', ') || '—')}</td><td>${esc(d.media.join(', ') || '—')}</td><td class="num">${d.plaintext_calls}</td><td class="num">${d.plaintext_streams}</td><td class="num">${d.open_findings}</td></tr>`).join('')}</tbody></table>`;
  const users = r.plaintext_users.length === 0 ? '<p class="muted">None this week.</p>' : `<table><thead><tr><th>User</th><th class="num">Plaintext calls</th><th class="num">Devices</th></tr></thead><tbody>${
    r.plaintext_users.map((u) => `<tr><td class="mono">${esc(u.user)}</td><td class="num">${u.plaintext_calls}</td><td class="num">${u.devices}</td></tr>`).join('')}</tbody></table>`;
  const fresh = r.new_devices.length === 0 ? '<p class="muted">None this week.</p>' : `<table><thead><tr><th>Device</th><th>Vendor / model</th><th>Site</th><th>First seen</th><th>Fully encrypted</th></tr></thead><tbody>${
    r.new_devices.map((d) => `<tr><td class="mono">${esc(d.ip)}</td><td>${esc([d.vendor, d.model].filter(Boolean).join(' ') || '—')}</td><td>${esc(d.site)}</td><td>${esc(d.first_seen.slice(0, 16).replace('T', ' '))}</td><td>${d.fully_encrypted ? 'yes' : '<strong class="down">no</strong>'}</td></tr>`).join('')}</tbody></table>`;
  const findings = r.open_findings.length === 0 ? '<p class="muted">No open findings.</p>' : `<table><thead><tr><th>Rule</th><th>Severity</th><th class="num">Open</th><th>What to do</th><th>Guide</th></tr></thead><tbody>${
    r.open_findings.map((f) => `<tr><td class="mono">${esc(f.rule)}</td><td><span class="sev ${esc(f.severity)}">${esc(f.severity)}</span></td><td class="num">${f.count}</td><td>${esc(f.recommendation)}</td><td class="muted">${esc(f.seed)}</td></tr>`).join('')}</tbody></table>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>VoIP encryption coverage ${esc(r.week)}</title>
<style>
@page { size: A4; margin: 16mm 14mm; }
body { font: 10.5pt/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #111827; margin: 0 auto; max-width: 190mm; padding: 8mm 0; }
h1 { font-size: 18pt; margin: 0 0 2mm; } h2 { font-size: 13pt; margin: 8mm 0 3mm; border-bottom: 1px solid #d1d5db; padding-bottom: 1mm; } h3 { font-size: 11pt; margin: 5mm 0 2mm; }
.sub { color: #4b5563; margin: 0 0 5mm; } .muted { color: #6b7280; } .mono { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 9.5pt; }
table { width: 100%; border-collapse: collapse; margin: 2mm 0 4mm; font-size: 9.5pt; } th, td { text-align: left; padding: 1.6mm 2mm; border-bottom: 1px solid #e5e7eb; vertical-align: top; overflow-wrap: anywhere; }
th { background: #f3f4f6; font-weight: 600; } .num { text-align: right; font-variant-numeric: tabular-nums; } td.big { font-size: 13pt; font-weight: 700; white-space: nowrap; }
.bar { width: 30mm; height: 3mm; } .up { color: #15803d; font-weight: 600; } .down { color: #b91c1c; font-weight: 600; } .flat { color: #6b7280; }
.trend { width: 100%; height: auto; } .trend text { font-size: 10px; fill: #6b7280; } .trend .grid { stroke: #e5e7eb; }
.legend { color: #4b5563; font-size: 9pt; } .k { display: inline-block; width: 9px; height: 9px; margin: 0 4px 0 10px; } .k.media { background: #2563eb; } .k.sig { background: #16a34a; } .k.calls { background: #9333ea; }
.sev { padding: 0 6px; border-radius: 8px; font-size: 8.5pt; font-weight: 600; } .sev.critical { background: #fee2e2; color: #991b1b; } .sev.high { background: #ffedd5; color: #9a3412; } .sev.medium { background: #fef9c3; color: #854d0e; } .sev.low { background: #f3f4f6; color: #374151; }
.defs { font-size: 8.5pt; color: #4b5563; } .pb { break-before: page; }
</style></head><body>
<h1>Encryption coverage — ${esc(r.week)}</h1>
<p class="sub">Monday ${esc(days.from)} 00:00 to Monday ${esc(days.to)} 00:00, ${esc(r.time_zone)}${r.scope.site ? ` · site ${esc(r.scope.site)}` : ''}${r.scope.sensor ? ` · sensor ${esc(r.scope.sensor)}` : ''} · generated ${esc(r.generated_at.slice(0, 16).replace('T', ' '))} UTC</p>
<h2>Summary</h2>
<table><thead><tr><th></th><th>This week</th><th></th><th>Change (points)</th><th>Detail</th></tr></thead><tbody>${summary}</tbody></table>
<h2>Trend, 12 weeks</h2>
${trendSvg(r.trend)}
<h2 class="pb">Where</h2>
${groupTable('By site', r.by.site)}${groupTable('By subnet', r.by.subnet)}${groupTable('By vendor', r.by.vendor)}${groupTable('By model', r.by.model)}
<h2 class="pb">What is left</h2>
<h3>Devices still in plaintext, worst first</h3>${plaintext}
<h3>Users still calling in plaintext</h3>${users}
<h3>New devices this week</h3>${fresh}
<h2>Open findings and what to do</h2>${findings}
<p class="defs">Signaling: SIP sessions — calls whose SIP was seen, by transport, plus TLS sessions to SIP-TLS ports. Media: RTP streams (and their minutes) classified as SRTP/ZRTP/DTLS-SRTP or plain RTP; unclassified streams are left out. Phones: phones seen this week whose signaling and media were all encrypted. Calls end to end: every stream encrypted and no SIP seen in clear. Recommendations cite the hardening guides the findings catalog maps each rule to.</p>
</body></html>
`;
}
