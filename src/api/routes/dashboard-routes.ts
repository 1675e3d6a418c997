/** The dashboard's files (src/api/dashboard/), read once, served at / and /assets/<file>. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';

const DASHBOARD_TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon' };

/** From the sources next to this directory, or next to the bundle in dist/. */
function loadDashboard(): Map<string, { body: Buffer; type: string }> {
  const candidates = [new URL('../dashboard/', import.meta.url), new URL('../src/api/dashboard/', import.meta.url)].map((u) => fileURLToPath(u));
  const dir = candidates.find((d) => existsSync(`${d}index.html`));
  const files = new Map<string, { body: Buffer; type: string }>();
  if (!dir) return files;
  for (const name of readdirSync(dir)) {
    const ext = /\.[a-z]+$/.exec(name)?.[0] ?? '';
    if (DASHBOARD_TYPES[ext]) files.set(name, { body: readFileSync(`${dir}${name}`), type: DASHBOARD_TYPES[ext] });
  }
  return files;
}

export async function dashboardRoutes(app: FastifyInstance): Promise<void> {
  const dashboard = loadDashboard();
  // ---------------------------------------------------------------------------------- dashboard
  const sendFile = (name: string, reply: FastifyReply) => {
    const f = dashboard.get(name);
    if (!f) return reply.code(404).type('text/plain').send('not found');
    return reply.type(f.type).header('cache-control', name === 'index.html' ? 'no-cache' : 'max-age=300').send(f.body);
  };
  app.get('/', { schema: { hide: true } }, async (_req, reply) => sendFile('index.html', reply));
  app.get('/assets/:name', { schema: { hide: true, params: { type: 'object', properties: { name: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,64}$' } } } } }, async (req, reply) => sendFile((req.params as { name: string }).name, reply));

}
