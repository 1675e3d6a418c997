/**
 * credential-brute-force (high) — many failed authentications (401/403/407 to requests that
 * carried credentials) from one source within a window, SIP or HTTP.
 * Seed 000: passwords that cannot be guessed.
 *
 * A challenge to a request without credentials is the normal first step of Digest and does
 * not count. Tunables (DetectConfig.bruteForce): minFailures within windowSec.
 * Device: the attacker; peer: the target. Count = failed attempts once over the threshold.
 */
import type { Rule, RuleContext } from '../rule.ts';
import { loginAttempt } from '../http-login.ts';

const MAX_PAIRS = 50_000;

interface Window { start: number; failures: number; over: boolean }

export function createCredentialBruteForceRule(): Rule {
  const windows = new Map<string, Window>();
  const failed = (ctx: RuleContext, client: string, server: string, ts: number, protocol: string): void => {
    const key = `${client}\0${server}`;
    let w = windows.get(key);
    if (!w) {
      if (windows.size >= MAX_PAIRS) return;
      w = { start: ts, failures: 0, over: false };
      windows.set(key, w);
    }
    const { minFailures, windowSec } = ctx.config.bruteForce;
    if (!w.over && ts - w.start > windowSec) { w.start = ts; w.failures = 0; }
    w.failures++;
    if (!w.over && w.failures < minFailures) return;
    const count = w.over ? 1 : w.failures;
    w.over = true;
    ctx.report({
      rule: 'credential-brute-force', severity: 'high', ts, count, deviceIp: client, peerIp: server,
      summary: `${protocol.toUpperCase()} password guessing: at least ${minFailures} failed logins within ${windowSec} s`,
      evidence: { protocol, threshold: minFailures, window_sec: windowSec },
    });
  };
  return {
    id: 'credential-brute-force',
    defaultSeverity: 'high',
    onSipAuth(ev, ctx) {
      if (ev.outcome === 'rejected') failed(ctx, ev.client.ip, ev.server.ip, ev.ts, 'sip');
    },
    onHttpExchange(ev, ctx) {
      const login = loginAttempt(ev);
      if (login && login.outcome === 'rejected') failed(ctx, ev.client.ip, ev.server.ip, ev.ts, 'http');
    },
  };
}
