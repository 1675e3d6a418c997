/**
 * The alert lifecycle. A finding (rule + device + peer) becomes an alert the first time it is
 * seen; later sightings only move its count and last_seen. It fires again when its severity
 * rises above what was last sent (a default credential tried → accepted) or when it comes back
 * after `quietPeriodSec` without sightings. An allowlist entry suppresses it (kept, marked
 * `suppressed`, never sent); an acknowledgement holds until the severity rises above the one
 * acknowledged. When an allowlist entry stops covering an alert (expired, removed), the next
 * sighting fires it again: accepted risk that lapses is news.
 *
 * Times are the findings' own (capture time), so the quiet period means the same thing in a
 * capture file analyzed a year later as on the wire today.
 */
import { createHash } from 'node:crypto';
import { SEVERITY_RANK, type Severity } from './finding-store.ts';
import { ALERT_SCHEMA, type AlertEvent, type AlertKind } from './alert-event.ts';
import type { Allowlist } from './allowlist.ts';
import type { FindingJson } from '../src/report/json-report.ts';

export type AlertStatus = 'open' | 'acknowledged' | 'suppressed';

export interface AlertState {
  alertId: string;
  status: AlertStatus;
  /** the allowlist entry that suppresses it */
  suppressedBy: string | null;
  /** the severity of the last firing (null: never fired) */
  firedSeverity: Severity | null;
  fireCount: number;
  /** unix seconds (wall clock) of the last firing; 0: never */
  lastFired: number;
  lastEventId: string;
  /** unix seconds, from the finding */
  lastSeen: number;
  finding: FindingJson;
}

export interface Acknowledgement {
  alertId: string;
  /** the severity acknowledged: a rise above it fires again */
  severity: Severity;
  actor: string;
  reason: string;
  /** unix seconds */
  ackedAt: number;
}

export interface AlertBookOptions {
  /** seconds without sightings after which a new sighting fires the alert again */
  quietPeriodSec: number;
  sensor: string;
  site: string;
  /** the dashboard's base URL; events link to the alert there */
  dashboardUrl: string | null;
  allowlist: Allowlist;
  /** alerts remembered; past it the longest-unseen is forgotten (it would fire as new again) */
  maxAlerts?: number;
}

/** What one observation did: the event to deliver (if any) and whether the state changed. */
export interface Observation { event: AlertEvent | null; state: AlertState }

export interface AlertCounts { fired: number; escalated: number; refired: number; suppressed: number; updated: number; forgotten: number }

export const DEFAULT_MAX_ALERTS = 200_000;

const isoSec = (iso: string): number => Date.parse(iso) / 1000;

/**
 * The finding as now seen, never going back: after a restart the analyzer counts from one
 * again and a re-read capture is seen anew, so count, severity and the time span only grow.
 */
function merged(before: FindingJson, now: FindingJson): FindingJson {
  const rose = SEVERITY_RANK[now.severity] >= SEVERITY_RANK[before.severity];
  const base = rose ? now : { ...now, severity: before.severity, summary: before.summary, evidence: before.evidence };
  return {
    ...base,
    count: Math.max(before.count, now.count),
    first_seen: before.first_seen < now.first_seen ? before.first_seen : now.first_seen,
    last_seen: before.last_seen > now.last_seen ? before.last_seen : now.last_seen,
  };
}

export class AlertBook {
  private readonly states = new Map<string, AlertState>();
  private readonly acks = new Map<string, Acknowledgement>();
  readonly counts: AlertCounts = { fired: 0, escalated: 0, refired: 0, suppressed: 0, updated: 0, forgotten: 0 };
  private readonly maxAlerts: number;

  constructor(private readonly opts: AlertBookOptions) {
    this.maxAlerts = opts.maxAlerts ?? DEFAULT_MAX_ALERTS;
  }

  /** State from the store at start, so a restart neither re-fires nor forgets what was sent. */
  load(states: readonly AlertState[], acks: readonly Acknowledgement[]): void {
    for (const s of states) this.remember(s);
    this.setAcknowledgements(acks);
  }

  /** The acknowledgements in force (from the store; replaces the previous set). */
  setAcknowledgements(acks: readonly Acknowledgement[]): AlertState[] {
    this.acks.clear();
    for (const a of acks) this.acks.set(a.alertId, a);
    const changed: AlertState[] = [];
    for (const s of this.states.values()) {
      const next = this.statusOf(s);
      if (next !== s.status) { s.status = next; changed.push(s); }
    }
    return changed;
  }

  acknowledgement(alertId: string): Acknowledgement | null { return this.acks.get(alertId) ?? null; }

  get(alertId: string): AlertState | null { return this.states.get(alertId) ?? null; }

  get size(): number { return this.states.size; }

  /**
   * One finding as it stands now (absolute count and times). Returns null when nothing moved
   * since the last observation, else the state and the event to deliver, if it fires.
   */
  observe(finding: FindingJson, now: number): Observation | null {
    const seen = isoSec(finding.last_seen);
    const prev = this.states.get(finding.id);
    const allowed = this.opts.allowlist.match(finding, now);
    if (prev && seen <= prev.lastSeen && finding.count <= prev.finding.count && SEVERITY_RANK[finding.severity] <= SEVERITY_RANK[prev.finding.severity]
      && (prev.suppressedBy ?? null) === (allowed?.id ?? null)) return null;

    if (!prev) {
      const state: AlertState = { alertId: finding.id, status: 'open', suppressedBy: null, firedSeverity: null, fireCount: 0, lastFired: 0, lastEventId: '', lastSeen: seen, finding };
      this.remember(state);
      if (allowed) return this.suppress(state, allowed.id);
      return { event: this.fire(state, 'new', now), state };
    }

    const cameBack = seen > prev.lastSeen;
    const quiet = cameBack && seen - prev.lastSeen >= this.opts.quietPeriodSec;
    const wasSuppressed = prev.status === 'suppressed';
    prev.finding = merged(prev.finding, finding);
    prev.lastSeen = Math.max(prev.lastSeen, seen);
    this.refresh(prev);
    if (allowed) return this.suppress(prev, allowed.id);
    prev.suppressedBy = null;

    let kind: AlertKind | null = null;
    if (prev.fireCount === 0) kind = 'new';
    else if (prev.firedSeverity && SEVERITY_RANK[prev.finding.severity] > SEVERITY_RANK[prev.firedSeverity]) {
      const ack = this.acks.get(prev.alertId);
      if (!ack || SEVERITY_RANK[prev.finding.severity] > SEVERITY_RANK[ack.severity]) kind = 'escalated';
    } else if (wasSuppressed && cameBack) kind = 'refired';
    else if (quiet && !this.acks.has(prev.alertId)) kind = 'refired';

    prev.status = this.statusOf(prev);
    if (kind) return { event: this.fire(prev, kind, now), state: prev };
    this.counts.updated++;
    return { event: null, state: prev };
  }

  private suppress(state: AlertState, entryId: string): Observation {
    if (state.status !== 'suppressed') this.counts.suppressed++;
    state.status = 'suppressed';
    state.suppressedBy = entryId;
    return { event: null, state };
  }

  private statusOf(s: AlertState): AlertStatus {
    if (s.suppressedBy) return 'suppressed';
    const ack = this.acks.get(s.alertId);
    return ack && SEVERITY_RANK[s.finding.severity] <= SEVERITY_RANK[ack.severity] ? 'acknowledged' : 'open';
  }

  private fire(state: AlertState, kind: AlertKind, now: number): AlertEvent {
    const previous = state.firedSeverity;
    state.fireCount++;
    state.firedSeverity = state.finding.severity;
    state.lastFired = now;
    state.status = this.statusOf(state);
    const { sensor, site, dashboardUrl } = this.opts;
    state.lastEventId = createHash('sha256').update(`${sensor}\0${state.alertId}\0${state.fireCount}\0${Math.round(now * 1000)}`).digest('hex').slice(0, 32);
    if (kind === 'new') this.counts.fired++; else if (kind === 'escalated') this.counts.escalated++; else this.counts.refired++;
    return {
      schema: ALERT_SCHEMA, event_id: state.lastEventId, kind, alert_id: state.alertId, fire_count: state.fireCount,
      fired_at: new Date(Math.round(now * 1000)).toISOString(), previous_severity: kind === 'new' ? null : previous,
      sensor, site, dashboard_url: dashboardUrl ? `${dashboardUrl.replace(/\/+$/, '')}/#/alerts/${state.alertId}` : null,
      finding: state.finding,
    };
  }

  /** Most recently seen last: the first entry is the one to forget at the cap. */
  private refresh(state: AlertState): void {
    this.states.delete(state.alertId);
    this.states.set(state.alertId, state);
  }

  private remember(state: AlertState): void {
    this.states.delete(state.alertId);
    if (this.states.size >= this.maxAlerts) {
      const oldest = this.states.keys().next().value;
      if (oldest !== undefined) { this.states.delete(oldest); this.counts.forgotten++; }
    }
    this.states.set(state.alertId, state);
  }
}
