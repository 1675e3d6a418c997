import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { bootstrapStatements, migrations, migrationsTable, LATEST_SCHEMA_VERSION, DEDUP_WINDOW, type SchemaLayout } from '../src/store/schema.ts';
import { embeddedClickHouse } from './support/embedded-clickhouse.ts';
import { applyMigrations, migrationStatus } from '../src/store/migrate.ts';
import { resolveStoreConfig } from '../src/store/store-config.ts';

const TTL = resolveStoreConfig({}, {}).ttlDays;
const single: SchemaLayout = { database: 'voipwatch', cluster: null, ttlDays: TTL };
const cluster: SchemaLayout = { database: 'voipwatch', cluster: 'voip', ttlDays: TTL };
const all = (layout: SchemaLayout) => [...bootstrapStatements(layout), ...migrations(layout).flatMap((m) => m.statements)];
const creates = (layout: SchemaLayout, kind: 'TABLE' | 'MATERIALIZED VIEW') => all(layout).filter((s) => s.startsWith(`CREATE ${kind}`));
const nameOf = (sql: string) => /`voipwatch`\.`([a-z_]+)`/.exec(sql)?.[1] ?? '';

const EVENT_TABLES = ['calls', 'rtp_streams', 'tls_sessions', 'http_logins', 'sip_messages'];
const STATE_TABLES = ['findings', 'devices'];
/** Alert state per sensor, and people's decisions (acknowledgements, allowlist, audit), which span sensors. */
const ALERT_TABLES = ['alerts', 'alert_deliveries'];
const DECISION_TABLES = ['alert_acks', 'allowlist', 'audit_log', 'api_tokens', 'users', 'weekly_reports'];

const ddl = suite('schema DDL (single node)');

ddl('creates every table the sensor writes, plus the rollup and the migrations log', () => {
  const names = creates(single, 'TABLE').map(nameOf).sort();
  assert.equal(names, [...EVENT_TABLES, ...STATE_TABLES, ...ALERT_TABLES, ...DECISION_TABLES, 'coverage_daily', 'schema_migrations'].sort());
});

ddl('partitions event tables by month and sets each table\'s TTL from the configuration', () => {
  for (const sql of creates(single, 'TABLE')) {
    const name = nameOf(sql);
    if (!EVENT_TABLES.includes(name)) continue;
    assert.match(sql, name === 'sip_messages' ? /PARTITION BY toYYYYMMDD\(ts\)/ : /PARTITION BY toYYYYMM\(/, name);
    assert.match(sql, new RegExp(`TTL toDateTime\\(\\w+\\) \\+ INTERVAL ${TTL[name as keyof typeof TTL]} DAY`), name);
    assert.match(sql, /ENGINE = MergeTree\(\)/, name);
  }
});

ddl('keeps the latest state of findings and devices with ReplacingMergeTree on last_seen', () => {
  for (const sql of creates(single, 'TABLE').filter((s) => STATE_TABLES.includes(nameOf(s)))) {
    assert.match(sql, /ENGINE = ReplacingMergeTree\(last_seen\)/);
  }
  const devices = creates(single, 'TABLE').find((s) => nameOf(s) === 'devices') as string;
  assert.not.match(devices, /PARTITION BY/, 'one device identity must not be split across partitions');
  assert.match(devices, /ORDER BY \(sensor, ip\)/);
});

ddl('gives every single-node table an insert deduplication window', () => {
  for (const sql of creates(single, 'TABLE')) assert.match(sql, new RegExp(`non_replicated_deduplication_window = ${DEDUP_WINDOW}`), nameOf(sql));
});

ddl('uses DateTime64(3, UTC) timestamps, IPv6 addresses and a sensor and site on every data table', () => {
  for (const sql of creates(single, 'TABLE').filter((s) => nameOf(s) !== 'schema_migrations')) {
    assert.not.match(sql, /DateTime64\(3\)(?!,)/, nameOf(sql));
    if (DECISION_TABLES.includes(nameOf(sql))) continue;
    assert.match(sql, /sensor LowCardinality\(String\)/, nameOf(sql));
    if (nameOf(sql) !== 'alert_deliveries') assert.match(sql, /site LowCardinality\(String\)/, nameOf(sql));
  }
  const streams = creates(single, 'TABLE').find((s) => nameOf(s) === 'rtp_streams') as string;
  assert.match(streams, /src_ip IPv6/);
  assert.match(streams, /start DateTime64\(3, 'UTC'\)/);
});

ddl('stores no password column and redacted SDES only', () => {
  const text = all(single).join('\n');
  assert.not.match(text, /password|secret|\bkey String/i);
  assert.match(creates(single, 'TABLE').find((s) => nameOf(s) === 'sip_messages') as string, /sdp_crypto Array\(String\)/);
});

ddl('omits the TTL clause of a table kept forever', () => {
  const forever: SchemaLayout = { ...single, ttlDays: { ...TTL, calls: 0 } };
  const calls = creates(forever, 'TABLE').find((s) => nameOf(s) === 'calls') as string;
  assert.not.match(calls, /TTL/);
});

ddl('numbers migrations from 1 without gaps up to the latest version', () => {
  assert.equal(migrations(single).map((m) => m.version), Array.from({ length: LATEST_SCHEMA_VERSION }, (_, i) => i + 1));
});

ddl.run();

const clustered = suite('schema DDL (cluster)');

clustered('runs every statement ON CLUSTER', () => {
  for (const sql of all(cluster)) assert.match(sql, /ON CLUSTER `voip`/, sql.slice(0, 80));
});

clustered('puts Replicated engines on per-shard local tables and a Distributed table over each', () => {
  const tables = creates(cluster, 'TABLE');
  for (const name of [...EVENT_TABLES, ...STATE_TABLES, 'coverage_daily']) {
    const local = tables.find((s) => s.includes(`\`${name}_local\` ON CLUSTER`)) as string;
    assert.ok(local, `${name}_local`);
    assert.match(local, new RegExp(`ENGINE = Replicated\\w*MergeTree\\('/clickhouse/tables/\\{shard\\}/\\{database\\}/${name}_local', '\\{replica\\}'`));
    const dist = tables.find((s) => s.includes(`\`${name}\` ON CLUSTER`)) as string;
    assert.ok(dist, name);
    assert.match(dist, new RegExp(`AS \`voipwatch\`\\.\`${name}_local\``));
    assert.match(dist, new RegExp(`ENGINE = Distributed\\(\`voip\`, \`voipwatch\`, \`${name}_local\`, cityHash64\\(`));
  }
});

clustered('routes one finding or device identity to one shard so replacing works', () => {
  const tables = creates(cluster, 'TABLE');
  assert.match(tables.find((s) => s.includes('`findings` ON CLUSTER')) as string, /cityHash64\(sensor, id\)\)/);
  assert.match(tables.find((s) => s.includes('`devices` ON CLUSTER')) as string, /cityHash64\(sensor, ip\)\)/);
  assert.match(tables.find((s) => s.includes('`findings_local`')) as string, /ReplicatedReplacingMergeTree\('[^']+', '\{replica\}', last_seen\)/);
});

clustered('keeps one migrations log for the whole cluster, with no Distributed table', () => {
  const log = creates(cluster, 'TABLE').filter((s) => s.includes('schema_migrations'));
  assert.is(log.length, 1);
  assert.match(log[0], /'\/clickhouse\/tables\/all\/\{database\}\/schema_migrations_local'/);
  assert.is(migrationsTable(cluster), '`voipwatch`.`schema_migrations_local`');
});

clustered('feeds each shard\'s rollup from its own local rows', () => {
  for (const mv of creates(cluster, 'MATERIALIZED VIEW')) {
    assert.match(mv, /TO `voipwatch`\.`coverage_daily_local`/);
    assert.match(mv, /FROM `voipwatch`\.`(rtp_streams|calls)_local`/);
  }
});

clustered('creates no single-node dedup setting (Replicated tables deduplicate by default)', () => {
  for (const sql of all(cluster)) assert.not.match(sql, /non_replicated_deduplication_window/);
});

clustered.run();

const applied = suite('migrations on the embedded engine');

applied('applies every migration once and is idempotent', async () => {
  const client = embeddedClickHouse();
  const layout: SchemaLayout = { ...single, database: 'schema_idempotent' };
  assert.equal(await applyMigrations(client, layout), [1, 2, 3, 4, 5]);
  assert.equal(await applyMigrations(client, layout), []);
  const status = await migrationStatus(client, layout);
  assert.equal(status.applied.map((a) => a.version), [1, 2, 3, 4, 5]);
  assert.equal(status.pending, []);
});

applied('rolls up daily coverage when streams and calls are inserted', async () => {
  const client = embeddedClickHouse();
  const layout: SchemaLayout = { ...single, database: 'schema_rollup' };
  await applyMigrations(client, layout);
  const stream = (encrypted: boolean | null) => ({ sensor: 's', site: 'lab', source: 'x', call_id: 'c', src_ip: '10.0.0.1', src_port: 4000, dst_ip: '10.0.0.2', dst_port: 4002, ssrc: 1, codec: 'PCMU', packets: 1, lost: 0, jitter_ms: 0, encrypted, classified_by: 'sdp', start: '2026-11-23 10:00:00.000', end: '2026-11-23 10:01:00.000' });
  await client.insert({ table: 'schema_rollup.rtp_streams', values: [stream(true), stream(false), stream(null)], format: 'JSONEachRow' });
  const call = (signaling: string, media: string) => ({ sensor: 's', site: 'lab', source: 'x', call_key: `${signaling}${media}`, call_id: `${signaling}${media}`, from_uri: '', to_uri: '', caller_ip: '10.0.0.1', callee_ip: '10.0.0.2', signaling, media, start: '2026-11-23 10:00:00.000', end: '2026-11-23 10:01:00.000', streams: 2, encrypted_streams: 0 });
  await client.insert({ table: 'schema_rollup.calls', values: [call('tls', 'srtp-sdes'), call('udp', 'rtp'), call('udp', 'srtp-sdes-exposed')], format: 'JSONEachRow' });
  const rs = await client.query({ query: 'SELECT sum(streams) s, sum(streams_encrypted) e, sum(streams_unknown) u, sum(calls) c, sum(calls_tls_signaling) t, sum(calls_encrypted_media) m FROM schema_rollup.coverage_daily WHERE day = {day:Date}', query_params: { day: '2026-11-23' }, format: 'JSONEachRow' });
  const [r] = await rs.json<Record<string, string | number>>();
  assert.equal(Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Number(v)])), { s: 3, e: 1, u: 1, c: 3, t: 1, m: 1 });
});

applied.run();
