/**
 * Media on UDP: RFC 7983 demultiplexing of STUN, DTLS, ZRTP and RTP/RTCP on a port, RTP
 * streams with their statistics, and the evidence that decides whether each stream is
 * encrypted — the SDP that set it up, a DTLS handshake or ZRTP on the same transport
 * addresses, or else the payload itself.
 */
import { randomBytes } from 'node:crypto';
import { demuxMediaPacket, decodeRtpInto, createRtpHeader } from '../../parsers/rtp.ts';
import { staticPayloadTypes } from '../../parsers/sdp.ts';
import type { DecodedTransportPacket } from '../net/packet-decoder.ts';
import { RtpStreamState, type RtpStreamRecord, type MediaProtection, type ClassifiedBy } from './rtp-stream.ts';
import type { MediaExpectations, MediaExpectation } from './media-expectations.ts';

export const MEDIA_LIMITS = Object.freeze({
  /** concurrent RTP streams */
  maxStreams: 250_000,
  /** unconfirmed RTP-looking flows waiting for a second in-sequence packet */
  maxCandidates: 50_000,
  /** endpoints remembered as having done a DTLS or ZRTP handshake */
  maxSecuredEndpoints: 100_000,
  /** seconds of capture time after which a silent stream is finished */
  idleTimeoutSec: 60,
  /** finished streams kept for the report; past it they are counted only */
  maxFinishedStreams: 200_000,
});

/** UDP ports that carry well-known non-RTP protocols whose first byte can look like RTP. */
const NOT_MEDIA_PORTS = new Set([53, 67, 68, 69, 123, 137, 138, 161, 162, 500, 514, 1900, 4500, 5353, 5060, 5061]);

interface MediaFlow {
  srcIp: string; srcPort: number; dstIp: string; dstPort: number;
  /** flowIndexKey of the packet that created it */
  key: number;
  /** the next flow with the same index key */
  sameKey: MediaFlow | null;
  stream: RtpStreamState | null;
  /** further SSRCs on the same flow (rare: SSRC change mid-call) */
  more: Map<number, RtpStreamState> | null;
  expectation: MediaExpectation | null;
  lastTs: number;
}

interface Candidate { ssrc: number; seq: number; ts: number }

export interface MediaCounters {
  rtpPackets: number; rtcpPackets: number; stunPackets: number; dtlsPackets: number; zrtpPackets: number;
  streams: number; encryptedStreams: number; streamsDropped: number; candidatesDropped: number;
}

/**
 * Seeds the flow index key per process, as V8 seeds its string hashes: traffic cannot be
 * crafted to put many flows on one key and make each lookup walk a long chain.
 */
const FLOW_KEY_SEED = randomBytes(4).readInt32LE(0);

/**
 * Index key of a flow: its addresses and ports mixed into a small integer, so the per-packet
 * lookup hashes no string and allocates nothing. Flows that share a key are chained.
 */
function flowIndexKey(tp: DecodedTransportPacket): number {
  let h = Math.imul(tp.srcAddrKey ^ FLOW_KEY_SEED, 0x9e3779b1);
  h = Math.imul(h ^ tp.dstAddrKey, 0x85ebca6b);
  h = Math.imul(h ^ ((tp.srcPort << 16) | tp.dstPort), 0xc2b2ae35);
  return (h ^ (h >>> 15)) & 0x3fffffff;
}

export class MediaTracker {
  /** Flows by flowIndexKey, each entry the head of a chain through MediaFlow.sameKey. */
  private readonly flowIndex = new Map<number, MediaFlow>();
  /**
   * The same flows in the order they were created: streams are finished (and reported) in
   * that order at expiry and at the end, so the report does not depend on the index.
   */
  private readonly flows = new Set<MediaFlow>();
  /** RTP header scratch, refilled per packet: the hot path allocates no header object. */
  private readonly rtp = createRtpHeader();
  private readonly candidates = new Map<string, Candidate>();
  private readonly dtlsEndpoints = new Set<string>();
  private readonly zrtpEndpoints = new Set<string>();
  readonly finished: RtpStreamRecord[] = [];
  readonly counters: MediaCounters = {
    rtpPackets: 0, rtcpPackets: 0, stunPackets: 0, dtlsPackets: 0, zrtpPackets: 0,
    streams: 0, encryptedStreams: 0, streamsDropped: 0, candidatesDropped: 0,
  };
  private liveStreams = 0;
  private nextExpiry = 0;

  constructor(
    private readonly expectations: MediaExpectations,
    private readonly onStreamFinished: (s: RtpStreamRecord) => void,
  ) {}

  get activeStreams(): number { return this.liveStreams; }

  /** Returns false when the datagram is not media (so other decoders may look at it). */
  onUdp(tp: DecodedTransportPacket): boolean {
    if (tp.payloadEnd - tp.payloadOffset < 4) return false;
    if (tp.ts >= this.nextExpiry) this.expire(tp.ts);
    const kind = demuxMediaPacket(tp.payloadBuffer, tp.payloadOffset, tp.payloadEnd);
    switch (kind) {
      case 'rtp': return this.onRtp(tp);
      case 'rtcp':
        if (!this.isMediaPort(tp)) return false;
        this.counters.rtcpPackets++;
        return true;
      case 'dtls':
        if (!this.isMediaPort(tp)) return false;
        this.counters.dtlsPackets++;
        this.markSecured(this.dtlsEndpoints, tp);
        return true;
      case 'zrtp':
        this.counters.zrtpPackets++;
        this.markSecured(this.zrtpEndpoints, tp);
        return true;
      case 'stun':
        if (!this.isMediaPort(tp)) return false;
        this.counters.stunPackets++;
        return true;
      default:
        return false;
    }
  }

  private isMediaPort(tp: DecodedTransportPacket): boolean {
    return !NOT_MEDIA_PORTS.has(tp.srcPort) && !NOT_MEDIA_PORTS.has(tp.dstPort);
  }

  private onRtp(tp: DecodedTransportPacket): boolean {
    let flow = this.findFlow(tp);
    const rtp = this.rtp;
    const packet = tp.payloadBuffer;
    if (!decodeRtpInto(packet, rtp, tp.payloadOffset, tp.payloadEnd)) return false;
    if (!flow) {
      const expectation = this.expectations.lookup(tp.dstIp, tp.dstPort) ?? this.expectations.lookup(tp.srcIp, tp.srcPort);
      if (!expectation && !this.confirmHeuristic(tp, rtp.ssrc, rtp.sequence)) return this.isMediaPort(tp) && tp.srcPort >= 1024 && tp.dstPort >= 1024;
      flow = {
        srcIp: tp.srcIp, srcPort: tp.srcPort, dstIp: tp.dstIp, dstPort: tp.dstPort, key: flowIndexKey(tp), sameKey: null,
        stream: null, more: null, expectation, lastTs: tp.ts,
      };
      this.addFlow(flow);
    }
    flow.lastTs = tp.ts;
    let stream = flow.stream;
    if (stream === null || stream.ssrc !== rtp.ssrc) {
      stream = this.streamFor(flow, rtp.ssrc, rtp.sequence, rtp.payloadType, tp.ts);
      if (!stream) return true;
    }
    this.counters.rtpPackets++;
    stream.update(rtp.sequence, rtp.timestamp, tp.ts, packet, rtp.payloadOffset, rtp.payloadLength, rtp.payloadType);
    return true;
  }

  private findFlow(tp: DecodedTransportPacket): MediaFlow | null {
    let flow = this.flowIndex.get(flowIndexKey(tp)) ?? null;
    // Addresses come from the decoder's string cache, so these compares are mostly pointer checks.
    while (flow !== null && !(flow.srcPort === tp.srcPort && flow.dstPort === tp.dstPort && flow.srcIp === tp.srcIp && flow.dstIp === tp.dstIp)) {
      flow = flow.sameKey;
    }
    return flow;
  }

  private addFlow(flow: MediaFlow): void {
    flow.sameKey = this.flowIndex.get(flow.key) ?? null;
    this.flowIndex.set(flow.key, flow);
    this.flows.add(flow);
  }

  private removeFlow(flow: MediaFlow): void {
    this.flows.delete(flow);
    const key = flow.key;
    const head = this.flowIndex.get(key);
    if (head === flow) {
      if (flow.sameKey) this.flowIndex.set(key, flow.sameKey);
      else this.flowIndex.delete(key);
      return;
    }
    for (let f = head ?? null; f !== null; f = f.sameKey) {
      if (f.sameKey === flow) { f.sameKey = flow.sameKey; return; }
    }
  }

  /** A flow with no SDP behind it becomes a stream once two packets agree on SSRC and sequence. */
  private confirmHeuristic(tp: DecodedTransportPacket, ssrc: number, seq: number): boolean {
    if (!this.isMediaPort(tp) || tp.srcPort < 1024 || tp.dstPort < 1024) return false;
    const key = `${tp.srcIp}:${tp.srcPort}>${tp.dstIp}:${tp.dstPort}`;
    const previous = this.candidates.get(key);
    if (previous && previous.ssrc === ssrc && ((seq - previous.seq + 0x10000) & 0xffff) <= 10 && seq !== previous.seq) {
      this.candidates.delete(key);
      return true;
    }
    if (!previous && this.candidates.size >= MEDIA_LIMITS.maxCandidates) { this.counters.candidatesDropped++; return false; }
    if (previous) { previous.ssrc = ssrc; previous.seq = seq; previous.ts = tp.ts; }
    else this.candidates.set(key, { ssrc, seq, ts: tp.ts });
    return false;
  }

  private streamFor(flow: MediaFlow, ssrc: number, seq: number, pt: number, ts: number): RtpStreamState | null {
    if (flow.stream === null) {
      flow.stream = this.newStream(flow, ssrc, seq, pt, ts);
      return flow.stream;
    }
    flow.more ??= new Map();
    let s = flow.more.get(ssrc);
    if (!s) {
      // Swap so the most recent SSRC is the fast path.
      const created = this.newStream(flow, ssrc, seq, pt, ts);
      if (!created) return null;
      flow.more.set(flow.stream.ssrc, flow.stream);
      s = created;
    } else {
      flow.more.delete(ssrc);
      flow.more.set(flow.stream.ssrc, flow.stream);
    }
    flow.stream = s;
    return s;
  }

  private newStream(flow: MediaFlow, ssrc: number, seq: number, pt: number, ts: number): RtpStreamState | null {
    if (this.liveStreams >= MEDIA_LIMITS.maxStreams) { this.counters.streamsDropped++; return null; }
    this.liveStreams++;
    this.counters.streams++;
    return new RtpStreamState(ssrc, seq, pt, clockRateOf(pt, flow.expectation), ts);
  }

  private markSecured(set: Set<string>, tp: DecodedTransportPacket): void {
    if (set.size >= MEDIA_LIMITS.maxSecuredEndpoints) return;
    set.add(`${tp.srcIp}:${tp.srcPort}`);
    set.add(`${tp.dstIp}:${tp.dstPort}`);
  }

  /** Finish streams silent for longer than the idle timeout. */
  expire(now: number): void {
    this.nextExpiry = now + 5;
    const horizon = now - MEDIA_LIMITS.idleTimeoutSec;
    for (const flow of this.flows) {
      if (flow.lastTs < horizon) { this.finishFlow(flow); this.removeFlow(flow); }
    }
    for (const [key, c] of this.candidates) if (c.ts < horizon) this.candidates.delete(key);
  }

  /** End of input: finish every stream. */
  flush(): void {
    for (const flow of this.flows) this.finishFlow(flow);
    this.flows.clear();
    this.flowIndex.clear();
    this.candidates.clear();
  }

  private finishFlow(flow: MediaFlow): void {
    if (flow.stream) this.finishStream(flow, flow.stream);
    if (flow.more) for (const s of flow.more.values()) this.finishStream(flow, s);
  }

  private finishStream(flow: MediaFlow, s: RtpStreamState): void {
    this.liveStreams--;
    const expectation = flow.expectation ?? this.expectations.lookup(flow.dstIp, flow.dstPort) ?? this.expectations.lookup(flow.srcIp, flow.srcPort);
    const decision = this.decide(flow, s, expectation);
    if (decision.encrypted) this.counters.encryptedStreams++;
    const record: RtpStreamRecord = {
      src: { ip: flow.srcIp, port: flow.srcPort },
      dst: { ip: flow.dstIp, port: flow.dstPort },
      ssrc: s.ssrc,
      payloadType: s.payloadType,
      codec: codecName(s.payloadType, expectation),
      packets: s.packets,
      lost: s.lost,
      jitterMs: Math.round(s.jitterMs * 100) / 100,
      firstTs: s.firstTs,
      lastTs: s.lastTs,
      encrypted: decision.encrypted,
      classifiedBy: decision.by,
      protection: decision.protection,
      callId: expectation?.callId ?? null,
      keysExposed: decision.protection === 'srtp-sdes' && expectation !== null && expectation.keysExposed,
    };
    if (this.finished.length < MEDIA_LIMITS.maxFinishedStreams) this.finished.push(record);
    this.onStreamFinished(record);
  }

  private decide(flow: MediaFlow, s: RtpStreamState, exp: MediaExpectation | null):
    { encrypted: boolean | null; by: ClassifiedBy; protection: MediaProtection | null } {
    const src = `${flow.srcIp}:${flow.srcPort}`;
    const dst = `${flow.dstIp}:${flow.dstPort}`;
    // Handshakes on the wire are stronger evidence than what the SDP promised.
    if (this.dtlsEndpoints.has(src) || this.dtlsEndpoints.has(dst)) return { encrypted: true, by: 'dtls', protection: 'srtp-dtls' };
    if (this.zrtpEndpoints.has(src) || this.zrtpEndpoints.has(dst)) return { encrypted: true, by: 'zrtp', protection: 'zrtp' };
    if (exp) {
      if (exp.secureProfile || exp.hasCrypto || exp.hasFingerprint) {
        const protection: MediaProtection = exp.hasCrypto ? 'srtp-sdes' : exp.hasFingerprint ? 'srtp-dtls' : 'srtp-unknown';
        return { encrypted: true, by: 'sdp', protection };
      }
      if (exp.hasZrtpHash) {
        const verdict = s.payloadVerdict().verdict;
        if (verdict === 'encrypted') return { encrypted: true, by: 'heuristic', protection: 'zrtp' };
      }
      return { encrypted: false, by: 'sdp', protection: 'rtp' };
    }
    const verdict = s.payloadVerdict().verdict;
    if (verdict === 'encrypted') return { encrypted: true, by: 'heuristic', protection: 'srtp-unknown' };
    if (verdict === 'plain') return { encrypted: false, by: 'heuristic', protection: 'rtp' };
    return { encrypted: null, by: 'heuristic', protection: null };
  }
}

function clockRateOf(pt: number, exp: MediaExpectation | null): number {
  const mapped = exp?.rtpmap[pt];
  if (mapped && mapped.clockRate > 0) return mapped.clockRate;
  const known = staticPayloadTypes[pt];
  return known ? known.clockRate : 8000;
}

function codecName(pt: number, exp: MediaExpectation | null): string {
  const mapped = exp?.rtpmap[pt];
  if (mapped) return mapped.encoding;
  const known = staticPayloadTypes[pt];
  return known ? known.encoding : `PT${pt}`;
}
