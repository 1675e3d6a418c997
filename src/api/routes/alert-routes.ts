/** Alerts (list, detail, acknowledge, reopen, live stream), findings and the allowlist. */
import type { FastifyInstance, FastifyReply } from 'fastify';
import * as q from '../queries.ts';
import { CONTENT_SECURITY_POLICY } from '../security-headers.ts';
import { actorOf, anyObject, idParams, itemsOf, limitOf, list, needWrite, pageSchema, paging, responses, text, timeRange } from '../route-schemas.ts';
import { makeAllowlistEntry, parseExpiry } from '../../../alerts/allowlist.ts';
import { loadAcknowledgements, loadAllowlist, removeAcknowledgement, removeAllowlistEntry, saveAcknowledgement, saveAllowlistEntry } from '../../../alerts/alert-store.ts';
import type { Store } from '../../store/store.ts';
import type { Severity } from '../../../alerts/finding-store.ts';

export interface AlertRouteOptions { store: Pick<Store, 'client' | 'layout'>; streamPollMs: number }

const MAX_STREAM_CLIENTS = 100;
const SEVERITIES = ['critical', 'high', 'medium', 'low'];

export async function alertRoutes(app: FastifyInstance, opts: AlertRouteOptions): Promise<void> {
  const { store } = opts;
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
  app.get('/api/v1/alerts/:id', { schema: { tags: ['alerts'], params: idParams, response: responses(anyObject) } }, async (req, reply) => {
    const { id } = req.params as { id: string };
    const page = await q.listAlerts(store, { alertId: id, limit: 1 });
    if (page.items.length === 0) return reply.code(404).send({ error: `no alert ${id}`, code: 'ERR_NOT_FOUND' });
    return { ...page.items[0], deliveries: await q.alertDeliveries(store, id) };
  });
  const reasonBody = { type: 'object', required: ['reason'], properties: { reason: { type: 'string', minLength: 1, maxLength: 500 } }, additionalProperties: false };
  app.post('/api/v1/alerts/:id/ack', { preHandler: needWrite, schema: { tags: ['alerts'], params: idParams, body: reasonBody, response: responses(anyObject) } }, async (req, reply) => {
    const { id } = req.params as { id: string };
    const severity = await q.alertSeverity(store, id);
    if (!severity) return reply.code(404).send({ error: `no alert ${id}`, code: 'ERR_NOT_FOUND' });
    await saveAcknowledgement(store, { alertId: id, severity: severity as Severity, actor: actorOf(req), reason: (req.body as { reason: string }).reason, ackedAt: Date.now() / 1000 });
    return { alert_id: id, severity, actor: actorOf(req) };
  });
  app.post('/api/v1/alerts/:id/reopen', { preHandler: needWrite, schema: { tags: ['alerts'], params: idParams, body: reasonBody, response: responses(anyObject) } }, async (req, reply) => {
    const { id } = req.params as { id: string };
    if (!(await loadAcknowledgements(store)).some((a) => a.alertId === id)) return reply.code(404).send({ error: `alert ${id} is not acknowledged`, code: 'ERR_NOT_FOUND' });
    await removeAcknowledgement(store, id, actorOf(req), (req.body as { reason: string }).reason, Date.now() / 1000);
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
    poller ??= setInterval(() => { void poll(); for (const c of clients) c.raw.write(': keep-alive\n\n'); }, opts.streamPollMs);
    req.raw.on('close', () => {
      clients.delete(reply);
      if (clients.size === 0 && poller) { clearInterval(poller); poller = null; }
    });
  });
  app.addHook('onClose', async () => { if (poller) clearInterval(poller); for (const c of clients) c.raw.end(); });

  app.get('/api/v1/findings', { schema: { tags: ['findings'], querystring: { type: 'object', additionalProperties: false, properties: { rule: text(64), severity: text(60), device: text(64), site: text(64), ...timeRange, ...paging } }, response: responses(pageSchema) } }, async (req) => {
    const v = req.query as Record<string, string | number | undefined>;
    return q.listFindings(store, { ...v, severity: list(v.severity as string | undefined), limit: limitOf(v.limit as number | undefined) } as q.FindingFilter);
  });
  app.get('/api/v1/allowlist', { schema: { tags: ['allowlist'], response: responses(itemsOf) } }, async () => {
    const entries = await loadAllowlist(store, Date.now() / 1000);
    return { items: entries.map(allowJson) };
  });
  app.post('/api/v1/allowlist', {
    preHandler: needWrite,
    schema: { tags: ['allowlist'], body: { type: 'object', required: ['reason', 'expires'], additionalProperties: false, properties: { rule: text(64), cidr: text(64), device: text(64), sip_user: text(128), reason: { type: 'string', minLength: 1, maxLength: 500 }, expires: text(40) } }, response: responses(anyObject) },
  }, async (req) => {
    const b = req.body as { rule?: string; cidr?: string; device?: string; sip_user?: string; reason: string; expires: string };
    const now = Date.now() / 1000;
    const entry = makeAllowlistEntry({ rule: b.rule || null, cidr: b.cidr || null, device: b.device || null, sipUser: b.sip_user || null, reason: b.reason, expiresAt: parseExpiry(b.expires, now), actor: actorOf(req) }, now);
    await saveAllowlistEntry(store, entry);
    return allowJson(entry);
  });
  app.delete('/api/v1/allowlist/:id', { preHandler: needWrite, schema: { tags: ['allowlist'], params: idParams, querystring: { type: 'object', properties: { reason: text(500) } } } }, async (req, reply) => {
    const { id } = req.params as { id: string };
    const removed = await removeAllowlistEntry(store, id, actorOf(req), (req.query as { reason?: string }).reason ?? 'removed through the API', Date.now() / 1000);
    if (!removed) return reply.code(404).send({ error: `no allowlist entry ${id} in force`, code: 'ERR_NOT_FOUND' });
    return reply.code(204).send();
  });

}

function allowJson(e: { id: string; rule: string | null; cidr: string | null; device: string | null; sipUser: string | null; reason: string; actor: string; createdAt: number; expiresAt: number | null }) {
  return {
    id: e.id, rule: e.rule, cidr: e.cidr, device: e.device, sip_user: e.sipUser, reason: e.reason, actor: e.actor,
    created_at: new Date(e.createdAt * 1000).toISOString(), expires_at: e.expiresAt === null ? null : new Date(e.expiresAt * 1000).toISOString(),
  };
}
