/** Dashboard sign-in: POST (rate-limited), GET (who is signed in), DELETE. */
import type { FastifyInstance } from 'fastify';
import type { AccessControl, SessionStore } from '../access.ts';
import { anyObject, errorSchema, text } from '../route-schemas.ts';

export const SESSION_COOKIE = 'vw_session';

export interface SessionRouteOptions { access: AccessControl; sessions: SessionStore; tls: boolean; loginsPerMinute: number }

export async function sessionRoutes(app: FastifyInstance, opts: SessionRouteOptions): Promise<void> {
  const { access, sessions, tls } = opts;
  // ---------------------------------------------------------------------------------- session
  app.post('/api/v1/session', {
    config: { rateLimit: { max: opts.loginsPerMinute, timeWindow: 60_000 } },
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

}
