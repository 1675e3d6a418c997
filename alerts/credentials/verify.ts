/**
 * Offline credential verification: given what a login put on the wire, find which candidate
 * password (vendor default or weak class) it used. Only the candidate's label is ever
 * returned; passwords are neither stored nor logged nor returned.
 *
 * HTTP Digest (RFC 7616, obsoleting RFC 2617; RFC 2069 style without qop) and SIP Digest,
 * which is the same computation (RFC 3261 §22.4):
 *
 *   HA1      = H(username ":" realm ":" password)                     algorithm X
 *   HA1      = H(H(username ":" realm ":" password) ":" nonce ":" cnonce)    X-sess (RFC 7616 §3.4.2)
 *   HA2      = H(method ":" uri)                                      qop absent or "auth"
 *   HA2      = H(method ":" uri ":" H(entity-body))                    qop "auth-int" (§3.4.3)
 *   response = H(HA1 ":" nonce ":" nc ":" cnonce ":" qop ":" HA2)       qop present (§3.4.1)
 *   response = H(HA1 ":" nonce ":" HA2)                                qop absent (RFC 2069)
 *
 * H is MD5, SHA-256 or SHA-512/256 and every hash enters the next one as lower-case hex.
 * HA2 and the response's suffix do not depend on the password: they are computed once, so
 * each candidate costs two hashes (three for -sess). MD5, what nearly every SIP phone uses,
 * runs in JavaScript over reused byte buffers (md5.ts): a few hundred candidates per account
 * would otherwise spend most of their time in node:crypto's per-call overhead.
 */
import * as crypto from 'node:crypto';
import { defaultCredentialCandidates, matchLabel } from './default-credentials.ts';
import { weakPasswordCandidates, type PasswordCandidate } from './weak-passwords.ts';
import { Md5 } from './md5.ts';

export type { PasswordCandidate } from './weak-passwords.ts';

/** Candidates tried per verification, whatever the iterable offers: bounds the CPU one login can cost. */
export const MAX_CANDIDATES_PER_VERIFICATION = 4_096;

/** Longest Digest parameter value accepted (uri included); longer ones are hostile or broken. */
export const MAX_DIGEST_PARAM_LENGTH = 2_048;

/** Node hash name and hex digest length per RFC 7616 §6.1 algorithm name (upper-cased). */
const DIGEST_ALGORITHMS: Readonly<Record<string, { hash: string; hexLength: number; session: boolean }>> = Object.freeze({
  'MD5': { hash: 'md5', hexLength: 32, session: false },
  'MD5-SESS': { hash: 'md5', hexLength: 32, session: true },
  'SHA-256': { hash: 'sha256', hexLength: 64, session: false },
  'SHA-256-SESS': { hash: 'sha256', hexLength: 64, session: true },
  'SHA-512-256': { hash: 'sha512-256', hexLength: 64, session: false },
  'SHA-512-256-SESS': { hash: 'sha512-256', hexLength: 64, session: true },
});

const HEX = /^[0-9a-f]+$/i;

/**
 * One-shot hex digest. `crypto.hash` (Node 20.12+, 21.7+) skips the Hash object and halves the
 * cost per candidate; older Node 20 releases fall back to createHash. Timing-safe comparison
 * is not needed: the verification runs offline on captured traffic, nobody can time it.
 */
const hexDigest: (algorithm: string, data: string) => string = typeof crypto.hash === 'function'
  ? (algorithm, data) => crypto.hash(algorithm, data, 'hex')
  : (algorithm, data) => crypto.createHash(algorithm).update(data).digest('hex');

const unquote = (v: string): string => (v.length >= 2 && v.charCodeAt(0) === 0x22 && v.charCodeAt(v.length - 1) === 0x22 ? v.slice(1, -1) : v);

/** Parameter names are case-insensitive (RFC 7616 §3.4, RFC 3261 §25.1); values may still carry quotes. */
function lowerCaseParams(params: Record<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const key of Object.keys(params)) {
    const value = params[key];
    if (typeof value === 'string') out.set(key.toLowerCase(), unquote(value));
  }
  return out;
}

/** `username*` (RFC 7616 §3.4.4, RFC 5987 ext-value): only the UTF-8 charset is defined for Digest. */
function decodeExtendedUsername(value: string): string | null {
  const m = /^utf-8'[^']{0,16}'(.*)$/is.exec(value);
  if (!m) return null;
  try { return decodeURIComponent(m[1]!); } catch { return null; }
}

interface DigestInput {
  hash: string;
  session: boolean;
  /** The response as lower-case hex. */
  expected: string;
  ha1Prefix: string;
  sessionSuffix: string;
  responseSuffix: string;
}

/** Validates the parameters and computes everything that does not depend on the password. */
function prepareDigest(params: Record<string, string>, method: string, body: Buffer | undefined): DigestInput | null {
  const p = lowerCaseParams(params);
  for (const v of p.values()) if (v.length > MAX_DIGEST_PARAM_LENGTH) return null;
  // With userhash the user name on the wire is H(username ":" realm): the real one is unknown (§3.4.4).
  if ((p.get('userhash') ?? '').toLowerCase() === 'true') return null;
  const extended = p.get('username*');
  const username = p.get('username') ?? (extended !== undefined ? decodeExtendedUsername(extended) : null);
  const realm = p.get('realm');
  const nonce = p.get('nonce');
  const uri = p.get('uri');
  const response = p.get('response');
  if (username == null || realm === undefined || nonce === undefined || uri === undefined || response === undefined) return null;
  const algorithm = DIGEST_ALGORITHMS[(p.get('algorithm') ?? 'MD5').toUpperCase()];
  if (!algorithm) return null;
  if (response.length !== algorithm.hexLength || !HEX.test(response)) return null;

  const qop = (p.get('qop') ?? '').toLowerCase();
  const cnonce = p.get('cnonce') ?? '';
  const nc = p.get('nc') ?? '';
  const hasQop = qop !== '';
  if (hasQop && qop !== 'auth' && qop !== 'auth-int') return null;
  // RFC 7616 §3.4: cnonce and nc MUST be sent when qop is; -sess needs the cnonce too.
  if ((hasQop || algorithm.session) && cnonce === '') return null;
  if (hasQop && nc === '') return null;

  const h = (s: string) => hexDigest(algorithm.hash, s);
  const bodyHash = () => crypto.createHash(algorithm.hash).update(body ?? Buffer.alloc(0)).digest('hex');
  const ha2 = qop === 'auth-int' ? h(`${method}:${uri}:${bodyHash()}`) : h(`${method}:${uri}`);
  return {
    hash: algorithm.hash,
    session: algorithm.session,
    expected: response.toLowerCase(),
    ha1Prefix: `${username}:${realm}:`,
    sessionSuffix: `:${nonce}:${cnonce}`,
    responseSuffix: hasQop ? `:${nonce}:${nc}:${cnonce}:${qop}:${ha2}` : `:${nonce}:${ha2}`,
  };
}

/**
 * Which candidate produced this Digest response, as its label; null if none did or the
 * parameters cannot be verified (missing fields, unknown algorithm, userhash, oversized values).
 * `params` are the Authorization / Proxy-Authorization parameters, `method` the request's
 * method (REGISTER, INVITE, GET ...), `body` the request body for qop=auth-int (absent = empty).
 */
export function verifyDigest(
  params: Record<string, string>,
  method: string,
  candidates: Iterable<PasswordCandidate>,
  body?: Buffer,
): { label: string } | null {
  const d = prepareDigest(params, method, body);
  if (!d) return null;
  if (d.hash === 'md5') return verifyMd5Digest(d, candidates);
  let tried = 0;
  for (const c of candidates) {
    if (++tried > MAX_CANDIDATES_PER_VERIFICATION) break;
    let ha1 = hexDigest(d.hash, d.ha1Prefix + c.password);
    if (d.session) ha1 = hexDigest(d.hash, ha1 + d.sessionSuffix);
    if (hexDigest(d.hash, ha1 + d.responseSuffix) === d.expected) return { label: c.label };
  }
  return null;
}

/**
 * verifyDigest for MD5 and MD5-sess without a string or Buffer per candidate. The HA1 input
 * is laid out in a byte buffer once up to the password; the session-key and response inputs
 * are fixed-length (32 hex characters, then a suffix that does not depend on the password),
 * so they are kept padded as MD5 words and each candidate's previous digest is written over
 * their first 32 bytes as hex. The expected response is compared as the four state words.
 * Strings are encoded as UTF-8, as node:crypto encodes them.
 */
function verifyMd5Digest(d: DigestInput, candidates: Iterable<PasswordCandidate>): { label: string } | null {
  const md5 = new Md5();
  const prefix = Buffer.from(d.ha1Prefix, 'utf8');
  let ha1Input = Buffer.allocUnsafe(prefix.length + 64);
  prefix.copy(ha1Input);
  const sessionInput = d.session ? Md5.pad(Buffer.from(HEX_SLOT + d.sessionSuffix, 'utf8')) : null;
  const responseInput = Md5.pad(Buffer.from(HEX_SLOT + d.responseSuffix, 'utf8'));
  // The digest bytes are the state words A, B, C, D little-endian (RFC 1321 §3.5).
  const expected = Buffer.from(d.expected, 'hex');
  const e0 = expected.readInt32LE(0), e1 = expected.readInt32LE(4), e2 = expected.readInt32LE(8), e3 = expected.readInt32LE(12);
  let tried = 0;
  for (const c of candidates) {
    if (++tried > MAX_CANDIDATES_PER_VERIFICATION) break;
    const password = c.password;
    let length = writeAscii(password, ha1Input, prefix.length);
    if (length < 0) {
      const need = prefix.length + Buffer.byteLength(password, 'utf8');
      if (need > ha1Input.length) {
        const grown = Buffer.allocUnsafe(need);
        prefix.copy(grown);
        ha1Input = grown;
      }
      length = prefix.length + ha1Input.write(password, prefix.length, 'utf8');
    }
    md5.digest(ha1Input, length);
    if (sessionInput) {
      md5.writeHexWords(sessionInput);
      md5.digestPadded(sessionInput);
    }
    md5.writeHexWords(responseInput);
    const h = md5.digestPadded(responseInput);
    if (h[0] === e0 && h[1] === e1 && h[2] === e2 && h[3] === e3) return { label: c.label };
  }
  return null;
}

/** The placeholder a digest's 32 hex characters are written over. */
const HEX_SLOT = '0'.repeat(32);

/**
 * Writes an ASCII string at `out[off]` and returns the end offset; -1 (nothing promised
 * about `out`) if the string is not all ASCII or does not fit, for the caller's UTF-8 path.
 */
function writeAscii(s: string, out: Buffer, off: number): number {
  if (off + s.length > out.length) return -1;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    if (ch > 0x7f) return -1;
    out[off + i] = ch;
  }
  return off + s.length;
}

/** A plaintext candidate, optionally bound to one user name (vendor defaults are). */
export interface PlaintextCandidate extends PasswordCandidate {
  username?: string | null;
}

const sameUser = (candidate: { username?: string | null }, username: string): boolean =>
  candidate.username == null || candidate.username.toLowerCase() === username.toLowerCase();

/**
 * HTTP Basic (RFC 7617): the password is on the wire, so this is a comparison. Candidates
 * bound to a user name only match that user (case-insensitive, as phones treat it).
 */
export function matchBasic(username: string, password: string, candidates: Iterable<PlaintextCandidate>): { label: string } | null {
  let tried = 0;
  for (const c of candidates) {
    if (++tried > MAX_CANDIDATES_PER_VERIFICATION) break;
    if (c.password === password && sameUser(c, username)) return { label: c.label };
  }
  return null;
}

/**
 * Hashed form fields: Grandstream GRP sends `access=hex(sha256(password))`, Avaya J100
 * `psw=hex(sha256(password + nonce))` with the page's nonce as `salt`.
 */
export function matchSha256Form(value: string, candidates: Iterable<PasswordCandidate>, salt?: string): { label: string } | null {
  if (value.length !== 64 || !HEX.test(value)) return null;
  if (salt !== undefined && salt.length > MAX_DIGEST_PARAM_LENGTH) return null;
  const expected = value.toLowerCase();
  let tried = 0;
  for (const c of candidates) {
    if (++tried > MAX_CANDIDATES_PER_VERIFICATION) break;
    if (hexDigest('sha256', salt === undefined ? c.password : c.password + salt) === expected) return { label: c.label };
  }
  return null;
}

/**
 * A plaintext credential (Basic, form fields) judged against the vendor defaults (the device's
 * vendor first) and then the weak-password classes. Defaults win: admin/admin is reported as
 * the vendor default, not as a weak password.
 */
export function classifyCredential(username: string, password: string, vendor: string | null): { label: string } | null {
  for (const entry of defaultCredentialCandidates(vendor)) {
    if (entry.password === password && sameUser(entry, username)) return { label: matchLabel(entry) };
  }
  for (const c of weakPasswordCandidates(username)) if (c.password === password) return { label: c.label };
  return null;
}
