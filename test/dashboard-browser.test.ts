/**
 * The dashboard in a real browser: Debian's Chromium driven by playwright-core, over a store
 * filled from bundled captures including hostile-strings.pcap (script and SQL in User-Agent,
 * display name, Call-ID, Server header and page title). A user signs in, filters alerts,
 * acknowledges one, opens a device and searches calls; screenshots of each page go to
 * test-artifacts/screenshots/ (kept by CI as artifacts). Throughout, no script from the
 * traffic may run, no Content-Security-Policy violation may occur, and the console stays clean.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { buildApi } from '../src/api/api-server.ts';
import { addUser } from '../src/api/access.ts';
import { apiFixture, type ApiFixture } from './support/api-fixture.ts';
import { HOSTILE } from '../scripts/capture-lab/hostile/make-hostile-capture.ts';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(new URL('..', import.meta.url).pathname, 'test-artifacts', 'screenshots');
const PASSWORD = 'dashboard-test-password';

const test = suite('dashboard in Chromium');

if (!existsSync(CHROMIUM)) {
  test('has Chromium for the browser suite', () => {
    const message = `dashboard browser suite NOT RUN: ${CHROMIUM} missing (scripts/install-test-deps.sh installs Debian's chromium)`;
    if (process.env.CI === 'true') assert.unreachable(message);
    console.warn(message);
  });
} else {
  let fx: ApiFixture;
  let app: FastifyInstance;
  let browser: Browser;
  let page: Page;
  let base = '';
  const problems: string[] = [];

  test.before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    fx = await apiFixture('browser_test', ['sip-udp-call.pcap', 'webui-default-basic-internet.pcap', 'sip-sdes-exposed.pcap', 'hostile-strings.pcap']);
    await addUser(fx.store, 'ana', PASSWORD, 'write', 'test');
    app = await buildApi({ store: fx.store, streamPollMs: 500 });
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    // Runs before any page script; records what the page itself must never do.
    await context.addInitScript(() => {
      (window as unknown as { __csp: string[] }).__csp = [];
      document.addEventListener('securitypolicyviolation', (e) => (window as unknown as { __csp: string[] }).__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    page = await context.newPage();
    // The one failed request expected: the deliberately wrong password (401 from POST /api/v1/session).
    page.on('console', (m) => { if (m.type() === 'error' && !/status of 401/.test(m.text())) problems.push(`console: ${m.text()}`); });
    page.on('response', (r) => { if (r.status() >= 400 && !(r.status() === 401 && r.request().method() === 'POST' && r.url().endsWith('/api/v1/session'))) problems.push(`HTTP ${r.status()} ${r.request().method()} ${r.url()}`); });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('dialog', (d) => { problems.push(`dialog: ${d.message()}`); void d.dismiss(); });
    page.on('request', (r) => { if (!r.url().startsWith(base) && !r.url().startsWith('data:')) problems.push(`request off the origin: ${r.url()}`); });
  });

  test.after(async () => {
    await browser?.close();
    await app?.close();
  });

  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  const noScriptRan = async () => {
    const state = await page.evaluate(() => ({ pwned: (window as unknown as { __pwned?: unknown }).__pwned ?? null, csp: (window as unknown as { __csp: string[] }).__csp }));
    assert.is(state.pwned, null, 'a script from the traffic ran');
    assert.equal(state.csp, [], 'Content-Security-Policy violations');
  };

  test('should ask for a login, refuse a wrong password and sign in with the right one', async () => {
    await page.goto(`${base}/`);
    await page.waitForSelector('[data-testid="login-user"]');
    await shot('01-login');
    await page.fill('[data-testid="login-user"]', 'ana');
    await page.fill('[data-testid="login-password"]', 'not the password');
    await page.click('[data-testid="login-submit"]');
    await page.waitForSelector('[data-testid="error-banner"]');
    await page.fill('[data-testid="login-password"]', PASSWORD);
    await page.click('[data-testid="login-submit"]');
    await page.waitForSelector('[data-testid="coverage-media"]');
    await page.waitForSelector('[data-testid="trend-chart"] svg, svg[data-testid="trend-chart"]');
    await shot('02-overview');
    await noScriptRan();
  });

  test('should filter alerts by severity and acknowledge one with a reason', async () => {
    await page.click('[data-testid="nav-alerts"]');
    await page.waitForSelector('[data-testid="alert-row"]');
    await page.selectOption('[data-testid="filter-severity"]', 'high').catch(async () => {
      await page.fill('[data-testid="filter-severity"]', 'high');
    });
    await page.click('[data-testid="filter-apply"]');
    await page.waitForFunction(() => /severity=high/.test(location.hash));
    await page.waitForSelector('[data-testid="alert-row"]');
    const ids = await page.$$eval('[data-testid="alert-row"]', (rows) => rows.map((r) => r.getAttribute('data-alert-id')));
    const high = fx.reports.flatMap((r) => r.findings).filter((f) => f.severity === 'high').map((f) => f.id);
    assert.equal([...new Set(ids)].sort(), [...new Set(high)].sort());
    await shot('03-alerts-high');
    const target = fx.reports.flatMap((r) => r.findings).find((f) => f.rule === 'webui-no-auth' && f.device.ip === '10.30.0.5')!;
    await page.click(`[data-testid="alert-row"][data-alert-id="${target.id}"]`);
    await page.waitForSelector('[data-testid="ack-reason"]');
    assert.ok((await page.textContent('body'))!.includes(HOSTILE.userAgent), 'the hostile User-Agent is shown as text');
    await page.fill('[data-testid="ack-reason"]', 'web UI password set, ticket SEC-7');
    await page.click('[data-testid="ack-submit"]');
    await page.waitForFunction(() => /acknowledged/i.test(document.querySelector('[data-testid="alert-status"]')?.textContent ?? ''));
    await shot('04-alert-acknowledged');
    const rs = await fx.store.client.query({ query: 'SELECT actor, reason FROM browser_test.alert_acks FINAL WHERE alert_id = {id:String}', query_params: { id: target.id }, format: 'JSONEachRow' });
    assert.equal(await rs.json(), [{ actor: 'ana', reason: 'web UI password set, ticket SEC-7' }]);
    await noScriptRan();
  });

  test('should open a device whose User-Agent is a script and show it as text', async () => {
    await page.click('[data-testid="nav-devices"]');
    await page.waitForSelector('[data-testid="device-row"][data-ip="10.30.0.5"]');
    await page.click('[data-testid="device-row"][data-ip="10.30.0.5"]');
    await page.waitForSelector('[data-testid="device-title"]');
    assert.match((await page.textContent('[data-testid="device-title"]'))!, /10\.30\.0\.5/);
    assert.ok((await page.textContent('body'))!.includes(HOSTILE.userAgent));
    assert.is(await page.$$eval('script', (s) => s.filter((x) => !x.src).length), 0, 'no inline script element in the document');
    assert.is(await page.$$eval('img[onerror], [onerror]', (e) => e.length), 0, 'no element with an onerror handler');
    await shot('05-device-hostile');
    await noScriptRan();
  });

  test('should find the call whose Call-ID is SQL, and show its unprotected media', async () => {
    await page.click('[data-testid="nav-calls"]');
    await page.fill('[data-testid="calls-q"]', HOSTILE.callId);
    await page.click('[data-testid="calls-submit"]');
    await page.waitForSelector('[data-testid="call-row"]');
    assert.is((await page.$$('[data-testid="call-row"]')).length, 1);
    assert.ok((await page.textContent('body'))!.includes(HOSTILE.callId));
    await shot('06-calls');
    await page.click('[data-testid="nav-reports"]');
    await page.waitForLoadState('networkidle');
    await shot('07-reports');
    await noScriptRan();
    assert.equal(problems, []);
  });
}

test.run();
