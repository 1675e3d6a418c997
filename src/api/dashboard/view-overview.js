import { h, mount, route } from '/assets/dom.js';
import { get } from '/assets/api.js';
import { trendChart, ring, bars } from '/assets/charts.js';

const pctText = (p) => (p === null || p === undefined ? 'no data' : `${p}%`);

function coverageCard(title, testid, fig, detail) {
  return h('section.card.kpi', {},
    h('h3', {}, title),
    h('div.kpi-row', {}, ring(fig.pct, title), h('div', {}, h('div.big', { 'data-testid': testid }, pctText(fig.pct)), h('div.muted', {}, detail))));
}

export async function overviewView() {
  const o = await get('/api/v1/overview');
  const c = o.coverage;
  const sev = ['critical', 'high', 'medium', 'low'];
  const exposure = [
    ['Web UIs exposed to the internet', o.exposure.webui_internet_exposed, 'webui-internet-exposed'],
    ['SIP exposed to the internet', o.exposure.sip_internet_exposed, 'sip-internet-exposed'],
    ['Default credentials', o.exposure.default_credentials, 'default-credentials'],
    ['SRTP keys exposed', o.exposure.srtp_keys_exposed, 'srtp-keys-exposed'],
  ];
  mount(
    h('div.page-head', {}, h('h1', {}, 'Overview'), h('span.muted', {}, `7 days to ${o.window.to.slice(0, 10)} · ${o.devices.total} devices, ${o.devices.phones} phones`)),
    h('div.cards', {},
      coverageCard('Signaling encrypted', 'coverage-signaling', c.signaling, `${c.signaling.encrypted} of ${c.signaling.sessions} calls over TLS`),
      coverageCard('Media encrypted', 'coverage-media', c.media, `${c.media.encrypted} of ${c.media.streams} RTP streams SRTP`),
      coverageCard('Phones fully encrypted', 'coverage-devices', c.devices, `${c.devices.fully_encrypted} of ${c.devices.total} phones`)),
    h('div.cards', {},
      h('section.card.wide', {}, h('h3', {}, 'Encryption trend, 30 days'),
        trendChart(o.trend, [{ key: 'media_pct', cls: 'media', label: 'media' }, { key: 'signaling_pct', cls: 'signaling', label: 'signaling' }], 'trend-chart'),
        h('div.legend', {}, h('span.key.media', {}, 'media (SRTP)'), h('span.key.signaling', {}, 'signaling (TLS)'))),
      h('section.card', {}, h('h3', {}, 'Open alerts'),
        h('div.sev-tiles', {}, sev.map((s) => h(`a.tile.sev-${s}`, { href: route('/alerts', { status: 'open', severity: s }) }, h('div.big', {}, String(o.open_alerts[s] ?? 0)), h('div', {}, s)))),
        bars(sev.map((s) => ({ label: s, value: o.open_alerts[s] ?? 0, cls: `sev-${s}` }))))),
    h('section.card', {}, h('h3', {}, 'Exposure'),
      h('div.sev-tiles', {}, exposure.map(([label, n, rule]) => h(`a.tile${n > 0 ? '.hot' : ''}`, { href: route('/alerts', { status: 'open', rule }) }, h('div.big', {}, String(n)), h('div', {}, label))))),
    h('section.card', {}, h('h3', {}, 'Sensors'),
      o.sensors.length ? h('ul.plain', {}, o.sensors.map((s) => h('li', {}, `${s.sensor} · ${s.site} · last seen ${s.last_seen.slice(0, 19).replace('T', ' ')}`))) : h('p.muted', {}, 'No sensor has stored anything yet.')),
  );
}
