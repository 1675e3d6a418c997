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
import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import { AccessControl, SessionStore, type Principal } from './access.ts';
import { securityHeaders } from './security-headers.ts';
import { sessionRoutes, SESSION_COOKIE } from './routes/session-routes.ts';
import { alertRoutes } from './routes/alert-routes.ts';
import { inventoryRoutes } from './routes/inventory-routes.ts';
import { coverageRoutes } from './routes/coverage-routes.ts';
import { dashboardRoutes } from './routes/dashboard-routes.ts';
import { isVoipwatchError } from '../errors.ts';
import { VOIPWATCH_VERSION } from '../version.ts';
import type { Store } from '../store/store.ts';

export { CONTENT_SECURITY_POLICY, REPORT_CONTENT_SECURITY_POLICY } from './security-headers.ts';

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

declare module 'fastify' {
  interface FastifyRequest { principal: Principal | null; sessionCsrf: string | null }
}

const FASTIFY_OPTIONS = { logger: false, bodyLimit: 64 * 1024, trustProxy: false, ajv: { customOptions: { removeAdditional: false, coerceTypes: true } } } as const;

export async function buildApi(opts: ApiOptions): Promise<FastifyInstance> {
  const { store } = opts;
  const tls = Boolean(opts.https);
  const app = (opts.https ? Fastify({ https: opts.https, ...FASTIFY_OPTIONS }) : Fastify(FASTIFY_OPTIONS)) as unknown as FastifyInstance;
  const access = new AccessControl(store);
  const sessions = new SessionStore();

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
  app.addHook('onSend', securityHeaders(tls));
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

  await app.register(sessionRoutes, { access, sessions, tls, loginsPerMinute: opts.loginsPerMinute ?? 5 });
  await app.register(alertRoutes, { store, streamPollMs: opts.streamPollMs ?? 2_000 });
  await app.register(inventoryRoutes, { store });
  await app.register(coverageRoutes, { store, timeZone: opts.timeZone ?? 'UTC', sensorHealth: opts.sensorHealth ?? null });
  await app.register(dashboardRoutes);
  app.get('/api/docs', { schema: { hide: true } }, async () => app.swagger());
  return app;
}
