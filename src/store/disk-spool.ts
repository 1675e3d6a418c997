/**
 * The on-disk spool: batches the store could not take, kept in arrival order until they can
 * be replayed. One file per batch (`<seq>.<table>.ndjson`: a header line, then the batch's
 * JSONCompactEachRow lines as they were to be sent), written to a temporary name and renamed, so a crash leaves whole batches or none.
 * Bounded by bytes: past the bound a batch is refused and its rows counted as dropped.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EncodedBatch } from './batch-writer.ts';

export interface SpooledBatch extends EncodedBatch {
  /** file name, which orders batches */
  id: string;
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
  append(batch: EncodedBatch): boolean {
    const head = JSON.stringify({ table: batch.table, token: batch.token, rows: batch.rows, columns: batch.columns });
    const text = Buffer.concat([Buffer.from(`${head}\n`), batch.body]);
    const bytes = text.length;
    if (this.bytes + bytes > this.maxBytes) {
      this.droppedRows += batch.rows;
      this.droppedBatches++;
      return false;
    }
    const name = `${String(this.nextSeq++).padStart(16, '0')}.${batch.table}.ndjson`;
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
        const text = readFileSync(join(this.dir, name));
        const eol = text.indexOf(0x0a);
        const head = JSON.parse(text.toString('utf8', 0, eol)) as { table: string; token: string; rows: number; columns: string[] };
        const body = text.subarray(eol + 1);
        let lines = 0;
        for (let i = body.indexOf(0x0a); i >= 0; i = body.indexOf(0x0a, i + 1)) lines++;
        if (lines !== head.rows || !Array.isArray(head.columns)) throw new Error(`holds ${lines} of ${head.rows} rows`);
        return { id: name, table: head.table, token: head.token, rows: head.rows, columns: head.columns, body };
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
