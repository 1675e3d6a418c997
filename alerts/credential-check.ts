/**
 * Offline credential checks shared by the credential rules: which published vendor defaults
 * apply to a user name, and a per-source budget for Digest verification so a flood of
 * authentications cannot pin the CPU (skipped checks are counted).
 */
import { defaultCredentialCandidates, matchLabel } from './credentials/default-credentials.ts';

export interface Candidate { password: string; label: string }

/** Vendor defaults whose user name fits (entries without a user name fit any). */
export function defaultCandidates(username: string, vendor: string | null): Candidate[] {
  const out: Candidate[] = [];
  for (const entry of defaultCredentialCandidates(vendor)) {
    if (entry.username !== null && entry.username.toLowerCase() !== username.toLowerCase()) continue;
    out.push({ password: entry.password, label: matchLabel(entry) });
  }
  return out;
}

/** The first plaintext default that matches, as its label. */
export function matchPlaintextDefault(username: string, password: string, vendor: string | null): string | null {
  for (const c of defaultCandidates(username, vendor)) if (c.password === password) return c.label;
  return null;
}

/**
 * Password-only login forms (Grandstream's `P2`, many ATAs) name no user: the password is
 * the admin's. Only the identified vendor's own defaults are tried, so a common password on
 * an unknown device is not taken for a vendor default.
 */
export function matchPasswordOnlyDefault(password: string, vendor: string | null): string | null {
  if (vendor === null) return null;
  for (const entry of defaultCredentialCandidates(vendor)) {
    if (entry.vendor === vendor && entry.password === password) return matchLabel(entry);
  }
  return null;
}

/** Budget windows are one minute of capture time. */
const WINDOW_SEC = 60;
const MAX_SOURCES = 10_000;

export class VerificationBudget {
  private readonly used = new Map<string, { windowStart: number; count: number }>();
  skipped = 0;

  constructor(private readonly perSourcePerMinute: number) {}

  take(source: string, ts: number): boolean {
    let u = this.used.get(source);
    if (!u || ts - u.windowStart >= WINDOW_SEC) {
      if (!u && this.used.size >= MAX_SOURCES) this.used.clear();
      u = { windowStart: ts, count: 0 };
      this.used.set(source, u);
    }
    if (u.count >= this.perSourcePerMinute) { this.skipped++; return false; }
    u.count++;
    return true;
  }
}
