/**
 * sip-internet-exposed (high) — a phone answers SIP requests that come from outside the
 * internal networks, other than from its own registrar/proxy.
 * Seed 000: no direct reachability from the internet.
 *
 * Device: the phone; peer: the outside requester. Count = answered requests.
 */
import type { Rule } from '../rule.ts';
import { PairTally } from '../pair-tally.ts';

interface Detail { methods: Set<string>; statuses: Set<number> }

export function createSipInternetExposedRule(): Rule {
  const answered = new PairTally<Detail>();
  return {
    id: 'sip-internet-exposed',
    defaultSeverity: 'high',
    onSipResponse(ev, ctx) {
      if (ctx.networks.isInternal(ev.client.ip) || !ctx.networks.isInternal(ev.server.ip)) return;
      answered.add(ev.server.ip, ev.client.ip, ev.ts, { methods: new Set([ev.method]), statuses: new Set([ev.status]) }, (kept, next) => {
        for (const m of next.methods) if (kept.methods.size < 16) kept.methods.add(m);
        for (const s of next.statuses) if (kept.statuses.size < 16) kept.statuses.add(s);
        return kept;
      });
    },
    finish(ctx) {
      for (const a of answered.values()) {
        if (!ctx.isPhone(a.a) || ctx.registrarsOf(a.a).has(a.b)) continue;
        ctx.report({
          rule: 'sip-internet-exposed', severity: 'high', ts: a.first, lastTs: a.last, count: a.count,
          deviceIp: a.a, peerIp: a.b,
          summary: 'phone answers SIP requests from the internet',
          evidence: { methods: [...a.detail.methods].sort(), statuses: [...a.detail.statuses].sort().map(String) },
        });
      }
    },
  };
}
