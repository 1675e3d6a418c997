/**
 * The JSON document of `voipwatch analyze --format json`: exactly the output contract of the
 * findings catalog. Field names are snake_case there and stable: SIEM searches depend on them.
 */
import { SEVERITY_RANK, type Evidence, type Severity, type StoredFinding } from '../../alerts/finding-store.ts';
import type { Device, DeviceTable } from '../inventory/device-table.ts';
import type { NetworkClassifier } from '../net/networks.ts';
import type { CallRecord } from '../track/sip-tracker.ts';
import type { RtpStreamRecord } from '../track/rtp-stream.ts';

export interface DeviceRef { ip: string; mac: string | null; vendor: string | null; model: string | null; firmware: string | null; user_agent: string | null }

export interface FindingJson {
  id: string; rule: string; severity: Severity;
  device: DeviceRef;
  peer: { ip: string; internal: boolean } | null;
  first_seen: string; last_seen: string; count: number;
  summary: string; evidence: Evidence;
}

export interface DeviceJson extends DeviceRef { roles: string[]; sip_users: string[]; signaling: string[]; media: string[] }

export interface StreamJson {
  src: string; dst: string; ssrc: string; codec: string; packets: number; lost: number; jitter_ms: number;
  encrypted: boolean | null; classified_by: string;
}

export type CallMedia = 'rtp' | 'srtp-sdes' | 'srtp-sdes-exposed' | 'srtp-dtls' | 'zrtp' | 'srtp-unknown' | 'none';

export interface CallJson {
  call_id: string | null; from: string | null; to: string | null; caller_ip: string; callee_ip: string;
  signaling: string | null; media: CallMedia; start: string; end: string; streams: StreamJson[];
}

export interface CoverageFigure { sessions?: number; streams?: number; total?: number; encrypted?: number; fully_encrypted?: number; pct: number }

export interface AnalysisReport {
  version: 1;
  sources: string[];
  packets: number; bytes: number; first_ts: string | null; last_ts: string | null;
  findings: FindingJson[];
  devices: DeviceJson[];
  calls: CallJson[];
  coverage: {
    signaling: { sessions: number; encrypted: number; pct: number };
    media: { streams: number; encrypted: number; pct: number };
    devices: { total: number; fully_encrypted: number; pct: number };
  };
}

export interface ReportInput {
  sources: string[];
  packets: number; bytes: number; firstTs: number | null; lastTs: number | null;
  findings: StoredFinding[];
  devices: DeviceTable;
  networks: NetworkClassifier;
  calls: readonly CallRecord[];
  streams: readonly RtpStreamRecord[];
  /** SIP associations seen in plaintext: "transport|a|b" */
  plaintextSignaling: number;
  tlsSipSessions: number;
}

export const isoTime = (ts: number): string => new Date(Math.round(ts * 1000)).toISOString();

const pct = (part: number, whole: number): number => (whole === 0 ? 0 : Math.round((part / whole) * 1000) / 10);

const PLAINTEXT_SIGNALING = new Set(['udp', 'tcp', 'ws']);

export function buildReport(input: ReportInput): AnalysisReport {
  const findings = input.findings
    .map((f) => toFindingJson(f, input))
    .sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]
      || a.rule.localeCompare(b.rule) || a.device.ip.localeCompare(b.device.ip)
      || (a.peer?.ip ?? '').localeCompare(b.peer?.ip ?? ''));

  const devices: DeviceJson[] = [];
  let phones = 0;
  let phonesEncrypted = 0;
  for (const d of input.devices.all()) {
    if (d.roles.size === 0 && d.signaling.size === 0 && d.media.size === 0) continue;
    devices.push(toDeviceJson(d));
    if (d.roles.has('phone')) {
      phones++;
      if (isFullyEncrypted(d)) phonesEncrypted++;
    }
  }
  devices.sort((a, b) => compareIp(a.ip, b.ip));

  const calls = buildCalls(input.calls, input.streams, input.devices);
  let encryptedStreams = 0;
  for (const s of input.streams) if (s.encrypted === true) encryptedStreams++;
  const sessions = input.plaintextSignaling + input.tlsSipSessions;

  return {
    version: 1,
    sources: input.sources,
    packets: input.packets,
    bytes: input.bytes,
    first_ts: input.firstTs === null ? null : isoTime(input.firstTs),
    last_ts: input.lastTs === null ? null : isoTime(input.lastTs),
    findings,
    devices,
    calls,
    coverage: {
      signaling: { sessions, encrypted: input.tlsSipSessions, pct: pct(input.tlsSipSessions, sessions) },
      media: { streams: input.streams.length, encrypted: encryptedStreams, pct: pct(encryptedStreams, input.streams.length) },
      devices: { total: phones, fully_encrypted: phonesEncrypted, pct: pct(phonesEncrypted, phones) },
    },
  };
}

function isFullyEncrypted(d: Device): boolean {
  if (d.signaling.size === 0 && d.media.size === 0) return false;
  for (const s of d.signaling) if (PLAINTEXT_SIGNALING.has(s)) return false;
  return !d.media.has('rtp');
}

export function deviceRef(ip: string, devices: DeviceTable): DeviceRef {
  const d = devices.get(ip);
  return {
    ip, mac: d?.mac ?? null, vendor: d?.vendor ?? null, model: d?.model ?? null, firmware: d?.firmware ?? null,
    user_agent: d ? (d.userAgent ?? d.server) : null,
  };
}

/** Findings alone in the contract's shape (the live sensor's alert tick: no devices or calls). */
export const findingsJson = (findings: readonly StoredFinding[], devices: DeviceTable, networks: NetworkClassifier): FindingJson[] =>
  findings.map((f) => toFindingJson(f, { devices, networks }));

function toFindingJson(f: StoredFinding, input: Pick<ReportInput, 'devices' | 'networks'>): FindingJson {
  return {
    id: f.id, rule: f.rule, severity: f.severity,
    device: deviceRef(f.deviceIp, input.devices),
    peer: f.peerIp === null ? null : { ip: f.peerIp, internal: input.networks.isInternal(f.peerIp) },
    first_seen: isoTime(f.firstSeen), last_seen: isoTime(f.lastSeen), count: f.count,
    summary: f.summary, evidence: f.evidence,
  };
}

function toDeviceJson(d: Device): DeviceJson {
  return {
    ip: d.ip, mac: d.mac, vendor: d.vendor, model: d.model, firmware: d.firmware, user_agent: d.userAgent ?? d.server,
    roles: [...d.roles].sort(), sip_users: [...d.sipUsers].sort(), signaling: [...d.signaling].sort(), media: [...d.media].sort(),
  };
}

function toStreamJson(s: RtpStreamRecord): StreamJson {
  return {
    src: `${s.src.ip}:${s.src.port}`, dst: `${s.dst.ip}:${s.dst.port}`,
    ssrc: `0x${s.ssrc.toString(16).padStart(8, '0')}`, codec: s.codec, packets: s.packets, lost: s.lost,
    jitter_ms: s.jitterMs, encrypted: s.encrypted, classified_by: s.classifiedBy,
  };
}

function callMedia(streams: readonly RtpStreamRecord[]): CallMedia {
  if (streams.length === 0) return 'none';
  if (streams.some((s) => s.encrypted === false)) return 'rtp';
  if (streams.some((s) => s.keysExposed)) return 'srtp-sdes-exposed';
  const kinds = new Set(streams.map((s) => s.protection));
  if (kinds.size === 1) {
    const only = [...kinds][0];
    if (only === 'srtp-sdes' || only === 'srtp-dtls' || only === 'zrtp') return only;
  }
  return 'srtp-unknown';
}

/** Calls with their streams, and media without a call, as the contract's call entries. */
export const buildCallsJson = (calls: readonly CallRecord[], streams: readonly RtpStreamRecord[], devices: DeviceTable): CallJson[] => buildCalls(calls, streams, devices);

function buildCalls(calls: readonly CallRecord[], streams: readonly RtpStreamRecord[], devices: DeviceTable): CallJson[] {
  const byCall = new Map<string, RtpStreamRecord[]>();
  const orphans = new Map<string, RtpStreamRecord[]>();
  for (const s of streams) {
    if (s.callId !== null) {
      const list = byCall.get(s.callId);
      if (list) list.push(s); else byCall.set(s.callId, [s]);
      continue;
    }
    // Media without visible signaling (SIP over TLS): grouped per pair of endpoints.
    const a = `${s.src.ip}:${s.src.port}`, b = `${s.dst.ip}:${s.dst.port}`;
    const key = a < b ? `${a}|${b}` : `${b}|${a}`;
    const list = orphans.get(key);
    if (list) list.push(s); else orphans.set(key, [s]);
  }
  const out: CallJson[] = [];
  for (const c of calls) {
    const own = byCall.get(c.callId) ?? [];
    byCall.delete(c.callId);
    out.push({
      call_id: c.callId, from: c.from, to: c.to, caller_ip: c.callerIp, callee_ip: c.calleeIp, signaling: c.signaling,
      media: callMedia(own), start: isoTime(c.start), end: isoTime(own.reduce((m, s) => Math.max(m, s.lastTs), c.end)),
      streams: own.map(toStreamJson),
    });
  }
  // Streams whose call ended outside the capture window keep their Call-ID.
  for (const [callId, own] of byCall) out.push(mediaOnlyCall(callId, own, devices));
  for (const own of orphans.values()) out.push(mediaOnlyCall(null, own, devices));
  return out.sort((a, b) => a.start.localeCompare(b.start) || (a.call_id ?? '').localeCompare(b.call_id ?? ''));
}

function mediaOnlyCall(callId: string | null, streams: RtpStreamRecord[], devices: DeviceTable): CallJson {
  const first = streams.reduce((m, s) => (s.firstTs < m.firstTs ? s : m));
  // Reduced, not spread: SSRC churn can put a hundred thousand streams on one endpoint pair,
  // past the number of arguments a call may take.
  const start = streams.reduce((m, s) => Math.min(m, s.firstTs), Number.POSITIVE_INFINITY);
  const end = streams.reduce((m, s) => Math.max(m, s.lastTs), 0);
  const tls = devices.get(first.src.ip)?.signaling.has('tls') || devices.get(first.dst.ip)?.signaling.has('tls');
  return {
    call_id: callId, from: null, to: null, caller_ip: first.src.ip, callee_ip: first.dst.ip,
    signaling: tls ? 'tls' : null, media: callMedia(streams), start: isoTime(start), end: isoTime(end),
    streams: streams.map(toStreamJson),
  };
}

function compareIp(a: string, b: string): number {
  const pa = a.split('.'), pb = b.split('.');
  if (pa.length === 4 && pb.length === 4) {
    for (let i = 0; i < 4; i++) { const d = Number(pa[i]) - Number(pb[i]); if (d !== 0) return d; }
    return 0;
  }
  return a.localeCompare(b);
}
