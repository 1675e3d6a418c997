/**
 * The offline pipeline, one direction of flow: capture file → decode (link, IP, fragments,
 * TCP streams) → track (SIP, media, HTTP, TLS, devices) → detect (rules) → report.
 * `Analyzer` takes one packet at a time, so the live sensor feeds it the same way.
 */
import { PacketDecoder, type DecodedTransportPacket } from './net/packet-decoder.ts';
import { TcpReassembler } from './net/tcp-reassembly.ts';
import { formatMac } from '../parsers/link.ts';
import { looksLikeSip, parseSipMessage } from '../parsers/sip.ts';
import { decodeTftpRequest } from '../parsers/tftp.ts';
import { capturedLength, type CapturedPacket } from '../parsers/capture-file.ts';
import { NetworkClassifier, DEFAULT_INTERNAL_NETWORKS } from './net/networks.ts';
import { DeviceTable } from './inventory/device-table.ts';
import { MediaExpectations } from './track/media-expectations.ts';
import { MediaTracker } from './track/media-tracker.ts';
import { SipTracker } from './track/sip-tracker.ts';
import { TcpSessions } from './track/tcp-sessions.ts';
import { WebObserver } from './track/web-observer.ts';
import { Detector } from '../alerts/detector.ts';
import { DEFAULT_DETECT_CONFIG, type DetectConfig } from '../alerts/detect-config.ts';
import { buildReport, buildCallsJson, type AnalysisReport, type CallJson } from './report/json-report.ts';
import type { FindingInput, StoredFinding } from '../alerts/finding-store.ts';
import type { RtpStreamRecord } from './track/rtp-stream.ts';
import type { SipTransactionRecord } from './track/sip-tracker.ts';
import type { HttpExchangeEvent, SipMessageEvent, TlsSessionEvent } from './track/events.ts';
import type { Device } from './inventory/device-table.ts';
import { CaptureFileReader } from './capture/file-source.ts';

/** Records the trackers produce besides findings, for the store's event tables. */
export interface RecordSink {
  onSipMessage?(ev: SipMessageEvent): void;
  onHttpExchange?(ev: HttpExchangeEvent): void;
  onTlsSession?(ev: TlsSessionEvent): void;
}

export interface AnalyzeOptions {
  internalNetworks?: readonly string[];
  detect?: DetectConfig;
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  records?: RecordSink;
  /** called as each file starts */
  onFileStart?: (path: string) => void;
  /** asked after each chunk: true stops reading, and the result covers what was read */
  shouldStop?: () => boolean;
  /** awaited after each chunk of a file (a store drains its inserts here) */
  betweenChunks?: () => Promise<void>;
}

export interface AnalysisStats {
  packets: number;
  bytes: number;
  sipMessages: number;
  sipRequests: Record<string, number>;
  sipResponses: Record<string, number>;
  rtpStreams: number;
  rtpPackets: number;
  rtcpPackets: number;
  anomalies: Record<string, number>;
}

export interface AnalysisResult {
  report: AnalysisReport;
  /** the devices behind report.devices, with their first and last sighting */
  inventory: Device[];
  stats: AnalysisStats;
  sipTransactions: SipTransactionRecord[];
}

/** UDP port of TFTP requests (RFC 1350). */
const TFTP_PORT = 69;

export class Analyzer {
  readonly networks: NetworkClassifier;
  readonly devices = new DeviceTable();
  private readonly decoder = new PacketDecoder();
  private readonly expectations = new MediaExpectations();
  private readonly detector: Detector;
  private readonly sip: SipTracker;
  private readonly media: MediaTracker;
  private readonly tcp: TcpReassembler;
  private readonly web: WebObserver;
  private readonly anomalies: Record<string, number> = Object.create(null);
  private readonly webPorts: ReadonlySet<number>;
  private packets = 0;
  private bytes = 0;
  private firstTs = Number.POSITIVE_INFINITY;
  private lastTs = 0;
  private lastMac: string | null = null;
  private lastMacIp = '';
  private currentFrame: DecodedTransportPacket | null = null;
  readonly sources: string[] = [];

  constructor(opts: AnalyzeOptions = {}) {
    const config = opts.detect ?? DEFAULT_DETECT_CONFIG;
    const records = opts.records ?? {};
    this.networks = new NetworkClassifier(opts.internalNetworks ?? DEFAULT_INTERNAL_NETWORKS);
    this.webPorts = new Set(config.webUiPorts);
    this.sip = new SipTracker(this.devices, this.expectations, {
      onSipMessage: (ev) => { this.detector.onSipMessage(ev); records.onSipMessage?.(ev); },
      onSipResponse: (ev) => this.detector.onSipResponse(ev),
      onSipAuth: (ev) => this.detector.onSipAuth(ev),
    });
    this.detector = new Detector(this.devices, this.networks, config, (ip) => this.sip.registrarsOf(ip));
    this.media = new MediaTracker(this.expectations, (s) => {
      const d = this.devices.touch(s.src.ip, s.lastTs);
      if (s.protection) d.media.add(s.protection === 'rtp' ? 'rtp' : s.protection === 'zrtp' ? 'zrtp' : s.protection === 'srtp-dtls' ? 'srtp-dtls' : 'srtp');
      this.detector.onRtpStream(s);
    });
    this.web = new WebObserver(this.devices);
    const sessions = new TcpSessions(this.sip, {
      onHttpExchange: (ev) => { this.web.observe(ev); this.detector.onHttpExchange(ev); records.onHttpExchange?.(ev); },
      onTlsSession: (ev) => { this.web.observeTls(ev); this.detector.onTlsSession(ev); records.onTlsSession?.(ev); },
      onSipDecodeError: (code) => this.count(code),
    }, (ip) => this.macFor(ip));
    this.tcp = new TcpReassembler(sessions);
  }

  processPacket(pkt: CapturedPacket): void {
    this.packets++;
    this.bytes += capturedLength(pkt);
    if (pkt.ts < this.firstTs) this.firstTs = pkt.ts;
    if (pkt.ts > this.lastTs) this.lastTs = pkt.ts;
    this.decoder.decode(pkt, this.onTransport);
  }

  private readonly onTransport = (tp: DecodedTransportPacket): void => {
    this.currentFrame = tp;
    if (tp.transport === 'udp') this.onUdp(tp);
    else this.onTcp(tp);
    this.currentFrame = null;
  };

  private onUdp(tp: DecodedTransportPacket): void {
    // The payload is read by range until a decoder needs a view: RTP packets never do.
    if (tp.payloadEnd === tp.payloadOffset) return;
    const first = tp.payloadBuffer[tp.payloadOffset];
    // Letters start SIP methods and "SIP/2.0"; RFC 7983 ranges start media and handshakes.
    if (first >= 0x41 && first <= 0x5a) {
      if (looksLikeSip(tp.payload)) { this.onSipDatagram(tp); return; }
    }
    // A TFTP read request starts 0x00 0x01, which RFC 7983 would take for STUN: look first.
    if (tp.dstPort === TFTP_PORT) {
      const req = decodeTftpRequest(tp.payload);
      if (req) {
        this.devices.observeMac(tp.srcIp, this.srcMac(tp), tp.ts);
        this.detector.onTftpRequest({ ts: tp.ts, client: { ip: tp.srcIp, port: tp.srcPort }, server: { ip: tp.dstIp, port: tp.dstPort }, opcode: req.opcode, filename: req.filename });
      }
      return;
    }
    if (this.media.onUdp(tp)) return;
    // Junk before a request, CRLF keep-alives (RFC 5626): look once more for a SIP start line.
    if (first === 0x0d || first === 0x0a) return;
  }

  private onSipDatagram(tp: DecodedTransportPacket): void {
    const parsed = parseSipMessage(tp.payload);
    if (!parsed.ok) { this.count(parsed.error); return; }
    this.sip.onMessage(parsed.message, 'udp', { ip: tp.srcIp, port: tp.srcPort }, { ip: tp.dstIp, port: tp.dstPort }, tp.ts, this.srcMac(tp));
  }

  private onTcp(tp: DecodedTransportPacket): void {
    const SYN = 0x02, ACK = 0x10;
    if ((tp.tcpFlags & (SYN | ACK)) === (SYN | ACK) && this.webPorts.has(tp.srcPort)) {
      this.devices.observeMac(tp.srcIp, this.srcMac(tp), tp.ts);
      this.detector.onTcpHandshake({ ts: tp.ts, client: { ip: tp.dstIp, port: tp.dstPort }, server: { ip: tp.srcIp, port: tp.srcPort }, answered: true });
    }
    if (tp.payloadEnd > tp.payloadOffset && (this.webPorts.has(tp.srcPort) || this.webPorts.has(tp.dstPort))) {
      this.devices.observeMac(tp.srcIp, this.srcMac(tp), tp.ts);
    }
    this.tcp.onSegment(tp);
  }

  private srcMac(tp: DecodedTransportPacket): string | null {
    if (tp.macOffset < 0) return null;
    return formatMac(tp.frame, tp.macOffset + 6);
  }

  /** The MAC of the frame being processed, when it was sent by `ip`. */
  private macFor(ip: string): string | null {
    const tp = this.currentFrame;
    if (!tp || tp.srcIp !== ip) return null;
    if (this.lastMacIp === ip && this.lastMac) return this.lastMac;
    this.lastMacIp = ip;
    this.lastMac = this.srcMac(tp);
    return this.lastMac;
  }

  private count(code: string): void {
    this.anomalies[code] = (this.anomalies[code] ?? 0) + 1;
  }

  /** Live mode: what the metrics show. */
  liveCounts(): { packets: number; bytes: number; activeCalls: number; activeStreams: number; anomalies: Record<string, number> } {
    return {
      packets: this.packets, bytes: this.bytes, activeCalls: this.sip.activeCalls, activeStreams: this.media.activeStreams,
      anomalies: { ...this.decoder.anomalies, ...this.anomalies },
    };
  }

  /** Live mode: the findings as they stand now (see Detector.evaluate). */
  currentFindings(): StoredFinding[] { return this.detector.evaluate(); }

  /** Live mode: a finding about the sensor itself. */
  reportSensorFinding(f: FindingInput): void { this.detector.reportDirect(f); }

  /**
   * Live mode: moves the trackers' clocks to `now` when the wire is quiet (idle calls and
   * streams end by time, not only by the next packet).
   */
  advanceClock(now: number): void {
    if (now <= this.lastTs) return;
    this.sip.expire(now);
    this.media.expire(now);
  }

  /**
   * Live mode: calls that ended, and media that went quiet, more than `settleSec` before
   * `now`, as the report's call entries; the trackers forget them, so memory stays flat over
   * months. Streams go with their call; media without a finished call goes on its own.
   */
  takeSettled(now: number, settleSec: number): CallJson[] {
    const horizon = now - settleSec;
    const calls = this.sip.finishedCalls;
    const streams = this.media.finished;
    const takenCalls = calls.filter((c) => c.end < horizon);
    const keptCalls = calls.filter((c) => c.end >= horizon);
    const taken = new Set(takenCalls.map((c) => c.callId));
    const waiting = new Set(keptCalls.map((c) => c.callId));
    const takenStreams: RtpStreamRecord[] = [];
    const keptStreams: RtpStreamRecord[] = [];
    for (const st of streams) {
      const go = st.callId !== null && taken.has(st.callId) ? true
        : st.callId !== null && waiting.has(st.callId) ? false
        : st.lastTs < horizon;
      (go ? takenStreams : keptStreams).push(st);
    }
    // Refilled in place (the trackers hold these arrays); a spread would overflow the
    // argument limit with the hundred thousands of records a busy link keeps.
    calls.length = 0;
    for (const c of keptCalls) calls.push(c);
    streams.length = 0;
    for (const st of keptStreams) streams.push(st);
    // The transaction log serves the offline differential tests; live, it would only grow.
    this.sip.transactionLog.length = 0;
    return buildCallsJson(takenCalls, takenStreams, this.devices);
  }

  finish(): AnalysisResult {
    this.tcp.flush();
    this.sip.flush(this.lastTs);
    this.media.flush();
    this.detector.finish();
    const anomalies: Record<string, number> = { ...this.decoder.anomalies, ...this.anomalies };
    const report = buildReport({
      sources: this.sources,
      packets: this.packets,
      bytes: this.bytes,
      firstTs: this.packets > 0 ? this.firstTs : null,
      lastTs: this.packets > 0 ? this.lastTs : null,
      findings: this.detector.findings.all(),
      devices: this.devices,
      networks: this.networks,
      calls: this.sip.finishedCalls,
      streams: this.media.finished,
      plaintextSignaling: this.sip.plaintextSessions,
      tlsSipSessions: this.web.tlsSipSessions,
    });
    const shown = new Set(report.devices.map((d) => d.ip));
    return {
      report,
      inventory: [...this.devices.all()].filter((d) => shown.has(d.ip)),
      stats: {
        packets: this.packets,
        bytes: this.bytes,
        sipMessages: this.sip.counters.messages,
        sipRequests: { ...this.sip.counters.requests },
        sipResponses: { ...this.sip.counters.responses },
        rtpStreams: this.media.counters.streams,
        rtpPackets: this.media.counters.rtpPackets,
        rtcpPackets: this.media.counters.rtcpPackets,
        anomalies,
      },
      sipTransactions: this.sip.transactionLog,
    };
  }
}

/** Analyze capture files in order, as one continuous observation. */
export async function analyzeCaptures(paths: readonly string[], opts: AnalyzeOptions = {}): Promise<AnalysisResult> {
  const analyzer = new Analyzer(opts);
  for (const path of paths) {
    if (opts.shouldStop?.()) break;
    analyzer.sources.push(path);
    opts.onFileStart?.(path);
    const reader = new CaptureFileReader(path, (pkt) => analyzer.processPacket(pkt), { onProgress: opts.onProgress });
    try {
      while (reader.readChunk()) {
        if (opts.betweenChunks) await opts.betweenChunks();
        if (opts.shouldStop?.()) break;
      }
    } finally {
      reader.close();
    }
  }
  return analyzer.finish();
}
