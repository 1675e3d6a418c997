/**
 * Findings deduplicated per rule, device and peer: the first sighting creates the finding,
 * later ones raise its count and last_seen, and a more severe sighting (a default credential
 * tried, then accepted) raises the severity and replaces the evidence.
 */
import { createHash } from 'node:crypto';

export type Severity = 'low' | 'medium' | 'high' | 'critical';
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = Object.freeze({ low: 1, medium: 2, high: 3, critical: 4 });

export type Evidence = Record<string, string | number | boolean | null | string[]>;

export interface FindingInput {
  rule: string;
  severity: Severity;
  ts: number;
  deviceIp: string;
  peerIp: string | null;
  summary: string;
  evidence: Evidence;
  /** Sightings this report stands for, when a rule reports an aggregate once (default 1). */
  count?: number;
  /** Last sighting, when it differs from `ts`. */
  lastTs?: number;
}

export interface StoredFinding {
  id: string;
  rule: string;
  severity: Severity;
  deviceIp: string;
  peerIp: string | null;
  firstSeen: number;
  lastSeen: number;
  count: number;
  summary: string;
  evidence: Evidence;
}

/** Findings held at once; past it new (rule, device, peer) keys are dropped and counted. */
export const MAX_FINDINGS = 100_000;

export const findingId = (rule: string, deviceIp: string, peerIp: string | null): string =>
  createHash('sha256').update(`${rule}\0${deviceIp}\0${peerIp ?? ''}`).digest('hex').slice(0, 16);

export class FindingStore {
  private readonly byKey = new Map<string, StoredFinding>();
  dropped = 0;

  report(input: FindingInput): StoredFinding | null {
    const key = `${input.rule}\0${input.deviceIp}\0${input.peerIp ?? ''}`;
    const existing = this.byKey.get(key);
    const count = input.count ?? 1;
    const lastTs = input.lastTs ?? input.ts;
    if (existing) {
      existing.count += count;
      if (input.ts < existing.firstSeen) existing.firstSeen = input.ts;
      if (lastTs > existing.lastSeen) existing.lastSeen = lastTs;
      if (SEVERITY_RANK[input.severity] > SEVERITY_RANK[existing.severity]) {
        existing.severity = input.severity;
        existing.summary = input.summary;
        existing.evidence = input.evidence;
      }
      return existing;
    }
    if (this.byKey.size >= MAX_FINDINGS) { this.dropped++; return null; }
    const created: StoredFinding = {
      id: findingId(input.rule, input.deviceIp, input.peerIp),
      rule: input.rule, severity: input.severity, deviceIp: input.deviceIp, peerIp: input.peerIp,
      firstSeen: input.ts, lastSeen: lastTs, count, summary: input.summary, evidence: input.evidence,
    };
    this.byKey.set(key, created);
    return created;
  }

  all(): StoredFinding[] { return [...this.byKey.values()]; }
}
