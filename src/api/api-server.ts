/**
 * The API (/api/v1, OpenAPI at /api/docs) and the dashboard, as one fastify instance that
 * never listens by itself (`voipwatch serve` and the sensor listen; tests use inject()).
 *
 * Security, since everything shown came off the wire and is hostile:
 * - nothing under /api answers without a principal: an API token (Bearer) or a dashboard
 *   session cookie; writes need the write scope, and with a cookie also the session's CSRF
 *   token in X-CSRF-Token;
 * - logins are rate-limited per client address;
 * - every response carries a strict Content-Security-Policy (scripts and styles from this
 *   origin only, no inline code) and the usual hardening headers; the dashboard builds its
 *   DOM with textContent only, so a value cannot become markup even if CSP were bypassed;
 * - queries bind every value as a parameter (queries.ts).
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import { AccessControl, SessionStore, type Principal } from './access.ts';
import * as q from './queries.ts';
import { computeWeeklyReport } from '../weekly/compute-weekly.ts';
import { lastFullWeek } from '../weekly/week-window.ts';
import { listReports, loadReport } from '../weekly/report-history.ts';
import { renderHtml } from '../weekly/render-html.ts';
import { makeAllowlistEntry, parseExpiry } from '../../alerts/allowlist.ts';
import { loadAllowlist, removeAcknowledgement, removeAllowlistEntry, saveAcknowledgement, saveAllowlistEntry, loadAcknowledgements } from '../../alerts/alert-store.ts';
import { isVoipwatchError } from '../errors.ts';
import { VOIPWATCH_VERSION } from '../version.ts';
import type { Store } from '../store/store.ts';
import type { Severity } from '../../alerts/finding-store.ts';

export interface ApiOptions {
  store: Pick<Store, 'client' | 'layout' | 'where' | 'mode'>;
  /** PEM key and certificate: the server speaks HTTPS (and cookies get `Secure`) */
  https?: { key: Buffer; cert: Buffer } | null;
  /** the sensor's own health, when the sensor serves the API */
  sensorHealth?: () => Record<string, unknown>;
  /** logins per client address per minute */
  loginsPerMinute?: number;
  /** milliseconds between polls of the store for the live alert stream */
  streamPollMs?: number;
  /** the time zone weekly reports are taken in (default UTC) */
  timeZone?: string;
  /** where unexpected errors are reported (the answer itself says only "internal error") */
  log?: { error(o: object, m: string): void };
}

export const CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; "
  + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export const REPORT_CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; base-uri 'none'; form-action 'none'";

const SESSION_COOKIE = 'vw_session';
const MAX_STREAM_CLIENTS = 100;
/** How old the overview's figures may be (milliseconds). */
const OVERVIEW_TTL_MS = 10_000;
const SEVERITIES = ['critical', 'high', 'medium', 'low'];

declare module 'fastify' {
  interface FastifyRequest { principal: Principal | null; sessionCsrf: string | null }
}

const DASHBOARD_TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon' };

/** The dashboard's files, read once (from the sources next to this file, or next to the bundle). */
function loadDashboard(): Map<string, { body: Buffer; type: string }> {
  const candidates = [new URL('./dashboard/', import.meta.url), new URL('../src/api/dashboard/', import.meta.url)].map((u) => fileURLToPath(u));
  const dir = candidates.find((d) => existsSync(`${d}index.html`));
  const files = new Map<string, { body: Buffer; type: string }>();
  if (!dir) return files;
  for (const name of readdirSync(dir)) {
    const ext = /\.[a-z]+$/.exec(name)?.[0] ?? '';
    if (DASHBOARD_TYPES[ext]) files.set(name, { body: readFileSync(`${dir}${name}`), type: DASHBOARD_TYPES[ext] });
  }
  return files;
}

const list = (v: string | undefined): string[] | undefined => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined);
const limitOf = (v: number | undefined): number => Math.min(Math.max(1, v ?? 50), q.MAX_PAGE);

const pageSchema = { type: 'object', properties: { items: { type: 'array', items: { type: 'object', additionalProperties: true } }, next_cursor: { type: ['string', 'null'] } } };
const anyObject = { type: 'object', additionalProperties: true };
const errorSchema = { type: 'object', properties: { error: { type: 'string' }, code: { type: 'string' } } };
const timeRange = { from: { type: 'string', format: 'date-time' }, to: { type: 'string', format: 'date-time' } };
const paging = { limit: { type: 'integer', minimum: 1, maximum: q.MAX_PAGE }, cursor: { type: 'string', maxLength: 512 } };
const text = (max = 200) => ({ type: 'string', maxLength: max });
const responses = (ok: object) => ({ 200: ok, 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema });

export async function buildApi(opts: ApiOptions): Promise<FastifyInstance> {
  const { store } = opts;
  const tls = Boolean(opts.https);
  const app = (opts.https
    ? Fastify({ https: opts.https, logger: false, bodyLimit: 64 * 1024, trustProxy: false, ajv: { customOptions: { removeAdditional: false, coerceTypes: true } } })
    : Fastify({ logger: false, bodyLimit: 64 * 1024, trustProxy: false, ajv: { customOptions: { removeAdditional: false, coerceTypes: true } } })) as unknown as FastifyInstance;
  const access = new AccessControl(store);
  const sessions = new SessionStore();
  const dashboard = loadDashboard();

  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  await app.register(swagger, {
    openapi: {
      info: { title: 'voipwatch API', version: VOIPWATCH_VERSION, description: 'Findings, alerts, devices, calls and encryption coverage of a voipwatch sensor. Authenticate with an API token (voipwatch token create) as a Bearer token.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE } } },
      security: [{ bearer: [] }, { session: [] }],
    },
  });

  app.decorateRequest('principal', null);
  app.decorateRequest('sessionCsrf', null);

  app.addHook('onSend', async (req, reply, payload) => {
    // The printable report carries its own inline <style> and never a script.
    const isReport = reply.getHeader('x-report-csp') !== undefined;
    reply.removeHeader('x-report-csp');
    reply.header('content-security-policy', isReport ? REPORT_CONTENT_SECURITY_POLICY : CONTENT_SECURITY_POLICY);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.header('cross-origin-opener-policy', 'same-origin');
    reply.header('cross-origin-resource-policy', 'same-origin');
    reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=()');
    if (tls) reply.header('strict-transport-security', 'max-age=31536000');
    if (req.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
    return payload;
  });

  app.setErrorHandler((err, _req, reply) => {
    if (isVoipwatchError(err)) return reply.code(400).send({ error: err.message, code: err.code });
    const status = (err as { statusCode?: number }).statusCode ?? 500;
    if (status === 429) return reply.code(429).send({ error: 'too many attempts: wait a minute', code: 'ERR_RATE_LIMITED' });
    if (status < 500) return reply.code(status).send({ error: (err as Error).message, code: (err as { code?: string }).code ?? 'ERR_BAD_REQUEST' });
    opts.log?.error({ err: (err as Error).message?.slice(0, 1000), url: _req.url.split('?')[0] }, 'API request failed');
    return reply.code(500).send({ error: 'internal error', code: 'ERR_INTERNAL' });
  });

  // Who is asking: a Bearer token, else the session cookie.
  app.addHook('onRequest', async (req, reply) => {
    if (!req.url.startsWith('/api/')) return;
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ')) {
      req.principal = await access.verifyToken(auth.slice(7).trim());
    } else {
      const s = sessions.get(req.cookies[SESSION_COOKIE]);
      if (s) { req.principal = s.principal; req.sessionCsrf = s.csrf; }
    }
    const isLogin = req.url.split('?')[0] === '/api/v1/session' && (req.method === 'POST' || req.method === 'GET');
    if (!req.principal && !isLogin) return reply.code(401).send({ error: 'authentication required: an API token (Authorization: Bearer) or a dashboard session', code: 'ERR_UNAUTHENTICATED' });
    if (req.principal && req.sessionCsrf && req.method !== 'GET' && req.method !== 'HEAD' && !isLogin && req.headers['x-csrf-token'] !== req.sessionCsrf) {
      return reply.code(403).send({ error: 'missing or wrong X-CSRF-Token', code: 'ERR_CSRF' });
    }
  });

  const needWrite = async (req: FastifyRequest, reply: FastifyReply) => {
    if (req.principal?.scope !== 'write') return reply.code(403).send({ error: 'this needs a token or user with the write scope', code: 'ERR_FORBIDDEN' });
  };
  const actor = (req: FastifyRequest) => req.principal!.name;

  // ---------------------------------------------------------------------------------- session
  app.post('/api/v1/session', {
    config: { rateLimit: { max: opts.loginsPerMinute ?? 5, timeWindow: 60_000 } },
    schema: { tags: ['session'], body: { type: 'object', required: ['user', 'password'], properties: { user: text(64), password: text(1024) }, additionalProperties: false }, response: { 200: anyObject, 401: errorSchema, 429: errorSchema } },
  }, async (req, reply) => {
    const { user, password } = req.body as { user: string; password: string };
    const principal = await access.verifyPassword(user, password);
    if (!principal) return reply.code(401).send({ error: 'wrong user or password', code: 'ERR_LOGIN' });
    const s = sessions.create(principal);
    reply.setCookie(SESSION_COOKIE, s.id, { httpOnly: true, sameSite: 'strict', secure: tls, path: '/', maxAge: 24 * 3600 });
    return { user: principal.name, scope: principal.scope, csrf: s.csrf };
  });
  // Not signed in is an answer here, not an error: the dashboard asks before it shows the login.
  app.get('/api/v1/session', { schema: { tags: ['session'], response: { 200: anyObject } } }, async (req) => {
    if (!req.principal) return { user: null, scope: null, csrf: null };
    return { user: req.principal.name, scope: req.principal.scope, csrf: req.sessionCsrf };
  });
  app.delete('/api/v1/session', { schema: { tags: ['session'] } }, async (req, reply) => {
    const id = req.cookies[SESSION_COOKIE];
    if (id) sessions.delete(id);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.code(204).send();
  });

  // ---------------------------------------------------------------------------------- alerts
  const alertQuery = {
    type: 'object', additionalProperties: false,
    properties: { status: { type: 'string', enum: ['open', 'acknowledged', 'suppressed'] }, severity: text(60), rule: text(64), device: text(64), site: text(64), q: text(200), sort: { type: 'string', enum: ['last_seen', 'severity'] }, ...timeRange, ...paging },
  };
  app.get('/api/v1/alerts', { schema: { tags: ['alerts'], querystring: alertQuery, response: responses(pageSchema) } }, async (req) => {
    const v = req.query as Record<string, string | number | undefined>;
    const severity = list(v.severity as string | undefined)?.filter((s) => SEVERITIES.includes(s));
    return q.listAlerts(store, { ...v, severity, limit: limitOf(v.limit as number | undefined) } as q.AlertFilter);
  });
  app.get('/api/v1/alerts/:id', { schema: { tags: ['alerts'], params: { type: 'object', properties: { id: { type: 'string', pattern: '^[0-9a-f]{16}$' } } }, response: responses(anyObject) } }, async (req, reply) => {
    const { id } = req.params as { id: string };
    const page = await q.listAlerts(store, { alertId: id, limit: 1 });
    if (page.items.length === 0) return reply.code(404).send({ error: `no alert ${id}`, code: 'ERR_NOT_FOUND' });
    return { ...page.items[0], deliveries: await q.alertDeliveries(store, id) };
  });
  const reasonBody = { type: 'object', required: ['reason'], properties: { reason: { type: 'string', minLength: 1, maxLength: 500 } }, additionalProperties: false };
  app.post('/api/v1/alerts/:id/ack', { preHandler: needWrite, schema: { tags: ['alerts'], params: { type: 'object', properties: { id: { type: 'string', pattern: '^[0-9a-f]{16}$' } } }, body: reasonBody, response: responses(anyObject) } }, async (req, reply) => {
    const { id } = req.params as { id: string };
    const severity = await q.alertSeverity(store, id);
    if (!severity) return reply.code(404).send({ error: `no alert ${id}`, code: 'ERR_NOT_FOUND' });
    await saveAcknowledgement(store, { alertId: id, severity: severity as Severity, actor: actor(req), reason: (req.body as { reason: string }).reason, ackedAt: Date.now() / 1000 });
    return { alert_id: id, severity, actor: actor(req) };
  });
  app.post('/api/v1/alerts/:id/reopen', { preHandler: needWrite, schema: { tags: ['alerts'], params: { type: 'object', properties: { id: { type: 'string', pattern: '^[0-9a-f]{16}$' } } }, body: reasonBody, response: responses(anyObject) } }, async (req, reply) => {
    const { id } = req.params as { id: string };
    if (!(await loadAcknowledgements(store)).some((a) => a.alertId === id)) return reply.code(404).send({ error: `alert ${id} is not acknowledged`, code: 'ERR_NOT_FOUND' });
    await removeAcknowledgement(store, id, actor(req), (req.body as { reason: string }).reason, Date.now() / 1000);
    return { alert_id: id };
  });

  // Live alerts: one poll of the store feeds every connected client.
  const clients = new Set<FastifyReply>();
  let since = new Date().toISOString();
  let poller: NodeJS.Timeout | null = null;
  const poll = async () => {
    try {
      const page = await q.listAlerts(store, { updatedSince: since, limit: 200 });
      for (const a of page.items) if (a.updated_at > since) since = a.updated_at;
      for (const a of page.items.reverse()) for (const c of clients) c.raw.write(`event: alert\ndata: ${JSON.stringify(a)}\n\n`);
    } catch { /* the next poll tries again */ }
  };
  app.get('/api/v1/alerts/stream', { schema: { tags: ['alerts'], description: 'Server-Sent Events: `event: alert` with an Alert as data, for alerts that are new or changed' } }, async (req, reply) => {
    if (clients.size >= MAX_STREAM_CLIENTS) return reply.code(503).send({ error: 'too many live streams', code: 'ERR_BUSY' });
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'content-security-policy': CONTENT_SECURITY_POLICY, 'x-content-type-options': 'nosniff' });
    reply.raw.write(': voipwatch alerts\n\n');
    clients.add(reply);
    poller ??= setInterval(() => { void poll(); for (const c of clients) c.raw.write(': keep-alive\n\n'); }, opts.streamPollMs ?? 2_000);
    req.raw.on('close', () => {
      clients.delete(reply);
      if (clients.size === 0 && poller) { clearInterval(poller); poller = null; }
    });
  });
  app.addHook('onClose', async () => { if (poller) clearInterval(poller); for (const c of clients) c.raw.end(); });

  // ---------------------------------------------------------------------------------- findings, allowlist
  app.get('/api/v1/findings', { schema: { tags: ['findings'], querystring: { type: 'object', additionalProperties: false, properties: { rule: text(64), severity: text(60), device: text(64), site: text(64), ...timeRange, ...paging } }, response: responses(pageSchema) } }, async (req) => {
    const v = req.query as Record<string, string | number | undefined>;
    return q.listFindings(store, { ...v, severity: list(v.severity as string | undefined), limit: limitOf(v.limit as number | undefined) } as q.FindingFilter);
  });
  app.get('/api/v1/allowlist', { schema: { tags: ['allowlist'], response: responses({ type: 'object', properties: { items: { type: 'array', items: anyObject } } }) } }, async () => {
    const entries = await loadAllowlist(store, Date.now() / 1000);
    return { items: entries.map(allowJson) };
  });
  app.post('/api/v1/allowlist', {
    preHandler: needWrite,
    schema: { tags: ['allowlist'], body: { type: 'object', required: ['reason', 'expires'], additionalProperties: false, properties: { rule: text(64), cidr: text(64), device: text(64), sip_user: text(128), reason: { type: 'string', minLength: 1, maxLength: 500 }, expires: text(40) } }, response: responses(anyObject) },
  }, async (req) => {
    const b = req.body as { rule?: string; cidr?: string; device?: string; sip_user?: string; reason: string; expires: string };
    const now = Date.now() / 1000;
    const entry = makeAllowlistEntry({ rule: b.rule || null, cidr: b.cidr || null, device: b.device || null, sipUser: b.sip_user || null, reason: b.reason, expiresAt: parseExpiry(b.expires, now), actor: actor(req) }, now);
    await saveAllowlistEntry(store, entry);
    return allowJson(entry);
  });
  app.delete('/api/v1/allowlist/:id', { preHandler: needWrite, schema: { tags: ['allowlist'], params: { type: 'object', properties: { id: { type: 'string', pattern: '^[0-9a-f]{16}$' } } }, querystring: { type: 'object', properties: { reason: text(500) } } } }, async (req, reply) => {
    const { id } = req.params as { id: string };
    const removed = await removeAllowlistEntry(store, id, actor(req), (req.query as { reason?: string }).reason ?? 'removed through the API', Date.now() / 1000);
    if (!removed) return reply.code(404).send({ error: `no allowlist entry ${id} in force`, code: 'ERR_NOT_FOUND' });
    return reply.code(204).send();
  });

  // ---------------------------------------------------------------------------------- devices, calls
  app.get('/api/v1/devices', { schema: { tags: ['devices'], querystring: { type: 'object', additionalProperties: false, properties: { q: text(200), vendor: text(64), role: text(32), site: text(64), ...paging } }, response: responses(pageSchema) } }, async (req) => {
    const v = req.query as Record<string, string | number | undefined>;
    return q.listDevices(store, { ...v, limit: limitOf(v.limit as number | undefined) } as q.DeviceFilter);
  });
  app.get('/api/v1/devices/:ip', { schema: { tags: ['devices'], params: { type: 'object', properties: { ip: { type: 'string', maxLength: 64, pattern: '^[0-9A-Fa-f:.]+$' } } }, response: responses(anyObject) } }, async (req, reply) => {
    const { ip } = req.params as { ip: string };
    const page = await q.listDevices(store, { ip, limit: 1 });
    if (page.items.length === 0) return reply.code(404).send({ error: `no device ${ip}`, code: 'ERR_NOT_FOUND' });
    const alerts = await q.listAlerts(store, { device: ip, limit: 200, sort: 'severity' });
    return { ...page.items[0], alerts: alerts.items };
  });
  app.get('/api/v1/calls', { schema: { tags: ['calls'], querystring: { type: 'object', additionalProperties: false, properties: { q: text(200), ...timeRange, ...paging } }, response: responses(pageSchema) } }, async (req) => {
    const v = req.query as Record<string, string | number | undefined>;
    return q.listCalls(store, { ...v, limit: limitOf(v.limit as number | undefined) } as q.CallFilter);
  });
  app.get('/api/v1/calls/:key/streams', { schema: { tags: ['calls'], params: { type: 'object', properties: { key: text(512) } }, response: responses({ type: 'object', properties: { items: { type: 'array', items: anyObject } } }) } }, async (req, reply) => {
    const items = await q.callStreams(store, (req.params as { key: string }).key);
    if (!items) return reply.code(404).send({ error: 'no such call', code: 'ERR_NOT_FOUND' });
    return { items };
  });

  // ---------------------------------------------------------------------------------- coverage, overview, reports
  app.get('/api/v1/coverage', { schema: { tags: ['coverage'], querystring: { type: 'object', additionalProperties: false, properties: { ...timeRange, group: { type: 'string', enum: ['site', 'subnet', 'vendor', 'model'] } } }, response: responses(anyObject) } }, async (req) => {
    const v = req.query as { from?: string; to?: string; group?: q.CoverageGroup };
    const from = q.chTime(v.from, 'min'), to = q.chTime(v.to, 'max');
    const r = await q.coverageOver(store, from, to, v.group ?? null);
    return { from: v.from ?? null, to: v.to ?? null, total: r.total, groups: v.group ? r.groups : [] };
  });
  // Eight aggregate queries behind one dashboard page: computed at most every OVERVIEW_TTL_MS
  // and shared by everyone looking in that time (and by concurrent requests).
  let overview: { at: number; value: Promise<Record<string, unknown>> } | null = null;
  app.get('/api/v1/overview', { schema: { tags: ['coverage'], description: `Computed at most every ${OVERVIEW_TTL_MS / 1000} s`, response: responses(anyObject) } }, async () => {
    if (!overview || Date.now() - overview.at > OVERVIEW_TTL_MS) {
      overview = { at: Date.now(), value: computeOverview() };
      overview.value.catch(() => { overview = null; });
    }
    return overview.value;
  });
  const computeOverview = async (): Promise<Record<string, unknown>> => {
    const end = (await q.newestTraffic(store)) ?? Date.now();
    const iso = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
    const [cov, trend, open, devices, sensorList] = await Promise.all([
      q.coverageOver(store, iso(end - 7 * 86_400_000), iso(end + 1), null),
      q.dailyTrend(store, iso(end - 30 * 86_400_000), iso(end)),
      q.openAlertCounts(store), q.deviceCounts(store), q.sensors(store),
    ]);
    const openRule = (rule: string) => open.byRule.filter((r) => r.rule === rule).reduce((n, r) => n + r.count, 0);
    return {
      window: { from: new Date(end - 7 * 86_400_000).toISOString(), to: new Date(end).toISOString() },
      coverage: cov.total, trend, open_alerts: open.bySeverity,
      exposure: { webui_internet_exposed: openRule('webui-internet-exposed'), sip_internet_exposed: openRule('sip-internet-exposed'), default_credentials: openRule('default-credentials'), srtp_keys_exposed: openRule('srtp-keys-exposed') },
      devices, sensors: sensorList, computed_at: new Date().toISOString(),
    };
  };
  // The weekly report: the same computation as `voipwatch report` (one set of numbers everywhere).
  const weekQuery = { type: 'object', additionalProperties: false, properties: { week: { type: 'string', pattern: '^\\d{4}-W\\d{2}$' }, tz: text(64) } };
  app.get('/api/v1/reports/weekly', { schema: { tags: ['reports'], querystring: weekQuery, response: responses(anyObject) } }, async (req) => {
    const v = req.query as { week?: string; tz?: string };
    const tz = v.tz ?? opts.timeZone ?? 'UTC';
    const week = v.week ?? lastFullWeek(Date.now(), tz);
    const saved = v.week ? await loadReport(store, week, tz) : null;
    return saved?.report ?? computeWeeklyReport(store, { week, timeZone: tz });
  });
  app.get('/api/v1/reports', { schema: { tags: ['reports'], description: 'Weekly reports kept in the store (generated on schedule or with voipwatch report --save)', response: responses({ type: 'object', properties: { items: { type: 'array', items: anyObject } } }) } }, async () => ({ items: await listReports(store) }));
  app.get('/api/v1/reports/weekly.html', { schema: { tags: ['reports'], querystring: weekQuery } }, async (req, reply) => {
    const v = req.query as { week?: string; tz?: string };
    const tz = v.tz ?? opts.timeZone ?? 'UTC';
    const week = v.week ?? lastFullWeek(Date.now(), tz);
    const saved = await loadReport(store, week, tz);
    const html = saved?.html ?? renderHtml(await computeWeeklyReport(store, { week, timeZone: tz }));
    // A self-contained document with its own <style> and no script at all.
    return reply.type('text/html; charset=utf-8').header('x-report-csp', '1').send(html);
  });

  app.get('/api/v1/health', { schema: { tags: ['health'], response: responses(anyObject) } }, async () => {
    const rows = await q.tableRows(store, ['findings', 'alerts', 'devices', 'calls', 'rtp_streams']).catch(() => null);
    const sensor = opts.sensorHealth?.() ?? null;
    return { status: rows && (sensor === null || sensor.ok !== false) ? 'ok' : 'degraded', store: { where: store.where, mode: store.mode, rows }, sensor };
  });

  app.get('/api/docs', { schema: { hide: true } }, async () => app.swagger());

  // ---------------------------------------------------------------------------------- dashboard
  const sendFile = (name: string, reply: FastifyReply) => {
    const f = dashboard.get(name);
    if (!f) return reply.code(404).type('text/plain').send('not found');
    return reply.type(f.type).header('cache-control', name === 'index.html' ? 'no-cache' : 'max-age=300').send(f.body);
  };
  app.get('/', { schema: { hide: true } }, async (_req, reply) => sendFile('index.html', reply));
  app.get('/assets/:name', { schema: { hide: true, params: { type: 'object', properties: { name: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,64}$' } } } } }, async (req, reply) => sendFile((req.params as { name: string }).name, reply));

  return app;
}

function allowJson(e: { id: string; rule: string | null; cidr: string | null; device: string | null; sipUser: string | null; reason: string; actor: string; createdAt: number; expiresAt: number | null }) {
  return {
    id: e.id, rule: e.rule, cidr: e.cidr, device: e.device, sip_user: e.sipUser, reason: e.reason, actor: e.actor,
    created_at: new Date(e.createdAt * 1000).toISOString(), expires_at: e.expiresAt === null ? null : new Date(e.expiresAt * 1000).toISOString(),
  };
}
