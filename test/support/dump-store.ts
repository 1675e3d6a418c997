/**
 * Prints every row of every voipwatch table of an embedded store as JSON lines
 * (`{"table": ..., "row": ...}`), so a test can search what was stored. argv: DATA_DIR
 */
import { createClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';

const client = createClient({ connection: createChdbConnection({ path: process.argv[2] }) as unknown as NonNullable<Parameters<typeof createClient>[0]>['connection'] });
const tables = await (await client.query({ query: "SELECT name FROM system.tables WHERE database = 'voipwatch' AND engine NOT LIKE '%View%'", format: 'JSONEachRow' })).json<{ name: string }>();
for (const { name } of tables) {
  const rows = await (await client.query({ query: 'SELECT * FROM {db:Identifier}.{t:Identifier}', query_params: { db: 'voipwatch', t: name }, format: 'JSONEachRow' })).json();
  for (const row of rows) process.stdout.write(JSON.stringify({ table: name, row }) + '\n');
}
await client.close();
