/**
 * The ClickHouse schema, as versioned migrations generated for one of two layouts:
 *
 * - single node (the embedded engine or one server): MergeTree-family tables named after
 *   what they hold;
 * - cluster (`clickhouse.cluster`): every DDL runs ON CLUSTER; each table is a
 *   Replicated*MergeTree `<name>_local` on every shard plus a Distributed `<name>` over
 *   them, so sensors write to and dashboards read from the same names in both layouts.
 *
 * Design: timestamps are DateTime64(3, 'UTC'); addresses are IPv6 (IPv4 stored mapped, so
 * one column and one index serve both); repeated short strings are LowCardinality; every row
 * carries sensor and site. Event tables are partitioned by month and ordered for the
 * dashboard's "this sensor, this time range" scans; state tables (findings, devices) are
 * ReplacingMergeTree keyed by identity so the latest state wins. Batches carry an insert
 * deduplication token; `non_replicated_deduplication_window` gives single-node tables the
 * same protection Replicated tables have by default, so a retried batch is stored once.
 * A materialized view keeps daily encryption-coverage sums, so the weekly report reads a
 * few rows per day instead of every stream.
 *
 * Identifiers (database, cluster) cannot be bound as query parameters inside ON CLUSTER and
 * engine arguments, so they enter the DDL text only after validation against a plain
 * identifier pattern (store-config.ts); TTL days are validated integers. No row value ever
 * enters SQL text: rows travel as JSONEachRow bodies, queries use {name:Type} parameters.
 */
import type { StoredTable } from './store-config.ts';

export interface SchemaLayout {
  database: string;
  /** null: single node */
  cluster: string | null;
  ttlDays: Readonly<Record<StoredTable, number>>;
}

export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

/** Block hashes remembered per single-node table for insert deduplication. */
export const DEDUP_WINDOW = 10_000;

type Engine = 'MergeTree' | 'ReplacingMergeTree' | 'SummingMergeTree';

interface TableSpec {
  name: string;
  columns: string[];
  engine: Engine;
  /** ReplacingMergeTree version column */
  version?: string;
  partitionBy: string | null;
  orderBy: string;
  /** DateTime expression the TTL counts from, and whose setting gives the days */
  ttl: { column: string; days: number } | null;
  /** Distributed sharding key: rows of one identity must land on one shard */
  shardingKey: string;
  indexes?: string[];
}

const SITE = ['sensor LowCardinality(String)', 'site LowCardinality(String)', 'source LowCardinality(String)'];
const TS = "DateTime64(3, 'UTC')";

function tableSpecs(ttl: Readonly<Record<StoredTable, number>>): TableSpec[] {
  return [
    {
      name: 'findings',
      columns: [...SITE,
        'id String', 'rule LowCardinality(String)',
        "severity Enum8('low' = 1, 'medium' = 2, 'high' = 3, 'critical' = 4)",
        'device_ip IPv6', 'device_mac String', 'device_vendor LowCardinality(String)', 'device_model LowCardinality(String)',
        'device_firmware LowCardinality(String)', 'device_user_agent String',
        'peer_ip Nullable(IPv6)', 'peer_internal Bool',
        `first_seen ${TS}`, `last_seen ${TS}`, 'count UInt64', 'summary String', 'evidence String'],
      engine: 'ReplacingMergeTree', version: 'last_seen',
      partitionBy: 'toYYYYMM(first_seen)',
      orderBy: '(sensor, rule, device_ip, id, source)',
      ttl: { column: 'last_seen', days: ttl.findings },
      shardingKey: 'cityHash64(sensor, id)',
    },
    {
      name: 'calls',
      columns: [...SITE,
        'call_key String', 'call_id String', 'from_uri String', 'to_uri String', 'caller_ip IPv6', 'callee_ip IPv6',
        'signaling LowCardinality(String)', 'media LowCardinality(String)', `start ${TS}`, `end ${TS}`,
        'streams UInt16', 'encrypted_streams UInt16'],
      engine: 'MergeTree',
      partitionBy: 'toYYYYMM(start)',
      orderBy: '(sensor, start, call_key)',
      ttl: { column: 'start', days: ttl.calls },
      shardingKey: 'cityHash64(sensor, call_key)',
      indexes: ['INDEX call_id_bloom call_id TYPE bloom_filter(0.01) GRANULARITY 4'],
    },
    {
      name: 'rtp_streams',
      columns: [...SITE,
        'call_id String', 'src_ip IPv6', 'src_port UInt16', 'dst_ip IPv6', 'dst_port UInt16', 'ssrc UInt32',
        'codec LowCardinality(String)', 'packets UInt64', 'lost Int64', 'jitter_ms Float32',
        'encrypted Nullable(Bool)', 'classified_by LowCardinality(String)', `start ${TS}`, `end ${TS}`],
      engine: 'MergeTree',
      partitionBy: 'toYYYYMM(start)',
      orderBy: '(sensor, start, src_ip, dst_ip)',
      ttl: { column: 'start', days: ttl.rtp_streams },
      shardingKey: 'cityHash64(sensor, src_ip, src_port)',
    },
    {
      name: 'devices',
      columns: ['sensor LowCardinality(String)', 'site LowCardinality(String)', 'source LowCardinality(String)',
        'ip IPv6', 'mac String', 'vendor LowCardinality(String)', 'model LowCardinality(String)',
        'firmware LowCardinality(String)', 'user_agent String', 'server String',
        'roles Array(LowCardinality(String))', 'sip_users Array(String)',
        'signaling Array(LowCardinality(String))', 'media Array(LowCardinality(String))',
        `first_seen ${TS}`, `last_seen ${TS}`],
      engine: 'ReplacingMergeTree', version: 'last_seen',
      // One identity must stay in one part set: no partition, so replacing always applies.
      partitionBy: null,
      orderBy: '(sensor, ip)',
      ttl: { column: 'last_seen', days: ttl.devices },
      shardingKey: 'cityHash64(sensor, ip)',
    },
    {
      name: 'tls_sessions',
      columns: [...SITE,
        `ts ${TS}`, 'client_ip IPv6', 'client_port UInt16', 'server_ip IPv6', 'server_port UInt16', 'sni String',
        'version LowCardinality(String)', 'cipher_suite LowCardinality(String)',
        'offered_versions Array(LowCardinality(String))', 'dtls Bool'],
      engine: 'MergeTree',
      partitionBy: 'toYYYYMM(ts)',
      orderBy: '(sensor, ts, server_ip)',
      ttl: { column: 'ts', days: ttl.tls_sessions },
      shardingKey: 'cityHash64(sensor, server_ip)',
    },
    {
      name: 'http_logins',
      // Never a password: the scheme, the user name, the form field's name and the outcome.
      columns: [...SITE,
        `ts ${TS}`, 'client_ip IPv6', 'client_port UInt16', 'server_ip IPv6', 'server_port UInt16',
        'method LowCardinality(String)', 'path String', 'scheme LowCardinality(String)', 'username String',
        'field LowCardinality(String)', 'result LowCardinality(String)', 'status UInt16', 'server_header String'],
      engine: 'MergeTree',
      partitionBy: 'toYYYYMM(ts)',
      orderBy: '(sensor, ts, server_ip)',
      ttl: { column: 'ts', days: ttl.http_logins },
      shardingKey: 'cityHash64(sensor, server_ip)',
    },
    {
      name: 'sip_messages',
      // Forensic search by Call-ID and user; SDES keys are stored as `<redacted>`.
      columns: [...SITE,
        `ts ${TS}`, 'transport LowCardinality(String)', 'src_ip IPv6', 'src_port UInt16', 'dst_ip IPv6', 'dst_port UInt16',
        'call_id String', 'is_request Bool', 'method LowCardinality(String)', 'status UInt16', 'cseq_method LowCardinality(String)',
        'request_uri String', 'from_uri String', 'to_uri String', 'from_user String', 'to_user String',
        'auth_user String', 'user_agent String', 'has_sdp Bool', 'sdp_crypto Array(String)'],
      engine: 'MergeTree',
      partitionBy: 'toYYYYMMDD(ts)',
      orderBy: '(sensor, call_id, ts)',
      ttl: { column: 'ts', days: ttl.sip_messages },
      shardingKey: 'cityHash64(sensor, call_id)',
      indexes: [
        'INDEX from_user_bloom from_user TYPE bloom_filter(0.01) GRANULARITY 4',
        'INDEX to_user_bloom to_user TYPE bloom_filter(0.01) GRANULARITY 4',
        'INDEX ts_minmax ts TYPE minmax GRANULARITY 1',
      ],
    },
  ];
}

const COVERAGE: TableSpec = {
  name: 'coverage_daily',
  columns: ['sensor LowCardinality(String)', 'site LowCardinality(String)', 'day Date',
    'streams UInt64', 'streams_encrypted UInt64', 'streams_unknown UInt64',
    'calls UInt64', 'calls_tls_signaling UInt64', 'calls_encrypted_media UInt64'],
  engine: 'SummingMergeTree',
  partitionBy: 'toYYYYMM(day)',
  orderBy: '(sensor, site, day)',
  ttl: { column: 'day', days: 730 },
  shardingKey: 'cityHash64(sensor, site)',
};

/**
 * The alert side: one state row per alert (latest wins), the decisions people make about
 * alerts (acknowledgements, allowlist entries: latest version wins, removal is a row with
 * `deleted`), the audit trail of those decisions, and one row per delivery attempt.
 */
function alertTableSpecs(ttl: Readonly<Record<StoredTable, number>>): TableSpec[] {
  const severity = "Enum8('low' = 1, 'medium' = 2, 'high' = 3, 'critical' = 4)";
  return [
    {
      name: 'alerts',
      columns: ['sensor LowCardinality(String)', 'site LowCardinality(String)',
        'alert_id String', 'rule LowCardinality(String)', `severity ${severity}`,
        "status Enum8('open' = 1, 'acknowledged' = 2, 'suppressed' = 3)", 'suppressed_by String',
        'device_ip IPv6', 'peer_ip Nullable(IPv6)', `first_seen ${TS}`, `last_seen ${TS}`, 'count UInt64',
        "fired_severity LowCardinality(String)", 'fire_count UInt32', `last_fired ${TS}`, 'last_event_id String', 'summary String', 'evidence String', 'finding String',
        `updated_at ${TS}`],
      engine: 'ReplacingMergeTree', version: 'updated_at',
      partitionBy: null,
      orderBy: '(sensor, alert_id)',
      ttl: { column: 'last_seen', days: ttl.alerts },
      shardingKey: 'cityHash64(sensor, alert_id)',
      indexes: ['INDEX rule_set rule TYPE set(64) GRANULARITY 4'],
    },
    {
      name: 'alert_acks',
      columns: ['alert_id String', `severity ${severity}`, 'actor String', 'reason String', `acked_at ${TS}`,
        'deleted UInt8', `updated_at ${TS}`],
      engine: 'ReplacingMergeTree', version: 'updated_at',
      partitionBy: null,
      orderBy: 'alert_id',
      ttl: { column: 'updated_at', days: ttl.alert_acks },
      shardingKey: 'cityHash64(alert_id)',
    },
    {
      name: 'allowlist',
      columns: ['entry_id String', 'rule LowCardinality(String)', 'cidr String', 'device_ip String', 'sip_user String',
        'reason String', 'actor String', `created_at ${TS}`, `expires_at Nullable(${TS})`, 'deleted UInt8', `updated_at ${TS}`],
      engine: 'ReplacingMergeTree', version: 'updated_at',
      partitionBy: null,
      orderBy: 'entry_id',
      ttl: { column: 'updated_at', days: ttl.allowlist },
      shardingKey: 'cityHash64(entry_id)',
    },
    {
      name: 'audit_log',
      columns: [`ts ${TS}`, 'actor String', 'action LowCardinality(String)', 'object_type LowCardinality(String)',
        'object_id String', 'reason String', 'detail String'],
      engine: 'MergeTree',
      partitionBy: 'toYYYYMM(ts)',
      orderBy: '(ts, object_id)',
      ttl: { column: 'ts', days: ttl.audit_log },
      shardingKey: 'cityHash64(object_id)',
    },
    {
      name: 'alert_deliveries',
      columns: ['sensor LowCardinality(String)', `ts ${TS}`, 'destination LowCardinality(String)', 'event_id String', 'alert_id String',
        'rule LowCardinality(String)', `severity ${severity}`, 'attempt UInt16',
        "outcome Enum8('delivered' = 1, 'retry' = 2, 'rejected' = 3, 'dead-letter' = 4)",
        'status Nullable(UInt16)', 'latency_ms Float32', 'error String'],
      engine: 'MergeTree',
      partitionBy: 'toYYYYMM(ts)',
      orderBy: '(sensor, destination, ts)',
      ttl: { column: 'ts', days: ttl.alert_deliveries },
      shardingKey: 'cityHash64(sensor, event_id)',
    },
  ];
}

/**
 * Who may use the API and dashboard: API tokens (only a SHA-256 of the secret part is kept)
 * and dashboard users (only a scrypt hash). Latest version wins; revoking is a new row.
 */
function accessTableSpecs(ttl: Readonly<Record<StoredTable, number>>): TableSpec[] {
  const scope = "Enum8('read' = 1, 'write' = 2)";
  return [
    {
      name: 'api_tokens',
      columns: ['token_id String', 'name String', `scope ${scope}`, 'token_sha256 String', 'actor String', `created_at ${TS}`,
        'revoked UInt8', `updated_at ${TS}`],
      engine: 'ReplacingMergeTree', version: 'updated_at', partitionBy: null, orderBy: 'token_id',
      ttl: { column: 'updated_at', days: ttl.api_tokens }, shardingKey: 'cityHash64(token_id)',
    },
    {
      name: 'users',
      columns: ['name String', `scope ${scope}`, 'scrypt_hash String', 'actor String', `created_at ${TS}`, 'disabled UInt8', `updated_at ${TS}`],
      engine: 'ReplacingMergeTree', version: 'updated_at', partitionBy: null, orderBy: 'name',
      ttl: { column: 'updated_at', days: ttl.users }, shardingKey: 'cityHash64(name)',
    },
  ];
}

/** Every weekly report as generated (JSON and HTML), so last quarter's figures stay as they were sent. */
const WEEKLY_REPORTS = (ttl: Readonly<Record<StoredTable, number>>): TableSpec => ({
  name: 'weekly_reports',
  columns: ['week LowCardinality(String)', 'time_zone LowCardinality(String)', 'scope_sensor String', 'scope_site String', `generated_at ${TS}`,
    'report String', 'html String'],
  engine: 'ReplacingMergeTree', version: 'generated_at', partitionBy: null, orderBy: '(week, time_zone, scope_sensor, scope_site)',
  ttl: { column: 'generated_at', days: ttl.weekly_reports }, shardingKey: 'cityHash64(week)',
});

const MIGRATIONS_TABLE: TableSpec = {
  name: 'schema_migrations',
  columns: ['version UInt32', 'name String', `applied_at ${TS}`],
  engine: 'ReplacingMergeTree', version: 'applied_at',
  partitionBy: null,
  orderBy: 'version',
  ttl: null,
  shardingKey: 'version',
};

const q = (id: string): string => `\`${id}\``;

/** The table a writer inserts into and a query reads from (Distributed in cluster mode). */
export const tableRef = (layout: SchemaLayout, name: string): string => `${q(layout.database)}.${q(name)}`;

const localName = (layout: SchemaLayout, name: string): string => (layout.cluster ? `${name}_local` : name);
const onCluster = (layout: SchemaLayout): string => (layout.cluster ? ` ON CLUSTER ${q(layout.cluster)}` : '');

function engineClause(layout: SchemaLayout, spec: TableSpec, replicationPath: string): string {
  const args = spec.version ? spec.version : '';
  if (!layout.cluster) return `${spec.engine}(${args})`;
  const path = `'${replicationPath}', '{replica}'`;
  return `Replicated${spec.engine}(${path}${args ? `, ${args}` : ''})`;
}

function createTable(layout: SchemaLayout, spec: TableSpec, opts: { replicatedAcrossShards?: boolean } = {}): string[] {
  const local = localName(layout, spec.name);
  // Each shard replicates its own part of the data; the migrations log is one group for all.
  const path = opts.replicatedAcrossShards
    ? `/clickhouse/tables/all/{database}/${local}`
    : `/clickhouse/tables/{shard}/{database}/${local}`;
  const body = [...spec.columns, ...(spec.indexes ?? [])].map((c) => `  ${c}`).join(',\n');
  const clauses = [`ENGINE = ${engineClause(layout, spec, path)}`];
  if (spec.partitionBy) clauses.push(`PARTITION BY ${spec.partitionBy}`);
  clauses.push(`ORDER BY ${spec.orderBy}`);
  if (spec.ttl && spec.ttl.days > 0) clauses.push(`TTL toDateTime(${spec.ttl.column}) + INTERVAL ${Math.trunc(spec.ttl.days)} DAY`);
  if (!layout.cluster) clauses.push(`SETTINGS non_replicated_deduplication_window = ${DEDUP_WINDOW}`);
  const statements = [`CREATE TABLE IF NOT EXISTS ${tableRef(layout, local)}${onCluster(layout)}\n(\n${body}\n)\n${clauses.join('\n')}`];
  if (layout.cluster && !opts.replicatedAcrossShards) {
    statements.push(`CREATE TABLE IF NOT EXISTS ${tableRef(layout, spec.name)}${onCluster(layout)} AS ${tableRef(layout, local)}\n`
      + `ENGINE = Distributed(${q(layout.cluster)}, ${q(layout.database)}, ${q(local)}, ${spec.shardingKey})`);
  }
  return statements;
}

/** The migrations log comes first and outside the versioned list: it records them. */
export function bootstrapStatements(layout: SchemaLayout): string[] {
  return [
    `CREATE DATABASE IF NOT EXISTS ${q(layout.database)}${onCluster(layout)}`,
    ...createTable(layout, MIGRATIONS_TABLE, { replicatedAcrossShards: true }),
  ];
}

/** Where the migrations log is read and written (the local table in both layouts). */
export const migrationsTable = (layout: SchemaLayout): string => tableRef(layout, localName(layout, MIGRATIONS_TABLE.name));

export function migrations(layout: SchemaLayout): Migration[] {
  const specs = tableSpecs(layout.ttlDays);
  // The views read each shard's local rows and sum into its local rollup.
  const src = (name: string) => tableRef(layout, localName(layout, name));
  const rollup = tableRef(layout, localName(layout, COVERAGE.name));
  return [
    {
      version: 1,
      name: 'findings, calls, rtp_streams, devices, tls_sessions, http_logins, sip_messages',
      statements: specs.flatMap((s) => createTable(layout, s)),
    },
    {
      version: 2,
      name: 'coverage_daily rollup and its materialized views',
      statements: [
        ...createTable(layout, COVERAGE),
        `CREATE MATERIALIZED VIEW IF NOT EXISTS ${tableRef(layout, localName(layout, 'coverage_from_streams_mv'))}${onCluster(layout)} TO ${rollup}\n`
        + 'AS SELECT sensor, site, toDate(start) AS day, count() AS streams,\n'
        + '  countIf(encrypted = true) AS streams_encrypted, countIf(isNull(encrypted)) AS streams_unknown\n'
        + `FROM ${src('rtp_streams')} GROUP BY sensor, site, day`,
        `CREATE MATERIALIZED VIEW IF NOT EXISTS ${tableRef(layout, localName(layout, 'coverage_from_calls_mv'))}${onCluster(layout)} TO ${rollup}\n`
        + 'AS SELECT sensor, site, toDate(start) AS day, count() AS calls,\n'
        + "  countIf(signaling IN ('tls', 'wss')) AS calls_tls_signaling,\n"
        + "  countIf(media IN ('srtp-sdes', 'srtp-dtls', 'zrtp', 'srtp-unknown')) AS calls_encrypted_media\n"
        + `FROM ${src('calls')} WHERE call_id != '' GROUP BY sensor, site, day`,
      ],
    },
    {
      version: 3,
      name: 'alerts, alert_acks, allowlist, audit_log, alert_deliveries',
      statements: alertTableSpecs(layout.ttlDays).flatMap((s) => createTable(layout, s)),
    },
    {
      version: 4,
      name: 'api_tokens, users',
      statements: accessTableSpecs(layout.ttlDays).flatMap((s) => createTable(layout, s)),
    },
    {
      version: 5,
      name: 'weekly_reports',
      statements: createTable(layout, WEEKLY_REPORTS(layout.ttlDays)),
    },
  ];
}

export const LATEST_SCHEMA_VERSION = 5;
