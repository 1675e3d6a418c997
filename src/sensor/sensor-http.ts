/**
 * The sensor's HTTP side: /metrics (Prometheus text) and /healthz. `buildSensorHttp` never
 * listens, so tests use `inject()`; the sensor listens on the configured address.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

export interface Health {
  ok: boolean;
  /** what is wrong when not ok; what runs when ok */
  detail: Record<string, unknown>;
}

export function buildSensorHttp(registry: Registry, health: () => Health): FastifyInstance {
  const app = Fastify({ logger: false });
  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', registry.contentType);
    return registry.metrics();
  });
  app.get('/healthz', async (_req, reply) => {
    const h = health();
    reply.code(h.ok ? 200 : 503);
    return { status: h.ok ? 'ok' : 'unhealthy', ...h.detail };
  });
  return app;
}
