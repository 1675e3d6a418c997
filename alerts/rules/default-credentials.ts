/**
 * default-credentials (critical when accepted, high when only tried) — a login to a phone
 * web UI (HTTP Basic, HTTP Digest, form POST) or a SIP digest authentication uses a published
 * vendor default credential. Digest responses are verified offline against the default list
 * (RFC 7616 / RFC 3261 §22.4), so the password never has to travel in clear for this.
 * Seeds 000 (default admin password identical on all devices) and 003 (admin password 0000).
 *
 * Device: the web UI's phone, or the SIP UA authenticating; peer: the other side. Evidence
 * names the matched default (`vendor-default:snom`), never the password.
 */
import type { Rule, RuleContext } from '../rule.ts';
import type { Severity } from '../finding-store.ts';
import type { AuthOutcome } from '../../src/track/events.ts';
import { verifyDigest } from '../credentials/verify.ts';
import { defaultCandidates, matchPasswordOnlyDefault, matchPlaintextDefault, VerificationBudget } from '../credential-check.ts';
import { loginAttempt } from '../http-login.ts';

const severityOf = (outcome: AuthOutcome): Severity => (outcome === 'accepted' ? 'critical' : 'high');

function report(ctx: RuleContext, ts: number, device: string, peer: string, scheme: string, username: string, matched: string, outcome: AuthOutcome, transport: string): void {
  const accepted = outcome === 'accepted';
  ctx.report({
    rule: 'default-credentials', severity: severityOf(outcome), ts, deviceIp: device, peerIp: peer,
    summary: `${transport === 'http' ? 'web UI login' : 'SIP authentication'} with the vendor default credential for ${username || 'the admin'} was ${accepted ? 'accepted' : outcome === 'rejected' ? 'rejected' : 'tried'}`,
    evidence: { scheme, username, matched, result: outcome === 'unknown' ? 'tried' : outcome, transport },
  });
}

export function createDefaultCredentialsRule(): Rule {
  let budget: VerificationBudget | null = null;
  return {
    id: 'default-credentials',
    defaultSeverity: 'high',
    onHttpExchange(ev, ctx) {
      const login = loginAttempt(ev);
      if (!login) return;
      const vendor = ctx.devices.get(ev.server.ip)?.vendor ?? null;
      let matched: string | null = null;
      if (login.password !== null) {
        matched = login.scheme === 'form' && login.username === ''
          ? matchPasswordOnlyDefault(login.password, vendor)
          : matchPlaintextDefault(login.username, login.password, vendor);
      }
      else if (login.digest) {
        budget ??= new VerificationBudget(ctx.config.maxVerificationsPerSourcePerMinute);
        if (!budget.take(ev.client.ip, ev.ts)) return;
        matched = verifyDigest(login.digest, ev.request.method, defaultCandidates(login.username, vendor))?.label ?? null;
      }
      if (matched) report(ctx, ev.ts, ev.server.ip, ev.client.ip, login.scheme, login.username, matched, login.outcome, 'http');
    },
    onSipAuth(ev, ctx) {
      budget ??= new VerificationBudget(ctx.config.maxVerificationsPerSourcePerMinute);
      if (!budget.take(ev.client.ip, ev.ts)) return;
      const vendor = ctx.devices.get(ev.client.ip)?.vendor ?? null;
      const matched = verifyDigest(ev.params, ev.method, defaultCandidates(ev.username, vendor), ev.body ?? undefined);
      if (matched) report(ctx, ev.ts, ev.client.ip, ev.server.ip, 'digest', ev.username, matched.label, ev.outcome, ev.transport);
    },
  };
}
