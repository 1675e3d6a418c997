/**
 * The weekly encryption-coverage report: one computation (compute-weekly.ts) whose result
 * every format renders (HTML, Markdown, JSON, CSV, PDF), so the numbers agree everywhere.
 * Field names are snake_case and stable: reports are archived and compared week to week.
 */

/** A share: `encrypted` of `total`, and the percentage (null when total is 0). */
export interface Share { total: number; encrypted: number; pct: number | null }

export interface CoverageBlock {
  /** SIP sessions: calls whose signaling was seen (plaintext) plus TLS sessions to SIP servers (encrypted) */
  signaling: Share;
  /** RTP streams: SRTP/ZRTP/DTLS-SRTP (encrypted) vs RTP; unknown streams are left out */
  media_streams: Share;
  /** minutes of media, by the same classification */
  media_minutes: Share;
  /** phones seen in the period whose signaling and media were all encrypted */
  devices: Share;
  /** calls protected end to end: signaling over TLS and every stream encrypted */
  calls: Share;
}

export interface GroupRow extends CoverageBlock { key: string }

export interface TrendPoint { week: string; signaling_pct: number | null; media_pct: number | null; calls_pct: number | null }

export interface PlaintextDevice {
  ip: string; vendor: string | null; model: string | null; firmware: string | null; site: string;
  signaling: string[]; media: string[]; plaintext_calls: number; plaintext_streams: number; open_findings: number;
}

export interface PlaintextUser { user: string; plaintext_calls: number; devices: number }

export interface NewDevice { ip: string; vendor: string | null; model: string | null; site: string; first_seen: string; fully_encrypted: boolean }

export interface OpenFinding { rule: string; severity: string; count: number; recommendation: string; seed: string }

export interface WeeklyReport {
  version: 1;
  /** ISO week, e.g. 2026-W47 */
  week: string;
  /** IANA time zone the week's Monday 00:00 to Monday 00:00 is taken in */
  time_zone: string;
  /** ISO 8601 UTC instants of the week's start (inclusive) and end (exclusive) */
  from: string;
  to: string;
  generated_at: string;
  scope: { sensor: string | null; site: string | null };
  coverage: CoverageBlock;
  previous: CoverageBlock;
  /** percentage points, this week minus the previous (null where either has no data) */
  change: { signaling: number | null; media_streams: number | null; media_minutes: number | null; devices: number | null; calls: number | null };
  by: { site: GroupRow[]; subnet: GroupRow[]; vendor: GroupRow[]; model: GroupRow[] };
  /** the 12 weeks ending with this one, oldest first */
  trend: TrendPoint[];
  /** worst first: plaintext signaling and media, then most plaintext calls */
  plaintext_devices: PlaintextDevice[];
  plaintext_users: PlaintextUser[];
  new_devices: NewDevice[];
  open_findings: OpenFinding[];
}
