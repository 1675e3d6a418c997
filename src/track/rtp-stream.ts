/**
 * One RTP stream (source transport address, destination transport address, SSRC): sequence
 * accounting and interarrival jitter exactly as RFC 3550 appendix A.1 and A.8 give them.
 * Kept small: 100,000 of these live at once on a busy mirror port.
 */
import type { Endpoint } from './events.ts';
import {
  createPayloadClassifierState, observeRtpPayloadAt, classifyPayload, type PayloadClassifierState,
} from '../media/payload-classifier.ts';

export type MediaProtection = 'rtp' | 'srtp-sdes' | 'srtp-dtls' | 'zrtp' | 'srtp-unknown';
export type ClassifiedBy = 'sdp' | 'heuristic' | 'dtls' | 'zrtp';

export interface RtpStreamRecord {
  src: Endpoint;
  dst: Endpoint;
  ssrc: number;
  payloadType: number;
  codec: string;
  packets: number;
  lost: number;
  jitterMs: number;
  firstTs: number;
  lastTs: number;
  /** null when neither signaling nor payload could decide. */
  encrypted: boolean | null;
  classifiedBy: ClassifiedBy;
  protection: MediaProtection | null;
  callId: string | null;
  /** The SDP that set this stream up travelled over plaintext SIP with its SDES keys. */
  keysExposed: boolean;
}

/** RFC 3550 A.1 */
const MAX_DROPOUT = 3000;
const MAX_MISORDER = 100;
const RTP_SEQ_MOD = 0x10000;

export class RtpStreamState {
  readonly ssrc: number;
  payloadType: number;
  clockRate: number;
  packets = 0;
  firstTs: number;
  lastTs: number;
  private baseSeq: number;
  private maxSeq: number;
  private badSeq = RTP_SEQ_MOD + 1;
  private cycles = 0;
  private transit = 0;
  private hasTransit = false;
  /** RFC 3550 A.8 jitter estimate, in timestamp units. */
  jitter = 0;
  readonly classifier: PayloadClassifierState;

  constructor(ssrc: number, seq: number, payloadType: number, clockRate: number, ts: number) {
    this.ssrc = ssrc;
    this.payloadType = payloadType;
    this.clockRate = clockRate;
    this.baseSeq = seq;
    this.maxSeq = seq;
    this.firstTs = ts;
    this.lastTs = ts;
    this.classifier = createPayloadClassifierState();
  }

  /**
   * One packet; its payload (padding removed) is `payloadLength` bytes at `payloadOffset` of
   * `packet`, given as a range so that no view is made per packet.
   */
  update(seq: number, rtpTimestamp: number, ts: number, packet: Buffer, payloadOffset: number, payloadLength: number, payloadType: number): void {
    this.packets++;
    this.lastTs = ts;
    const udelta = (seq - this.maxSeq + RTP_SEQ_MOD) % RTP_SEQ_MOD;
    if (this.packets > 1) {
      if (udelta < MAX_DROPOUT) {
        if (seq < this.maxSeq) this.cycles += RTP_SEQ_MOD;
        this.maxSeq = seq;
      } else if (udelta <= RTP_SEQ_MOD - MAX_MISORDER) {
        if (seq === this.badSeq) {
          // Two sequential packets after a jump: the source restarted (RFC 3550 A.1).
          this.baseSeq = seq; this.maxSeq = seq; this.cycles = 0; this.badSeq = RTP_SEQ_MOD + 1;
          this.packets = 1;
        } else {
          this.badSeq = (seq + 1) & 0xffff;
        }
      }
    }
    if (payloadType === this.payloadType) {
      const arrival = ts * this.clockRate;
      const transit = arrival - rtpTimestamp;
      if (this.hasTransit) {
        let d = transit - this.transit;
        if (d < 0) d = -d;
        // A timestamp jump (new talkspurt with a reset clock) is not jitter.
        if (d < this.clockRate * 10) this.jitter += (d - this.jitter) / 16;
      }
      this.transit = transit;
      this.hasTransit = true;
    }
    observeRtpPayloadAt(this.classifier, payloadType, packet, payloadOffset, payloadLength);
  }

  get expected(): number { return this.cycles + this.maxSeq - this.baseSeq + 1; }
  get lost(): number { return Math.max(0, this.expected - this.packets); }
  get jitterMs(): number { return this.clockRate > 0 ? (this.jitter / this.clockRate) * 1000 : 0; }
  payloadVerdict(): ReturnType<typeof classifyPayload> { return classifyPayload(this.classifier); }
}
