/**
 * webui-plaintext-http (medium) — a phone's web UI is used over plain HTTP.
 * Seed 003: web server HTTPS only.
 *
 * Device: the phone serving the UI; peer: the client. Count = HTTP exchanges.
 */
import type { Rule } from '../rule.ts';
import { PairTally } from '../pair-tally.ts';

export function createWebUiPlaintextHttpRule(): Rule {
  const uses = new PairTally<{ port: number }>();
  return {
    id: 'webui-plaintext-http',
    defaultSeverity: 'medium',
    onHttpExchange(ev) {
      if (!ev.response) return;
      uses.add(ev.server.ip, ev.client.ip, ev.ts, { port: ev.server.port });
    },
    finish(ctx) {
      for (const u of uses.values()) {
        if (!ctx.isPhone(u.a)) continue;
        ctx.report({
          rule: 'webui-plaintext-http', severity: 'medium', ts: u.first, lastTs: u.last, count: u.count,
          deviceIp: u.a, peerIp: u.b,
          summary: 'phone web UI used over plain HTTP instead of HTTPS',
          evidence: { port: u.detail.port, requests: u.count },
        });
      }
    },
  };
}
