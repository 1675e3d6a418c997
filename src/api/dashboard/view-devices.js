import { h, mount, route, clip, when, badge, severityBadge, table } from '/assets/dom.js';
import { get } from '/assets/api.js';

const enc = (v, yes, no) => (v === null || v === undefined ? badge('not seen', 'muted') : v ? badge(yes, 'ok') : badge(no, 'bad'));

function deviceRow(d) {
  const go = () => { location.hash = route(`/devices/${encodeURIComponent(d.ip)}`); };
  return h('tr.clickable', { 'data-testid': 'device-row', dataset: { ip: d.ip }, tabindex: 0, onclick: go, onkeydown: (e) => { if (e.key === 'Enter') go(); } },
    h('td.mono', {}, d.ip), h('td', {}, clip([d.vendor, d.model].filter(Boolean).join(' ') || '—', 30)), h('td', {}, clip(d.firmware, 20)),
    h('td', {}, (d.roles ?? []).join(', ') || '—'), h('td', {}, enc(d.signaling_encrypted, 'TLS', 'plaintext')), h('td', {}, enc(d.media_encrypted, 'SRTP', 'RTP')),
    h('td.num', {}, String(d.open_alerts)), h('td', {}, when(d.last_seen)), h('td', {}, clip(d.user_agent, 50)));
}

export async function devicesView(params) {
  const q = h('input', { name: 'q', placeholder: 'IP, vendor, model, user agent, SIP user', value: params.get('q') ?? '', size: 40 });
  const role = h('select', { name: 'role' }, [['', 'any role'], ['phone', 'phones'], ['pbx', 'PBX / registrar'], ['webui', 'web UI'], ['scanner', 'scanners']].map(([v, t]) => h('option', { value: v, selected: (params.get('role') ?? '') === v }, t)));
  const body = h('tbody');
  const more = h('button', { type: 'button', hidden: true }, 'Load more');
  let cursor = null;
  const load = async () => {
    const page = await get('/api/v1/devices', { q: params.get('q') ?? '', role: params.get('role') ?? '', limit: 100, cursor });
    body.append(...page.items.map(deviceRow));
    cursor = page.next_cursor;
    more.hidden = !cursor;
    if (!body.children.length) body.append(h('tr', {}, h('td.muted', { colspan: 9 }, 'No devices match.')));
  };
  more.addEventListener('click', () => { void load(); });
  mount(h('div.page-head', {}, h('h1', {}, 'Devices')),
    h('form.filters', { onsubmit: (e) => { e.preventDefault(); location.hash = route('/devices', { q: q.value.trim(), role: role.value }); } }, q, role, h('button.primary', { type: 'submit' }, 'Search')),
    h('table.grid', {}, h('thead', {}, h('tr', {}, ['IP', 'Vendor / model', 'Firmware', 'Roles', 'Signaling', 'Media', 'Open alerts', 'Last seen', 'User-Agent / Server'].map((t) => h('th', {}, t)))), body), more);
  await load();
}

export async function deviceView(_params, ip) {
  const d = await get(`/api/v1/devices/${encodeURIComponent(ip)}`);
  mount(
    h('div.page-head', {}, h('a', { href: route('/devices') }, '← Devices')),
    h('h1', { 'data-testid': 'device-title' }, d.ip, ' ', h('span.muted', {}, [d.vendor, d.model, d.firmware].filter(Boolean).join(' '))),
    h('div.cards', {},
      h('section.card', {}, h('h3', {}, 'Encryption'), h('p', {}, 'Signaling ', enc(d.signaling_encrypted, 'TLS', 'plaintext'), ' · Media ', enc(d.media_encrypted, 'SRTP', 'RTP'))),
      h('section.card', {}, h('h3', {}, 'Identity'), table(['Field', 'Value'], [
        ['MAC', d.mac], ['User-Agent / Server', d.user_agent], ['Roles', (d.roles ?? []).join(', ')], ['SIP users', (d.sip_users ?? []).join(', ')],
        ['Signaling seen', (d.signaling ?? []).join(', ')], ['Media seen', (d.media ?? []).join(', ')], ['First seen', when(d.first_seen)], ['Last seen', when(d.last_seen)], ['Site', d.site],
      ].map(([k, v]) => h('tr', {}, h('td', {}, k), h('td', {}, clip(v || '—', 200))))))),
    h('section.card', {}, h('h3', {}, `Alerts (${d.alerts.length})`), d.alerts.length
      ? table(['Severity', 'Status', 'Rule', 'Peer', 'Last seen', 'Summary'], d.alerts.map((a) => h('tr.clickable', { 'data-testid': 'alert-row', dataset: { alertId: a.alert_id }, onclick: () => { location.hash = route(`/alerts/${a.alert_id}`); } },
        h('td', {}, severityBadge(a.severity)), h('td', {}, a.status), h('td.mono', {}, a.rule), h('td.mono', {}, a.peer_ip ?? '—'), h('td', {}, when(a.last_seen)), h('td', {}, clip(a.summary, 90)))))
      : h('p.muted', {}, 'No alerts for this device.')),
  );
}
