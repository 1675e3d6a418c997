/**
 * The alert side of the store: alert state rows (written through the batched writer like
 * every other row), and the decisions people make — acknowledgements and allowlist entries —
 * each written at once together with its audit row, so a decision is never lost in a batch
 * when the deciding process exits. Reads use query parameters only.
 */
import { tableRef } from '../src/store/schema.ts';
import { toClickHouseTime } from '../src/store/rows.ts';
import type { Store } from '../src/store/store.ts';
import type { Row } from '../src/store/batch-writer.ts';
import type { AlertState, Acknowledgement, AlertStatus } from './alert-book.ts';
import type { AllowlistEntry } from './allowlist.ts';
import type { DeliveryRecord } from './alert-event.ts';
import type { Severity } from './finding-store.ts';
import type { FindingJson } from '../src/report/json-report.ts';

type StoreAccess = Pick<Store, 'client' | 'layout'>;

const MAX_TEXT = 4096;
const clip = (s: string): string => (s.length > MAX_TEXT ? s.slice(0, MAX_TEXT) : s);
const fromIso = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
const toSec = (chTime: string): number => Date.parse(`${chTime.replace(' ', 'T')}Z`) / 1000;

export function alertRow(s: AlertState, sensor: string, site: string, now: number): Row {
  const f = s.finding;
  return {
    sensor, site, alert_id: s.alertId, rule: f.rule, severity: f.severity, status: s.status, suppressed_by: s.suppressedBy ?? '',
    device_ip: f.device.ip, peer_ip: f.peer?.ip ?? null, first_seen: fromIso(f.first_seen), last_seen: fromIso(f.last_seen), count: f.count,
    fired_severity: s.firedSeverity ?? '', fire_count: s.fireCount, last_fired: toClickHouseTime(s.lastFired), last_event_id: s.lastEventId,
    summary: clip(f.summary), evidence: JSON.stringify(f.evidence), finding: JSON.stringify(f), updated_at: toClickHouseTime(now),
  };
}

export function deliveryRow(r: DeliveryRecord, sensor: string): Row {
  return {
    sensor, ts: toClickHouseTime(r.ts), destination: r.destination, event_id: r.event_id, alert_id: r.alert_id, rule: r.rule,
    severity: r.severity, attempt: Math.min(r.attempt, 65_535), outcome: r.outcome, status: r.status, latency_ms: r.latency_ms, error: clip(r.error),
  };
}

/** The alert states this sensor left in the store (most recently seen first, up to `limit`). */
export async function loadAlertStates(store: StoreAccess, sensor: string, limit: number): Promise<AlertState[]> {
  const rs = await store.client.query({
    query: `SELECT alert_id, status, suppressed_by, fired_severity, fire_count, last_fired, last_event_id, last_seen, finding
      FROM ${tableRef(store.layout, 'alerts')} FINAL WHERE sensor = {sensor:String} ORDER BY last_seen DESC LIMIT {limit:UInt32}`,
    query_params: { sensor, limit },
    format: 'JSONEachRow',
  });
  const rows = await rs.json<{ alert_id: string; status: AlertStatus; suppressed_by: string; fired_severity: string; fire_count: number; last_fired: string; last_event_id: string; last_seen: string; finding: string }>();
  const states: AlertState[] = [];
  for (const r of rows.reverse()) {
    let finding: FindingJson;
    try { finding = JSON.parse(r.finding) as FindingJson; } catch { continue; }
    states.push({
      alertId: r.alert_id, status: r.status, suppressedBy: r.suppressed_by || null, firedSeverity: (r.fired_severity || null) as Severity | null,
      fireCount: Number(r.fire_count), lastFired: toSec(r.last_fired), lastEventId: r.last_event_id, lastSeen: toSec(r.last_seen), finding,
    });
  }
  return states;
}

export async function loadAcknowledgements(store: StoreAccess): Promise<Acknowledgement[]> {
  const rs = await store.client.query({
    query: `SELECT alert_id, severity, actor, reason, acked_at FROM ${tableRef(store.layout, 'alert_acks')} FINAL WHERE deleted = 0`,
    format: 'JSONEachRow',
  });
  const rows = await rs.json<{ alert_id: string; severity: Severity; actor: string; reason: string; acked_at: string }>();
  return rows.map((r) => ({ alertId: r.alert_id, severity: r.severity, actor: r.actor, reason: r.reason, ackedAt: toSec(r.acked_at) }));
}

/** Entries in force at `now` (unix seconds); expired and removed ones stay in the store for the record. */
export async function loadAllowlist(store: StoreAccess, now: number): Promise<AllowlistEntry[]> {
  const rs = await store.client.query({
    query: `SELECT entry_id, rule, cidr, device_ip, sip_user, reason, actor, created_at, expires_at
      FROM ${tableRef(store.layout, 'allowlist')} FINAL
      WHERE deleted = 0 AND (expires_at IS NULL OR expires_at > fromUnixTimestamp64Milli({now:Int64}, 'UTC')) ORDER BY created_at`,
    query_params: { now: Math.round(now * 1000) },
    format: 'JSONEachRow',
  });
  const rows = await rs.json<{ entry_id: string; rule: string; cidr: string; device_ip: string; sip_user: string; reason: string; actor: string; created_at: string; expires_at: string | null }>();
  return rows.map((r) => ({
    id: r.entry_id, rule: r.rule || null, cidr: r.cidr || null, device: r.device_ip || null, sipUser: r.sip_user || null,
    reason: r.reason, actor: r.actor, createdAt: toSec(r.created_at), expiresAt: r.expires_at === null ? null : toSec(r.expires_at),
  }));
}

export interface AuditEntry { ts: number; actor: string; action: string; objectType: string; objectId: string; reason: string; detail: Record<string, unknown> }

async function insertNow(store: StoreAccess, table: string, rows: Row[]): Promise<void> {
  await store.client.insert({ table: tableRef(store.layout, table), values: rows, format: 'JSONEachRow' });
}

const auditRow = (a: AuditEntry): Row => ({
  ts: toClickHouseTime(a.ts), actor: clip(a.actor), action: a.action, object_type: a.objectType, object_id: a.objectId,
  reason: clip(a.reason), detail: JSON.stringify(a.detail),
});

export async function saveAcknowledgement(store: StoreAccess, ack: Acknowledgement): Promise<void> {
  await insertNow(store, 'alert_acks', [{
    alert_id: ack.alertId, severity: ack.severity, actor: clip(ack.actor), reason: clip(ack.reason), acked_at: toClickHouseTime(ack.ackedAt),
    deleted: 0, updated_at: toClickHouseTime(ack.ackedAt),
  }]);
  await insertNow(store, 'audit_log', [auditRow({ ts: ack.ackedAt, actor: ack.actor, action: 'alert.acknowledge', objectType: 'alert', objectId: ack.alertId, reason: ack.reason, detail: { severity: ack.severity } })]);
}

export async function removeAcknowledgement(store: StoreAccess, alertId: string, actor: string, reason: string, now: number): Promise<void> {
  await insertNow(store, 'alert_acks', [{ alert_id: alertId, severity: 'low', actor: clip(actor), reason: clip(reason), acked_at: toClickHouseTime(now), deleted: 1, updated_at: toClickHouseTime(now) }]);
  await insertNow(store, 'audit_log', [auditRow({ ts: now, actor, action: 'alert.reopen', objectType: 'alert', objectId: alertId, reason, detail: {} })]);
}

const allowlistRow = (e: AllowlistEntry, deleted: 0 | 1, now: number): Row => ({
  entry_id: e.id, rule: e.rule ?? '', cidr: e.cidr ?? '', device_ip: e.device ?? '', sip_user: e.sipUser ?? '', reason: clip(e.reason), actor: clip(e.actor),
  created_at: toClickHouseTime(e.createdAt), expires_at: e.expiresAt === null ? null : toClickHouseTime(e.expiresAt), deleted, updated_at: toClickHouseTime(now),
});

export async function saveAllowlistEntry(store: StoreAccess, entry: AllowlistEntry): Promise<void> {
  await insertNow(store, 'allowlist', [allowlistRow(entry, 0, entry.createdAt)]);
  await insertNow(store, 'audit_log', [auditRow({
    ts: entry.createdAt, actor: entry.actor, action: 'allowlist.add', objectType: 'allowlist', objectId: entry.id, reason: entry.reason,
    detail: { rule: entry.rule, cidr: entry.cidr, device: entry.device, sip_user: entry.sipUser, expires_at: entry.expiresAt },
  })]);
}

/** Marks an entry removed (returns false when no such entry is in force). */
export async function removeAllowlistEntry(store: StoreAccess, entryId: string, actor: string, reason: string, now: number): Promise<boolean> {
  const entry = (await loadAllowlist(store, now)).find((e) => e.id === entryId);
  if (!entry) return false;
  await insertNow(store, 'allowlist', [allowlistRow(entry, 1, now)]);
  await insertNow(store, 'audit_log', [auditRow({ ts: now, actor, action: 'allowlist.remove', objectType: 'allowlist', objectId: entryId, reason, detail: {} })]);
  return true;
}

export async function loadAudit(store: StoreAccess, limit: number): Promise<AuditEntry[]> {
  const rs = await store.client.query({
    query: `SELECT ts, actor, action, object_type, object_id, reason, detail FROM ${tableRef(store.layout, 'audit_log')} ORDER BY ts DESC LIMIT {limit:UInt32}`,
    query_params: { limit },
    format: 'JSONEachRow',
  });
  const rows = await rs.json<{ ts: string; actor: string; action: string; object_type: string; object_id: string; reason: string; detail: string }>();
  return rows.map((r) => ({ ts: toSec(r.ts), actor: r.actor, action: r.action, objectType: r.object_type, objectId: r.object_id, reason: r.reason, detail: JSON.parse(r.detail) as Record<string, unknown> }));
}
