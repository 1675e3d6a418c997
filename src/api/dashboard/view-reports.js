import { h, mount, route, clip, severityBadge, badge, table, when } from '/assets/dom.js';
import { get } from '/assets/api.js';
import { trendChart } from '/assets/charts.js';

function lastFullWeek() {
  const d = new Date(Date.now() - 7 * 86_400_000);
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  t.setUTCDate(t.getUTCDate() - ((t.getUTCDay() + 6) % 7) + 3);
  const year = t.getUTCFullYear();
  const week = 1 + Math.round(((t - Date.UTC(year, 0, 4)) / 86_400_000 - 3 + ((new Date(Date.UTC(year, 0, 4)).getUTCDay() + 6) % 7)) / 7);
  return `${year}-W${String(week).padStart(2, '0')}`;
}

const pctText = (s) => (s.pct === null ? 'no data' : `${s.pct}%`);
const delta = (d) => (d === null ? h('span.muted', {}, '—') : h(`span.delta.${d > 0 ? 'up' : d < 0 ? 'down' : 'flat'}`, {}, d > 0 ? `▲ ${d}` : d < 0 ? `▼ ${-d}` : '= 0'));

const SHARES = [
  ['signaling', 'Signaling encrypted (SIP over TLS)', 'sessions'], ['media_streams', 'Media streams encrypted (SRTP)', 'streams'],
  ['media_minutes', 'Media minutes encrypted', 'minutes'], ['devices', 'Phones fully encrypted', 'phones'], ['calls', 'Calls protected end to end', 'calls'],
];

export async function reportsView(params) {
  const week = params.get('week') || lastFullWeek();
  const tz = params.get('tz') || '';
  const input = h('input', { name: 'week', value: week, pattern: '\\d{4}-W\\d{2}', size: 10, title: 'ISO week, e.g. 2026-W47' });
  const tzInput = h('input', { name: 'tz', value: tz, placeholder: 'time zone (UTC)', size: 16 });
  const [r, history] = await Promise.all([get('/api/v1/reports/weekly', { week, tz }), get('/api/v1/reports')]);
  const groupTable = (rows) => table(['Group', 'Signaling', 'Media streams', 'Media minutes', 'Phones', 'Calls'],
    rows.map((g) => h('tr', {}, h('td', {}, clip(g.key, 40)), ...SHARES.map(([k]) => h('td.num', {}, pctText(g[k]))))));
  mount(
    h('div.page-head.noprint', {}, h('h1', {}, 'Weekly encryption report'),
      h('form.inline', { onsubmit: (e) => { e.preventDefault(); location.hash = route('/reports', { week: input.value.trim(), tz: tzInput.value.trim() }); } }, input, tzInput, h('button', { type: 'submit' }, 'Show')),
      h('a', { href: `/api/v1/reports/weekly.html?${new URLSearchParams({ week, ...(tz ? { tz } : {}) })}`, target: '_blank', rel: 'noopener' }, 'Printable report'),
      h('button', { type: 'button', onclick: () => window.print() }, 'Print')),
    h('h2', {}, `${r.week} · ${r.from.slice(0, 10)} to ${r.to.slice(0, 10)} · ${r.time_zone}`),
    h('div.cards', {},
      h('section.card', {}, h('h3', {}, 'Coverage (change against the previous week, points)'),
        table(['', 'This week', 'Change', 'Detail'], SHARES.map(([k, label, unit]) => h('tr', {}, h('td', {}, label), h('td.big-cell', { 'data-testid': `report-${k}` }, pctText(r.coverage[k])), h('td', {}, delta(r.change[k])),
          h('td.muted', {}, `${r.coverage[k].encrypted} of ${r.coverage[k].total} ${unit}`))))),
      h('section.card', {}, h('h3', {}, '12 weeks'), trendChart(r.trend.map((p) => ({ day: p.week, media_pct: p.media_pct, signaling_pct: p.signaling_pct })),
        [{ key: 'media_pct', cls: 'media', label: 'media' }, { key: 'signaling_pct', cls: 'signaling', label: 'signaling' }], 'report-trend'))),
    h('section.card', {}, h('h3', {}, 'By site'), groupTable(r.by.site)),
    h('div.cards', {}, h('section.card', {}, h('h3', {}, 'By vendor'), groupTable(r.by.vendor)), h('section.card', {}, h('h3', {}, 'By subnet'), groupTable(r.by.subnet))),
    h('section.card', {}, h('h3', {}, 'Devices still in plaintext, worst first'), r.plaintext_devices.length
      ? table(['Device', 'Vendor / model', 'Signaling', 'Media', 'Plaintext calls', 'RTP streams', 'Open findings'], r.plaintext_devices.map((d) => h('tr', {},
        h('td.mono', {}, h('a', { href: route(`/devices/${encodeURIComponent(d.ip)}`) }, d.ip)), h('td', {}, clip([d.vendor, d.model].filter(Boolean).join(' ') || '—', 30)),
        h('td', {}, d.signaling.some((x) => ['udp', 'tcp', 'ws'].includes(x)) ? badge('plaintext', 'bad') : badge('TLS', 'ok')), h('td', {}, d.media.includes('rtp') ? badge('RTP', 'bad') : badge('SRTP', 'ok')),
        h('td.num', {}, String(d.plaintext_calls)), h('td.num', {}, String(d.plaintext_streams)), h('td.num', {}, String(d.open_findings)))))
      : h('p.muted', {}, 'None this week.')),
    h('div.cards', {},
      h('section.card', {}, h('h3', {}, 'Users still calling in plaintext'), r.plaintext_users.length
        ? table(['User', 'Plaintext calls', 'Devices'], r.plaintext_users.map((u) => h('tr', {}, h('td.mono', {}, clip(u.user, 40)), h('td.num', {}, String(u.plaintext_calls)), h('td.num', {}, String(u.devices)))))
        : h('p.muted', {}, 'None this week.')),
      h('section.card', {}, h('h3', {}, 'New devices'), r.new_devices.length
        ? table(['Device', 'Vendor / model', 'First seen', 'Encrypted'], r.new_devices.map((d) => h('tr', {}, h('td.mono', {}, d.ip), h('td', {}, clip([d.vendor, d.model].filter(Boolean).join(' ') || '—', 30)), h('td', {}, when(d.first_seen)), h('td', {}, d.fully_encrypted ? badge('yes', 'ok') : badge('no', 'bad')))))
        : h('p.muted', {}, 'None this week.'))),
    h('section.card', {}, h('h3', {}, 'Open findings and what to do'), r.open_findings.length
      ? table(['Rule', 'Severity', 'Open', 'Recommendation', 'Guide'], r.open_findings.map((x) => h('tr', {}, h('td.mono', {}, h('a', { href: route('/alerts', { status: 'open', rule: x.rule }) }, x.rule)),
        h('td', {}, severityBadge(x.severity)), h('td.num', {}, String(x.count)), h('td', {}, x.recommendation), h('td.muted', {}, x.seed))))
      : h('p.muted', {}, 'No open findings.')),
    h('section.card.noprint', {}, h('h3', {}, 'Reports sent'), history.items.length
      ? h('ul.plain', {}, history.items.map((x) => h('li', {}, h('a', { href: route('/reports', { week: x.week, tz: x.time_zone }) }, `${x.week} (${x.time_zone})`), ` · generated ${when(x.generated_at)}`)))
      : h('p.muted', {}, 'No report has been generated on schedule yet.')),
  );
}
