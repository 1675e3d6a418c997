/**
 * shared-sip-credentials (medium) — one SIP auth user registers from several distinct
 * devices. Seed 000: personal credentials per user.
 *
 * Counted from accepted REGISTER digests, by user and realm, over the client addresses that
 * are not proxies (a proxy relaying a REGISTER is not a second device).
 * Device: each UA registering with the shared user; peer: the registrar it used.
 */
import type { Rule } from '../rule.ts';

/** Users tracked, and devices remembered per user. */
const MAX_USERS = 100_000;
const MAX_DEVICES_PER_USER = 32;

interface Registration { registrar: string; first: number; last: number; count: number }

export function createSharedSipCredentialsRule(): Rule {
  const byUser = new Map<string, Map<string, Registration>>();
  return {
    id: 'shared-sip-credentials',
    defaultSeverity: 'medium',
    onSipAuth(ev, ctx) {
      if (ev.method !== 'REGISTER' || ev.outcome !== 'accepted' || !ev.username) return;
      if (ctx.devices.get(ev.client.ip)?.roles.has('pbx')) return;
      const key = `${ev.username}@${ev.realm}`;
      let clients = byUser.get(key);
      if (!clients) {
        if (byUser.size >= MAX_USERS) return;
        clients = new Map();
        byUser.set(key, clients);
      }
      const seen = clients.get(ev.client.ip);
      if (seen) { seen.count++; seen.last = ev.ts; return; }
      if (clients.size < MAX_DEVICES_PER_USER) clients.set(ev.client.ip, { registrar: ev.server.ip, first: ev.ts, last: ev.ts, count: 1 });
    },
    finish(ctx) {
      for (const [user, clients] of byUser) {
        if (clients.size < 2) continue;
        for (const [ip, r] of clients) {
          ctx.report({
            rule: 'shared-sip-credentials', severity: 'medium', ts: r.first, lastTs: r.last, count: r.count,
            deviceIp: ip, peerIp: r.registrar,
            summary: `SIP account ${user} is registered from ${clients.size} devices`,
            evidence: { username: user.slice(0, user.lastIndexOf('@')), realm: user.slice(user.lastIndexOf('@') + 1), devices: clients.size, addresses: [...clients.keys()].sort() },
          });
        }
      }
    },
  };
}
