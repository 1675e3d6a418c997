import { h, mount, route, clip, when, badge, table } from '/assets/dom.js';
import { get } from '/assets/api.js';

const MEDIA = {
  rtp: ['unencrypted', 'bad'], 'srtp-sdes-exposed': ['keys exposed', 'bad'], 'srtp-sdes': ['SRTP (SDES)', 'ok'], 'srtp-dtls': ['SRTP (DTLS)', 'ok'],
  zrtp: ['ZRTP', 'ok'], 'srtp-unknown': ['encrypted', 'ok'], none: ['no media', 'muted'],
};
const mediaBadge = (m) => badge(...(MEDIA[m] ?? [m, 'muted']));
const sigBadge = (s) => (s ? badge(s, s === 'tls' || s === 'wss' ? 'ok' : 'bad') : badge('not seen', 'muted'));

export async function callsView(params) {
  const q = h('input', { 'data-testid': 'calls-q', name: 'q', placeholder: 'number, user, Call-ID or IP', value: params.get('q') ?? '', size: 40 });
  const from = h('input', { type: 'date', name: 'from', value: params.get('from') ?? '' });
  const to = h('input', { type: 'date', name: 'to', value: params.get('to') ?? '' });
  const body = h('tbody');
  const more = h('button', { type: 'button', hidden: true }, 'Load more');
  let cursor = null;
  const query = { q: params.get('q') ?? '', from: params.get('from') ? `${params.get('from')}T00:00:00Z` : '', to: params.get('to') ? `${params.get('to')}T23:59:59Z` : '', limit: 100 };
  const row = (c) => {
    const detail = h('tr.detail', { hidden: true }, h('td', { colspan: 8 }, h('span.muted', {}, 'Loading streams…')));
    const tr = h('tr.clickable', { 'data-testid': 'call-row', dataset: { callKey: c.call_key }, tabindex: 0, onclick: async () => {
      detail.hidden = !detail.hidden;
      if (detail.hidden || detail.dataset.loaded) return;
      detail.dataset.loaded = '1';
      const s = await get(`/api/v1/calls/${encodeURIComponent(c.call_key)}/streams`);
      detail.firstChild.replaceChildren(s.items.length ? table(['From', 'To', 'SSRC', 'Codec', 'Packets', 'Lost', 'Jitter ms', 'Protection', 'Decided by'], s.items.map((x) => h('tr', {},
        h('td.mono', {}, x.src), h('td.mono', {}, x.dst), h('td.mono', {}, x.ssrc), h('td', {}, clip(x.codec, 16)), h('td.num', {}, String(x.packets)), h('td.num', {}, String(x.lost)),
        h('td.num', {}, String(x.jitter_ms)), h('td', {}, x.encrypted === null ? badge('unknown', 'muted') : x.encrypted ? badge('encrypted', 'ok') : badge('clear', 'bad')), h('td', {}, x.classified_by))))
        : h('span.muted', {}, 'No RTP streams stored for this call.'));
    } },
    h('td', {}, when(c.start)), h('td', {}, clip(c.from, 40)), h('td', {}, clip(c.to, 40)), h('td.mono', {}, c.caller_ip), h('td.mono', {}, c.callee_ip),
    h('td', {}, sigBadge(c.signaling)), h('td', {}, mediaBadge(c.media)), h('td', {}, clip(c.call_id, 40)));
    return [tr, detail];
  };
  const load = async () => {
    const page = await get('/api/v1/calls', { ...query, cursor });
    body.append(...page.items.flatMap(row));
    cursor = page.next_cursor;
    more.hidden = !cursor;
    if (!body.children.length) body.append(h('tr', {}, h('td.muted', { colspan: 8 }, 'No calls match.')));
  };
  more.addEventListener('click', () => { void load(); });
  mount(h('div.page-head', {}, h('h1', {}, 'Calls')),
    h('form.filters', { onsubmit: (e) => { e.preventDefault(); location.hash = route('/calls', { q: q.value.trim(), from: from.value, to: to.value }); } },
      q, from, to, h('button.primary', { type: 'submit', 'data-testid': 'calls-submit' }, 'Search')),
    h('table.grid', {}, h('thead', {}, h('tr', {}, ['Start', 'From', 'To', 'Caller', 'Callee', 'Signaling', 'Media', 'Call-ID'].map((t) => h('th', {}, t)))), body), more);
  await load();
}
