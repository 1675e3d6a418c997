/**
 * weak-tls (medium) — a TLS session of a phone (SIP-TLS, HTTPS web UI, provisioning)
 * negotiates TLS below 1.2 or a NULL/EXPORT/RC4/anonymous cipher suite.
 * Seed 000: best possible encryption.
 *
 * Device: the phone side of the session (the server of a web UI, the client of SIP-TLS or
 * provisioning); sessions where neither side is a phone count only on SIP-TLS ports, with the
 * client as device. Dedupe per device and peer; count = sessions.
 */
import type { Rule } from '../rule.ts';
import { PairTally } from '../pair-tally.ts';
import { isWeakCipherSuite, tlsVersionName, cipherSuiteName } from '../../parsers/tls.ts';
import { SIP_TLS_PORTS } from '../../src/track/web-observer.ts';

/** TLS 1.2 (RFC 5246); DTLS numbers count down from 0xfeff, so they are compared apart. */
const TLS_1_2 = 0x0303;
const DTLS_1_2 = 0xfefd;

const isOldVersion = (v: number): boolean => (v >= 0xfe00 ? v > DTLS_1_2 : v > 0 && v < TLS_1_2);

interface Detail { version: number; cipher: number; sni: string | null; sipTls: boolean; serverPort: number }

export function createWeakTlsRule(): Rule {
  const sessions = new PairTally<Detail>();
  return {
    id: 'weak-tls',
    defaultSeverity: 'medium',
    onTlsSession(ev) {
      if (ev.version === 0) return;
      const oldVersion = isOldVersion(ev.version);
      const weakCipher = ev.cipherSuite >= 0 && isWeakCipherSuite(ev.cipherSuite);
      if (!oldVersion && !weakCipher) return;
      sessions.add(ev.client.ip, ev.server.ip, ev.ts, {
        version: ev.version, cipher: ev.cipherSuite, sni: ev.sni, sipTls: SIP_TLS_PORTS.has(ev.server.port), serverPort: ev.server.port,
      });
    },
    finish(ctx) {
      for (const s of sessions.values()) {
        const client = s.a, server = s.b;
        let device: string;
        if (ctx.isPhone(server) && !ctx.isPhone(client)) device = server;
        else if (ctx.isPhone(client)) device = client;
        else if (s.detail.sipTls) device = client;
        else continue;
        const peer = device === client ? server : client;
        const d = s.detail;
        const reasons: string[] = [];
        if (isOldVersion(d.version)) reasons.push(tlsVersionName(d.version));
        if (d.cipher >= 0 && isWeakCipherSuite(d.cipher)) reasons.push(cipherSuiteName(d.cipher));
        ctx.report({
          rule: 'weak-tls', severity: 'medium', ts: s.first, lastTs: s.last, count: s.count,
          deviceIp: device, peerIp: peer,
          summary: `TLS session negotiated ${reasons.join(' with ')}`,
          evidence: {
            version: tlsVersionName(d.version), cipher_suite: d.cipher >= 0 ? cipherSuiteName(d.cipher) : null,
            sni: d.sni, server_port: d.serverPort, service: d.sipTls ? 'sip-tls' : 'https',
          },
        });
      }
    },
  };
}
