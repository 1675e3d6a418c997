/**
 * unencrypted-rtp (high) — an RTP stream carries unencrypted media: its SDP offered
 * RTP/AVP(F) without crypto, or, with no SDP visible, its payload is codec data.
 * Seed 000: SRTP instead of RTP.
 *
 * Device: the stream's sender; peer: its destination. Dedupe per sender and destination;
 * count = streams.
 */
import type { Rule } from '../rule.ts';

export function createUnencryptedRtpRule(): Rule {
  return {
    id: 'unencrypted-rtp',
    defaultSeverity: 'high',
    onRtpStream(s, ctx) {
      if (s.encrypted !== false) return;
      ctx.report({
        rule: 'unencrypted-rtp', severity: 'high', ts: s.firstTs, lastTs: s.lastTs,
        deviceIp: s.src.ip, peerIp: s.dst.ip,
        summary: `unencrypted ${s.codec} media stream (RTP instead of SRTP)`,
        evidence: {
          codec: s.codec, ssrc: `0x${s.ssrc.toString(16).padStart(8, '0')}`, packets: s.packets,
          classified_by: s.classifiedBy, call_id: s.callId,
        },
      });
    },
  };
}
