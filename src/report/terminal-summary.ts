/**
 * The human summary of an analysis: findings by severity, the device inventory and the
 * encryption coverage. Every value that came off the wire is stripped of control
 * characters first: a User-Agent must not be able to drive the reader's terminal.
 */
import type { AnalysisReport, FindingJson } from './json-report.ts';

const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;

export interface SummaryStyle { color: boolean }

// C0 and C1 controls, DEL, and the Unicode bidi overrides that can reorder what a terminal shows.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
export const terminalSafe = (s: string): string => s.replace(UNSAFE, '\uFFFD');

export function renderSummary(r: AnalysisReport, style: SummaryStyle): string {
  const paint = (code: string, s: string) => (style.color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const sevColor: Record<string, string> = { critical: '1;31', high: '31', medium: '33', low: '36' };
  const lines: string[] = [];
  const duration = r.first_ts && r.last_ts ? ` from ${r.first_ts} to ${r.last_ts}` : '';
  lines.push(paint('1', 'voipwatch analysis') + ` of ${r.sources.map(terminalSafe).join(', ')}`);
  lines.push(`${r.packets.toLocaleString('en-US')} packets, ${formatBytes(r.bytes)}${duration}`);
  lines.push('');

  const bySeverity = new Map<string, FindingJson[]>();
  for (const f of r.findings) {
    const list = bySeverity.get(f.severity);
    if (list) list.push(f); else bySeverity.set(f.severity, [f]);
  }
  lines.push(paint('1', `Findings (${r.findings.length})`));
  if (r.findings.length === 0) lines.push('  none');
  for (const sev of SEVERITIES) {
    const list = bySeverity.get(sev);
    if (!list) continue;
    lines.push(`  ${paint(sevColor[sev], sev.toUpperCase())} (${list.length})`);
    for (const f of list) {
      const device = deviceLabel(f.device.ip, f.device.vendor, f.device.model);
      const peer = f.peer ? ` ↔ ${f.peer.ip}${f.peer.internal ? '' : ' (internet)'}` : '';
      lines.push(`    ${f.rule.padEnd(24)} ${terminalSafe(device)}${terminalSafe(peer)}  ×${f.count}`);
      lines.push(`    ${''.padEnd(24)} ${terminalSafe(f.summary)}`);
    }
  }
  lines.push('');

  lines.push(paint('1', `Devices (${r.devices.length})`));
  for (const d of r.devices) {
    const what = [d.vendor, d.model, d.firmware].filter(Boolean).join(' ');
    const roles = d.roles.join(',') || '-';
    const sig = d.signaling.join(',') || '-';
    const media = d.media.join(',') || '-';
    lines.push(`  ${d.ip.padEnd(16)} ${terminalSafe(what || (d.user_agent ?? '')).slice(0, 40).padEnd(40)} roles=${roles} signaling=${sig} media=${media}${d.sip_users.length ? ` users=${terminalSafe(d.sip_users.slice(0, 5).join(','))}` : ''}`);
  }
  lines.push('');

  const c = r.coverage;
  lines.push(paint('1', 'Encryption coverage'));
  lines.push(`  signaling  ${bar(c.signaling.pct)} ${String(c.signaling.pct).padStart(5)}%  ${c.signaling.encrypted}/${c.signaling.sessions} sessions over TLS`);
  lines.push(`  media      ${bar(c.media.pct)} ${String(c.media.pct).padStart(5)}%  ${c.media.encrypted}/${c.media.streams} streams encrypted`);
  lines.push(`  phones     ${bar(c.devices.pct)} ${String(c.devices.pct).padStart(5)}%  ${c.devices.fully_encrypted}/${c.devices.total} fully encrypted`);
  lines.push(`  calls      ${r.calls.length}`);
  return lines.join('\n') + '\n';
}

function deviceLabel(ip: string, vendor: string | null, model: string | null): string {
  const what = [vendor, model].filter(Boolean).join(' ');
  return what ? `${ip} (${what})` : ip;
}

function bar(pct: number): string {
  const filled = Math.round(pct / 5);
  return '[' + '#'.repeat(filled) + '.'.repeat(20 - filled) + ']';
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}
