/**
 * webui-no-auth (high) — a phone's admin web UI serves pages (2xx) without any
 * authentication. Seed 003: set web UI user and password.
 *
 * A UI that ever asks for credentials (a 401 challenge, a login form posting a password, a
 * request carrying Authorization) has authentication; one that served pages to requests
 * with neither credentials nor a session cookie, and never asked, has none. Static assets
 * and login pages do not count as admin pages.
 * Device: the phone; peer: each client served. Count = unauthenticated pages.
 */
import type { Rule } from '../rule.ts';
import { PairTally } from '../pair-tally.ts';
import { loginAttempt } from '../http-login.ts';

const STATIC_ASSET = /\.(?:css|js|png|gif|jpe?g|ico|svg|woff2?|ttf|map)$/i;
const LOGIN_PAGE = /log\s*-?in|sign\s*in/i;

export function createWebUiNoAuthRule(): Rule {
  const asksForCredentials = new Set<string>();
  const served = new PairTally<{ path: string }>();
  return {
    id: 'webui-no-auth',
    defaultSeverity: 'high',
    onHttpExchange(ev) {
      const res = ev.response;
      if (!res) return;
      if (res.status === 401 || res.wwwAuthenticate || ev.request.authorization || loginAttempt(ev)) {
        if (asksForCredentials.size < 100_000) asksForCredentials.add(ev.server.ip);
        return;
      }
      if (res.status < 200 || res.status >= 300 || ev.request.cookie) return;
      const path = ev.request.path;
      if (STATIC_ASSET.test(path) || LOGIN_PAGE.test(path) || (ev.title !== null && LOGIN_PAGE.test(ev.title))) return;
      served.add(ev.server.ip, ev.client.ip, ev.ts, { path: path.slice(0, 128) });
    },
    finish(ctx) {
      for (const s of served.values()) {
        if (asksForCredentials.has(s.a) || !ctx.isPhone(s.a)) continue;
        ctx.report({
          rule: 'webui-no-auth', severity: 'high', ts: s.first, lastTs: s.last, count: s.count,
          deviceIp: s.a, peerIp: s.b,
          summary: 'phone web UI serves pages without authentication',
          evidence: { first_path: s.detail.path, pages: s.count },
        });
      }
    },
  };
}
