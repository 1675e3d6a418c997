/**
 * srtp-keys-exposed (critical) — an SDP with a=crypto (SDES keys, RFC 4568) travels inside
 * plaintext SIP: anyone on the path can decrypt the SRTP. Seed 000: best possible encryption.
 *
 * Device: the UA whose SDP carried the keys. A proxy forwarding the SDP is not the author:
 * when the sender is a known PBX, the SDP origin address names the device. Peer: the hop the
 * SDP was sent to. The evidence keeps the crypto suites, never the key (`<redacted>`).
 */
import type { Rule } from '../rule.ts';

export function createSrtpKeysExposedRule(): Rule {
  return {
    id: 'srtp-keys-exposed',
    defaultSeverity: 'critical',
    onSipMessage(ev, ctx) {
      if (!ev.sdp || ev.transport === 'tls' || ev.transport === 'wss') return;
      const crypto = ev.sdp.media.flatMap((m) => m.crypto);
      if (crypto.length === 0) return;
      const origin = ev.sdp.origin?.address ?? '';
      const forwarded = ctx.devices.get(ev.src.ip)?.roles.has('pbx') === true && origin !== '' && origin !== ev.src.ip && isIpLiteral(origin);
      ctx.report({
        rule: 'srtp-keys-exposed', severity: 'critical', ts: ev.ts,
        // A forwarded copy exposes the same keys on another leg: it counts toward the author's
        // finding with the hop the author sent them to.
        deviceIp: forwarded ? origin : ev.src.ip, peerIp: forwarded ? ev.src.ip : ev.dst.ip,
        summary: `SRTP master keys (SDES a=crypto) sent in clear SIP over ${ev.transport.toUpperCase()}`,
        evidence: {
          transport: ev.transport,
          method: ev.msg.isRequest ? ev.msg.method : `${ev.msg.statusCode} ${ev.msg.cseqMethod}`,
          call_id: ev.msg.callId,
          suites: [...new Set(crypto.map((c) => c.suite))].sort(),
          crypto: crypto.slice(0, 4).map((c) => `a=crypto:${c.tag} ${c.suite} ${c.keyParamsRedacted}`),
        },
      });
    },
  };
}

const isIpLiteral = (s: string): boolean => /^[0-9.]+$/.test(s) || s.includes(':');
