/**
 * A detector: one rule of the findings catalog (../shared/docs/findings.md), one file in
 * alerts/rules/ named after its id. Rules get typed events from the trackers and may keep
 * small bounded state; rules whose verdict needs the whole picture (is this host a phone?
 * who is its registrar?) collect candidates and decide in `finish`.
 */
import type { FindingInput, Severity } from './finding-store.ts';
import type { DeviceTable, Device } from '../src/inventory/device-table.ts';
import type { NetworkClassifier } from '../src/net/networks.ts';
import type { DetectConfig } from './detect-config.ts';
import type {
  HttpExchangeEvent, SipAuthEvent, SipMessageEvent, SipResponseEvent, TcpHandshakeEvent,
  TftpRequestEvent, TlsSessionEvent,
} from '../src/track/events.ts';
import type { RtpStreamRecord } from '../src/track/rtp-stream.ts';

export interface RuleContext {
  report(finding: FindingInput): void;
  readonly devices: DeviceTable;
  readonly networks: NetworkClassifier;
  readonly config: DetectConfig;
  isPhone(ip: string): boolean;
  /** The registrars/proxies a phone registered with or sent requests through. */
  registrarsOf(ip: string): ReadonlySet<string>;
}

export interface Rule {
  readonly id: string;
  readonly defaultSeverity: Severity;
  onSipMessage?(ev: SipMessageEvent, ctx: RuleContext): void;
  onSipResponse?(ev: SipResponseEvent, ctx: RuleContext): void;
  onSipAuth?(ev: SipAuthEvent, ctx: RuleContext): void;
  onHttpExchange?(ev: HttpExchangeEvent, ctx: RuleContext): void;
  onTcpHandshake?(ev: TcpHandshakeEvent, ctx: RuleContext): void;
  onTlsSession?(ev: TlsSessionEvent, ctx: RuleContext): void;
  onTftpRequest?(ev: TftpRequestEvent, ctx: RuleContext): void;
  onRtpStream?(stream: RtpStreamRecord, ctx: RuleContext): void;
  finish?(ctx: RuleContext): void;
}

export type { Device };
