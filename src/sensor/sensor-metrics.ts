/**
 * Prometheus metrics of the sensor (prom-client, a registry of its own). Values are pulled
 * when /metrics is scraped: the packet path never touches a metric object.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

export interface SensorReadings {
  packets: number;
  bytes: number;
  drops: { kernel: number; interface: number; queue: number };
  queuePackets: number;
  queueHighWater: number;
  activeCalls: number;
  activeStreams: number;
  anomalies: Record<string, number>;
  /** current findings per rule and severity */
  findings: { rule: string; severity: string; count: number }[];
  alerts: { fired: number; escalated: number; refired: number; suppressed: number; updated: number; forgotten: number } | null;
  /** per destination: the on-disk delivery queue and what became of attempts */
  deliveries: { destination: string; pending: number; delivered: number; retries: number; rejected: number; deadLettered: number; oldestPendingSec: number }[];
  store: { rowsWritten: number; rowsBuffered: number; spoolBatches: number; spoolBytes: number; rowsDropped: number; insertFailures: number } | null;
}

/** Counters that only grow, set from absolute readings (prom-client counters only add). */
function absoluteCounter(c: Counter<string>, labels: Record<string, string>, value: number, last: Map<string, number>): void {
  const key = `${(c as unknown as { name: string }).name}${JSON.stringify(labels)}`;
  const before = last.get(key);
  // inc(0) creates the series, so a drop counter reads 0 rather than being absent.
  if (before === undefined || value > before) c.inc(labels, Math.max(0, value - (before ?? 0)));
  last.set(key, Math.max(before ?? 0, value));
}

export function createSensorMetrics(read: () => SensorReadings): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'voipwatch_process_' });
  const last = new Map<string, number>();
  let current: SensorReadings | null = null;
  // One reading per scrape, shared by every metric's collect().
  const reading = (): SensorReadings => (current ??= read());

  const packets = new Counter({ name: 'voipwatch_packets_total', help: 'Packets captured and queued for analysis', registers: [registry],
    collect() { current = null; absoluteCounter(this, {}, reading().packets, last); } });
  const bytes = new Counter({ name: 'voipwatch_bytes_total', help: 'Captured bytes analyzed', registers: [registry],
    collect() { absoluteCounter(this, {}, reading().bytes, last); } });
  void packets; void bytes;
  new Counter({ name: 'voipwatch_drops_total', help: 'Packets lost before analysis, by cause (kernel buffer, interface, sensor queue)', labelNames: ['cause'], registers: [registry],
    collect() { const d = reading().drops; for (const [cause, v] of Object.entries(d)) absoluteCounter(this, { cause }, v, last); } });
  new Counter({ name: 'voipwatch_decode_anomalies_total', help: 'Malformed or unexpected input, by anomaly name', labelNames: ['name'], registers: [registry],
    collect() { for (const [name, v] of Object.entries(reading().anomalies)) absoluteCounter(this, { name }, v, last); } });
  new Gauge({ name: 'voipwatch_queue_packets', help: 'Packets waiting between capture and analysis', registers: [registry],
    collect() { this.set(reading().queuePackets); } });
  new Gauge({ name: 'voipwatch_queue_high_water_packets', help: 'Most packets ever waiting between capture and analysis', registers: [registry],
    collect() { this.set(reading().queueHighWater); } });
  new Gauge({ name: 'voipwatch_active_calls', help: 'SIP calls in progress', registers: [registry], collect() { this.set(reading().activeCalls); } });
  new Gauge({ name: 'voipwatch_active_rtp_streams', help: 'RTP streams in progress', registers: [registry], collect() { this.set(reading().activeStreams); } });
  new Gauge({ name: 'voipwatch_findings', help: 'Current findings by rule and severity', labelNames: ['rule', 'severity'], registers: [registry],
    collect() { this.reset(); for (const f of reading().findings) this.set({ rule: f.rule, severity: f.severity }, f.count); } });
  new Gauge({ name: 'voipwatch_store_queue_rows', help: 'Rows waiting in memory for the store', registers: [registry],
    collect() { this.set(reading().store?.rowsBuffered ?? 0); } });
  new Gauge({ name: 'voipwatch_store_spool_bytes', help: 'Bytes of batches waiting in the disk spool for the store', registers: [registry],
    collect() { this.set(reading().store?.spoolBytes ?? 0); } });
  new Gauge({ name: 'voipwatch_store_spool_batches', help: 'Batches waiting in the disk spool for the store', registers: [registry],
    collect() { this.set(reading().store?.spoolBatches ?? 0); } });
  new Counter({ name: 'voipwatch_store_rows_written_total', help: 'Rows the store acknowledged', registers: [registry],
    collect() { absoluteCounter(this, {}, reading().store?.rowsWritten ?? 0, last); } });
  new Counter({ name: 'voipwatch_store_rows_dropped_total', help: 'Rows lost because the spool was full', registers: [registry],
    collect() { absoluteCounter(this, {}, reading().store?.rowsDropped ?? 0, last); } });
  new Counter({ name: 'voipwatch_store_insert_failures_total', help: 'Inserts the store did not take (retried from the spool)', registers: [registry],
    collect() { absoluteCounter(this, {}, reading().store?.insertFailures ?? 0, last); } });
  new Counter({ name: 'voipwatch_alerts_fired_total', help: 'Alerts fired, by kind (new, escalated, refired)', labelNames: ['kind'], registers: [registry],
    collect() { const a = reading().alerts; if (a) for (const kind of ['new', 'escalated', 'refired'] as const) absoluteCounter(this, { kind }, kind === 'new' ? a.fired : a[kind], last); } });
  new Counter({ name: 'voipwatch_alerts_suppressed_total', help: 'Alerts held back by an allowlist entry', registers: [registry],
    collect() { absoluteCounter(this, {}, reading().alerts?.suppressed ?? 0, last); } });
  new Gauge({ name: 'voipwatch_alert_queue_pending', help: 'Alerts waiting in the on-disk delivery queue, per destination', labelNames: ['destination'], registers: [registry],
    collect() { this.reset(); for (const d of reading().deliveries) this.set({ destination: d.destination }, d.pending); } });
  new Gauge({ name: 'voipwatch_alert_queue_oldest_seconds', help: 'Age of the oldest undelivered alert, per destination', labelNames: ['destination'], registers: [registry],
    collect() { this.reset(); for (const d of reading().deliveries) this.set({ destination: d.destination }, d.oldestPendingSec); } });
  new Counter({ name: 'voipwatch_alert_deliveries_total', help: 'Delivery attempts by destination and outcome', labelNames: ['destination', 'outcome'], registers: [registry],
    collect() {
      for (const d of reading().deliveries) {
        absoluteCounter(this, { destination: d.destination, outcome: 'delivered' }, d.delivered, last);
        absoluteCounter(this, { destination: d.destination, outcome: 'retry' }, d.retries, last);
        absoluteCounter(this, { destination: d.destination, outcome: 'rejected' }, d.rejected, last);
        absoluteCounter(this, { destination: d.destination, outcome: 'dead-letter' }, d.deadLettered, last);
      }
    } });
  return registry;
}
