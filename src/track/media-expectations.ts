/**
 * Where the SDP offers and answers said media would flow: the transport address of each
 * m= line (RFC 3264), with the protection it negotiated, so the media tracker can attach
 * each RTP stream to its call and classify it by signaling.
 */
import { mediaAddress, isSecureProfile, type Sdp } from '../../parsers/sdp.ts';
import type { SipTransport } from './events.ts';

export interface MediaExpectation {
  callId: string;
  secureProfile: boolean;
  hasCrypto: boolean;
  hasFingerprint: boolean;
  hasZrtpHash: boolean;
  /** SDES keys of this media travelled over plaintext SIP. */
  keysExposed: boolean;
  rtpmap: Record<number, { encoding: string; clockRate: number; channels: number }>;
  expiresAt: number;
}

export const EXPECTATION_LIMITS = Object.freeze({
  /** media endpoints announced and not yet expired */
  maxExpectations: 200_000,
  /** seconds an announced endpoint is remembered after its last SDP */
  ttlSec: 4 * 3600,
});

const PLAINTEXT: ReadonlySet<SipTransport> = new Set(['udp', 'tcp', 'ws']);

export class MediaExpectations {
  private readonly byEndpoint = new Map<string, MediaExpectation>();
  dropped = 0;

  announce(sdp: Sdp, callId: string, transport: SipTransport, ts: number): void {
    for (const m of sdp.media) {
      if (m.port === 0) continue;
      const ip = mediaAddress(sdp, m);
      if (!ip) continue;
      const hasCrypto = m.crypto.length > 0;
      const exp: MediaExpectation = {
        callId,
        secureProfile: isSecureProfile(m.proto),
        hasCrypto,
        hasFingerprint: (m.fingerprint ?? sdp.fingerprint) !== null,
        hasZrtpHash: (m.zrtpHash ?? sdp.zrtpHash) !== null,
        keysExposed: hasCrypto && PLAINTEXT.has(transport),
        rtpmap: m.rtpmap,
        expiresAt: ts + EXPECTATION_LIMITS.ttlSec,
      };
      this.set(`${ip}:${m.port}`, exp);
      if (!m.rtcpMux) this.set(`${ip}:${m.rtcpPort || m.port + 1}`, exp);
    }
  }

  lookup(ip: string, port: number): MediaExpectation | null {
    return this.byEndpoint.get(`${ip}:${port}`) ?? null;
  }

  expire(now: number): void {
    for (const [k, e] of this.byEndpoint) if (e.expiresAt < now) this.byEndpoint.delete(k);
  }

  private set(key: string, exp: MediaExpectation): void {
    if (!this.byEndpoint.has(key) && this.byEndpoint.size >= EXPECTATION_LIMITS.maxExpectations) { this.dropped++; return; }
    this.byEndpoint.set(key, exp);
  }
}
