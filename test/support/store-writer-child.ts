/**
 * A long-running writer for the SIGTERM test: writes numbered rows until told to stop,
 * then closes the store the way the commands do and reports how many rows it accepted.
 * argv: URL DATABASE SPOOL_DIR
 */
import { openStore } from '../../src/store/store.ts';
import { resolveStoreConfig } from '../../src/store/store-config.ts';
import { StopSignal } from '../../src/cli/stop-signal.ts';

const [url, database, spoolDir] = process.argv.slice(2);
const stop = new StopSignal();
const store = await openStore(resolveStoreConfig({ url, dataDir: spoolDir }, {
  VOIPWATCH_CLICKHOUSE_DATABASE: database, VOIPWATCH_SPOOL_DIR: spoolDir,
  VOIPWATCH_BATCH_ROWS: '50', VOIPWATCH_BATCH_AGE_MS: '50', VOIPWATCH_CLICKHOUSE_TIMEOUT_MS: '400',
}), { command: 'test writer', logger: { info: () => {}, warn: () => {} }, flushByAge: true });

let accepted = 0;
while (!stop.requested) {
  for (let i = 0; i < 20; i++) {
    store.write('tls_sessions', {
      sensor: 'test', site: 'lab', source: 'sigterm', ts: '2026-11-23 10:00:00.000', client_ip: '10.20.0.21', client_port: accepted++,
      server_ip: '10.20.0.2', server_port: 443, sni: '', version: 'TLS 1.2', cipher_suite: '', offered_versions: [], dtls: false,
    });
  }
  await new Promise((r) => setTimeout(r, 5));
}
const stats = await store.close();
process.stdout.write(JSON.stringify({ accepted, written: stats.rowsWritten, spooled: stats.spoolBatches }) + '\n');
process.exit(stop.exitCode);
