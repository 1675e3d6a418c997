// Charts as inline SVG built node by node (no markup strings).
const NS = 'http://www.w3.org/2000/svg';
const s = (tag, attrs, ...children) => {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
};

/** Percentages (0-100, null = no data) per day, one line per series. */
export function trendChart(points, series, testid) {
  const w = 720, hgt = 220, pad = { l: 36, r: 12, t: 12, b: 28 };
  const iw = w - pad.l - pad.r, ih = hgt - pad.t - pad.b;
  const svg = s('svg', { viewBox: `0 0 ${w} ${hgt}`, class: 'chart', role: 'img', 'aria-label': 'encryption coverage per day', 'data-testid': testid });
  for (const y of [0, 25, 50, 75, 100]) {
    const py = pad.t + ih - (y / 100) * ih;
    svg.append(s('line', { x1: pad.l, x2: w - pad.r, y1: py, y2: py, class: 'gridline' }), s('text', { x: pad.l - 6, y: py + 4, class: 'axis', 'text-anchor': 'end' }, `${y}%`));
  }
  const n = points.length;
  const x = (i) => pad.l + (n <= 1 ? iw / 2 : (i / (n - 1)) * iw);
  const y = (v) => pad.t + ih - (v / 100) * ih;
  if (n === 0) svg.append(s('text', { x: w / 2, y: hgt / 2, class: 'axis', 'text-anchor': 'middle' }, 'no traffic in this period'));
  for (const [i, p] of points.entries()) if (i === 0 || i === n - 1 || i % Math.ceil(n / 6) === 0) svg.append(s('text', { x: x(i), y: hgt - 8, class: 'axis', 'text-anchor': 'middle' }, p.day.slice(5)));
  for (const { key, cls, label } of series) {
    let d = '';
    for (const [i, p] of points.entries()) if (p[key] !== null && p[key] !== undefined) d += `${d ? 'L' : 'M'}${x(i).toFixed(1)},${y(p[key]).toFixed(1)}`;
    if (d) svg.append(s('path', { d, class: `line ${cls}` }));
    for (const [i, p] of points.entries()) if (p[key] !== null && p[key] !== undefined) svg.append(s('circle', { cx: x(i), cy: y(p[key]), r: 2.5, class: `dot ${cls}` }, s('title', {}, `${label} ${p.day}: ${p[key]}%`)));
  }
  return svg;
}

/** A ring showing one percentage. */
export function ring(pctValue, label) {
  const r = 34, c = 2 * Math.PI * r, v = pctValue ?? 0;
  return s('svg', { viewBox: '0 0 90 90', class: 'ring', role: 'img', 'aria-label': `${label} ${pctValue ?? 'no data'}` },
    s('circle', { cx: 45, cy: 45, r, class: 'ring-bg' }),
    s('circle', { cx: 45, cy: 45, r, class: `ring-fg ${v >= 90 ? 'good' : v >= 50 ? 'warn' : 'bad'}`, 'stroke-dasharray': `${(v / 100) * c} ${c}`, transform: 'rotate(-90 45 45)' }));
}

/** Horizontal bars for counts by label. */
export function bars(items) {
  const max = Math.max(1, ...items.map((i) => i.value));
  const w = 320, row = 22;
  const svg = s('svg', { viewBox: `0 0 ${w} ${items.length * row + 4}`, class: 'bars', role: 'img' });
  for (const [i, it] of items.entries()) {
    svg.append(s('rect', { x: 110, y: i * row + 4, width: Math.max(2, (it.value / max) * (w - 150)), height: row - 8, class: `bar ${it.cls ?? ''}` }),
      s('text', { x: 104, y: i * row + 17, class: 'axis', 'text-anchor': 'end' }, it.label),
      s('text', { x: 114 + (it.value / max) * (w - 150), y: i * row + 17, class: 'axis' }, String(it.value)));
  }
  return svg;
}
