/**
 * Allowlist entries: a security team's decision that a finding is accepted risk. An entry
 * names a rule (or every rule) and narrows it by any of a CIDR (device or peer inside it), a
 * device address, or a SIP user; it carries a reason and an expiry, so accepted risk is
 * revisited instead of forgotten. Entries come from the config file (static) and from the
 * store (made by people through the CLI or API, audited there).
 */
import { createHash } from 'node:crypto';
import { NetworkClassifier } from '../src/net/networks.ts';
import { VoipwatchError } from '../src/errors.ts';
import type { FindingJson } from '../src/report/json-report.ts';

export interface AllowlistEntry {
  id: string;
  /** null: every rule */
  rule: string | null;
  cidr: string | null;
  device: string | null;
  sipUser: string | null;
  reason: string;
  actor: string;
  /** unix seconds */
  createdAt: number;
  /** unix seconds; null: does not expire */
  expiresAt: number | null;
}

export type AllowlistInput = Omit<AllowlistEntry, 'id' | 'createdAt'> & { createdAt?: number };

/** Evidence keys under which rules name a SIP or web user. */
const USER_KEYS = ['username', 'user', 'auth_user', 'from_user'] as const;

/** Reason text is shown in the dashboard and audit: bounded, one line. */
const MAX_REASON = 500;

export function makeAllowlistEntry(input: AllowlistInput, now: number): AllowlistEntry {
  const reason = input.reason.replace(/[\r\n\t]+/g, ' ').trim();
  if (reason === '') throw new VoipwatchError('ERR_ALLOWLIST', 'an allowlist entry needs a reason');
  if (reason.length > MAX_REASON) throw new VoipwatchError('ERR_ALLOWLIST', `the reason is longer than ${MAX_REASON} characters`);
  if (input.rule === null && input.cidr === null && input.device === null && input.sipUser === null) {
    throw new VoipwatchError('ERR_ALLOWLIST', 'an allowlist entry must name a rule, a CIDR, a device or a SIP user (it would hide every alert)');
  }
  if (input.cidr !== null) {
    try { new NetworkClassifier([input.cidr]); } catch (e) { throw new VoipwatchError('ERR_ALLOWLIST', `cidr: ${(e as Error).message}`); }
  }
  if (input.device !== null) {
    try { new NetworkClassifier([input.device]); } catch { throw new VoipwatchError('ERR_ALLOWLIST', `device: not an IP address: ${JSON.stringify(input.device)}`); }
  }
  if (input.expiresAt !== null && !(input.expiresAt > now)) throw new VoipwatchError('ERR_ALLOWLIST', 'the expiry is in the past');
  const createdAt = input.createdAt ?? now;
  const id = createHash('sha256').update(JSON.stringify([input.rule, input.cidr, input.device, input.sipUser, createdAt, reason])).digest('hex').slice(0, 16);
  return { ...input, reason, createdAt, id };
}

/**
 * "30d", "12h", "90m", an ISO date or date-time, or "never" → unix seconds (null for never).
 * Relative to `now` (unix seconds).
 */
export function parseExpiry(text: string, now: number): number | null {
  const t = text.trim();
  if (t === 'never') return null;
  const rel = /^(\d{1,5})([mhdw])$/.exec(t);
  if (rel) return now + Number(rel[1]) * { m: 60, h: 3600, d: 86_400, w: 604_800 }[rel[2] as 'm' | 'h' | 'd' | 'w'];
  if (/^\d{4}-\d{2}-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(t)) {
    const ms = Date.parse(t.length === 10 ? `${t}T00:00:00Z` : t);
    if (Number.isFinite(ms)) return ms / 1000;
  }
  throw new VoipwatchError('ERR_ALLOWLIST', `expiry must be like 30d, 12h, 2027-03-31 or never, not ${JSON.stringify(text)}`);
}

interface CompiledEntry { entry: AllowlistEntry; net: NetworkClassifier | null; device: NetworkClassifier | null }

/** The entries in force; `match` answers which entry (if any) covers a finding at a time. */
export class Allowlist {
  private compiled: CompiledEntry[] = [];

  constructor(entries: readonly AllowlistEntry[] = []) { this.replace(entries); }

  replace(entries: readonly AllowlistEntry[]): void {
    // The device address as a one-host network, so every spelling of an IPv6 address matches.
    this.compiled = entries.map((entry) => ({
      entry, net: entry.cidr ? new NetworkClassifier([entry.cidr]) : null, device: entry.device ? new NetworkClassifier([entry.device]) : null,
    }));
  }

  entries(): AllowlistEntry[] { return this.compiled.map((c) => c.entry); }

  match(finding: FindingJson, now: number): AllowlistEntry | null {
    for (const { entry, net, device } of this.compiled) {
      if (entry.expiresAt !== null && entry.expiresAt <= now) continue;
      if (entry.rule !== null && entry.rule !== finding.rule) continue;
      if (net && !net.isInternal(finding.device.ip) && !(finding.peer && net.isInternal(finding.peer.ip))) continue;
      if (device && !device.isInternal(finding.device.ip)) continue;
      if (entry.sipUser !== null && !USER_KEYS.some((k) => finding.evidence[k] === entry.sipUser)) continue;
      return entry;
    }
    return null;
  }
}
