/**
 * The on-disk spool: batches the store could not take, kept in arrival order until they can
 * be replayed. One file per batch (`<seq>.<table>.ndjson`: a header line, then one row per
 * line), written to a temporary name and renamed, so a crash leaves whole batches or none.
 * Bounded by bytes: past the bound a batch is refused and its rows counted as dropped.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SpooledBatch {
  /** file name, which orders batches */
  id: string;
  table: string;
  token: string;
  rows: Record<string, unknown>[];
}

const BATCH_FILE = /^(\d{16})\.([a-z_]{1,64})\.ndjson$/;

export class DiskSpool {
  private nextSeq = 0;
  private files: { name: string; bytes: number }[] = [];
  bytes = 0;
  droppedRows = 0;
  droppedBatches = 0;

  constructor(private readonly dir: string, private readonly maxBytes: number) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const name of readdirSync(dir).sort()) {
      const m = BATCH_FILE.exec(name);
      if (!m) {
        // A batch file whose rename never happened is incomplete by construction.
        if (name.endsWith('.tmp')) rmSync(join(dir, name), { force: true });
        continue;
      }
      const bytes = statSync(join(dir, name)).size;
      this.files.push({ name, bytes });
      this.bytes += bytes;
      this.nextSeq = Math.max(this.nextSeq, Number(m[1]) + 1);
    }
  }

  get batches(): number { return this.files.length; }
  get isEmpty(): boolean { return this.files.length === 0; }

  /** Stores a batch; false (and counted) when the spool would outgrow its bound. */
  append(table: string, token: string, rows: readonly Record<string, unknown>[]): boolean {
    const lines = [JSON.stringify({ table, token, rows: rows.length })];
    for (const r of rows) lines.push(JSON.stringify(r));
    const text = lines.join('\n') + '\n';
    const bytes = Buffer.byteLength(text);
    if (this.bytes + bytes > this.maxBytes) {
      this.droppedRows += rows.length;
      this.droppedBatches++;
      return false;
    }
    const name = `${String(this.nextSeq++).padStart(16, '0')}.${table}.ndjson`;
    const tmp = join(this.dir, `${name}.tmp`);
    writeFileSync(tmp, text, { mode: 0o600 });
    renameSync(tmp, join(this.dir, name));
    this.files.push({ name, bytes });
    this.bytes += bytes;
    return true;
  }

  /** The oldest batch, or null. A file that no longer parses is set aside, not replayed. */
  peek(): SpooledBatch | null {
    while (this.files.length > 0) {
      const { name } = this.files[0];
      try {
        const lines = readFileSync(join(this.dir, name), 'utf8').split('\n').filter((l) => l.length > 0);
        const head = JSON.parse(lines[0]) as { table: string; token: string; rows: number };
        const rows = lines.slice(1).map((l) => JSON.parse(l) as Record<string, unknown>);
        if (rows.length !== head.rows) throw new Error(`holds ${rows.length} of ${head.rows} rows`);
        return { id: name, table: head.table, token: head.token, rows };
      } catch {
        renameSync(join(this.dir, name), join(this.dir, `${name}.corrupt`));
        this.remove(name, false);
      }
    }
    return null;
  }

  /** Sets aside a batch the store keeps refusing (`.rejected`, kept for inspection). */
  reject(id: string): void {
    try { renameSync(join(this.dir, id), join(this.dir, `${id}.rejected`)); } catch { /* already gone */ }
    this.remove(id, false);
  }

  /** Removes a replayed batch. */
  remove(id: string, unlink = true): void {
    const i = this.files.findIndex((f) => f.name === id);
    if (i < 0) return;
    const [f] = this.files.splice(i, 1);
    this.bytes -= f.bytes;
    if (unlink) rmSync(join(this.dir, id), { force: true });
  }
}
