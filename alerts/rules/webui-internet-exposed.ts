/**
 * webui-internet-exposed (high; critical when a login from outside succeeded) — a host
 * outside the internal networks opens TCP to a phone's web UI port and the phone answers
 * (SYN-ACK or an HTTP response). Seed 000: no direct reachability from the internet.
 *
 * Device: the phone; peer: the outside host. Decided at the end, when the inventory knows
 * which servers are phones. Count = answered connections and HTTP exchanges.
 */
import type { Rule } from '../rule.ts';
import { PairTally } from '../pair-tally.ts';
import { loginAttempt } from '../http-login.ts';

interface Detail { port: number; loginAccepted: boolean; username: string | null }

export function createWebUiInternetExposedRule(): Rule {
  const exposures = new PairTally<Detail>();
  const merge = (kept: Detail, next: Detail): Detail => (next.loginAccepted && !kept.loginAccepted ? next : kept);
  return {
    id: 'webui-internet-exposed',
    defaultSeverity: 'high',
    onTcpHandshake(ev, ctx) {
      if (!ev.answered || ctx.networks.isInternal(ev.client.ip) || !ctx.networks.isInternal(ev.server.ip)) return;
      exposures.add(ev.server.ip, ev.client.ip, ev.ts, { port: ev.server.port, loginAccepted: false, username: null }, merge);
    },
    onHttpExchange(ev, ctx) {
      if (!ev.response || ctx.networks.isInternal(ev.client.ip) || !ctx.networks.isInternal(ev.server.ip)) return;
      const login = loginAttempt(ev);
      const accepted = login !== null && login.outcome === 'accepted';
      exposures.add(ev.server.ip, ev.client.ip, ev.ts, { port: ev.server.port, loginAccepted: accepted, username: accepted ? login.username : null }, merge);
    },
    finish(ctx) {
      for (const e of exposures.values()) {
        if (!ctx.isPhone(e.a)) continue;
        const critical = e.detail.loginAccepted;
        ctx.report({
          rule: 'webui-internet-exposed', severity: critical ? 'critical' : 'high', ts: e.first, lastTs: e.last, count: e.count,
          deviceIp: e.a, peerIp: e.b,
          summary: critical
            ? 'phone web UI reachable from the internet, and a login from outside succeeded'
            : 'phone web UI reachable from the internet',
          evidence: { port: e.detail.port, login_accepted: critical, username: e.detail.username },
        });
      }
    },
  };
}
