/**
 * weak-sip-password (high) — a SIP REGISTER/INVITE digest response verifies against the
 * weak-password list (the user name or extension, repeated digits, 0000, 1234, password ...).
 * Seed 000: passwords that cannot be guessed.
 *
 * Only authentications the server accepted count: a rejected guess says nothing about the
 * account's real password (brute force is credential-brute-force). A verdict is cached per
 * user and realm, since an accepted password is the same at every re-registration.
 * Device: the UA; peer: the registrar. Evidence: the weak class (`weak:extension`).
 */
import type { Rule } from '../rule.ts';
import { verifyDigest } from '../credentials/verify.ts';
import { weakPasswordList } from '../credentials/weak-passwords.ts';
import { VerificationBudget } from '../credential-check.ts';

const MAX_CACHED_VERDICTS = 50_000;

export function createWeakSipPasswordRule(): Rule {
  const verdicts = new Map<string, string | null>();
  let budget: VerificationBudget | null = null;
  return {
    id: 'weak-sip-password',
    defaultSeverity: 'high',
    onSipAuth(ev, ctx) {
      if (ev.outcome !== 'accepted' || !ev.username) return;
      const key = `${ev.username}\0${ev.realm}`;
      let label = verdicts.get(key);
      if (label === undefined) {
        budget ??= new VerificationBudget(ctx.config.maxVerificationsPerSourcePerMinute);
        if (!budget.take(ev.client.ip, ev.ts)) return;
        label = verifyDigest(ev.params, ev.method, weakPasswordList(ev.username), ev.body ?? undefined)?.label ?? null;
        if (verdicts.size >= MAX_CACHED_VERDICTS) verdicts.clear();
        verdicts.set(key, label);
      }
      if (!label) return;
      ctx.report({
        rule: 'weak-sip-password', severity: 'high', ts: ev.ts, deviceIp: ev.client.ip, peerIp: ev.server.ip,
        summary: `SIP account ${ev.username} uses a weak password (${label.replace(/^weak:/, '')})`,
        evidence: { username: ev.username, realm: ev.realm, matched: label, method: ev.method, transport: ev.transport },
      });
    },
  };
}
