/**
 * `voipwatch alerts ...`: check a destination, and the decisions security teams make about
 * alerts (acknowledge, allowlist), each recorded in the store's audit log. In embedded mode
 * the process that owns the store (a running sensor) must be stopped first, or the command
 * fails naming it; against a ClickHouse server they work beside a running sensor, which
 * reads the decisions at its next snapshot.
 */
import { parseArgs } from 'node:util';
import { userInfo } from 'node:os';
import { VoipwatchError } from '../errors.ts';
import { defaultDataDir, resolveStoreConfig } from '../store/store-config.ts';
import { openStore, type Store } from '../store/store.ts';
import { readConfigFile } from '../sensor/sensor-config.ts';
import { parseAlertsConfig, type AlertsConfig } from '../../alerts/alerts-config.ts';
import { makeAllowlistEntry, parseExpiry } from '../../alerts/allowlist.ts';
import {
  loadAcknowledgements, loadAllowlist, loadAudit, removeAcknowledgement, removeAllowlistEntry, saveAcknowledgement, saveAllowlistEntry,
} from '../../alerts/alert-store.ts';
import { tableRef } from '../store/schema.ts';
import { createSender } from '../../alerts/delivery/senders.ts';
import { Outbox } from '../../alerts/delivery/outbox.ts';
import { queueDirOf } from '../../alerts/alert-pipeline.ts';
import { ALERT_SCHEMA, type AlertEvent } from '../../alerts/alert-event.ts';
import { stderrLogger } from './cli-logger.ts';
import type { Severity } from '../../alerts/finding-store.ts';

export const ALERTS_USAGE = `usage: voipwatch alerts <action> [options]

actions:
  test --destination NAME     send a sample alert to one configured destination and print the answer
  list [--status S]           alerts in the store (S: open, acknowledged, suppressed)
  ack ALERT_ID --reason TEXT  acknowledge an alert (it fires again only if its severity rises)
  reopen ALERT_ID --reason T  take an acknowledgement back
  allow --reason TEXT --expires WHEN [--rule R] [--cidr C] [--device IP] [--sip-user U]
                              add an allowlist entry (WHEN: 30d, 12h, 2027-03-31, never)
  allowlist                   the allowlist entries in force
  unallow ENTRY_ID --reason T remove an allowlist entry
  audit                       who decided what, newest first
  dead-letters --destination NAME [--redrive]
                              alerts a destination gave up on; --redrive queues them again

options:
  --config FILE          YAML configuration (destinations, queue directory)
  --actor NAME           who decides (default: the login name)
  --data-dir DIR         embedded store directory (default: $VOIPWATCH_DATA_DIR or ${defaultDataDir()})
  --clickhouse-url URL   a ClickHouse server instead (default: $VOIPWATCH_CLICKHOUSE_URL)
  --format text|json     output format (default: text)
  -h, --help             show this help
`;

const ACTIONS = ['test', 'list', 'ack', 'reopen', 'allow', 'allowlist', 'unallow', 'audit', 'dead-letters'] as const;
type Action = typeof ACTIONS[number];

export async function runAlerts(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv, allowPositionals: true, strict: true,
      options: {
        config: { type: 'string' }, destination: { type: 'string' }, status: { type: 'string' }, reason: { type: 'string' },
        expires: { type: 'string' }, rule: { type: 'string' }, cidr: { type: 'string' }, device: { type: 'string' }, 'sip-user': { type: 'string' },
        actor: { type: 'string' }, redrive: { type: 'boolean', default: false },
        'data-dir': { type: 'string' }, 'clickhouse-url': { type: 'string' }, format: { type: 'string', default: 'text' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (cause) {
    throw new VoipwatchError('ERR_CLI_ARGS', `${(cause as Error).message}\n\n${ALERTS_USAGE}`, { cause });
  }
  const { values: v, positionals } = parsed;
  if (v.help) { process.stdout.write(ALERTS_USAGE); return 0; }
  const [action, ...args] = positionals;
  if (!ACTIONS.includes(action as Action)) {
    throw new VoipwatchError('ERR_CLI_ARGS', `${action === undefined ? 'no alerts action given' : `unknown alerts action ${JSON.stringify(action)}`}\n\n${ALERTS_USAGE}`);
  }
  if (v.format !== 'text' && v.format !== 'json') throw new VoipwatchError('ERR_CLI_ARGS', `--format must be text or json, not ${JSON.stringify(v.format)}`);
  const json = v.format === 'json';
  const out = (obj: unknown, text: string) => process.stdout.write(json ? JSON.stringify(obj) + '\n' : text.endsWith('\n') ? text : `${text}\n`);
  const needs = (value: string | undefined, flag: string): string => {
    if (value === undefined || value.trim() === '') throw new VoipwatchError('ERR_CLI_ARGS', `alerts ${action} needs ${flag}`);
    return value;
  };
  const oneArg = (what: string): string => {
    if (args.length !== 1) throw new VoipwatchError('ERR_CLI_ARGS', `alerts ${action} takes one ${what}`);
    return args[0];
  };
  const actor = v.actor ?? `${safeLogin()}@cli`;
  const now = Date.now() / 1000;
  const storeConfig = resolveStoreConfig({ dataDir: v['data-dir'], url: v['clickhouse-url'] });
  const alertsConfig = (): AlertsConfig => {
    if (!v.config) throw new VoipwatchError('ERR_CLI_ARGS', `alerts ${action} needs --config FILE (the destinations are configured there)`);
    return parseAlertsConfig(readConfigFile(v.config).alerts);
  };

  if (action === 'test') {
    const config = alertsConfig();
    const name = needs(v.destination, '--destination NAME');
    const dest = config.destinations.find((d) => d.name === name);
    if (!dest) throw new VoipwatchError('ERR_CLI_ARGS', `no destination ${JSON.stringify(name)} in ${v.config} (configured: ${config.destinations.map((d) => d.name).join(', ') || 'none'})`);
    const sender = createSender(dest);
    const started = performance.now();
    const result = await sender.send(sampleAlert(storeConfig.sensor, storeConfig.site, config.dashboardUrl, now)).finally(() => sender.close());
    const ms = Math.round(performance.now() - started);
    const where = dest.type === 'webhook' ? dest.url.replace(/\/\/[^/@]*@/, '//') : `${dest.protocol}://${dest.host}:${dest.port}`;
    const body = printable(result.body);
    out({ destination: name, where, ...result, latency_ms: ms }, result.ok
      ? `${name}: delivered to ${where} in ${ms} ms${result.status !== null ? ` (HTTP ${result.status})` : ' (written to the syslog connection)'}${body ? `\nanswer: ${body}` : ''}`
      : `${name}: NOT delivered to ${where} after ${ms} ms: ${result.error}${result.status !== null ? ` (HTTP ${result.status})` : ''}${result.retry ? '; would be retried' : '; would not be retried (the receiver refused it)'}${body ? `\nanswer: ${body}` : ''}`);
    return result.ok ? 0 : 1;
  }

  if (action === 'dead-letters') {
    const config = alertsConfig();
    const name = needs(v.destination, '--destination NAME');
    if (!config.destinations.some((d) => d.name === name)) throw new VoipwatchError('ERR_CLI_ARGS', `no destination ${JSON.stringify(name)} in ${v.config}`);
    const dir = queueDirOf(config, storeConfig.dataDir);
    // Listing and moving files only: no delivery loops.
    const outbox = Outbox.open({ dir, destinations: config.destinations, senderFor: createSender, log: stderrLogger(), deliver: false });
    try {
      const letters = outbox.deadLetters(name);
      if (v.redrive) {
        const moved = outbox.redrive(name);
        out({ destination: name, redriven: moved }, `${moved} dead letters of ${name} queued again; the sensor (or the next analyze with --config) delivers them`);
        return 0;
      }
      out(letters.map((l) => ({ event_id: l.event.event_id, alert_id: l.event.alert_id, rule: l.event.finding.rule, reason: l.reason, at: new Date(l.at).toISOString() })),
        letters.length === 0 ? `no dead letters for ${name}` : letters.map((l) => `${new Date(l.at).toISOString()}  ${l.event.finding.rule.padEnd(24)} ${l.event.alert_id}  ${printable(l.reason)}`).join('\n'));
      return 0;
    } finally {
      await outbox.close();
    }
  }

  const store = await openStore(storeConfig, { command: `alerts ${action}`, logger: stderrLogger(), flushByAge: false });
  try {
    switch (action) {
      case 'list': return await listAlerts(store, v.status, out);
      case 'ack': {
        const id = oneArg('ALERT_ID');
        const reason = needs(v.reason, '--reason TEXT');
        const severity = await currentSeverity(store, id);
        await saveAcknowledgement(store, { alertId: id, severity, actor, reason, ackedAt: now });
        out({ alert_id: id, severity, actor }, `acknowledged ${id} at severity ${severity} (it fires again if it rises above that)`);
        return 0;
      }
      case 'reopen': {
        const id = oneArg('ALERT_ID');
        const acks = await loadAcknowledgements(store);
        if (!acks.some((a) => a.alertId === id)) throw new VoipwatchError('ERR_ALERT_NOT_FOUND', `alert ${id} is not acknowledged`);
        await removeAcknowledgement(store, id, actor, needs(v.reason, '--reason TEXT'), now);
        out({ alert_id: id, reopened: true }, `acknowledgement of ${id} taken back`);
        return 0;
      }
      case 'allow': {
        const entry = makeAllowlistEntry({
          rule: v.rule ?? null, cidr: v.cidr ?? null, device: v.device ?? null, sipUser: v['sip-user'] ?? null,
          reason: needs(v.reason, '--reason TEXT'), expiresAt: parseExpiry(needs(v.expires, '--expires WHEN'), now), actor,
        }, now);
        await saveAllowlistEntry(store, entry);
        out(entry, `allowlist entry ${entry.id} added${entry.expiresAt ? `, expires ${new Date(entry.expiresAt * 1000).toISOString()}` : ', does not expire'}`);
        return 0;
      }
      case 'allowlist': {
        const entries = await loadAllowlist(store, now);
        out(entries, entries.length === 0 ? 'no allowlist entries in force' : entries.map((e) =>
          `${e.id}  rule=${e.rule ?? '*'}${e.cidr ? ` cidr=${e.cidr}` : ''}${e.device ? ` device=${e.device}` : ''}${e.sipUser ? ` sip_user=${printable(e.sipUser)}` : ''}`
          + `  expires=${e.expiresAt ? new Date(e.expiresAt * 1000).toISOString() : 'never'}  by ${printable(e.actor)}: ${printable(e.reason)}`).join('\n'));
        return 0;
      }
      case 'unallow': {
        const id = oneArg('ENTRY_ID');
        const removed = await removeAllowlistEntry(store, id, actor, needs(v.reason, '--reason TEXT'), now);
        if (!removed) throw new VoipwatchError('ERR_ALLOWLIST', `no allowlist entry ${id} is in force`);
        out({ entry_id: id, removed: true }, `allowlist entry ${id} removed`);
        return 0;
      }
      case 'audit': {
        const entries = await loadAudit(store, 200);
        out(entries, entries.length === 0 ? 'no decisions recorded' : entries.map((a) =>
          `${new Date(a.ts * 1000).toISOString()}  ${a.action.padEnd(18)} ${a.objectId}  by ${printable(a.actor)}: ${printable(a.reason)}`).join('\n'));
        return 0;
      }
      default: return 2;
    }
  } finally {
    await store.close();
  }
}

async function currentSeverity(store: Store, alertId: string): Promise<Severity> {
  const rs = await store.client.query({
    query: `SELECT argMax(severity, updated_at) AS severity FROM ${tableRef(store.layout, 'alerts')} WHERE alert_id = {id:String} GROUP BY alert_id`,
    query_params: { id: alertId }, format: 'JSONEachRow',
  });
  const rows = await rs.json<{ severity: Severity }>();
  if (rows.length === 0) throw new VoipwatchError('ERR_ALERT_NOT_FOUND', `no alert ${JSON.stringify(alertId)} in the store (see voipwatch alerts list)`);
  return rows[0].severity;
}

async function listAlerts(store: Store, status: string | undefined, out: (obj: unknown, text: string) => void): Promise<number> {
  if (status !== undefined && !['open', 'acknowledged', 'suppressed'].includes(status)) {
    throw new VoipwatchError('ERR_CLI_ARGS', `--status must be open, acknowledged or suppressed, not ${JSON.stringify(status)}`);
  }
  const rs = await store.client.query({
    query: `SELECT alert_id, rule, severity, status, toString(device_ip) AS device, count, fire_count, last_seen, summary
      FROM ${tableRef(store.layout, 'alerts')} FINAL WHERE ({status:String} = '' OR status = {status:String})
      ORDER BY severity DESC, last_seen DESC LIMIT 1000`,
    query_params: { status: status ?? '' }, format: 'JSONEachRow',
  });
  const rows = await rs.json<{ alert_id: string; rule: string; severity: string; status: string; device: string; count: number; fire_count: number; last_seen: string; summary: string }>();
  out(rows, rows.length === 0 ? 'no alerts' : rows.map((r) =>
    `${r.alert_id}  ${r.severity.padEnd(8)} ${r.status.padEnd(12)} ${r.rule.padEnd(24)} ${r.device.replace(/^::ffff:/, '').padEnd(16)} ×${r.count}  ${printable(r.summary)}`).join('\n'));
  return 0;
}

/** A sample that cannot be mistaken for a real finding: documentation addresses (RFC 5737). */
export function sampleAlert(sensor: string, site: string, dashboardUrl: string | null, now: number): AlertEvent {
  const at = new Date(Math.round(now * 1000)).toISOString();
  const alertId = 'test000000000000';
  return {
    schema: ALERT_SCHEMA, event_id: `test-${Math.round(now * 1000).toString(16)}`, kind: 'new', alert_id: alertId, fire_count: 1, fired_at: at,
    previous_severity: null, sensor, site, dashboard_url: dashboardUrl ? `${dashboardUrl.replace(/\/+$/, '')}/#/alerts/${alertId}` : null,
    finding: {
      id: alertId, rule: 'default-credentials', severity: 'critical',
      device: { ip: '192.0.2.10', mac: null, vendor: 'snom', model: 'D785', firmware: '10.1.33.33', user_agent: 'snomD785/10.1.33.33' },
      peer: { ip: '198.51.100.7', internal: false }, first_seen: at, last_seen: at, count: 1,
      summary: 'TEST ALERT from voipwatch alerts test: web UI login with the vendor default credential for admin was accepted',
      evidence: { scheme: 'basic', username: 'admin', matched: 'vendor-default:snom', result: 'accepted', transport: 'http', test: true },
    },
  };
}

/** Receiver answers and stored text are shown on a terminal: no control characters. */
const printable = (s: string): string => s.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').slice(0, 2000);

function safeLogin(): string {
  try { return userInfo().username; } catch { return 'unknown'; }
}
