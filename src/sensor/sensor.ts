/**
 * The live sensor: capture → bounded queue → the same Analyzer as `analyze` → store, with
 * metrics and health on HTTP. Capture never waits for analysis: the queue drops and counts.
 *
 * Every `snapshotIntervalSec` the sensor stores what changed: findings whose count, time or
 * severity moved; devices seen since the last snapshot; and calls and streams that ended more
 * than `settleSec` ago (the trackers then forget them, so memory stays flat). Kernel and queue
 * drops are logged at most once a minute and become a `sensor_health` finding when they pass
 * `health.dropAlertPct` of the minute's packets.
 */
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { Analyzer } from '../analyze.ts';
import { PacketQueue } from '../capture/packet-queue.ts';
import { LiveCapture, type KernelStats } from '../capture/live-source.ts';
import { openStore, type Store } from '../store/store.ts';
import { callRows, deviceRow, findingRow, storeRecordSink, type RowContext } from '../store/rows.ts';
import { buildReport, findingsJson, isoTime, type AnalysisReport } from '../report/json-report.ts';
import type { StoredFinding } from '../../alerts/finding-store.ts';
import { createSensorMetrics, type SensorReadings } from './sensor-metrics.ts';
import { buildSensorHttp, type Health } from './sensor-http.ts';
import type { SensorConfig } from './sensor-config.ts';
import type { FastifyInstance } from 'fastify';
import { AlertPipeline, queueDirOf } from '../../alerts/alert-pipeline.ts';
import { defaultDataDir } from '../store/store-config.ts';
import { buildApi } from '../api/api-server.ts';
import { resolveListen } from '../api/listen-address.ts';
import { WeeklyReporter } from '../weekly/report-schedule.ts';
import { publishWeeklyReport } from '../weekly/report-publisher.ts';

/** Packets analyzed per turn of the event loop before capture callbacks get their turn. */
const PACKETS_PER_TURN = 2_048;
/** Drop warnings at most this often (milliseconds). */
const DROP_LOG_INTERVAL_MS = 60_000;
/** Findings remembered as stored (their last stored state), so unchanged ones are not rewritten. */
const MAX_REMEMBERED_FINDINGS = 200_000;

export class Sensor {
  private analyzer: Analyzer;
  private readonly queue: PacketQueue;
  private capture: LiveCapture | null = null;
  private store: Store | null = null;
  private http: FastifyInstance | null = null;
  private api: FastifyInstance | null = null;
  private reporter: WeeklyReporter | null = null;
  private pumpTimer: NodeJS.Immediate | NodeJS.Timeout | null = null;
  private snapshotTimer: NodeJS.Timeout | null = null;
  private alertTimer: NodeJS.Timeout | null = null;
  /** each finding's count, last_seen and severity as last handed to the alert pipeline */
  private readonly alertedState = new Map<string, string>();
  private alerts: AlertPipeline | null = null;
  private stopping = false;
  private readonly rows: RowContext;
  private readonly storedFindings = new Map<string, string>();
  private devicesStoredUpTo = 0;
  private lastDropLog = 0;
  private lastHealth = { at: Date.now(), packets: 0, drops: 0 };
  private readonly startedAt = Date.now();

  constructor(private config: SensorConfig, private readonly log: Logger) {
    this.queue = new PacketQueue({ maxPackets: config.queue.maxPackets, maxBytes: config.queue.maxMiB * 1024 * 1024 });
    this.rows = { sensor: config.store?.sensor ?? hostname(), site: config.store?.site ?? 'default', source: `live:${config.interfaces.join(',')}` };
    this.analyzer = new Analyzer({ internalNetworks: config.networks.internal });
  }

  async start(): Promise<void> {
    const c = this.config;
    if (c.store) {
      this.store = await openStore(c.store, { command: `sensor --interface ${c.interfaces.join(',')}`, logger: this.log, flushByAge: true });
      this.analyzer = new Analyzer({ internalNetworks: c.networks.internal, records: storeRecordSink(this.store, this.rows) });
      this.log.info({ store: this.store.where, mode: this.store.mode }, 'store open');
    }
    this.capture = new LiveCapture({
      interfaces: c.interfaces, snaplen: c.capture.snaplen, bufferSize: c.capture.bufferSizeMiB * 1024 * 1024,
      promiscuous: c.capture.promiscuous, filter: c.capture.filter,
      onWarning: (text) => this.log.warn({ libpcap: text.trim() }, 'libpcap warning'),
    }, this.queue);
    this.log.info({ interfaces: c.interfaces, filter: c.capture.filter, snaplen: c.capture.snaplen, bufferSizeMiB: c.capture.bufferSizeMiB, libpcap: this.capture.libpcapVersion }, 'capturing');
    this.alerts = await AlertPipeline.open({
      config: c.alerts, sensor: this.rows.sensor, site: this.rows.site, store: this.store,
      defaultQueueDir: queueDirOf(c.alerts, c.store?.dataDir ?? defaultDataDir()), log: this.log,
    });
    this.schedulePump(0);
    this.snapshotTimer = setInterval(() => { void this.snapshot(false); }, c.snapshotIntervalSec * 1000);
    this.alertTimer = setTimeout(() => this.evaluateAlerts(), c.alerts.evaluateIntervalMs);
    const registry = createSensorMetrics(() => this.readings());
    this.http = buildSensorHttp(registry, () => this.health());
    await this.http.listen({ host: c.http.host, port: c.http.port });
    this.log.info({ listen: `${c.http.host}:${c.http.port}` }, 'metrics and health on HTTP');
    if (this.store) {
      const store = this.store;
      this.reporter = new WeeklyReporter((week) => publishWeeklyReport(store, week, c.reports, c.alerts.destinations, this.log, this.rows.sensor), c.reports, this.log);
      this.reporter.start();
    }
    if (c.api && this.store) {
      const listen = resolveListen(c.api.listen, { certFile: c.api.tlsCertFile, keyFile: c.api.tlsKeyFile }, c.api.insecureListen, 'api.listen');
      this.api = await buildApi({ store: this.store, https: listen.https, timeZone: c.reports.timeZone, sensorHealth: () => { const h = this.health(); return { ok: h.ok, ...h.detail }; }, log: this.log });
      await this.api.listen({ host: listen.host, port: listen.port });
      this.log.info({ listen: c.api.listen, tls: Boolean(listen.https) }, 'API and dashboard on HTTP');
    } else if (c.api) {
      this.log.warn({}, 'api.listen is set but the store is off (--no-store): the API has nothing to serve');
    }
  }

  /** SIGHUP: settings that can change without dropping capture (internal networks, log level). */
  reload(next: SensorConfig): void {
    const changed: string[] = [];
    if (next.networks.internal.join(',') !== this.config.networks.internal.join(',')) {
      this.analyzer.networks.replace(next.networks.internal);
      changed.push('networks.internal');
    }
    if (next.log.level !== this.config.log.level) { this.log.level = next.log.level; changed.push('log.level'); }
    if (this.alerts) changed.push(...this.alerts.reload(next.alerts));
    void this.alerts?.refreshDecisions(Date.now() / 1000).catch((err: Error) => this.log.warn({ err: err.message }, 'allowlist and acknowledgements not re-read from the store'));
    const restartOnly = (['interfaces', 'capture', 'queue', 'store', 'http', 'api'] as const).filter((k) => JSON.stringify(next[k]) !== JSON.stringify(this.config[k]));
    this.config = { ...this.config, networks: next.networks, log: next.log, health: next.health, alerts: { ...this.config.alerts, allowlist: next.alerts.allowlist } };
    this.log.info({ changed, needRestart: restartOnly }, restartOnly.length ? 'configuration reloaded; some changes need a restart' : 'configuration reloaded');
  }

  /** Stops capture, analyzes what is queued, stores everything, closes. Returns the final report. */
  async stop(reportPath: string | null): Promise<AnalysisReport> {
    this.stopping = true;
    if (this.snapshotTimer) clearInterval(this.snapshotTimer);
    if (this.alertTimer) { clearTimeout(this.alertTimer); this.alertTimer = null; }
    this.reporter?.stop();
    const kernel = this.capture?.kernelStats() ?? [];
    this.capture?.close();
    if (this.pumpTimer) { clearImmediate(this.pumpTimer as NodeJS.Immediate); clearTimeout(this.pumpTimer as NodeJS.Timeout); }
    while (this.queue.length > 0) this.queue.drain(PACKETS_PER_TURN, (p) => this.analyzer.processPacket(p));
    await this.snapshot(true);
    this.evaluateAlerts();
    const result = this.analyzer.finish();
    if (this.alerts) {
      const { pending } = await this.alerts.close(this.config.alerts.flushTimeoutSec * 1000);
      if (pending > 0) this.log.warn({ pending, queue: this.alerts.outboxDir }, 'alerts not yet delivered stay queued on disk for the next start');
    }
    const drops = this.dropTotals(kernel);
    this.log.info({ packets: result.stats.packets, drops, queueHighWater: this.queue.highWater, findings: result.report.findings.length }, 'capture stopped');
    if (reportPath) writeFileSync(reportPath, JSON.stringify(result.report, null, 2) + '\n');
    await this.api?.close();
    const stats = await this.store?.close();
    if (stats) this.log.info({ rowsWritten: stats.rowsWritten, spoolBatches: stats.spoolBatches, rowsDropped: stats.rowsDropped }, 'store closed');
    await this.http?.close();
    this.log.debug({}, 'http closed');
    return result.report;
  }

  private schedulePump(delayMs: number): void {
    this.pumpTimer = delayMs === 0 ? setImmediate(() => this.pump()) : setTimeout(() => this.pump(), delayMs);
  }

  /** Analysis in slices, so capture callbacks (which copy into the queue) run in between. */
  private pump(): void {
    if (this.stopping) return;
    const n = this.queue.drain(PACKETS_PER_TURN, (p) => this.analyzer.processPacket(p));
    this.schedulePump(n > 0 ? 0 : 5);
  }

  /** Findings → alerts → destinations, between analysis slices (never inside one). */
  /**
   * Only findings that moved since the last tick are turned into the contract's shape and
   * handed on. The tick keeps to a tenth of the CPU: when one takes longer than a tenth of the
   * interval (many thousands of findings), the next waits ten times as long as it took.
   */
  private evaluateAlerts(): void {
    if (!this.alerts) return;
    const started = performance.now();
    try {
      const moved = this.analyzer.currentFindings().filter((f) => {
        const state = `${f.count}|${f.lastSeen}|${f.severity}`;
        if (this.alertedState.get(f.id) === state) return false;
        if (this.alertedState.size >= MAX_REMEMBERED_FINDINGS) this.alertedState.clear();
        this.alertedState.set(f.id, state);
        return true;
      });
      if (moved.length > 0) this.alerts.observe(findingsJson(moved, this.analyzer.devices, this.analyzer.networks), Date.now() / 1000);
    } catch (err) {
      this.log.error({ err }, 'alert evaluation failed');
    }
    const took = performance.now() - started;
    if (!this.stopping && this.alertTimer !== null) {
      this.alertTimer = setTimeout(() => this.evaluateAlerts(), Math.max(this.config.alerts.evaluateIntervalMs, took * 10));
    }
  }

  private async snapshot(final: boolean): Promise<void> {
    const now = Date.now() / 1000;
    this.alerts?.flushUpdates(now);
    if (this.alerts && !final) {
      await this.alerts.refreshDecisions(now).catch((err: Error) => this.log.warn({ err: err.message }, 'allowlist and acknowledgements not re-read from the store'));
    }
    try {
      this.analyzer.advanceClock(now);
      this.checkDrops();
      const findings = this.analyzer.currentFindings();
      const settled = this.analyzer.takeSettled(final ? Number.POSITIVE_INFINITY : now, final ? 0 : this.config.settleSec);
      if (!this.store) return;
      const report = this.partialReport(findings);
      for (const f of report.findings) {
        const state = `${f.count}|${f.last_seen}|${f.severity}`;
        if (this.storedFindings.get(f.id) === state) continue;
        if (this.storedFindings.size >= MAX_REMEMBERED_FINDINGS) this.storedFindings.clear();
        this.storedFindings.set(f.id, state);
        this.store.write('findings', findingRow(f, this.rows));
      }
      for (const call of settled) {
        const { call: row, streams } = callRows(call, this.rows);
        this.store.write('calls', row);
        for (const s of streams) this.store.write('rtp_streams', s);
      }
      let newest = this.devicesStoredUpTo;
      for (const d of this.analyzer.devices.all()) {
        if (d.lastSeen <= this.devicesStoredUpTo) continue;
        if (d.roles.size === 0 && d.signaling.size === 0 && d.media.size === 0) continue;
        this.store.write('devices', deviceRow(d, this.rows));
        if (d.lastSeen > newest) newest = d.lastSeen;
      }
      this.devicesStoredUpTo = newest;
    } catch (err) {
      // A snapshot is retried at the next interval; capture goes on.
      this.log.error({ err }, 'snapshot failed');
    }
  }

  /** The findings in the contract's shape (device and peer details), without calls. */
  private partialReport(findings: StoredFinding[]): AnalysisReport {
    return buildReport({
      sources: [this.rows.source], packets: 0, bytes: 0, firstTs: null, lastTs: null, findings,
      devices: this.analyzer.devices, networks: this.analyzer.networks, calls: [], streams: [], plaintextSignaling: 0, tlsSipSessions: 0,
    });
  }

  private dropTotals(kernel: KernelStats[] = this.capture?.kernelStats() ?? []): SensorReadings['drops'] {
    return {
      kernel: kernel.reduce((n, k) => n + k.dropped, 0),
      interface: kernel.reduce((n, k) => n + k.ifDropped, 0),
      queue: this.queue.dropped,
    };
  }

  private checkDrops(): void {
    const now = Date.now();
    if (now - this.lastHealth.at < 60_000) return;
    const d = this.dropTotals();
    const drops = d.kernel + d.interface + d.queue;
    const packets = this.queue.enqueued + this.queue.dropped + d.kernel + d.interface;
    const minuteDrops = drops - this.lastHealth.drops;
    const minutePackets = packets - this.lastHealth.packets;
    this.lastHealth = { at: now, packets, drops };
    if (minuteDrops <= 0) return;
    if (now - this.lastDropLog >= DROP_LOG_INTERVAL_MS) {
      this.lastDropLog = now;
      this.log.warn({ drops: d, lastMinute: { drops: minuteDrops, packets: minutePackets } }, 'packets dropped before analysis');
    }
    const pct = minutePackets > 0 ? (minuteDrops / minutePackets) * 100 : 100;
    if (pct >= this.config.health.dropAlertPct) {
      this.analyzer.reportSensorFinding({
        rule: 'sensor_health', severity: 'medium', ts: now / 1000, deviceIp: '0.0.0.0', peerIp: null,
        summary: `the sensor dropped ${minuteDrops} of ${minutePackets} packets in a minute (${pct.toFixed(1)}%): findings may be missing`,
        evidence: { kernel_drops: d.kernel, interface_drops: d.interface, queue_drops: d.queue, minute_drop_pct: Math.round(pct * 10) / 10 },
      });
    }
  }

  private readings(): SensorReadings {
    const live = this.analyzer.liveCounts();
    const byRule = new Map<string, { rule: string; severity: string; count: number }>();
    for (const f of this.analyzer.currentFindings()) {
      const key = `${f.rule}|${f.severity}`;
      const e = byRule.get(key);
      if (e) e.count++; else byRule.set(key, { rule: f.rule, severity: f.severity, count: 1 });
    }
    const s = this.store?.stats();
    return {
      packets: this.queue.enqueued, bytes: live.bytes, drops: this.dropTotals(),
      queuePackets: this.queue.length, queueHighWater: this.queue.highWater,
      activeCalls: live.activeCalls, activeStreams: live.activeStreams, anomalies: live.anomalies,
      findings: [...byRule.values()],
      alerts: this.alerts ? { ...this.alerts.counts } : null,
      deliveries: this.alerts ? Object.entries(this.alerts.queueStats()).map(([destination, q]) => ({ destination, ...q })) : [],
      store: s ? { rowsWritten: s.rowsWritten, rowsBuffered: s.rowsBuffered, spoolBatches: s.spoolBatches, spoolBytes: s.spoolBytes, rowsDropped: s.rowsDropped, insertFailures: s.insertFailures } : null,
    };
  }

  private health(): Health {
    const capturing = this.capture !== null && !this.stopping;
    const queueFull = this.queue.length >= this.config.queue.maxPackets;
    return {
      ok: capturing && !queueFull,
      detail: {
        capturing, interfaces: this.config.interfaces, uptime_s: Math.round((Date.now() - this.startedAt) / 1000),
        queue: { packets: this.queue.length, max: this.config.queue.maxPackets }, drops: this.dropTotals(),
        store: this.store ? { where: this.store.where, spool_batches: this.store.stats().spoolBatches } : null,
        since: isoTime(this.startedAt / 1000),
      },
    };
  }
}
