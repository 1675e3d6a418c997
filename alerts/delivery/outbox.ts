/**
 * The durable delivery queue: every alert is a file in its destination's `pending/`
 * directory before anything is sent, and is removed only after the receiver took it. So a
 * sensor killed at any moment loses nothing: at the next start the files are delivered, in
 * sequence order, the one in flight at the kill perhaps twice (same idempotency key).
 *
 *   <dir>/<destination>/pending/<16-digit seq>.json   { event, enqueuedAt }
 *   <dir>/<destination>/dead/<16-digit seq>.json      { event, enqueuedAt, reason, at }
 *
 * A file is written to a temporary name and renamed, so a reader never sees half of one.
 * There is no fsync per alert: the files survive the process (a crash, SIGKILL, an OOM kill),
 * and a power loss can lose what the kernel had not yet written.
 *
 * One loop per destination sends the oldest pending alert, waiting for its rate limiter
 * (token bucket), and then:
 *   delivered          → the file is removed;
 *   refused for good   → dead letter ('rejected'), the next alert goes;
 *   failed, retryable  → the same alert again after exponential backoff with full jitter,
 *                        at least the receiver's Retry-After; later alerts wait (in order
 *                        means head-of-line blocking), until `giveUpAfterSec` after the alert
 *                        was queued, when it becomes a dead letter and the next one goes.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VoipwatchError } from '../../src/errors.ts';
import { SEVERITY_RANK } from '../finding-store.ts';
import type { AlertEvent, AlertSender, DeliveryRecord, Destination, DestinationFilter } from '../alert-event.ts';

export function passesFilter(filter: DestinationFilter, event: AlertEvent): boolean {
  if (SEVERITY_RANK[event.finding.severity] < SEVERITY_RANK[filter.minSeverity]) return false;
  if (filter.rules && !filter.rules.includes(event.finding.rule)) return false;
  if (filter.sites && !filter.sites.includes(event.site)) return false;
  return true;
}

export interface OutboxLog {
  info(o: object, m: string): void;
  warn(o: object, m: string): void;
  error(o: object, m: string): void;
}

export interface OutboxOptions {
  dir: string;
  destinations: readonly Destination[];
  senderFor(dest: Destination): AlertSender;
  onRecord?(r: DeliveryRecord): void;
  log: OutboxLog;
  /** alerts waiting per destination; past it new ones go straight to the dead letters ('overflow') */
  maxPendingPerDestination?: number;
  /** false: only list and move files (the CLI), no delivery loops */
  deliver?: boolean;
  now?(): number;
  random?(): number;
}

export interface DestinationStats {
  pending: number; delivered: number; retries: number; rejected: number; deadLettered: number;
  oldestPendingSec: number; lastError: string | null; lastStatus: number | null;
}

export interface DeadLetter { event: AlertEvent; reason: string; at: number }

interface QueuedFile { event: AlertEvent; enqueuedAt: number }
/** `queued` is kept for alerts queued by this process while the queue is short, to skip re-reading the file. */
interface PendingEntry { seq: number; enqueuedAt: number; queued?: QueuedFile }

export const DEFAULT_MAX_PENDING = 100_000;
const NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const SEQ_FILE = /^(\d{16})\.json$/;
/** How long close() lets an attempt in flight finish before the senders are closed under it. */
const CLOSE_GRACE_MS = 2_000;
/** Pending alerts whose content is also kept in memory (bounded: a long outage reads from disk). */
const IN_MEMORY_PENDING = 10_000;

const fileName = (seq: number): string => `${String(seq).padStart(16, '0')}.json`;

/** Sleeps that close() can cut short. */
class Sleeper {
  private readonly wakers = new Set<() => void>();
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => { clearTimeout(t); this.wakers.delete(done); resolve(); };
      const t = setTimeout(done, Math.max(0, ms));
      this.wakers.add(done);
    });
  }
  wakeAll(): void { for (const w of [...this.wakers]) w(); }
}

class TokenBucket {
  private tokens: number;
  private at: number;
  constructor(private readonly ratePerSec: number, private readonly burst: number, private readonly now: () => number) {
    this.tokens = burst;
    this.at = now();
  }
  /** milliseconds to wait before the next request may go (0: take it now) */
  take(): number {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.at) / 1000) * this.ratePerSec);
    this.at = t;
    if (this.tokens >= 1) { this.tokens -= 1; return 0; }
    return Math.ceil(((1 - this.tokens) / this.ratePerSec) * 1000);
  }
}

class DestinationQueue {
  readonly pendingDir: string;
  readonly deadDir: string;
  readonly pending: PendingEntry[] = [];
  readonly stats: Omit<DestinationStats, 'pending' | 'oldestPendingSec'> = { delivered: 0, retries: 0, rejected: 0, deadLettered: 0, lastError: null, lastStatus: null };
  nextSeq = 1;
  sender: AlertSender | null = null;
  wake: (() => void) | null = null;
  loop: Promise<void> | null = null;

  constructor(readonly dest: Destination, dir: string) {
    this.pendingDir = join(dir, dest.name, 'pending');
    this.deadDir = join(dir, dest.name, 'dead');
  }
}

export class Outbox {
  private readonly queues = new Map<string, DestinationQueue>();
  private readonly sleeper = new Sleeper();
  private closed = false;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly maxPending: number;

  private constructor(private readonly opts: OutboxOptions) {
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? Math.random;
    this.maxPending = opts.maxPendingPerDestination ?? DEFAULT_MAX_PENDING;
  }

  static open(opts: OutboxOptions): Outbox {
    const outbox = new Outbox(opts);
    for (const dest of opts.destinations) {
      if (!NAME.test(dest.name)) throw new VoipwatchError('ERR_ALERT_QUEUE', `destination name ${JSON.stringify(dest.name)} is not 1-64 of a-z 0-9 _ -`);
      const q = new DestinationQueue(dest, opts.dir);
      try {
        mkdirSync(q.pendingDir, { recursive: true });
        mkdirSync(q.deadDir, { recursive: true });
      } catch (cause) {
        throw new VoipwatchError('ERR_ALERT_QUEUE', `cannot create the alert queue ${q.pendingDir}: ${(cause as Error).message}`, { cause });
      }
      outbox.scan(q);
      outbox.queues.set(dest.name, q);
    }
    if (opts.deliver !== false) {
      for (const q of outbox.queues.values()) {
        q.sender = opts.senderFor(q.dest);
        q.loop = outbox.run(q);
      }
    }
    return outbox;
  }

  /** Pending files in sequence order; corrupt ones go to the dead letters. */
  private scan(q: DestinationQueue): void {
    const seqs = (dir: string) => readdirSync(dir).map((f) => SEQ_FILE.exec(f)).filter((m): m is RegExpExecArray => m !== null).map((m) => Number(m[1]));
    const dead = seqs(q.deadDir);
    const pending = seqs(q.pendingDir).sort((a, b) => a - b);
    for (const seq of pending) {
      try {
        const at = statSync(join(q.pendingDir, fileName(seq))).mtimeMs;
        q.pending.push({ seq, enqueuedAt: at });
      } catch { /* removed meanwhile */ }
    }
    q.nextSeq = Math.max(0, ...dead, ...pending) + 1;
    if (pending.length > 0) this.opts.log.info({ destination: q.dest.name, pending: pending.length }, 'undelivered alerts found in the queue: delivering them first');
  }

  /**
   * Queues the alert for every destination whose filter it passes, durably before returning.
   * Returns how many destinations took it.
   */
  enqueue(event: AlertEvent): number {
    if (this.closed) throw new VoipwatchError('ERR_ALERT_QUEUE', 'the alert queue is closed');
    let taken = 0;
    const enqueuedAt = this.now();
    for (const q of this.queues.values()) {
      if (!passesFilter(q.dest.filter, event)) continue;
      const seq = q.nextSeq++;
      const record: QueuedFile = { event, enqueuedAt };
      if (q.pending.length >= this.maxPending) {
        this.writeDead(q, seq, { ...record, reason: `overflow: more than ${this.maxPending} alerts waiting`, at: enqueuedAt });
        q.stats.deadLettered++;
        this.record(q, event, 0, 'dead-letter', null, 0, 'overflow');
        continue;
      }
      const path = join(q.pendingDir, fileName(seq));
      try {
        writeFileSync(`${path}.tmp`, JSON.stringify(record));
        renameSync(`${path}.tmp`, path);
      } catch (cause) {
        throw new VoipwatchError('ERR_ALERT_QUEUE', `cannot queue an alert in ${q.pendingDir}: ${(cause as Error).message}`, { cause });
      }
      q.pending.push(q.pending.length < IN_MEMORY_PENDING ? { seq, enqueuedAt, queued: record } : { seq, enqueuedAt });
      taken++;
      q.wake?.();
    }
    return taken;
  }

  stats(): Record<string, DestinationStats> {
    const out: Record<string, DestinationStats> = {};
    const now = this.now();
    for (const [name, q] of this.queues) {
      const head = q.pending[0];
      out[name] = { ...q.stats, pending: q.pending.length, oldestPendingSec: head ? Math.max(0, (now - head.enqueuedAt) / 1000) : 0 };
    }
    return out;
  }

  deadLetters(destination: string): DeadLetter[] {
    const q = this.queue(destination);
    return readdirSync(q.deadDir).filter((f) => SEQ_FILE.test(f)).sort().flatMap((f) => {
      try {
        const d = JSON.parse(readFileSync(join(q.deadDir, f), 'utf8')) as QueuedFile & { reason: string; at: number };
        return [{ event: d.event, reason: d.reason, at: d.at }];
      } catch { return []; }
    });
  }

  /** Dead letters back to the end of the pending queue, in their original order. */
  redrive(destination: string): number {
    const q = this.queue(destination);
    let moved = 0;
    for (const f of readdirSync(q.deadDir).filter((n) => SEQ_FILE.test(n)).sort()) {
      let d: QueuedFile;
      try { d = JSON.parse(readFileSync(join(q.deadDir, f), 'utf8')) as QueuedFile; } catch { continue; }
      const seq = q.nextSeq++;
      const path = join(q.pendingDir, fileName(seq));
      const enqueuedAt = this.now();
      writeFileSync(`${path}.tmp`, JSON.stringify({ event: d.event, enqueuedAt }));
      renameSync(`${path}.tmp`, path);
      unlinkSync(join(q.deadDir, f));
      q.pending.push({ seq, enqueuedAt });
      moved++;
    }
    q.wake?.();
    return moved;
  }

  /** True once nothing is pending anywhere; false at the timeout. */
  async flush(timeoutMs: number): Promise<boolean> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      if ([...this.queues.values()].every((q) => q.pending.length === 0)) return true;
      if (Date.now() >= until || this.closed) return false;
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Stops the loops; what is pending stays on disk for the next start. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.sleeper.wakeAll();
    for (const q of this.queues.values()) q.wake?.();
    const loops = [...this.queues.values()].map((q) => q.loop).filter((l): l is Promise<void> => l !== null);
    let graceTimer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(loops), new Promise((r) => { graceTimer = setTimeout(r, CLOSE_GRACE_MS); })]);
    clearTimeout(graceTimer);
    await Promise.all([...this.queues.values()].map((q) => q.sender?.close().catch(() => undefined)));
  }

  private queue(destination: string): DestinationQueue {
    const q = this.queues.get(destination);
    if (!q) throw new VoipwatchError('ERR_ALERT_QUEUE', `no destination ${JSON.stringify(destination)}`);
    return q;
  }

  private async run(q: DestinationQueue): Promise<void> {
    const { delivery } = q.dest;
    const bucket = new TokenBucket(delivery.ratePerSec, delivery.burst, this.now);
    let attempt = 0;
    while (!this.closed) {
      const head = q.pending[0];
      if (!head) {
        await new Promise<void>((resolve) => { q.wake = () => { q.wake = null; resolve(); }; });
        continue;
      }
      const path = join(q.pendingDir, fileName(head.seq));
      let queued: QueuedFile;
      try {
        queued = head.queued ?? JSON.parse(readFileSync(path, 'utf8')) as QueuedFile;
        if (!queued?.event?.event_id) throw new Error('no event in the file');
      } catch (err) {
        this.opts.log.error({ destination: q.dest.name, file: path, err: (err as Error).message }, 'unreadable alert file set aside in the dead letters');
        try { renameSync(path, join(q.deadDir, fileName(head.seq))); } catch { /* gone */ }
        q.pending.shift();
        q.stats.deadLettered++;
        attempt = 0;
        continue;
      }
      for (let wait = bucket.take(); wait > 0 && !this.closed; wait = bucket.take()) await this.sleeper.sleep(wait);
      if (this.closed) break;

      attempt++;
      const started = this.now();
      const result = await q.sender!.send(queued.event);
      const latency = this.now() - started;
      q.stats.lastStatus = result.status;
      if (result.ok) {
        try { unlinkSync(path); } catch { /* already gone */ }
        q.pending.shift();
        q.stats.delivered++;
        q.stats.lastError = null;
        this.record(q, queued.event, attempt, 'delivered', result.status, latency, '');
        attempt = 0;
        continue;
      }
      q.stats.lastError = result.error;
      if (!result.retry) {
        this.toDead(q, head, queued, `rejected: ${result.error}`);
        q.stats.rejected++;
        this.record(q, queued.event, attempt, 'rejected', result.status, latency, result.error);
        attempt = 0;
        continue;
      }
      const waited = this.now() - queued.enqueuedAt;
      if (waited >= delivery.giveUpAfterSec * 1000) {
        this.toDead(q, head, queued, `gave up after ${Math.round(waited / 1000)} s: ${result.error}`);
        q.stats.deadLettered++;
        this.record(q, queued.event, attempt, 'dead-letter', result.status, latency, result.error);
        attempt = 0;
        continue;
      }
      q.stats.retries++;
      this.record(q, queued.event, attempt, 'retry', result.status, latency, result.error);
      const backoff = this.random() * Math.min(delivery.maxBackoffMs, delivery.initialBackoffMs * 2 ** Math.min(attempt - 1, 30));
      const left = delivery.giveUpAfterSec * 1000 - waited;
      // One more attempt at the give-up time rather than sleeping past it.
      await this.sleeper.sleep(Math.min(Math.max(backoff, result.retryAfterMs ?? 0), Math.max(0, left)));
    }
  }

  private toDead(q: DestinationQueue, head: PendingEntry, queued: QueuedFile, reason: string): void {
    this.writeDead(q, head.seq, { ...queued, reason, at: this.now() });
    try { unlinkSync(join(q.pendingDir, fileName(head.seq))); } catch { /* gone */ }
    q.pending.shift();
    this.opts.log.warn({ destination: q.dest.name, event_id: queued.event.event_id, reason }, 'alert moved to the dead letters');
  }

  private writeDead(q: DestinationQueue, seq: number, letter: QueuedFile & { reason: string; at: number }): void {
    const path = join(q.deadDir, fileName(seq));
    try {
      writeFileSync(`${path}.tmp`, JSON.stringify(letter));
      renameSync(`${path}.tmp`, path);
    } catch (err) {
      this.opts.log.error({ destination: q.dest.name, err: (err as Error).message }, 'cannot write a dead letter');
    }
  }

  private record(q: DestinationQueue, event: AlertEvent, attempt: number, outcome: DeliveryRecord['outcome'], status: number | null, latencyMs: number, error: string): void {
    this.opts.onRecord?.({
      ts: this.now() / 1000, destination: q.dest.name, event_id: event.event_id, alert_id: event.alert_id, rule: event.finding.rule,
      severity: event.finding.severity, attempt, outcome, status, latency_ms: latencyMs, error,
    });
  }
}

