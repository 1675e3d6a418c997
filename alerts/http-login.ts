/**
 * What an HTTP exchange says about a login: which scheme carried credentials (Basic, Digest,
 * a form password field), for which user, and whether the server accepted them. Shared by
 * the web-UI rules so they judge a login the same way. Not a rule itself.
 */
import { parseAuthParams, parseBasicCredentials } from '../parsers/auth-header.ts';
import { findPasswordField, findUserField } from '../parsers/http.ts';
import type { AuthOutcome, HttpExchangeEvent } from '../src/track/events.ts';

export interface LoginAttempt {
  scheme: 'basic' | 'digest' | 'form';
  username: string;
  /** Plaintext password (Basic, form); null for Digest. Never leaves the rules. */
  password: string | null;
  /** Form field name carrying the password (Grandstream `P2`, Avaya `psw` ...). */
  field: string | null;
  digest: Record<string, string> | null;
  outcome: AuthOutcome;
}

export function loginAttempt(ev: HttpExchangeEvent): LoginAttempt | null {
  const auth = ev.request.authorization;
  const outcome = outcomeOf(ev);
  if (auth) {
    const scheme = auth.trimStart().slice(0, 7).toLowerCase();
    if (scheme.startsWith('basic')) {
      const creds = parseBasicCredentials(auth);
      if (creds) return { scheme: 'basic', username: creds.username, password: creds.password, field: null, digest: null, outcome };
    } else if (scheme.startsWith('digest')) {
      const parsed = parseAuthParams(auth);
      return { scheme: 'digest', username: parsed.params.username ?? '', password: null, field: null, digest: parsed.params, outcome };
    }
  }
  if (ev.form) {
    const pass = findPasswordField(ev.form);
    if (pass) {
      const user = findUserField(ev.form);
      return { scheme: 'form', username: user?.value ?? '', password: pass.value, field: pass.name, digest: null, outcome: formOutcome(ev) };
    }
  }
  return null;
}

function outcomeOf(ev: HttpExchangeEvent): AuthOutcome {
  const status = ev.response?.status ?? 0;
  if (status === 0) return 'unknown';
  if (status === 401 || status === 403 || status === 407) return 'rejected';
  if (status < 400) return 'accepted';
  return 'unknown';
}

/**
 * Form logins answer 200 either way: a redirect or a new session cookie means success, the
 * login page again (or an explicit 401/403) means failure.
 */
function formOutcome(ev: HttpExchangeEvent): AuthOutcome {
  const res = ev.response;
  if (!res) return 'unknown';
  if (res.status === 401 || res.status === 403) return 'rejected';
  if (res.status >= 300 && res.status < 400) return 'accepted';
  if (res.status >= 200 && res.status < 300) {
    if (res.setCookie) return 'accepted';
    if (ev.title && /log\s*-?in|sign\s*in|password/i.test(ev.title)) return 'rejected';
    return 'unknown';
  }
  return 'unknown';
}
