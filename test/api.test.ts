/**
 * The API through fastify's inject(), over a store filled from the bundled captures (the
 * hostile one among them): authentication, scopes, CSRF, rate-limited logins, every route's
 * answers against what the analysis found, cursor paging, and hostile values kept as data.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { request } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { buildApi, CONTENT_SECURITY_POLICY } from '../src/api/api-server.ts';
import { addUser, createToken } from '../src/api/access.ts';
import { resolveListen } from '../src/api/listen-address.ts';
import { tableRef } from '../src/store/schema.ts';
import { apiFixture, type ApiFixture } from './support/api-fixture.ts';
import { HOSTILE } from '../scripts/capture-lab/hostile/make-hostile-capture.ts';

const CAPTURES = ['sip-udp-call.pcap', 'webui-default-basic-internet.pcap', 'sip-sdes-exposed.pcap', 'sip-tls-srtp-clean.pcap', 'hostile-strings.pcap'];
let fx: ApiFixture;
let app: FastifyInstance;
let readToken = '', writeToken = '';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const get = async (url: string, token = readToken) => app.inject({ method: 'GET', url, headers: bearer(token) });

const test = suite('API v1');

test.before(async () => {
  fx = await apiFixture('api_test', CAPTURES);
  app = await buildApi({ store: fx.store, loginsPerMinute: 5, streamPollMs: 100 });
  readToken = (await createToken(fx.store, 'soc dashboard', 'read', 'test')).token;
  writeToken = (await createToken(fx.store, 'automation', 'write', 'test')).token;
  await addUser(fx.store, 'ana', 'correct horse battery staple', 'write', 'test');
});
test.after(async () => { await app.close(); });

const allFindings = () => fx.reports.flatMap((r) => r.findings);

test('should answer nothing under /api without a token or session, and a wrong token the same', async () => {
  for (const url of ['/api/v1/alerts', '/api/v1/devices', '/api/v1/health', '/api/docs', '/api/v1/alerts/stream', '/api/v1/overview', '/api/v1/calls']) {
    const res = await app.inject({ method: 'GET', url });
    assert.is(res.statusCode, 401, url);
    assert.is(res.json().code, 'ERR_UNAUTHENTICATED');
  }
  assert.is((await get('/api/v1/alerts', 'vw_0123456789abcdef_' + 'A'.repeat(43))).statusCode, 401);
  assert.is((await get('/api/v1/alerts', 'not-a-token')).statusCode, 401);
  assert.equal((await app.inject({ method: 'GET', url: '/api/v1/session' })).json(), { user: null, scope: null, csrf: null }, 'asking who is signed in reveals nothing else');
});

test('should serve the dashboard with a strict Content-Security-Policy and hardening headers', async () => {
  const res = await app.inject({ method: 'GET', url: '/' });
  assert.is(res.statusCode, 200);
  assert.match(res.headers['content-type'] as string, /^text\/html/);
  assert.is(res.headers['content-security-policy'], CONTENT_SECURITY_POLICY);
  assert.match(CONTENT_SECURITY_POLICY, /script-src 'self';/);
  assert.not.match(CONTENT_SECURITY_POLICY, /unsafe-inline|unsafe-eval/);
  assert.is(res.headers['x-frame-options'], 'DENY');
  assert.is(res.headers['x-content-type-options'], 'nosniff');
  assert.not.match(res.body, /<script>(?!<\/script>)[^<]/, 'no inline script in the page');
  assert.is((await app.inject({ method: 'GET', url: '/assets/..%2Fapi-server.ts' })).statusCode, 400);
});

test('should list one alert per finding, with hostile values as plain data', async () => {
  const res = await get('/api/v1/alerts?limit=500');
  assert.is(res.statusCode, 200);
  const { items, next_cursor } = res.json() as { items: { alert_id: string; device: { user_agent: string }; status: string }[]; next_cursor: string | null };
  assert.is(next_cursor, null);
  assert.equal(items.map((a) => a.alert_id).sort(), [...new Set(allFindings().map((f) => f.id))].sort());
  assert.ok(items.every((a) => a.status === 'open'));
  assert.ok(items.some((a) => a.device.user_agent === HOSTILE.userAgent), 'the hostile User-Agent comes back byte for byte');
});

test('should page through alerts with cursors, without repeats or gaps, in both sort orders', async () => {
  const all = (await get('/api/v1/alerts?limit=500')).json().items as { alert_id: string }[];
  for (const sort of ['last_seen', 'severity']) {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await get(`/api/v1/alerts?limit=3&sort=${sort}${cursor ? `&cursor=${cursor}` : ''}`);
      const page = res.json() as { items: { alert_id: string; severity: string }[]; next_cursor: string | null };
      assert.ok(page.items.length <= 3);
      seen.push(...page.items.map((a) => a.alert_id));
      cursor = page.next_cursor;
    } while (cursor);
    assert.is(seen.length, all.length, sort);
    assert.equal([...seen].sort(), all.map((a) => a.alert_id).sort(), sort);
  }
  const bySeverity = (await get('/api/v1/alerts?sort=severity&limit=500')).json().items as { severity: string }[];
  const rank = { critical: 4, high: 3, medium: 2, low: 1 } as Record<string, number>;
  for (let i = 1; i < bySeverity.length; i++) assert.ok(rank[bySeverity[i - 1].severity] >= rank[bySeverity[i].severity]);
});

test('should filter alerts by severity, rule, device and text, and treat SQL in a filter as text', async () => {
  const critical = (await get('/api/v1/alerts?severity=critical')).json().items as { severity: string }[];
  assert.equal(critical.map((a) => a.severity), allFindings().filter((f) => f.severity === 'critical').map(() => 'critical'));
  const rule = (await get('/api/v1/alerts?rule=plaintext-sip')).json().items as { rule: string }[];
  assert.is(rule.length, allFindings().filter((f) => f.rule === 'plaintext-sip').length);
  const device = (await get('/api/v1/alerts?device=10.30.0.5')).json().items as { device_ip: string }[];
  assert.is(device.length, allFindings().filter((f) => f.device.ip === '10.30.0.5').length);
  for (const evil of [`' OR 1=1 --`, `x'); DROP TABLE alerts; --`, `{q:String}`]) {
    const res = await get(`/api/v1/alerts?q=${encodeURIComponent(evil)}`);
    assert.is(res.statusCode, 200, evil);
    assert.equal(res.json().items, [], evil);
  }
  assert.is((await get('/api/v1/alerts?limit=501')).statusCode, 400, 'the page size is bounded');
  assert.is((await get('/api/v1/alerts?status=everything')).statusCode, 400);
  assert.is((await get('/api/v1/alerts?bogus=1')).statusCode, 400, 'unknown parameters are refused, not ignored');
  const total = Number((await (await fx.store.client.query({ query: `SELECT count() AS n FROM ${tableRef(fx.store.layout, 'alerts')}`, format: 'JSONEachRow' })).json<{ n: string }>())[0].n);
  assert.ok(total > 0, 'the tables are all still there');
});

test('should list findings in the contract shape and page through them', async () => {
  const first = (await get('/api/v1/findings?limit=4')).json() as { items: { id: string; device: { ip: string } }[]; next_cursor: string | null };
  assert.is(first.items.length, 4);
  assert.ok(first.next_cursor);
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page = (await get(`/api/v1/findings?limit=4${cursor ? `&cursor=${cursor}` : ''}`)).json() as { items: { id: string }[]; next_cursor: string | null };
    ids.push(...page.items.map((f) => f.id));
    cursor = page.next_cursor;
  } while (cursor);
  assert.equal([...ids].sort(), allFindings().map((f) => f.id).sort());
  const hostile = (await get('/api/v1/findings?device=10.30.0.5&limit=50')).json() as { items: { device: { user_agent: string } }[] };
  assert.ok(hostile.items.length >= 4 && hostile.items.every((f) => f.device.user_agent === HOSTILE.userAgent));
});

test('should refuse writes to a read token, and record an acknowledgement made with a write token', async () => {
  const target = allFindings().find((f) => f.rule === 'webui-plaintext-http')!;
  const body = { reason: 'HTTPS being rolled out' };
  assert.is((await app.inject({ method: 'POST', url: `/api/v1/alerts/${target.id}/ack`, headers: bearer(readToken), payload: body })).statusCode, 403);
  const ok = await app.inject({ method: 'POST', url: `/api/v1/alerts/${target.id}/ack`, headers: bearer(writeToken), payload: body });
  assert.is(ok.statusCode, 200, ok.body);
  const alert = (await get(`/api/v1/alerts/${target.id}`)).json() as { status: string; acknowledgement: { actor: string; reason: string } };
  assert.is(alert.status, 'acknowledged');
  assert.equal([alert.acknowledgement.actor, alert.acknowledgement.reason], ['token:automation', 'HTTPS being rolled out']);
  assert.ok(((await get('/api/v1/alerts?status=acknowledged')).json().items as { alert_id: string }[]).some((a) => a.alert_id === target.id));
  const reopened = await app.inject({ method: 'POST', url: `/api/v1/alerts/${target.id}/reopen`, headers: bearer(writeToken), payload: { reason: 'rollout stalled' } });
  assert.is(reopened.statusCode, 200);
  assert.is(((await get(`/api/v1/alerts/${target.id}`)).json() as { status: string }).status, 'open');
  assert.is((await app.inject({ method: 'POST', url: '/api/v1/alerts/ffffffffffffffff/ack', headers: bearer(writeToken), payload: body })).statusCode, 404);
});

test('should add and remove allowlist entries with a reason and an expiry', async () => {
  const add = await app.inject({ method: 'POST', url: '/api/v1/allowlist', headers: bearer(writeToken), payload: { rule: 'plaintext-sip', cidr: '10.20.0.0/16', reason: 'lab', expires: '30d' } });
  assert.is(add.statusCode, 200, add.body);
  const entry = add.json() as { id: string; expires_at: string };
  assert.ok(Date.parse(entry.expires_at) > Date.now() + 29 * 86_400_000);
  assert.ok(((await get('/api/v1/allowlist')).json().items as { id: string }[]).some((e) => e.id === entry.id));
  const bad = await app.inject({ method: 'POST', url: '/api/v1/allowlist', headers: bearer(writeToken), payload: { reason: 'everything', expires: 'never' } });
  assert.is(bad.statusCode, 400);
  assert.match(bad.json().error, /would hide every alert/);
  assert.is((await app.inject({ method: 'DELETE', url: `/api/v1/allowlist/${entry.id}?reason=done`, headers: bearer(writeToken) })).statusCode, 204);
  assert.not.ok(((await get('/api/v1/allowlist')).json().items as { id: string }[]).some((e) => e.id === entry.id));
});

test('should sign in a dashboard user, demand the CSRF token on writes, and rate-limit guessing', async () => {
  const login = (password: string, ip: string) => app.inject({ method: 'POST', url: '/api/v1/session', payload: { user: 'ana', password }, remoteAddress: ip });
  const wrong = await login('wrong password!!', '192.0.2.50');
  assert.is(wrong.statusCode, 401);
  const ok = await login('correct horse battery staple', '192.0.2.51');
  assert.is(ok.statusCode, 200);
  const setCookie = String(ok.headers['set-cookie']);
  assert.match(setCookie, /vw_session=[A-Za-z0-9_-]{43}/);
  assert.match(setCookie, /HttpOnly/);
  assert.match(setCookie, /SameSite=Strict/);
  const cookie = setCookie.split(';')[0];
  const { csrf, scope } = ok.json() as { csrf: string; scope: string };
  assert.is(scope, 'write');
  assert.is((await app.inject({ method: 'GET', url: '/api/v1/devices', headers: { cookie } })).statusCode, 200);
  const target = allFindings()[0];
  assert.is((await app.inject({ method: 'POST', url: `/api/v1/alerts/${target.id}/ack`, headers: { cookie }, payload: { reason: 'x' } })).json().code, 'ERR_CSRF');
  assert.is((await app.inject({ method: 'POST', url: `/api/v1/alerts/${target.id}/ack`, headers: { cookie, 'x-csrf-token': csrf }, payload: { reason: 'seen' } })).statusCode, 200);
  assert.is((await app.inject({ method: 'DELETE', url: '/api/v1/session', headers: { cookie, 'x-csrf-token': csrf } })).statusCode, 204);
  assert.is((await app.inject({ method: 'GET', url: '/api/v1/devices', headers: { cookie } })).statusCode, 401, 'signed out');
  const codes: number[] = [];
  for (let i = 0; i < 7; i++) codes.push((await login(`guess-${i}-guess-guess`, '192.0.2.99')).statusCode);
  assert.equal(codes, [401, 401, 401, 401, 401, 429, 429]);
  assert.is((await login('correct horse battery staple', '192.0.2.99')).statusCode, 429, 'still limited, even with the right password');
});

test('should show devices with their encryption state and alerts, and find calls by Call-ID and IP', async () => {
  const devices = (await get('/api/v1/devices?limit=500')).json().items as { ip: string; signaling_encrypted: boolean | null; media_encrypted: boolean | null; user_agent: string; open_alerts: number }[];
  const phone = devices.find((d) => d.ip === '10.30.0.5')!;
  assert.equal([phone.signaling_encrypted, phone.media_encrypted, phone.user_agent], [false, false, HOSTILE.userAgent]);
  assert.ok(phone.open_alerts >= 4);
  const detail = (await get('/api/v1/devices/10.30.0.5')).json() as { alerts: { rule: string }[] };
  assert.equal(detail.alerts.map((a) => a.rule).sort(), allFindings().filter((f) => f.device.ip === '10.30.0.5').map((f) => f.rule).sort());
  assert.is((await get('/api/v1/devices/10.99.99.99')).statusCode, 404);
  const byCallId = (await get(`/api/v1/calls?q=${encodeURIComponent(HOSTILE.callId)}`)).json().items as { call_key: string; call_id: string; media: string }[];
  assert.is(byCallId.length, 1);
  assert.equal([byCallId[0].call_id, byCallId[0].media], [HOSTILE.callId, 'rtp']);
  const streams = (await get(`/api/v1/calls/${encodeURIComponent(byCallId[0].call_key)}/streams`)).json().items as { encrypted: boolean | null; codec: string }[];
  assert.is(streams.length, 2);
  assert.ok(streams.every((s) => s.encrypted === false));
  const callsTotal = fx.reports.reduce((n, r) => n + r.calls.length, 0);
  assert.is(((await get('/api/v1/calls?limit=500')).json().items as unknown[]).length, callsTotal);
});

test('should compute coverage that agrees with the analysis, grouped by site and vendor', async () => {
  const res = (await get('/api/v1/coverage?group=vendor')).json() as { total: { media: { streams: number; encrypted: number } }; groups: { key: string }[] };
  const streams = fx.reports.flatMap((r) => r.calls.flatMap((c) => c.streams));
  assert.is(res.total.media.streams, streams.length);
  assert.is(res.total.media.encrypted, streams.filter((s) => s.encrypted === true).length);
  assert.ok(res.groups.some((g) => g.key === 'snom' || g.key === 'unknown'));
  const bySite = (await get('/api/v1/coverage?group=site')).json() as { groups: { key: string }[] };
  assert.equal(bySite.groups.map((g) => g.key), ['hq']);
  const overview = (await get('/api/v1/overview')).json() as { open_alerts: Record<string, number>; exposure: Record<string, number>; trend: unknown[] };
  assert.ok(overview.open_alerts.critical >= 1);
  assert.ok(overview.exposure.webui_internet_exposed >= 2);
  assert.ok(overview.trend.length >= 1);
  const weekly = (await get('/api/v1/reports/weekly?week=2026-W47')).json() as { from: string; to: string; coverage: unknown };
  assert.equal([weekly.from, weekly.to], ['2026-11-16T00:00:00.000Z', '2026-11-23T00:00:00.000Z']);
  assert.is((await get('/api/v1/reports/weekly?week=2026-W54')).statusCode, 400);
});

test('should publish the OpenAPI document of every route to an authenticated client', async () => {
  const doc = (await get('/api/docs')).json() as { openapi: string; paths: Record<string, unknown> };
  assert.match(doc.openapi, /^3\./);
  for (const path of ['/api/v1/alerts', '/api/v1/alerts/{id}/ack', '/api/v1/devices', '/api/v1/calls', '/api/v1/coverage', '/api/v1/reports/weekly', '/api/v1/allowlist']) assert.ok(doc.paths[path], path);
});

test('should stream changed alerts over Server-Sent Events', async () => {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as { port: number }).port;
  const target = allFindings().find((f) => f.rule === 'unencrypted-rtp')!;
  const got = await new Promise<string>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/api/v1/alerts/stream', headers: bearer(readToken) }, (res) => {
      assert.is(res.headers['content-type'], 'text/event-stream');
      let buf = '';
      res.on('data', (c) => { buf += c; const m = /event: alert\ndata: (.*)\n\n/.exec(buf); if (m) { req.destroy(); resolve(m[1]); } });
      setTimeout(async () => {
        await app.inject({ method: 'POST', url: `/api/v1/alerts/${target.id}/ack`, headers: bearer(writeToken), payload: { reason: 'stream test' } });
        // An acknowledgement changes no alert row; the sensor re-writes the row when it applies it. Do what it does:
        await fx.store.client.command({ query: `INSERT INTO ${tableRef(fx.store.layout, 'alerts')} SELECT * REPLACE (now64(3, 'UTC') AS updated_at) FROM ${tableRef(fx.store.layout, 'alerts')} FINAL WHERE alert_id = {id:String}`, query_params: { id: target.id } });
      }, 300);
    });
    req.on('error', reject);
    req.end();
    setTimeout(() => reject(new Error('no event within 5 s')), 5_000);
  });
  assert.is((JSON.parse(got) as { alert_id: string }).alert_id, target.id);
});

const listen = suite('resolveListen');
listen('should keep the API on loopback unless it has TLS or an explicit flag', () => {
  assert.equal(resolveListen('127.0.0.1:9320', {}, false), { host: '127.0.0.1', port: 9320, https: null });
  assert.is(resolveListen('[::1]:9320', {}, false).host, '::1');
  assert.throws(() => resolveListen('0.0.0.0:9320', {}, false), /refusing to serve the API on 0\.0\.0\.0 without TLS/);
  assert.is(resolveListen('0.0.0.0:9320', {}, true).host, '0.0.0.0');
  assert.throws(() => resolveListen('0.0.0.0:9320', { certFile: '/nonexistent.pem' }, false), /both the certificate and the key/);
  assert.throws(() => resolveListen('nonsense', {}, false), /expected host:port/);
});

test.run();
listen.run();
