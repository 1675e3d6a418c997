/** The weekly report as GitHub-flavoured Markdown: the same figures as the HTML, in tables. */
import { localMondays } from './render-html.ts';
import type { CoverageBlock, GroupRow, Share, WeeklyReport } from './weekly-report.ts';

/** A table cell: pipes and backslashes escaped, line breaks flattened. */
export const cell = (v: unknown): string => String(v ?? '').replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ').replace(/[<>]/g, (c) => (c === '<' ? '&lt;' : '&gt;'));
const pct = (s: Share): string => (s.pct === null ? 'no data' : `${s.pct.toFixed(1)}%`);
const pts = (d: number | null): string => (d === null ? '—' : d > 0 ? `+${d.toFixed(1)}` : d.toFixed(1));
const row = (cells: unknown[]): string => `| ${cells.map(cell).join(' | ')} |`;
const SHARES: [keyof CoverageBlock, string][] = [['signaling', 'Signaling (SIP over TLS)'], ['media_streams', 'Media streams (SRTP)'], ['media_minutes', 'Media minutes'], ['devices', 'Phones fully encrypted'], ['calls', 'Calls end to end']];

function tableOf(headers: string[], rows: unknown[][]): string {
  return [row(headers), `|${headers.map(() => '---').join('|')}|`, ...rows.map(row)].join('\n');
}

const groups = (title: string, g: GroupRow[]) => `### ${title}\n\n${g.length ? tableOf(['Group', ...SHARES.map(([, l]) => l)], g.map((x) => [x.key, ...SHARES.map(([k]) => pct(x[k]))])) : '_No traffic._'}\n`;

export function renderMarkdown(r: WeeklyReport): string {
  return `# Encryption coverage — ${cell(r.week)}

Monday ${localMondays(r.week).from} 00:00 to Monday ${localMondays(r.week).to} 00:00, ${cell(r.time_zone)}; generated ${r.generated_at.slice(0, 16).replace('T', ' ')} UTC.

## Summary

${tableOf(['', 'This week', 'Change (points)', 'Encrypted', 'Total', 'Previous week'], SHARES.map(([k, l]) => [l, pct(r.coverage[k]), pts(r.change[k]), r.coverage[k].encrypted, r.coverage[k].total, pct(r.previous[k])]))}

## Trend, 12 weeks

${tableOf(['Week', 'Signaling', 'Media streams', 'Calls end to end'], r.trend.map((p) => [p.week, p.signaling_pct === null ? 'no data' : `${p.signaling_pct.toFixed(1)}%`, p.media_pct === null ? 'no data' : `${p.media_pct.toFixed(1)}%`, p.calls_pct === null ? 'no data' : `${p.calls_pct.toFixed(1)}%`]))}

## Where

${groups('By site', r.by.site)}
${groups('By subnet', r.by.subnet)}
${groups('By vendor', r.by.vendor)}
${groups('By model', r.by.model)}
## Devices still in plaintext, worst first

${r.plaintext_devices.length ? tableOf(['Device', 'Vendor / model', 'Site', 'Signaling', 'Media', 'Plaintext calls', 'RTP streams', 'Open findings'], r.plaintext_devices.map((d) => [d.ip, [d.vendor, d.model].filter(Boolean).join(' ') || '—', d.site, d.signaling.join(', '), d.media.join(', '), d.plaintext_calls, d.plaintext_streams, d.open_findings])) : '_None this week._'}

## Users still calling in plaintext

${r.plaintext_users.length ? tableOf(['User', 'Plaintext calls', 'Devices'], r.plaintext_users.map((u) => [u.user, u.plaintext_calls, u.devices])) : '_None this week._'}

## New devices

${r.new_devices.length ? tableOf(['Device', 'Vendor / model', 'Site', 'First seen', 'Fully encrypted'], r.new_devices.map((d) => [d.ip, [d.vendor, d.model].filter(Boolean).join(' ') || '—', d.site, d.first_seen.slice(0, 16).replace('T', ' '), d.fully_encrypted ? 'yes' : 'no'])) : '_None this week._'}

## Open findings and what to do

${r.open_findings.length ? tableOf(['Rule', 'Severity', 'Open', 'What to do', 'Guide'], r.open_findings.map((f) => [f.rule, f.severity, f.count, f.recommendation, f.seed])) : '_No open findings._'}
`;
}
