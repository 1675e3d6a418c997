/**
 * plaintext-sip (medium) — a device sends or receives SIP over UDP or TCP instead of TLS.
 * Seed 000: SIPS instead of SIP.
 *
 * Device: each phone in the exchange, its peer the other side; where neither side is known
 * as a phone (trunks, unidentified UAs), the side that sent the first request. Scanners are
 * left to sip-scan: a phone answering a scanner is sip-internet-exposed, not a phone choosing
 * plaintext. Dedupe: one finding per device and peer; count = SIP messages.
 */
import type { Rule } from '../rule.ts';
import { PairTally } from '../pair-tally.ts';

interface Detail { transport: string; firstClient: string; methods: Set<string> }

export function createPlaintextSipRule(): Rule {
  const pairs = new PairTally<Detail>();
  return {
    id: 'plaintext-sip',
    defaultSeverity: 'medium',
    onSipMessage(ev) {
      if (ev.transport === 'tls' || ev.transport === 'wss') return;
      const [a, b] = ev.src.ip < ev.dst.ip ? [ev.src.ip, ev.dst.ip] : [ev.dst.ip, ev.src.ip];
      const methods = new Set<string>();
      if (ev.msg.isRequest) methods.add(ev.msg.method);
      pairs.add(a, b, ev.ts, { transport: ev.transport, firstClient: ev.msg.isRequest ? ev.src.ip : ev.dst.ip, methods },
        (kept, next) => { for (const m of next.methods) if (kept.methods.size < 16) kept.methods.add(m); return kept; });
    },
    finish(ctx) {
      for (const p of pairs.values()) {
        const scanner = (ip: string) => ctx.devices.get(ip)?.roles.has('scanner') === true;
        if (scanner(p.a) || scanner(p.b)) continue;
        const phones = [p.a, p.b].filter((ip) => ctx.isPhone(ip));
        const devices = phones.length > 0 ? phones : [p.detail.firstClient];
        for (const device of devices) {
          const peer = device === p.a ? p.b : p.a;
          ctx.report({
            rule: 'plaintext-sip', severity: 'medium', ts: p.first, lastTs: p.last, count: p.count,
            deviceIp: device, peerIp: peer,
            summary: `SIP signaling over ${p.detail.transport.toUpperCase()} instead of TLS`,
            evidence: { transport: p.detail.transport, messages: p.count, methods: [...p.detail.methods].sort() },
          });
        }
      }
    },
  };
}
