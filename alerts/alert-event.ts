/**
 * What leaves the sensor when a finding becomes (or again becomes) an alert: the versioned
 * event every destination renders in its own format. The finding inside is exactly the
 * findings contract (../shared/docs/findings.md); the rest says why this event fired.
 */
import type { Severity } from './finding-store.ts';
import type { FindingJson } from '../src/report/json-report.ts';

export const ALERT_SCHEMA = 'voipwatch.alert.v1';

/** new: first sighting; escalated: severity rose; refired: seen again after the quiet period. */
export type AlertKind = 'new' | 'escalated' | 'refired';

export interface AlertEvent {
  schema: typeof ALERT_SCHEMA;
  /** stable for one firing of one alert: the idempotency key every delivery of it carries */
  event_id: string;
  kind: AlertKind;
  /** the finding's id (rule + device + peer) */
  alert_id: string;
  /** 1 for the first firing, then one more per escalation or re-fire */
  fire_count: number;
  /** ISO 8601 */
  fired_at: string;
  previous_severity: Severity | null;
  sensor: string;
  site: string;
  /** the alert on the dashboard, when a dashboard URL is configured */
  dashboard_url: string | null;
  finding: FindingJson;
}

/** Where an alert goes and in which shape; the filter decides which alerts go there. */
export interface DestinationFilter {
  minSeverity: Severity;
  /** null: every rule */
  rules: readonly string[] | null;
  /** null: every site */
  sites: readonly string[] | null;
}

export type WebhookFormat = 'json' | 'slack' | 'splunk-hec' | 'ecs';

export interface WebhookDestination {
  name: string;
  type: 'webhook';
  format: WebhookFormat;
  url: string;
  /** HMAC-SHA256 key for X-Voipwatch-Signature; null: unsigned (receivers should insist on it) */
  secret: string | null;
  /** splunk-hec: the HEC token (sent as `Authorization: Splunk <token>`) */
  token: string | null;
  /** splunk-hec: sourcetype and optional index */
  sourcetype: string;
  index: string | null;
  /** extra request headers (an API key the receiver wants, say) */
  headers: Readonly<Record<string, string>>;
  /** a PEM CA bundle for https receivers with a private CA */
  caFile: string | null;
  filter: DestinationFilter;
  delivery: DeliveryPolicy;
}

export interface SyslogDestination {
  name: string;
  type: 'syslog';
  /** RFC 5424 message with a CEF payload */
  format: 'cef';
  host: string;
  port: number;
  protocol: 'udp' | 'tcp' | 'tls';
  caFile: string | null;
  /** syslog facility number (default 10, security/authorization) */
  facility: number;
  appName: string;
  filter: DestinationFilter;
  delivery: DeliveryPolicy;
}

export type Destination = WebhookDestination | SyslogDestination;

export interface DeliveryPolicy {
  /** milliseconds per attempt before it counts as failed */
  timeoutMs: number;
  /** first retry delay, doubled each attempt (with jitter) up to maxBackoffMs */
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** seconds after the first attempt when an alert goes to the dead letters */
  giveUpAfterSec: number;
  /** sustained requests per second, and the burst allowed above it */
  ratePerSec: number;
  burst: number;
}

/** One attempt, as the delivery log in ClickHouse and the metrics see it. */
export interface DeliveryRecord {
  /** unix seconds */
  ts: number;
  destination: string;
  event_id: string;
  alert_id: string;
  rule: string;
  severity: Severity;
  attempt: number;
  /** delivered; retry: failed, will be tried again; rejected: refused for good (4xx) and dead-lettered; dead-letter: gave up after the give-up time */
  outcome: 'delivered' | 'retry' | 'rejected' | 'dead-letter';
  /** HTTP status, or null (syslog, or no answer) */
  status: number | null;
  latency_ms: number;
  /** what went wrong, never a secret or the body */
  error: string;
}

/** What a sender says of one attempt. */
export type SendResult =
  | { ok: true; status: number | null; body: string }
  | { ok: false; retry: boolean; status: number | null; retryAfterMs: number | null; error: string; body: string };

export interface AlertSender {
  send(event: AlertEvent): Promise<SendResult>;
  close(): Promise<void>;
}
