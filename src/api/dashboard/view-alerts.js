import { h, mount, route, clip, when, severityBadge, badge, table, errorBanner } from '/assets/dom.js';
import { get, post, session } from '/assets/api.js';
import { startLive } from '/assets/app.js';

const RULES = ['plaintext-sip', 'unencrypted-rtp', 'srtp-keys-exposed', 'weak-tls', 'webui-internet-exposed', 'sip-internet-exposed', 'webui-plaintext-http',
  'webui-no-auth', 'default-credentials', 'weak-sip-password', 'cleartext-credentials', 'shared-sip-credentials', 'sip-scan', 'credential-brute-force',
  'outdated-firmware', 'plaintext-provisioning', 'sensor_health'];

const statusBadge = (s) => badge(s, s === 'open' ? 'bad' : s === 'acknowledged' ? 'ok' : 'muted');

function alertRow(a) {
  return h('tr.clickable', { 'data-testid': 'alert-row', dataset: { alertId: a.alert_id }, tabindex: 0,
    onclick: () => { location.hash = route(`/alerts/${a.alert_id}`); },
    onkeydown: (e) => { if (e.key === 'Enter') location.hash = route(`/alerts/${a.alert_id}`); } },
  h('td', {}, severityBadge(a.severity)), h('td', {}, statusBadge(a.status)), h('td.mono', {}, a.rule), h('td.mono', {}, a.device_ip),
  h('td', {}, clip([a.device?.vendor, a.device?.model].filter(Boolean).join(' ') || a.device?.user_agent || '—', 40)), h('td.mono', {}, a.peer_ip ?? '—'),
  h('td.num', {}, String(a.count)), h('td', {}, when(a.last_seen)), h('td', {}, clip(a.summary, 90)));
}

export async function alertsView(params) {
  const filters = Object.fromEntries(['status', 'severity', 'rule', 'device', 'site', 'q', 'sort'].map((k) => [k, params.get(k) ?? '']));
  const select = (testid, name, options) => h('select', { 'data-testid': testid, name }, options.map(([v, t]) => h('option', { value: v, selected: filters[name] === v }, t)));
  const status = select('filter-status', 'status', [['', 'any status'], ['open', 'open'], ['acknowledged', 'acknowledged'], ['suppressed', 'suppressed']]);
  const severity = select('filter-severity', 'severity', [['', 'any severity'], ['critical', 'critical'], ['high', 'high'], ['medium', 'medium'], ['low', 'low'], ['critical,high', 'critical + high']]);
  const rule = select('filter-rule', 'rule', [['', 'any rule'], ...RULES.map((r) => [r, r])]);
  const sort = select('filter-sort', 'sort', [['', 'newest first'], ['severity', 'most severe first']]);
  const q = h('input', { 'data-testid': 'filter-q', name: 'q', placeholder: 'text, IP, alert id', value: filters.q });
  const device = h('input', { name: 'device', placeholder: 'device IP', value: filters.device, size: 14 });
  const form = h('form.filters', { onsubmit: (e) => {
    e.preventDefault();
    location.hash = route('/alerts', { status: status.value, severity: severity.value, rule: rule.value, device: device.value.trim(), q: q.value.trim(), sort: sort.value });
  } }, status, severity, rule, device, q, sort, h('button.primary', { type: 'submit', 'data-testid': 'filter-apply' }, 'Apply'));
  const body = h('tbody');
  const more = h('button', { type: 'button', hidden: true }, 'Load more');
  const live = h('span.live', { title: 'new and changed alerts appear here as they happen' }, 'live');
  const query = { ...filters, limit: 100 };
  let cursor = null;
  const load = async () => {
    const page = await get('/api/v1/alerts', { ...query, cursor });
    body.append(...page.items.map(alertRow));
    cursor = page.next_cursor;
    more.hidden = !cursor;
    if (!body.children.length) body.append(h('tr', {}, h('td.muted', { colspan: 9 }, 'No alerts match.')));
  };
  more.addEventListener('click', () => { void load(); });
  mount(h('div.page-head', {}, h('h1', {}, 'Alerts'), live), form,
    h('table.grid', { 'data-testid': 'alerts-table' }, h('thead', {}, h('tr', {}, ['Severity', 'Status', 'Rule', 'Device', 'Vendor / model', 'Peer', 'Count', 'Last seen', 'Summary'].map((t) => h('th', {}, t)))), body), more);
  await load();
  startLive((a) => {
    const matches = (!filters.status || a.status === filters.status) && (!filters.severity || filters.severity.split(',').includes(a.severity)) && (!filters.rule || a.rule === filters.rule);
    const existing = body.querySelector(`tr[data-alert-id="${CSS.escape(a.alert_id)}"]`);
    if (existing) existing.replaceWith(alertRow(a)); else if (matches) body.prepend(alertRow(a));
    live.classList.add('pulse'); setTimeout(() => live.classList.remove('pulse'), 800);
  });
}

function kv(obj) {
  return table(['Field', 'Value'], Object.entries(obj ?? {}).map(([k, v]) => h('tr', {}, h('td.mono', {}, k), h('td', {}, clip(Array.isArray(v) ? v.join(', ') : v === null ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v), 200)))));
}

export async function alertView(_params, id) {
  const a = await get(`/api/v1/alerts/${id}`);
  const canWrite = session.scope === 'write';
  const message = h('div');
  const reason = h('input', { 'data-testid': 'ack-reason', placeholder: 'why (ticket, owner, plan)', required: true, maxlength: 500, size: 50 });
  const statusEl = h('span', { 'data-testid': 'alert-status' }, statusBadge(a.status));
  const act = async (path, body, done) => {
    message.replaceChildren();
    try { await post(path, body); done(); } catch (err) { message.replaceChildren(errorBanner(err.message)); }
  };
  const ackForm = h('form.inline', { onsubmit: (e) => { e.preventDefault(); void act(`/api/v1/alerts/${a.alert_id}/ack`, { reason: reason.value }, () => { statusEl.replaceChildren(statusBadge('acknowledged')); reason.value = ''; }); } },
    reason, h('button.primary', { type: 'submit', 'data-testid': 'ack-submit' }, 'Acknowledge'),
    h('button', { type: 'button', onclick: () => { if (reason.value) void act(`/api/v1/alerts/${a.alert_id}/reopen`, { reason: reason.value }, () => statusEl.replaceChildren(statusBadge('open'))); else reason.focus(); } }, 'Reopen'));
  const allowReason = h('input', { placeholder: 'reason', required: true, maxlength: 500, size: 36 });
  const allowExpiry = h('input', { value: '30d', size: 10, title: '30d, 12h, 2027-03-31 or never' });
  const scopeSel = h('select', {}, h('option', { value: 'device' }, `this device (${a.device_ip})`), h('option', { value: 'rule' }, 'this rule everywhere'));
  const allowForm = h('form.inline', { onsubmit: (e) => {
    e.preventDefault();
    const body = { rule: a.rule, reason: allowReason.value, expires: allowExpiry.value, ...(scopeSel.value === 'device' ? { device: a.device_ip } : {}) };
    void act('/api/v1/allowlist', body, () => { message.replaceChildren(h('div.ok', {}, 'Allowlist entry added: this alert is suppressed from the next evaluation.')); });
  } }, scopeSel, allowReason, allowExpiry, h('button', { type: 'submit' }, 'Allowlist'));
  mount(
    h('div.page-head', {}, h('a', { href: route('/alerts', { status: 'open' }) }, '← Alerts')),
    h('h1', {}, severityBadge(a.severity), ' ', a.rule, ' ', statusEl),
    h('p.summary', {}, a.summary),
    h('div.cards', {},
      h('section.card', {}, h('h3', {}, 'Device'), h('p', {}, h('a.mono', { href: route(`/devices/${encodeURIComponent(a.device_ip)}`) }, a.device_ip)), kv(a.device)),
      h('section.card', {}, h('h3', {}, 'Sighting'), kv({ peer: a.peer ? `${a.peer.ip} (${a.peer.internal ? 'internal' : 'internet'})` : '—', first_seen: when(a.first_seen), last_seen: when(a.last_seen), count: a.count, fired: a.fire_count, sensor: a.sensor, site: a.site, alert_id: a.alert_id })),
      h('section.card', {}, h('h3', {}, 'Evidence'), kv(a.evidence))),
    a.acknowledgement ? h('p.muted', {}, `Acknowledged by ${a.acknowledgement.actor} at ${when(a.acknowledgement.acked_at)} (severity ${a.acknowledgement.severity}): `, clip(a.acknowledgement.reason, 200)) : null,
    canWrite ? h('section.card', {}, h('h3', {}, 'Decide'), ackForm, allowForm, message) : h('p.muted', {}, 'Read-only access: acknowledging needs the write scope.'),
    h('section.card', {}, h('h3', {}, 'Deliveries'), a.deliveries.length
      ? table(['When', 'Destination', 'Outcome', 'Status', 'Attempt', 'Error'], a.deliveries.map((d) => h('tr', {}, h('td', {}, when(d.ts)), h('td', {}, d.destination), h('td', {}, badge(d.outcome, d.outcome === 'delivered' ? 'ok' : 'bad')), h('td', {}, d.status ?? '—'), h('td.num', {}, String(d.attempt)), h('td', {}, clip(d.error, 80)))))
      : h('p.muted', {}, 'Not sent to any destination.')),
  );
}
