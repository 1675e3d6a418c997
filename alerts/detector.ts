/**
 * The detect stage: hands every tracker event to the rules that listen for it, and gives
 * them one context (inventory, networks, tunables, the finding store). Rules never see
 * packets and sinks never decide what is a finding.
 */
import { FindingStore, SEVERITY_RANK, type FindingInput, type StoredFinding } from './finding-store.ts';
import type { Rule, RuleContext } from './rule.ts';
import { ALL_RULES } from './rules/index.ts';
import type { DetectConfig } from './detect-config.ts';
import type { DeviceTable } from '../src/inventory/device-table.ts';
import type { NetworkClassifier } from '../src/net/networks.ts';
import type {
  HttpExchangeEvent, SipAuthEvent, SipMessageEvent, SipResponseEvent, TcpHandshakeEvent,
  TftpRequestEvent, TlsSessionEvent,
} from '../src/track/events.ts';
import type { RtpStreamRecord } from '../src/track/rtp-stream.ts';

export class Detector {
  readonly findings = new FindingStore();
  private readonly ctx: RuleContext;
  private readonly rules: Rule[];

  constructor(
    devices: DeviceTable,
    networks: NetworkClassifier,
    config: DetectConfig,
    registrarsOf: (ip: string) => ReadonlySet<string>,
    rules: readonly (() => Rule)[] = ALL_RULES,
  ) {
    // Each analysis gets fresh rule instances: rules keep per-run state.
    this.rules = rules.map((make) => make());
    const findings = this.findings;
    this.ctx = {
      report: (f: FindingInput) => { findings.report(f); },
      devices, networks, config, registrarsOf,
      // The inventory decides what a phone is (headers, web UI, or a phone maker's MAC).
      isPhone: (ip: string) => devices.get(ip)?.roles.has('phone') === true,
    };
  }

  onSipMessage(ev: SipMessageEvent): void { for (const r of this.rules) r.onSipMessage?.(ev, this.ctx); }
  onSipResponse(ev: SipResponseEvent): void { for (const r of this.rules) r.onSipResponse?.(ev, this.ctx); }
  onSipAuth(ev: SipAuthEvent): void { for (const r of this.rules) r.onSipAuth?.(ev, this.ctx); }
  onHttpExchange(ev: HttpExchangeEvent): void { for (const r of this.rules) r.onHttpExchange?.(ev, this.ctx); }
  onTcpHandshake(ev: TcpHandshakeEvent): void { for (const r of this.rules) r.onTcpHandshake?.(ev, this.ctx); }
  onTlsSession(ev: TlsSessionEvent): void { for (const r of this.rules) r.onTlsSession?.(ev, this.ctx); }
  onTftpRequest(ev: TftpRequestEvent): void { for (const r of this.rules) r.onTftpRequest?.(ev, this.ctx); }
  onRtpStream(s: RtpStreamRecord): void { for (const r of this.rules) r.onRtpStream?.(s, this.ctx); }
  finish(): void { for (const r of this.rules) r.finish?.(this.ctx); }

  /**
   * The findings as they stand now, without ending anything (the live sensor asks this
   * periodically): what the rules reported as events arrived, plus what the rules that judge
   * the whole picture would report at this moment. Their `finish` only reads their state, so
   * asking again later gives absolute figures, never counts added twice.
   */
  evaluate(): StoredFinding[] {
    const decided = new FindingStore();
    const ctx: RuleContext = { ...this.ctx, report: (f: FindingInput) => { decided.report(f); } };
    for (const r of this.rules) r.finish?.(ctx);
    const byId = new Map<string, StoredFinding>();
    for (const f of this.findings.all()) byId.set(f.id, { ...f });
    for (const f of decided.all()) {
      const seen = byId.get(f.id);
      if (!seen) { byId.set(f.id, f); continue; }
      seen.count = Math.max(seen.count, f.count);
      seen.firstSeen = Math.min(seen.firstSeen, f.firstSeen);
      seen.lastSeen = Math.max(seen.lastSeen, f.lastSeen);
      if (SEVERITY_RANK[f.severity] > SEVERITY_RANK[seen.severity]) { seen.severity = f.severity; seen.summary = f.summary; seen.evidence = f.evidence; }
    }
    return [...byId.values()];
  }

  /** A finding about the sensor itself (sensor_health), reported like any other. */
  reportDirect(f: FindingInput): void { this.findings.report(f); }
}
