/**
 * Rows to ClickHouse in batches, nothing lost. Rows are grouped per table and flushed when a
 * table has `batchRows` of them or its oldest row is `batchAgeMs` old. A batch is encoded once,
 * when it is cut: JSONCompactEachRow lines under a column list (what is sent, spooled and
 * replayed), and an insert deduplication token hashed from that text, so a batch sent again
 * after a timeout whose insert did land is stored once.
 *
 * When an insert fails (ClickHouse unreachable, timing out, answering 5xx or rejecting the
 * batch), the batch goes to the disk spool, and so does every later batch until the spool
 * has been replayed, oldest first, so rows reach the store in the order they were written.
 * Memory is bounded: past `maxBufferedRows` rows waiting in memory, the fullest table's
 * rows are spilled to the spool at once. `close()` flushes everything, spooling what the
 * store does not take: a restart replays it.
 */
import { createHash } from 'node:crypto';
import { DiskSpool } from './disk-spool.ts';

export type Row = Record<string, unknown>;

/** A batch as it is sent, spooled and replayed. */
export interface EncodedBatch {
  table: string;
  /** column names, in the order of each line's values */
  columns: string[];
  /** JSONCompactEachRow: one JSON array per row, each ending in a newline (UTF-8) */
  body: Buffer;
  rows: number;
  token: string;
}

export interface InsertTarget {
  insert(batch: EncodedBatch): Promise<void>;
}

export interface StoreLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface BatchWriterOptions {
  batchRows: number;
  /** 0: flush by size and on request only (deterministic batches, e.g. analyzing a file) */
  batchAgeMs: number;
  maxBufferedRows: number;
  spoolDir: string;
  spoolMaxBytes: number;
  logger: StoreLogger;
}

export interface WriterStats {
  rowsWritten: number;
  batchesWritten: number;
  rowsSpooled: number;
  rowsReplayed: number;
  insertFailures: number;
  /** rows of batches the server refused by content MAX_REJECTIONS times, set aside in the spool */
  rowsRejected: number;
  rowsBuffered: number;
  spoolBatches: number;
  spoolBytes: number;
  rowsDropped: number;
}

/** Replay retry delays grow to this bound (milliseconds). */
const MAX_RETRY_DELAY_MS = 30_000;
const FIRST_RETRY_DELAY_MS = 500;
/** Refusals of one batch by content (not by availability) before it is set aside. */
const MAX_REJECTIONS = 5;
/** Spool-full warnings at most this often (milliseconds). */
const DROP_LOG_INTERVAL_MS = 60_000;

/** A table's rows waiting for their batch, already encoded (short-lived objects, compact strings). */
interface Buffered { columns: string[]; lines: string[]; since: number }

export class BatchWriter {
  private readonly buffers = new Map<string, Buffered>();
  private readonly spool: DiskSpool;
  private buffered = 0;
  /** rows of batches waiting on the chain */
  private queuedRows = 0;
  /** every insert and replay runs on this chain, one at a time, in order */
  private chain: Promise<void> = Promise.resolve();
  private ageTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryDelay = FIRST_RETRY_DELAY_MS;
  private lastDropLog = 0;
  private closed = false;
  private readonly stats = { rowsWritten: 0, batchesWritten: 0, rowsSpooled: 0, rowsReplayed: 0, insertFailures: 0, rowsRejected: 0 };
  private readonly rejections = new Map<string, number>();

  constructor(private readonly target: InsertTarget, private readonly opts: BatchWriterOptions) {
    this.spool = new DiskSpool(opts.spoolDir, opts.spoolMaxBytes);
    if (!this.spool.isEmpty) {
      opts.logger.info({ batches: this.spool.batches, bytes: this.spool.bytes, dir: opts.spoolDir }, 'replaying spooled batches from an earlier run');
      this.enqueue(() => this.replay());
    }
    if (opts.batchAgeMs > 0) {
      this.ageTimer = setInterval(() => this.flushAged(), Math.max(10, Math.floor(opts.batchAgeMs / 2)));
      this.ageTimer.unref();
    }
  }

  write(table: string, row: Row): void {
    if (this.closed) throw new Error('BatchWriter.write after close');
    let b = this.buffers.get(table);
    // The first row fixes the table's column order; the row builders give every row of a
    // table the same keys in the same order.
    if (!b) { b = { columns: Object.keys(row), lines: [], since: Date.now() }; this.buffers.set(table, b); }
    if (b.lines.length === 0) b.since = Date.now();
    b.lines.push(encodeRow(b.columns, row));
    this.buffered++;
    if (b.lines.length >= this.opts.batchRows) this.cut(table);
    else if (this.buffered >= this.opts.maxBufferedRows) this.spillFullest();
  }

  /** Sends everything buffered and waits until the store has it or the spool does. */
  async flush(): Promise<void> {
    for (const table of [...this.buffers.keys()]) this.cut(table);
    await this.chain;
  }

  /** Waits for the inserts already started. */
  async drain(): Promise<void> { await this.chain; }

  /**
   * For a producing loop: resolves at once while at most one batch is waiting for the store
   * (the next one is built meanwhile, on this thread, while the store inserts on another),
   * else when the store has caught up.
   */
  async keepUp(): Promise<void> {
    if (this.queuedRows > this.opts.batchRows) await this.chain;
  }

  /** Flushes, spools what could not be stored, and stops the timers. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
    if (this.ageTimer) clearInterval(this.ageTimer);
    if (this.retryTimer) { clearTimeout(this.retryTimer); this.retryTimer = null; }
    // One last replay: the store may be back while a retry was still waiting.
    if (!this.spool.isEmpty) this.enqueue(() => this.replay());
    await this.chain;
    if (!this.spool.isEmpty) {
      this.opts.logger.warn({ batches: this.spool.batches, bytes: this.spool.bytes, dir: this.opts.spoolDir }, 'store unavailable at exit: batches stay in the spool and are replayed at the next start');
    }
  }

  get pendingInSpool(): number { return this.spool.batches; }

  snapshot(): WriterStats {
    return {
      ...this.stats,
      rowsBuffered: this.buffered + this.queuedRows,
      spoolBatches: this.spool.batches,
      spoolBytes: this.spool.bytes,
      rowsDropped: this.spool.droppedRows,
    };
  }

  private cut(table: string): void {
    const b = this.buffers.get(table);
    if (!b || b.lines.length === 0) return;
    const batch = encodeBatch(table, b.columns, b.lines);
    this.buffered -= batch.rows;
    b.lines = [];
    if (this.queuedRows + batch.rows > this.opts.maxBufferedRows) {
      // The store is slower than the traffic: past the bound, batches wait on disk, not in memory.
      this.toSpool(batch);
      this.scheduleReplay();
      return;
    }
    this.queuedRows += batch.rows;
    this.enqueue(async () => {
      try { await this.send(batch); } finally { this.queuedRows -= batch.rows; }
    });
  }

  private flushAged(): void {
    const now = Date.now();
    for (const [table, b] of this.buffers) if (b.lines.length > 0 && now - b.since >= this.opts.batchAgeMs) this.cut(table);
  }

  /** Over the memory bound with nothing ready to go: the fullest table goes to disk now. */
  private spillFullest(): void {
    let fullest: string | null = null;
    let most = 0;
    for (const [table, b] of this.buffers) if (b.lines.length > most) { most = b.lines.length; fullest = table; }
    if (fullest === null) return;
    const b = this.buffers.get(fullest) as Buffered;
    const batch = encodeBatch(fullest, b.columns, b.lines);
    b.lines = [];
    this.buffered -= batch.rows;
    this.toSpool(batch);
    this.scheduleReplay();
  }

  private enqueue(step: () => Promise<void>): void {
    this.chain = this.chain.then(step, step);
  }

  private async send(batch: EncodedBatch): Promise<void> {
    if (!this.spool.isEmpty) {
      // Older batches are waiting: keep the order by queueing behind them. While a retry is
      // scheduled the store is known to be down: do not wait on it once per batch.
      this.toSpool(batch);
      if (!this.retryTimer) await this.replay();
      return;
    }
    try {
      await this.target.insert(batch);
      this.stats.rowsWritten += batch.rows;
      this.stats.batchesWritten++;
    } catch (err) {
      this.stats.insertFailures++;
      this.opts.logger.warn({ table: batch.table, rows: batch.rows, err: describe(err) }, 'insert failed: batch spooled to disk for replay');
      this.toSpool(batch);
      this.scheduleReplay();
    }
  }

  private toSpool(batch: EncodedBatch): void {
    if (this.spool.append(batch)) {
      this.stats.rowsSpooled += batch.rows;
      return;
    }
    const now = Date.now();
    if (now - this.lastDropLog >= DROP_LOG_INTERVAL_MS) {
      this.lastDropLog = now;
      this.opts.logger.warn({ table: batch.table, rows: batch.rows, spoolBytes: this.spool.bytes, spoolMaxBytes: this.opts.spoolMaxBytes, droppedRows: this.spool.droppedRows },
        'spool full: rows dropped (raise VOIPWATCH_SPOOL_MAX_BYTES or restore the store)');
    }
  }

  /** Replays spooled batches oldest first; stops at the first failure and retries later. */
  private async replay(): Promise<void> {
    for (;;) {
      const batch = this.spool.peek();
      if (!batch) break;
      try {
        await this.target.insert(batch);
      } catch (err) {
        this.stats.insertFailures++;
        if (isRejection(err)) {
          const n = (this.rejections.get(batch.id) ?? 0) + 1;
          this.rejections.set(batch.id, n);
          if (n >= MAX_REJECTIONS) {
            // A batch the server refuses by content would block every batch behind it.
            this.rejections.delete(batch.id);
            this.spool.reject(batch.id);
            this.stats.rowsRejected += batch.rows;
            this.opts.logger.warn({ table: batch.table, rows: batch.rows, batch: batch.id, err: describe(err) }, 'ClickHouse refused a spooled batch repeatedly: set aside as .rejected in the spool');
            continue;
          }
        }
        if (!this.closed) this.scheduleReplay();
        return;
      }
      this.rejections.delete(batch.id);
      this.spool.remove(batch.id);
      this.stats.rowsWritten += batch.rows;
      this.stats.batchesWritten++;
      this.stats.rowsReplayed += batch.rows;
      if (this.spool.isEmpty) {
        this.retryDelay = FIRST_RETRY_DELAY_MS;
        this.opts.logger.info({ rowsReplayed: this.stats.rowsReplayed }, 'store reachable again: spool replayed');
      }
    }
  }

  private scheduleReplay(): void {
    if (this.retryTimer || this.closed) return;
    const delay = this.retryDelay;
    this.retryDelay = Math.min(MAX_RETRY_DELAY_MS, this.retryDelay * 2);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.enqueue(() => this.replay());
    }, delay);
    this.retryTimer.unref();
  }
}

/** One row as a JSONCompactEachRow line, values in `columns` order. */
export function encodeRow(columns: readonly string[], row: Row): string {
  const values: unknown[] = new Array(columns.length);
  for (let c = 0; c < columns.length; c++) values[c] = row[columns[c]];
  return JSON.stringify(values);
}

/** Same table, columns and rows, same token: ClickHouse stores a retried batch once. */
export function encodeBatch(table: string, columns: string[], lines: readonly string[]): EncodedBatch {
  const body = Buffer.from(lines.length > 0 ? `${lines.join('\n')}\n` : '');
  // Identity, not secrecy: MD5 is the fastest digest node has, and ClickHouse only compares tokens.
  const token = createHash('md5').update(`${table}\n${columns.join(',')}\n`).update(body).digest('hex');
  return { table, columns, body, rows: lines.length, token };
}

/**
 * ClickHouse answered and refused the data itself (a parse or type error: HTTP 400 with an
 * exception code), as opposed to being down, overloaded or unreachable.
 */
function isRejection(err: unknown): boolean {
  const code = Number((err as { code?: unknown })?.code);
  // CANNOT_PARSE_* (6, 26, 27, 38, 41, 72), NO_SUCH_COLUMN_IN_TABLE, TYPE_MISMATCH, SYNTAX_ERROR,
  // ARGUMENT_OUT_OF_BOUND, CANNOT_CONVERT_TYPE, INCORRECT_DATA, TOO_LARGE_STRING_SIZE
  const REJECTING = new Set([6, 16, 26, 27, 38, 41, 53, 62, 69, 70, 72, 117, 131]);
  return Number.isInteger(code) && REJECTING.has(code);
}

function describe(err: unknown): string {
  const e = err as { code?: string; message?: string };
  return `${e?.code ? `${e.code}: ` : ''}${String(e?.message ?? err).slice(0, 300)}`;
}
