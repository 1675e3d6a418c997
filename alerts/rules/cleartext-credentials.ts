/**
 * cleartext-credentials (high) — HTTP Basic credentials or a form password are sent over
 * plain HTTP (any password, default or not). Seed 003: Digest authentication, HTTPS only.
 *
 * Device: the web server receiving them; peer: the client. Evidence: scheme, user name and
 * result — never the password.
 */
import type { Rule } from '../rule.ts';
import { loginAttempt } from '../http-login.ts';

export function createCleartextCredentialsRule(): Rule {
  return {
    id: 'cleartext-credentials',
    defaultSeverity: 'high',
    onHttpExchange(ev, ctx) {
      const login = loginAttempt(ev);
      if (!login || login.password === null) return;
      ctx.report({
        rule: 'cleartext-credentials', severity: 'high', ts: ev.ts, deviceIp: ev.server.ip, peerIp: ev.client.ip,
        summary: `${login.scheme === 'basic' ? 'HTTP Basic credentials' : 'a form password'} sent over plain HTTP`,
        evidence: { scheme: login.scheme, username: login.username, field: login.field, result: login.outcome, transport: 'http' },
      });
    },
  };
}
