import { h, mount, route, clip, severityBadge, badge, table } from '/assets/dom.js';
import { get } from '/assets/api.js';

function lastFullWeek() {
  const d = new Date(Date.now() - 7 * 86_400_000);
  const day = (d.getUTCDay() + 6) % 7;
  const thursday = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day + 3));
  const jan4 = new Date(Date.UTC(thursday.getUTCFullYear(), 0, 4));
  const week = 1 + Math.round((thursday - jan4) / 86_400_000 / 7 - ((jan4.getUTCDay() + 6) % 7 - 3) / 7);
  return `${thursday.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

const delta = (cur, prev) => {
  if (cur === null || prev === null || cur === undefined || prev === undefined) return h('span.muted', {}, '');
  const d = Math.round((cur - prev) * 10) / 10;
  return h(`span.delta.${d > 0 ? 'up' : d < 0 ? 'down' : 'flat'}`, {}, d > 0 ? `▲ ${d}` : d < 0 ? `▼ ${-d}` : '＝');
};

export async function reportsView(params) {
  const week = params.get('week') || lastFullWeek();
  const input = h('input', { name: 'week', value: week, pattern: '\\d{4}-W\\d{2}', size: 10, title: 'ISO week, e.g. 2026-W47' });
  const r = await get('/api/v1/reports/weekly', { week });
  const line = (label, cur, prev, detail) => h('tr', {}, h('td', {}, label), h('td.big-cell', {}, cur.pct === null ? 'no data' : `${cur.pct}%`), h('td', {}, delta(cur.pct, prev.pct)), h('td.muted', {}, detail));
  mount(
    h('div.page-head.noprint', {}, h('h1', {}, 'Weekly encryption report'),
      h('form.inline', { onsubmit: (e) => { e.preventDefault(); location.hash = route('/reports', { week: input.value.trim() }); } }, input, h('button', { type: 'submit' }, 'Show')),
      h('button', { type: 'button', onclick: () => window.print() }, 'Print')),
    h('h2', {}, `${r.week} · ${r.from.slice(0, 10)} to ${r.to.slice(0, 10)}`),
    h('section.card', {}, h('h3', {}, 'Coverage (change against the previous week, points)'),
      table(['', 'Share encrypted', 'Change', 'Detail'], [
        line('Signaling (SIP over TLS)', r.coverage.signaling, r.previous.signaling, `${r.coverage.signaling.encrypted} of ${r.coverage.signaling.sessions} calls`),
        line('Media (SRTP)', r.coverage.media, r.previous.media, `${r.coverage.media.encrypted} of ${r.coverage.media.streams} streams`),
        line('Phones fully encrypted', r.coverage.devices, r.previous.devices, `${r.coverage.devices.fully_encrypted} of ${r.coverage.devices.total} phones`),
      ])),
    h('section.card', {}, h('h3', {}, 'Open alerts by rule'), r.open_alerts_by_rule.length
      ? table(['Rule', 'Severity', 'Open'], r.open_alerts_by_rule.map((x) => h('tr', {}, h('td.mono', {}, h('a', { href: route('/alerts', { status: 'open', rule: x.rule }) }, x.rule)), h('td', {}, severityBadge(x.severity)), h('td.num', {}, String(x.count)))))
      : h('p.muted', {}, 'No open alerts.')),
    h('section.card', {}, h('h3', {}, 'Devices still in plaintext, worst first'), r.plaintext_devices.length
      ? table(['Device', 'Vendor / model', 'Signaling', 'Media', 'Open alerts', 'SIP users'], r.plaintext_devices.map((d) => h('tr', {},
        h('td.mono', {}, h('a', { href: route(`/devices/${encodeURIComponent(d.ip)}`) }, d.ip)), h('td', {}, clip([d.vendor, d.model].filter(Boolean).join(' ') || '—', 30)),
        h('td', {}, d.signaling_encrypted === false ? badge('plaintext', 'bad') : badge('ok', 'ok')), h('td', {}, d.media_encrypted === false ? badge('RTP', 'bad') : badge('ok', 'ok')),
        h('td.num', {}, String(d.open_alerts)), h('td', {}, clip((d.sip_users ?? []).join(', '), 40)))))
      : h('p.muted', {}, 'None seen this week.')),
  );
}
