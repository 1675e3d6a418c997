/** `voipwatch analyze FILE...` */
import { parseArgs } from 'node:util';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { analyzeCaptures } from '../analyze.ts';
import { renderSummary } from '../report/terminal-summary.ts';
import { VoipwatchError } from '../errors.ts';
import { DEFAULT_INTERNAL_NETWORKS, NetworkClassifier } from '../net/networks.ts';
import { ProgressLine } from './progress-line.ts';
import { stderrLogger } from './cli-logger.ts';
import { StopSignal } from './stop-signal.ts';
import { defaultDataDir, resolveStoreConfig } from '../store/store-config.ts';
import { openStore, type Store } from '../store/store.ts';
import { callRows, deviceRow, findingRow, storeRecordSink, type RowContext } from '../store/rows.ts';
import type { AnalysisResult } from '../analyze.ts';
import { readConfigFile } from '../sensor/sensor-config.ts';
import { DEFAULT_ALERTS_CONFIG, parseAlertsConfig, type AlertsConfig } from '../../alerts/alerts-config.ts';
import { AlertPipeline, queueDirOf } from '../../alerts/alert-pipeline.ts';

export const ANALYZE_USAGE = `usage: voipwatch analyze [options] FILE...

options:
  --format text|json     output format (default: text; json prints the findings contract)
  --internal CIDR,...    internal networks (default: ${DEFAULT_INTERNAL_NETWORKS.join(',')})
  --no-store             do not write to the store
  --data-dir DIR         embedded store directory (default: $VOIPWATCH_DATA_DIR or ${defaultDataDir()})
  --clickhouse-url URL   write to a ClickHouse server instead (default: $VOIPWATCH_CLICKHOUSE_URL)
  --sip-messages         also store every SIP message (forensic log; SDES keys redacted)
  --config FILE          the YAML configuration; analyze uses its alerts: section (destinations, allowlist)
  --no-progress          no progress bar on stderr
  -h, --help             show this help
`;

export async function runAnalyze(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string', default: 'text' },
        internal: { type: 'string' },
        'no-store': { type: 'boolean', default: false },
        'data-dir': { type: 'string' },
        'clickhouse-url': { type: 'string' },
        'sip-messages': { type: 'boolean' },
        'no-progress': { type: 'boolean', default: false },
        config: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (cause) {
    throw new VoipwatchError('ERR_CLI_ARGS', `${(cause as Error).message}\n\n${ANALYZE_USAGE}`, { cause });
  }
  const { values, positionals } = parsed;
  if (values.help) { process.stdout.write(ANALYZE_USAGE); return 0; }
  if (values.format !== 'text' && values.format !== 'json') {
    throw new VoipwatchError('ERR_CLI_ARGS', `--format must be text or json, not ${JSON.stringify(values.format)}`);
  }
  if (positionals.length === 0) throw new VoipwatchError('ERR_CLI_ARGS', `no capture file given\n\n${ANALYZE_USAGE}`);

  let totalBytes = 0;
  for (const file of positionals) {
    try {
      const st = statSync(file);
      if (!st.isFile()) throw new VoipwatchError('ERR_CAPTURE_NOT_FILE', `${file} is not a file`);
      totalBytes += st.size;
    } catch (cause) {
      if (cause instanceof VoipwatchError) throw cause;
      throw new VoipwatchError('ERR_CAPTURE_NOT_FOUND', `cannot read ${file}: ${(cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (cause as Error).message}`, { cause });
    }
  }
  const internalNetworks = values.internal !== undefined ? values.internal.split(',') : undefined;
  if (internalNetworks) new NetworkClassifier(internalNetworks); // validates before any work

  const alertsConfig: AlertsConfig = values.config ? parseAlertsConfig(readConfigFile(values.config).alerts) : DEFAULT_ALERTS_CONFIG;
  const logger = stderrLogger();
  const store = values['no-store'] ? null : await openStore(
    resolveStoreConfig({ dataDir: values['data-dir'], url: values['clickhouse-url'], sipMessages: values['sip-messages'] }),
    // Batches cut by size only: the same capture gives the same batches, so a replay of it is deduplicated.
    { command: `analyze ${positionals.join(' ')}`.slice(0, 200), logger, flushByAge: false },
  );
  const rows: RowContext = { sensor: store?.config.sensor ?? '', site: store?.config.site ?? '', source: '' };

  const progress = !values['no-progress'] && process.stderr.isTTY ? new ProgressLine(process.stderr, totalBytes) : null;
  let doneBefore = 0;
  let currentTotal = 0;
  let result: AnalysisResult;
  const stop = new StopSignal();
  try {
    result = await analyzeCaptures(positionals, {
      internalNetworks,
      onProgress: progress ? (read, total) => {
        if (total !== currentTotal) { doneBefore += currentTotal; currentTotal = total; }
        progress.update(doneBefore + read);
      } : undefined,
      records: store ? storeRecordSink(store, rows) : undefined,
      onFileStart: (path) => { rows.source = resolve(path); },
      betweenChunks: store ? () => store.keepUp() : undefined,
      shouldStop: () => stop.requested,
    });
    if (stop.requested) process.stderr.write(`voipwatch: interrupted by ${stop.signal} after ${result.stats.packets} packets: the report covers what was read\n`);
    progress?.done();
    if (store) {
      rows.source = positionals.map((p) => resolve(p)).join(',');
      writeResult(store, result, rows);
    }
    if (store || alertsConfig.destinations.length > 0) await raiseAlerts(result, alertsConfig, store, rows, logger);
  } finally {
    const stats = await store?.close();
    stop.dispose();
    if (store && stats) {
      const spooled = stats.spoolBatches > 0 ? `; ${stats.spoolBatches} batches wait in the spool ${store.config.spoolDir}` : '';
      process.stderr.write(`voipwatch: stored ${stats.rowsWritten} rows in ${store.mode === 'embedded' ? `the embedded store ${store.where}` : store.where}${spooled}\n`);
    }
  }

  if (values.format === 'json') process.stdout.write(JSON.stringify(result.report, null, 2) + '\n');
  else process.stdout.write(renderSummary(result.report, { color: process.stdout.isTTY === true && !process.env.NO_COLOR }));
  return stop.exitCode;
}

/** The lifecycle over the final findings: alert rows in the store, fired alerts to the destinations. */
async function raiseAlerts(result: AnalysisResult, config: AlertsConfig, store: Store | null, rows: RowContext, logger: ReturnType<typeof stderrLogger>): Promise<void> {
  const pipeline = await AlertPipeline.open({
    config, sensor: rows.sensor || 'default', site: rows.site || 'default', store,
    defaultQueueDir: queueDirOf(config, store?.config.dataDir ?? resolveStoreConfig().dataDir), log: logger,
  });
  const fired = pipeline.observe(result.report.findings, Date.now() / 1000);
  const { pending } = await pipeline.close(config.flushTimeoutSec * 1000);
  if (config.destinations.length === 0) return;
  const delivered = [...pipeline.deliveries.values()].reduce((n, d) => n + d.delivered, 0);
  process.stderr.write(`voipwatch: ${fired.length} alerts fired, ${delivered} deliveries made${pending > 0 ? `; ${pending} wait in ${pipeline.outboxDir} for the next run or the sensor` : ''}\n`);
}

function writeResult(store: Store, result: AnalysisResult, ctx: RowContext): void {
  for (const f of result.report.findings) store.write('findings', findingRow(f, ctx));
  for (const c of result.report.calls) {
    const { call, streams } = callRows(c, ctx);
    store.write('calls', call);
    for (const s of streams) store.write('rtp_streams', s);
  }
  for (const d of result.inventory) store.write('devices', deviceRow(d, ctx));
}
