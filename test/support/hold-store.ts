/** Holds an embedded store open until SIGTERM, as a long-running sensor would. argv: DATA_DIR */
import { openStoreConnection } from '../../src/store/clickhouse-connection.ts';
import { resolveStoreConfig } from '../../src/store/store-config.ts';

const connection = await openStoreConnection(resolveStoreConfig({ dataDir: process.argv[2] }, {}), 'sensor --interface mirror0');
process.stdout.write('ready\n');
process.on('SIGTERM', () => { void connection.close().then(() => process.exit(0)); });
setInterval(() => {}, 1_000);
