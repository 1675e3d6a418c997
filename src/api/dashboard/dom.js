// Every value shown here came off the network and is hostile (User-Agents, SIP URIs, display
// names, page titles, evidence). The rule of this dashboard: the DOM is built with
// createElement and textContent only — never innerHTML, insertAdjacentHTML or document.write —
// and no value from the API ever becomes an href, src or event handler. Links are built here
// from fixed routes with encodeURIComponent. The server's Content-Security-Policy (no inline
// script, this origin only) is the second wall, not the first.

/** h('tag.class', {attr: value}, ...children): children are nodes or text (never markup). */
export function h(spec, attrs, ...children) {
  const [tag, ...classes] = spec.split('.');
  const el = document.createElement(tag);
  if (classes.length) el.className = classes.join(' ');
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

/** A link to one of our own routes. */
export const route = (path, params) => {
  const q = params ? Object.entries(params).filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&') : '';
  return `#${path}${q ? `?${q}` : ''}`;
};

/** Long values are cut for the eye; the whole value is in the tooltip (an attribute, as text). */
export function clip(value, max = 80) {
  const text = value === null || value === undefined ? '—' : String(value);
  const el = h('span.clip', { title: text.length > max ? text : null }, text.length > max ? `${text.slice(0, max)}…` : text);
  return el;
}

export const when = (iso) => (iso ? new Date(iso).toISOString().replace('T', ' ').slice(0, 19) : '—');

export const badge = (text, kind) => h(`span.badge.${kind}`, {}, text);

export const severityBadge = (s) => h(`span.sev.sev-${['critical', 'high', 'medium', 'low'].includes(s) ? s : 'low'}`, {}, s);

export function table(headers, rows, testid) {
  return h('table.grid', { 'data-testid': testid }, h('thead', {}, h('tr', {}, headers.map((t) => h('th', {}, t)))), h('tbody', {}, rows));
}

export function mount(...nodes) {
  const main = document.getElementById('main');
  main.replaceChildren(...nodes.filter((n) => n !== null && n !== undefined && n !== false));
  return main;
}

export const errorBanner = (text) => h('div.error', { 'data-testid': 'error-banner', role: 'alert' }, text);
