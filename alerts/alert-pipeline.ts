/**
 * From findings to delivered alerts: the lifecycle (AlertBook) decides what fires, the alert
 * rows record every state change in the store, and the outbox carries each fired event to
 * every destination whose filter it passes. Both `analyze` and the sensor drive it: analyze
 * once at the end, the sensor every `evaluateIntervalMs`.
 *
 * Decisions people make (acknowledgements, allowlist entries) live in the store; the
 * pipeline reads them at open and at `refreshDecisions`, and adds the config file's static
 * allowlist entries.
 */
import { join } from 'node:path';
import { AlertBook, type AlertCounts } from './alert-book.ts';
import { Allowlist, type AllowlistEntry } from './allowlist.ts';
import { Outbox } from './delivery/outbox.ts';
import { createSender } from './delivery/senders.ts';
import { alertRow, deliveryRow, loadAcknowledgements, loadAlertStates, loadAllowlist } from './alert-store.ts';
import type { AlertsConfig } from './alerts-config.ts';
import type { AlertEvent, AlertSender, Destination } from './alert-event.ts';
import type { FindingJson } from '../src/report/json-report.ts';
import type { Store } from '../src/store/store.ts';

export interface PipelineLog {
  info(o: object, m: string): void;
  warn(o: object, m: string): void;
  error(o: object, m: string): void;
}

export interface AlertPipelineOptions {
  config: AlertsConfig;
  sensor: string;
  site: string;
  store: Store | null;
  /** where the outbox keeps undelivered alerts (config.queueDir wins) */
  defaultQueueDir: string;
  log: PipelineLog;
  senderFor?: (dest: Destination) => AlertSender;
  /** called with every event the pipeline hands to the outbox (latency measurement, tests) */
  onFired?: (event: AlertEvent) => void;
}

export interface DeliveryTotals { delivered: number; retries: number; rejected: number; deadLettered: number }

export const queueDirOf = (config: AlertsConfig, storeDataDir: string): string => config.queueDir ?? join(storeDataDir, 'alerts-outbox');

export class AlertPipeline {
  private readonly book: AlertBook;
  private readonly allowlist = new Allowlist();
  private storedEntries: AllowlistEntry[] = [];
  private outbox: Outbox | null = null;
  private config: AlertsConfig;
  readonly deliveries = new Map<string, DeliveryTotals>();
  private readonly pendingUpdates = new Set<string>();

  private constructor(private readonly opts: AlertPipelineOptions) {
    this.config = opts.config;
    this.book = new AlertBook({
      quietPeriodSec: opts.config.quietPeriodSec, sensor: opts.sensor, site: opts.site, dashboardUrl: opts.config.dashboardUrl, allowlist: this.allowlist,
    });
  }

  static async open(opts: AlertPipelineOptions): Promise<AlertPipeline> {
    const p = new AlertPipeline(opts);
    p.allowlist.replace(opts.config.allowlist);
    if (opts.store) {
      try {
        const [states, acks] = await Promise.all([loadAlertStates(opts.store, opts.sensor, 200_000), loadAcknowledgements(opts.store)]);
        p.book.load(states, acks);
        p.storedEntries = await loadAllowlist(opts.store, Date.now() / 1000);
        p.allowlist.replace([...opts.config.allowlist, ...p.storedEntries]);
      } catch (err) {
        // Without the store's memory every finding fires once more: at-least-once, never lost.
        opts.log.warn({ err: String((err as Error).message).slice(0, 300) }, 'alert state not loaded from the store: known alerts may fire again');
      }
    }
    if (opts.config.destinations.length > 0) p.openOutbox();
    return p;
  }

  private openOutbox(): void {
    const { opts } = this;
    this.outbox = Outbox.open({
      dir: this.config.queueDir ?? opts.defaultQueueDir,
      destinations: this.config.destinations,
      senderFor: opts.senderFor ?? createSender,
      log: opts.log,
      onRecord: (r) => {
        const t = this.deliveries.get(r.destination) ?? { delivered: 0, retries: 0, rejected: 0, deadLettered: 0 };
        if (r.outcome === 'delivered') t.delivered++; else if (r.outcome === 'retry') t.retries++; else if (r.outcome === 'rejected') t.rejected++; else t.deadLettered++;
        this.deliveries.set(r.destination, t);
        opts.store?.write('alert_deliveries', deliveryRow(r, opts.sensor));
      },
    });
  }

  /**
   * Findings as they stand now; returns the events fired. A firing or a change of status is
   * stored at once; a sighting that only moves count and last_seen waits for `flushUpdates`
   * (the sensor's snapshot), so a busy finding is one row per snapshot, not one per tick.
   */
  observe(findings: readonly FindingJson[], now: number): AlertEvent[] {
    const fired: AlertEvent[] = [];
    for (const f of findings) {
      const before = this.book.get(f.id)?.status;
      const o = this.book.observe(f, now);
      if (!o) continue;
      if (o.event || o.state.status !== before) {
        this.pendingUpdates.delete(o.state.alertId);
        this.opts.store?.write('alerts', alertRow(o.state, this.opts.sensor, this.opts.site, now));
      } else {
        this.pendingUpdates.add(o.state.alertId);
      }
      if (!o.event) continue;
      fired.push(o.event);
      this.opts.onFired?.(o.event);
      try {
        this.outbox?.enqueue(o.event);
      } catch (err) {
        // The disk refused: the alert row is stored; the delivery is what is lost, and said so.
        this.opts.log.error({ err: (err as Error).message, event_id: o.event.event_id, alert_id: o.event.alert_id }, 'alert not queued for delivery');
      }
    }
    return fired;
  }

  /** Stores the alerts whose count or last_seen moved since they were last stored. */
  flushUpdates(now: number): void {
    for (const id of this.pendingUpdates) {
      const state = this.book.get(id);
      if (state) this.opts.store?.write('alerts', alertRow(state, this.opts.sensor, this.opts.site, now));
    }
    this.pendingUpdates.clear();
  }

  /** Re-reads acknowledgements and allowlist entries from the store (other processes make them). */
  async refreshDecisions(now: number): Promise<void> {
    const store = this.opts.store;
    if (!store) return;
    const [acks, entries] = await Promise.all([loadAcknowledgements(store), loadAllowlist(store, now)]);
    this.storedEntries = entries;
    this.allowlist.replace([...this.config.allowlist, ...entries]);
    for (const s of this.book.setAcknowledgements(acks)) store.write('alerts', alertRow(s, this.opts.sensor, this.opts.site, now));
  }

  /** SIGHUP: the static allowlist and the quiet period; destinations need a restart. */
  reload(next: AlertsConfig): string[] {
    const changed: string[] = [];
    if (JSON.stringify(next.allowlist) !== JSON.stringify(this.config.allowlist)) changed.push('alerts.allowlist');
    const needRestart = JSON.stringify(next.destinations) !== JSON.stringify(this.config.destinations) || next.quietPeriodSec !== this.config.quietPeriodSec
      || next.queueDir !== this.config.queueDir || next.dashboardUrl !== this.config.dashboardUrl;
    this.config = { ...this.config, allowlist: next.allowlist };
    this.allowlist.replace([...next.allowlist, ...this.storedEntries]);
    if (needRestart) changed.push('alerts (destinations, quiet period, queue, dashboard URL: after a restart)');
    return changed;
  }

  get counts(): AlertCounts { return this.book.counts; }

  queueStats(): ReturnType<Outbox['stats']> { return this.outbox?.stats() ?? {}; }

  get outboxDir(): string | null { return this.outbox ? (this.config.queueDir ?? this.opts.defaultQueueDir) : null; }

  /** Waits up to `timeoutMs` for pending deliveries; what is left stays queued on disk. */
  async close(timeoutMs: number): Promise<{ pending: number }> {
    this.flushUpdates(Date.now() / 1000);
    if (!this.outbox) return { pending: 0 };
    await this.outbox.flush(timeoutMs);
    const pending = Object.values(this.outbox.stats()).reduce((n, s) => n + s.pending, 0);
    await this.outbox.close();
    return { pending };
  }
}
