/**
 * A ClickHouse HTTP interface for tests, on loopback, answering from the embedded engine:
 * the real @clickhouse/client talks to it exactly as to a server, and a test switches it
 * between answering, failing with 500, hanging past the client's timeout, and storing a
 * batch but answering 500 (the lost-acknowledgement case).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ClickHouseClient } from '@clickhouse/client';

export type StubMode = 'ok' | 'fail500' | 'hang' | 'store-then-500';

export interface InsertSeen { table: string; rows: number; token: string; firstRow: Record<string, unknown> | null; mode: StubMode }

/** URL parameters the client sends that are not ClickHouse settings. */
const NOT_SETTINGS = new Set(['query', 'query_id', 'session_id', 'database', 'default_format', 'wait_end_of_query', 'role']);

export class ClickHouseHttpStub {
  mode: StubMode = 'ok';
  readonly inserts: InsertSeen[] = [];
  requests = 0;
  private server: Server | null = null;
  private readonly hanging = new Set<ServerResponse>();

  constructor(private readonly engine: ClickHouseClient) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => { this.handle(req, res).catch((err) => this.fail(res, 500, String(err?.message ?? err))); });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.requests++;
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://stub');
    const mode = this.mode;
    if (mode === 'hang') { this.hanging.add(res); return; }
    if (mode === 'fail500') { this.fail(res, 500, 'Code: 999. DB::Exception: injected failure (stub in fail500 mode)'); return; }
    const settings: Record<string, string> = {};
    const params: Record<string, string> = {};
    for (const [k, v] of url.searchParams) {
      if (k.startsWith('param_')) params[k.slice(6)] = v;
      else if (!NOT_SETTINGS.has(k)) settings[k] = v;
    }
    const urlQuery = url.searchParams.get('query');
    const insert = urlQuery ? /^INSERT INTO (\S+)(?: \(([^)]*)\))? FORMAT (JSONEachRow|JSONCompactEachRow)\s*$/i.exec(urlQuery) : null;
    if (insert) {
      const lines = body.toString('utf8').split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as unknown);
      const columns = insert[2] ? insert[2].split(',').map((c) => c.trim().replace(/^`|`$/g, '')) : null;
      const rows = lines.map((l) => (Array.isArray(l) && columns ? Object.fromEntries(columns.map((c, i) => [c, l[i]])) : l) as Record<string, unknown>);
      this.inserts.push({ table: insert[1], rows: rows.length, token: settings.insert_deduplication_token ?? '', firstRow: rows[0] ?? null, mode });
      await this.engine.insert({ table: insert[1], values: rows, format: 'JSONEachRow', clickhouse_settings: settings });
      if (mode === 'store-then-500') { this.fail(res, 500, 'Code: 999. DB::Exception: injected failure after the insert was stored'); return; }
      res.writeHead(200, { 'Content-Type': 'text/plain', 'X-ClickHouse-Summary': '{}' });
      res.end();
      return;
    }
    const sql = (urlQuery ? `${urlQuery}\n` : '') + body.toString('utf8');
    try {
      const result = await this.engine.exec({ query: sql, query_params: params, clickhouse_settings: settings });
      const chunks: Buffer[] = [];
      for await (const c of result.stream) chunks.push(Buffer.from(c as Buffer));
      res.writeHead(200, { 'Content-Type': 'text/plain', 'X-ClickHouse-Summary': '{}' });
      res.end(Buffer.concat(chunks));
    } catch (err) {
      this.fail(res, 500, String((err as Error).message));
    }
  }

  private fail(res: ServerResponse, status: number, text: string): void {
    if (res.headersSent) { res.destroy(); return; }
    res.writeHead(status, { 'Content-Type': 'text/plain', 'X-ClickHouse-Exception-Code': '999' });
    res.end(text);
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
