/**
 * The API stage of `npm run bench`: latency of the main API queries over a large embedded
 * store, and the dashboard's first load.
 *
 * The store is filled in SQL (INSERT … SELECT FROM numbers()): 10 million findings rows (over
 * 2 million identities, a year of last_seen), 10 million RTP streams, 1 million calls, 50,000
 * devices and 200,000 alerts. Each route is asked `--repeat` times through fastify's inject()
 * (no network), with the cursor and filters a dashboard uses; the peer is the route's main SQL
 * run directly on the same engine, so the API's own share is visible. The first load is timed
 * in Debian's Chromium (playwright-core) when it is installed: sign in cookie set, open `/`,
 * until the coverage figures are drawn.
 *
 *   node --import tsx bench/api-latency.ts [--rows N] [--repeat N]
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { resolveStoreConfig } from '../src/store/store-config.ts';
import { openStore, type Store } from '../src/store/store.ts';
import { tableRef } from '../src/store/schema.ts';
import { buildApi } from '../src/api/api-server.ts';
import { addUser, createToken } from '../src/api/access.ts';

export interface ApiBenchResult {
  rows: { findings: number; rtp_streams: number; calls: number; devices: number; alerts: number };
  fillSeconds: number;
  routes: { route: string; p50Ms: number; p99Ms: number; sqlP50Ms: number | null }[];
  firstLoadMs: number | null;
  firstLoadNote: string;
}

const pct = (xs: number[], q: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(q * s.length))]; };

async function fill(store: Store, n: number): Promise<void> {
  const t = (name: string) => tableRef(store.layout, name);
  const rules = "['plaintext-sip','unencrypted-rtp','webui-plaintext-http','default-credentials','outdated-firmware','weak-tls']";
  const sev = "['medium','high','medium','critical','low','medium']";
  const ip = (expr: string) => `toIPv6(IPv4NumToString(toUInt32(167772160 + (${expr}))))`;
  const ago = (expr: string) => `now64(3, 'UTC') - toIntervalSecond(${expr})`;
  const cmd = (query: string) => store.client.command({ query });
  await cmd(`INSERT INTO ${t('findings')} SELECT 'bench', concat('site-', toString(number % 5)), 'bench', lower(hex(cityHash64(number % 2000000))),
    ${rules}[number % 6 + 1], ${sev}[number % 6 + 1], ${ip('number % 50000')}, '', 'snom', 'D785', '10.1.33.33', 'snomD785/10.1.33.33',
    ${ip('1000000 + number % 997')}, false, ${ago('number % 31536000 + 60')}, ${ago('number % 31536000')}, 1 + number % 9, 'bench finding', '{}'
    FROM numbers(${n})`);
  await cmd(`INSERT INTO ${t('rtp_streams')} SELECT 'bench', concat('site-', toString(number % 5)), 'bench', concat('call-', toString(intDiv(number, 2))),
    ${ip('number % 50000')}, 40000 + number % 1000, ${ip('(number + 1) % 50000')}, 30000 + number % 1000, toUInt32(number), 'PCMU', 1500, 0, 1.5,
    number % 3 = 0, 'sdp', ${ago('number % 31536000 + 60')}, ${ago('number % 31536000')} FROM numbers(${n})`);
  await cmd(`INSERT INTO ${t('calls')} SELECT 'bench', concat('site-', toString(number % 5)), 'bench', concat('call-', toString(number)), concat('call-', toString(number)),
    concat('sip:', toString(1000 + number % 9000), '@pbx'), concat('sip:', toString(1000 + (number * 7) % 9000), '@pbx'), ${ip('number % 50000')}, ${ip('(number + 1) % 50000')},
    if(number % 4 = 0, 'tls', 'udp'), if(number % 3 = 0, 'srtp-sdes', 'rtp'), ${ago('number % 31536000 + 60')}, ${ago('number % 31536000')}, 2, if(number % 3 = 0, 2, 0)
    FROM numbers(${Math.round(n / 10)})`);
  await cmd(`INSERT INTO ${t('devices')} SELECT 'bench', concat('site-', toString(number % 5)), 'bench', ${ip('number')}, '', if(number % 2 = 0, 'snom', 'yealink'), 'D785', '10.1', 'ua', '',
    ['phone'], [toString(1000 + number)], if(number % 4 = 0, ['tls'], ['udp']), if(number % 3 = 0, ['srtp'], ['rtp']), ${ago('31536000')}, ${ago('number % 86400')}
    FROM numbers(50000)`);
  await cmd(`INSERT INTO ${t('alerts')} SELECT 'bench', concat('site-', toString(number % 5)), lower(hex(cityHash64(number))), ${rules}[number % 6 + 1], ${sev}[number % 6 + 1],
    'open', '', ${ip('number % 50000')}, ${ip('1000000 + number % 997')}, ${ago('number % 31536000 + 60')}, ${ago('number % 31536000')}, 1 + number % 9, '', 1,
    ${ago('number % 31536000')}, '', 'bench alert', '{}', '{}', now64(3, 'UTC') FROM numbers(200000)`);
}

export async function runApiBench(opts: { rows?: number; repeat?: number } = {}): Promise<ApiBenchResult> {
  const n = opts.rows ?? 10_000_000;
  const repeat = opts.repeat ?? 30;
  const dir = mkdtempSync(join(tmpdir(), 'voipwatch-bench-api-'));
  const store = await openStore(resolveStoreConfig({ dataDir: dir }, {}), { command: 'bench api', logger: { info() {}, warn() {} }, flushByAge: false });
  try {
    const t0 = performance.now();
    await fill(store, n);
    const fillSeconds = (performance.now() - t0) / 1000;
    const app = await buildApi({ store, loginsPerMinute: 1000, log: { error: (o) => console.error(o) } });
    const token = (await createToken(store, 'bench', 'write', 'bench')).token;
    const headers = { authorization: `Bearer ${token}` };
    const firstPage = async (url: string) => (await app.inject({ method: 'GET', url, headers })).json() as { next_cursor?: string };
    const cursor = (await firstPage('/api/v1/findings?limit=50')).next_cursor ?? '';
    const routes: [string, string, string | null][] = [
      ['alerts, newest first', '/api/v1/alerts?limit=50', null],
      ['alerts, critical, open', '/api/v1/alerts?limit=50&severity=critical&status=open', null],
      ['findings, newest first', '/api/v1/findings?limit=50', `SELECT id FROM ${tableRef(store.layout, 'findings')} ORDER BY last_seen DESC, id DESC LIMIT 1 BY sensor, id LIMIT 51`],
      ['findings, second page', `/api/v1/findings?limit=50&cursor=${cursor}`, null],
      ['findings, one rule, last 30 days', `/api/v1/findings?limit=50&rule=default-credentials&from=${new Date(Date.now() - 30 * 86_400_000).toISOString()}`, null],
      ['devices', '/api/v1/devices?limit=50', null],
      ['calls by number', '/api/v1/calls?limit=50&q=1234', null],
      ['coverage, 7 days', `/api/v1/coverage?from=${new Date(Date.now() - 7 * 86_400_000).toISOString()}&to=${new Date().toISOString()}`, null],
      ['coverage, 90 days by site', `/api/v1/coverage?group=site&from=${new Date(Date.now() - 90 * 86_400_000).toISOString()}&to=${new Date().toISOString()}`,
        `SELECT site, count(), countIf(encrypted = true) FROM ${tableRef(store.layout, 'rtp_streams')} WHERE start >= now64() - toIntervalDay(90) GROUP BY site`],
    ];
    const results: ApiBenchResult['routes'] = [];
    for (const [route, url, sql] of routes) {
      const times: number[] = [];
      for (let i = 0; i < repeat + 2; i++) {
        const s = performance.now();
        const res = await app.inject({ method: 'GET', url, headers });
        if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
        if (i >= 2) times.push(performance.now() - s);
      }
      let sqlP50: number | null = null;
      if (sql) {
        const st: number[] = [];
        for (let i = 0; i < Math.min(repeat, 10); i++) { const s = performance.now(); await (await store.client.query({ query: sql, format: 'JSONEachRow' })).json(); st.push(performance.now() - s); }
        sqlP50 = pct(st, 0.5);
      }
      results.push({ route, p50Ms: pct(times, 0.5), p99Ms: pct(times, 0.99), sqlP50Ms: sqlP50 });
    }
    // The overview is computed at most every 10 s and then shared: time its computation, on a
    // new server each time, as well as the shared answer.
    const computed: number[] = [];
    for (let i = 0; i < Math.min(repeat, 10); i++) {
      const fresh = await buildApi({ store, loginsPerMinute: 1000 });
      const s0 = performance.now();
      const res = await fresh.inject({ method: 'GET', url: '/api/v1/overview', headers });
      computed.push(performance.now() - s0);
      await fresh.close();
      if (res.statusCode !== 200) throw new Error(`overview: ${res.statusCode}`);
    }
    results.push({ route: 'overview (computed, every 10 s)', p50Ms: pct(computed, 0.5), p99Ms: pct(computed, 0.99), sqlP50Ms: null });
    const first = await firstLoad(app, store).catch((err: Error) => ({ firstLoadMs: null, firstLoadNote: `not measured: ${err.message.split('\n')[0]}` }));
    await app.close();
    return { rows: { findings: n, rtp_streams: n, calls: Math.round(n / 10), devices: 50_000, alerts: 200_000 }, fillSeconds, routes: results, ...first };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function firstLoad(app: Awaited<ReturnType<typeof buildApi>>, store: Store): Promise<{ firstLoadMs: number | null; firstLoadNote: string }> {
  const chromium = '/usr/bin/chromium';
  if (!existsSync(chromium)) return { firstLoadMs: null, firstLoadNote: 'not measured: /usr/bin/chromium missing (apt-get install chromium)' };
  await addUser(store, 'bench', 'bench-password-123', 'read', 'bench');
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as { port: number }).port;
  const { chromium: pw } = await import('playwright-core');
  const browser = await pw.launch({ executablePath: chromium, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    const login = await page.request.post(`http://127.0.0.1:${port}/api/v1/session`, { data: { user: 'bench', password: 'bench-password-123' } });
    if (!login.ok()) throw new Error(`login failed: ${login.status()}`);
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const s = performance.now();
      await page.goto(`http://127.0.0.1:${port}/#/`, { waitUntil: 'commit' });
      await page.waitForSelector('[data-testid="coverage-media"]', { timeout: 30_000 });
      await page.waitForFunction(() => !/…|loading/i.test(document.querySelector('[data-testid="coverage-media"]')?.textContent ?? 'loading'), null, { timeout: 30_000 });
      times.push(performance.now() - s);
      await page.goto('about:blank');
    }
    return { firstLoadMs: pct(times, 0.5), firstLoadNote: `median of 5 loads in Chromium, signed in, until the coverage figures show (first ${Math.round(times[0])} ms)` };
  } finally {
    await browser.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { rows: { type: 'string' }, repeat: { type: 'string' } } });
  const r = await runApiBench({ rows: values.rows ? Number(values.rows) : undefined, repeat: values.repeat ? Number(values.repeat) : undefined });
  console.log(JSON.stringify(r, null, 2));
  process.exit(0);
}
