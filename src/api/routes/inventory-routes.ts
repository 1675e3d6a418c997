/** Devices (with their encryption state and alerts) and calls (with their RTP streams). */
import type { FastifyInstance } from 'fastify';
import * as q from '../queries.ts';
import { anyObject, itemsOf, limitOf, pageSchema, paging, responses, text, timeRange } from '../route-schemas.ts';
import type { Store } from '../../store/store.ts';

export async function inventoryRoutes(app: FastifyInstance, opts: { store: Pick<Store, 'client' | 'layout'> }): Promise<void> {
  const { store } = opts;
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
  app.get('/api/v1/calls/:key/streams', { schema: { tags: ['calls'], params: { type: 'object', properties: { key: text(512) } }, response: responses(itemsOf) } }, async (req, reply) => {
    const items = await q.callStreams(store, (req.params as { key: string }).key);
    if (!items) return reply.code(404).send({ error: 'no such call', code: 'ERR_NOT_FOUND' });
    return { items };
  });

}
