/**
 * A SOC's webhook receiver for the alert benchmark, in its own process so it does not share
 * the sender's event loop: fastify, signature checked over the raw bytes of every request,
 * the receipt time (wall clock, sub-millisecond) kept per event. The live sensor test uses it
 * too, inside the sensor's network namespace.
 *
 *   node --import tsx bench/webhook-receiver.ts SECRET [PORT]   → prints "listening PORT"
 *   GET /received → [[event_id, alert_id, device_ip, receivedAtMs], ...]
 */
import Fastify from 'fastify';
import { verifySignature } from '../alerts/delivery/signature.ts';

const secret = process.argv[2] ?? '';
const app = Fastify({ logger: false, bodyLimit: 1 << 20 });
app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));
const received: [string, string, string, number][] = [];
let rejected = 0;
const wallMs = () => performance.timeOrigin + performance.now();

app.post('/hook', async (req, reply) => {
  const at = wallMs();
  const body = req.body as string;
  const check = verifySignature({ secret, timestamp: req.headers['x-voipwatch-timestamp'] as string | undefined, signature: req.headers['x-voipwatch-signature'] as string | undefined, body });
  if (!check.ok) { rejected++; return reply.code(401).send({ error: check.reason }); }
  const event = JSON.parse(body) as { event_id: string; alert_id: string; finding?: { device?: { ip?: string } } };
  received.push([event.event_id, event.alert_id, event.finding?.device?.ip ?? '', at]);
  return { ok: true };
});
app.get('/received', async () => ({ received, rejected }));
app.post('/reset', async () => { received.length = 0; rejected = 0; return { ok: true }; });

await app.listen({ host: '127.0.0.1', port: Number(process.argv[3] ?? 0) });
const address = app.server.address();
process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : 0}\n`);
process.on('SIGTERM', () => { void app.close().then(() => process.exit(0)); });
