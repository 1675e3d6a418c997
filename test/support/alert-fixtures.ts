/** Alerts and destinations for delivery tests, and a SOC receiver (fastify) that checks signatures and can misbehave on cue. */
import Fastify, { type FastifyInstance } from 'fastify';
import { ALERT_SCHEMA, type AlertEvent, type WebhookDestination } from '../../alerts/alert-event.ts';
import { verifySignature } from '../../alerts/delivery/signature.ts';
import type { Severity } from '../../alerts/finding-store.ts';

export const SOC_SECRET = 'soc-shared-secret';

export function alertEvent(i: number, over: { severity?: Severity; rule?: string; site?: string } = {}): AlertEvent {
  const at = new Date(Date.UTC(2026, 10, 2, 9, 0, 0) + i * 1000).toISOString();
  const id = i.toString(16).padStart(16, '0');
  return {
    schema: ALERT_SCHEMA, event_id: `ev-${String(i).padStart(6, '0')}`, kind: 'new', alert_id: id, fire_count: 1, fired_at: at, previous_severity: null,
    sensor: 'sensor-1', site: over.site ?? 'hq', dashboard_url: null,
    finding: {
      id, rule: over.rule ?? 'default-credentials', severity: over.severity ?? 'critical',
      device: { ip: `10.20.${(i >> 8) & 255}.${i & 255}`, mac: null, vendor: 'snom', model: 'D785', firmware: '10.1.33.33', user_agent: 'snomD785/10.1.33.33' },
      peer: { ip: '203.0.113.7', internal: false }, first_seen: at, last_seen: at, count: 1,
      summary: 'web UI login with the vendor default credential for admin was accepted',
      evidence: { scheme: 'basic', username: 'admin', matched: 'vendor-default:snom', result: 'accepted', transport: 'http' },
    },
  };
}

export function webhook(url: string, over: Partial<WebhookDestination['delivery']> & { name?: string; filter?: WebhookDestination['filter'] } = {}): WebhookDestination {
  const { name, filter, ...delivery } = over;
  return {
    name: name ?? 'soc', type: 'webhook', format: 'json', url, secret: SOC_SECRET, token: null, sourcetype: 'voipwatch:alert', index: null, headers: {}, caFile: null,
    filter: filter ?? { minSeverity: 'low', rules: null, sites: null },
    delivery: { timeoutMs: 2_000, initialBackoffMs: 20, maxBackoffMs: 200, giveUpAfterSec: 3_600, ratePerSec: 100_000, burst: 100_000, ...delivery },
  };
}

export interface Request { eventId: string; key: string; status: number; at: number }
/** What the receiver does with the n-th request (from 1): answer status, after a delay, with headers. */
export type Behaviour = (n: number, eventId: string) => { status?: number; delayMs?: number; headers?: Record<string, string> };

export class SocReceiver {
  readonly requests: Request[] = [];
  badSignatures = 0;
  behave: Behaviour = () => ({});
  private app: FastifyInstance | null = null;
  port = 0;

  async start(port = 0): Promise<void> {
    const app = Fastify({ logger: false, forceCloseConnections: true });
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));
    app.post('/hook', async (req, reply) => {
      const body = req.body as string;
      const check = verifySignature({ secret: SOC_SECRET, timestamp: req.headers['x-voipwatch-timestamp'] as string, signature: req.headers['x-voipwatch-signature'] as string, body });
      if (!check.ok) { this.badSignatures++; return reply.code(401).send({ error: check.reason }); }
      const eventId = (JSON.parse(body) as AlertEvent).event_id;
      const b = this.behave(this.requests.length + 1, eventId);
      const status = b.status ?? 200;
      this.requests.push({ eventId, key: req.headers['idempotency-key'] as string, status, at: Date.now() });
      if (b.delayMs) await new Promise((r) => setTimeout(r, b.delayMs));
      for (const [k, v] of Object.entries(b.headers ?? {})) reply.header(k, v);
      return reply.code(status).send({ ok: status < 300 });
    });
    await app.listen({ host: '127.0.0.1', port });
    this.port = (app.server.address() as { port: number }).port;
    this.app = app;
  }

  async stop(): Promise<void> { await this.app?.close(); this.app = null; }

  get url(): string { return `http://127.0.0.1:${this.port}/hook`; }

  /** Event ids answered 2xx, in the order of their first success. */
  delivered(): string[] {
    const seen = new Set<string>();
    for (const r of this.requests) if (r.status < 300) seen.add(r.eventId);
    return [...seen];
  }
}
