/**
 * The weekly report as RFC 4180 CSV in one long table that spreadsheets pivot:
 *   section,group,key,metric,total,encrypted,pct
 * Cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) get a leading
 * apostrophe: group keys, vendors and user names come from the wire.
 */
import type { CoverageBlock, WeeklyReport } from './weekly-report.ts';

const METRICS: (keyof CoverageBlock)[] = ['signaling', 'media_streams', 'media_minutes', 'devices', 'calls'];

export function csvCell(v: unknown): string {
  let s = v === null || v === undefined ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function renderCsv(r: WeeklyReport): string {
  const lines: unknown[][] = [['section', 'group', 'key', 'metric', 'total', 'encrypted', 'pct']];
  const block = (section: string, group: string, key: string, b: CoverageBlock) => { for (const m of METRICS) lines.push([section, group, key, m, b[m].total, b[m].encrypted, b[m].pct]); };
  block('coverage', '', r.week, r.coverage);
  block('previous', '', r.week, r.previous);
  for (const [group, rows] of Object.entries(r.by)) for (const g of rows) block('by', group, g.key, g);
  for (const p of r.trend) for (const [m, v] of [['signaling', p.signaling_pct], ['media_streams', p.media_pct], ['calls', p.calls_pct]] as const) lines.push(['trend', '', p.week, m, '', '', v]);
  for (const d of r.plaintext_devices) {
    lines.push(['plaintext_device', d.site, d.ip, 'plaintext_calls', d.plaintext_calls, '', '']);
    lines.push(['plaintext_device', d.site, d.ip, 'plaintext_streams', d.plaintext_streams, '', '']);
    lines.push(['plaintext_device', d.site, d.ip, 'open_findings', d.open_findings, '', '']);
  }
  for (const u of r.plaintext_users) lines.push(['plaintext_user', '', u.user, 'plaintext_calls', u.plaintext_calls, '', '']);
  for (const d of r.new_devices) lines.push(['new_device', d.site, d.ip, d.fully_encrypted ? 'fully_encrypted' : 'not_fully_encrypted', 1, d.fully_encrypted ? 1 : 0, '']);
  for (const f of r.open_findings) lines.push(['open_finding', f.severity, f.rule, 'open', f.count, '', '']);
  return `${lines.map((l) => l.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
