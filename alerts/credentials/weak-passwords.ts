/**
 * Weak-password classes, generated rather than stored: what an attacker's first guesses for
 * a SIP account or a phone web UI are. Each candidate carries the class label a finding may
 * show; the password itself never leaves the credential checks.
 *
 * Classes, in the order tried (the first class that yields a password names it):
 *   weak:empty            the empty password
 *   weak:extension        the user name / extension itself, reversed, repeated twice
 *   weak:repeated-digits  one digit repeated 4 to 8 times (0000 … 99999999)
 *   weak:sequence         ascending / descending digit runs of 4 to 10 (1234, 0123, 4321, 1234567890 …)
 *   weak:common           well-known passwords: SecLists
 *                         Passwords/Common-Credentials/10-million-password-list-top-100.txt
 *                         (profanity left out) plus words typical of VoIP and device setups
 */

export interface PasswordCandidate { password: string; label: string }

export type WeakPasswordLabel = 'weak:empty' | 'weak:extension' | 'weak:repeated-digits' | 'weak:sequence' | 'weak:common';

/**
 * At most this many candidates per user: each costs two or three hash computations in Digest
 * verification, and 2,000 keeps one verification within a few milliseconds. The generated
 * classes hold about 230 today, so the cap only bites if the lists grow.
 */
export const MAX_WEAK_CANDIDATES = 2_000;

/** User names longer than this are not turned into candidates (no real extension is this long). */
export const MAX_USERNAME_CANDIDATE_LENGTH = 64;

const REPEAT_MIN = 4;
const REPEAT_MAX = 8;
const SEQUENCE_MIN = 4;
const SEQUENCE_MAX = 10;

/** SecLists 10-million-password-list-top-100, in its order, without its five obscene entries. */
const SECLISTS_TOP_100 = [
  '123456', 'password', '12345678', 'qwerty', '123456789', '12345', '1234', '111111', '1234567', 'dragon',
  '123123', 'baseball', 'abc123', 'football', 'monkey', 'letmein', '696969', 'shadow', 'master', '666666',
  'qwertyuiop', '123321', 'mustang', '1234567890', 'michael', '654321', 'superman', '1qaz2wsx', '7777777',
  '121212', '000000', 'qazwsx', '123qwe', 'killer', 'trustno1', 'jordan', 'jennifer', 'zxcvbnm', 'asdfgh',
  'hunter', 'buster', 'soccer', 'harley', 'batman', 'andrew', 'tigger', 'sunshine', 'iloveyou', '2000',
  'charlie', 'robert', 'thomas', 'hockey', 'ranger', 'daniel', 'starwars', 'klaster', '112233', 'george',
  'computer', 'michelle', 'jessica', 'pepper', '1111', 'zxcvbn', '555555', '11111111', '131313', 'freedom',
  '777777', 'pass', 'maggie', '159753', 'aaaaaa', 'ginger', 'princess', 'joshua', 'cheese', 'amanda',
  'summer', 'love', 'ashley', '6969', 'nicole', 'chelsea', 'biteme', 'matthew', 'access', 'yankees',
  '987654321', 'dallas', 'austin', 'thunder', 'taylor', 'matrix', 'minecraft', 'hariom',
] as const;

/** Words administrators of phones and PBXs pick or leave behind (vendor and product names, setup words). */
const VOIP_COMMON = [
  'secret', 'admin', 'administrator', 'root', 'changeme', 'default', 'test', 'test123', 'guest', 'user',
  'voip', 'sip', 'phone', 'telefon', 'pbx', 'asterisk', 'freepbx', 'welcome', 'passw0rd', 'password1',
  'password123', 'Passw0rd', 'P@ssw0rd', 'admin123', 'admin1234', 'passwort', 'qwertz', '1q2w3e4r', 'abc', '123',
] as const;

function* repeatedDigits(): Generator<string> {
  for (let len = REPEAT_MIN; len <= REPEAT_MAX; len++) for (let d = 0; d <= 9; d++) yield String(d).repeat(len);
}

/** Every run of SEQUENCE_MIN..SEQUENCE_MAX consecutive digits, ascending ('0123', '7890') and descending. */
function* digitSequences(): Generator<string> {
  const ascending = '01234567890';
  const descending = '09876543210';
  for (let len = SEQUENCE_MIN; len <= SEQUENCE_MAX; len++) {
    for (let start = 0; start + len <= ascending.length; start++) {
      yield ascending.slice(start, start + len);
      yield descending.slice(start, start + len);
    }
  }
}

/** The user-independent candidates, deduplicated (first class wins), built once. */
const STATIC_CANDIDATES: readonly Readonly<PasswordCandidate>[] = (() => {
  const seen = new Set<string>();
  const out: Readonly<PasswordCandidate>[] = [];
  const add = (password: string, label: WeakPasswordLabel) => {
    if (seen.has(password)) return;
    seen.add(password);
    out.push(Object.freeze({ password, label }));
  };
  for (const p of repeatedDigits()) add(p, 'weak:repeated-digits');
  for (const p of digitSequences()) add(p, 'weak:sequence');
  for (const p of SECLISTS_TOP_100) add(p, 'weak:common');
  for (const p of VOIP_COMMON) add(p, 'weak:common');
  return Object.freeze(out);
})();

const reverse = (s: string): string => [...s].reverse().join('');

/** The extension-derived guesses for this user, deduplicated, empty and over-long names excluded. */
function extensionCandidates(username: string): string[] {
  if (!username || username.length > MAX_USERNAME_CANDIDATE_LENGTH) return [];
  const out = [username];
  const push = (p: string) => { if (p && !out.includes(p)) out.push(p); };
  push(username.toLowerCase());
  push(reverse(username));
  push(username + username);
  return out;
}

/**
 * The weak passwords to try for one user, at most MAX_WEAK_CANDIDATES of them, each once, in
 * class order. An array rather than a generator: Digest verification walks all of it for
 * every account with a strong password, and a generator allocates a result per step.
 */
export function weakPasswordList(username: string): PasswordCandidate[] {
  const out: PasswordCandidate[] = [{ password: '', label: 'weak:empty' }];
  const own = extensionCandidates(username);
  // Indexed loops: this runs once per account, too rarely to be optimized, and an unoptimized
  // for-of allocates an iterator result per element.
  for (let i = 0; i < own.length; i++) {
    if (out.length >= MAX_WEAK_CANDIDATES) return out;
    out.push({ password: own[i]!, label: 'weak:extension' });
  }
  for (let i = 0; i < STATIC_CANDIDATES.length; i++) {
    if (out.length >= MAX_WEAK_CANDIDATES) return out;
    const c = STATIC_CANDIDATES[i]!;
    if (!own.includes(c.password)) out.push(c);
  }
  return out;
}

/** The same candidates as an iterator. */
export function weakPasswordCandidates(username: string): IterableIterator<PasswordCandidate> {
  return weakPasswordList(username).values();
}
