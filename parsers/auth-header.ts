/**
 * Authorization and challenge header values, shared by SIP (RFC 3261 §20.7, §20.27, §20.28,
 * §20.44, §25.1) and HTTP (RFC 9110 §11, RFC 7616 Digest, RFC 7617 Basic). Pure functions over
 * one already-unfolded header value; nothing throws, every loop advances, hostile input yields
 * whatever could be read.
 *
 *   credentials / challenge = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
 *   auth-param    = token BWS "=" BWS ( token / quoted-string )
 *   quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE
 *   quoted-pair   = "\" ( HTAB / SP / VCHAR / obs-text )       (RFC 9110 §5.6.4)
 *
 *   Digest username="1001", realm="asterisk", nonce="1a2b", uri="sip:pbx", response="9f..",
 *          algorithm=MD5, qop=auth, nc=00000001, cnonce="xyz"
 *   Basic dXNlcjpwYXNz
 */

export type AuthParams = Record<string, string>;

export interface AuthHeader {
  /** As sent (`Digest`, `digest`, `Basic` ...); compare case-insensitively. */
  scheme: string;
  /**
   * Parameter names lowercased, values unquoted and unescaped; the first of duplicated names
   * wins (RFC 7616 §3.4: each parameter at most once). A token68 form (`Basic <base64>`) is
   * kept verbatim under `token68`. The object has no prototype, so names such as `__proto__`
   * or `constructor` are plain keys.
   */
  params: AuthParams;
}

/** Digest credentials carry 10 to 15 parameters; more is not a real client. */
export const MAX_AUTH_PARAMS = 32;
/** Longest Basic token decoded (about 760 bytes of user:password). */
const MAX_BASIC_TOKEN = 1024;

const TAB = 0x09, SP = 0x20, DQUOTE = 0x22, COMMA = 0x2c, EQUALS = 0x3d, BACKSLASH = 0x5c;

const isWhitespace = (c: number): boolean => c === SP || c === TAB || c === 0x0d || c === 0x0a;

/** token = 1*tchar (RFC 9110 §5.6.2, same set as RFC 3261 §25.1 token minus nothing used here). */
const TCHAR = (() => {
  const t = new Uint8Array(128);
  for (let c = 0x30; c <= 0x39; c++) t[c] = 1;
  for (let c = 0x41; c <= 0x5a; c++) t[c] = 1;
  for (let c = 0x61; c <= 0x7a; c++) t[c] = 1;
  for (const ch of "!#$%&'*+-.^_`|~") t[ch.charCodeAt(0)] = 1;
  return t;
})();
const isTchar = (c: number): boolean => c < 128 && TCHAR[c] === 1;

/** token68 = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=" (RFC 9110 §11.2). */
const isToken68Char = (c: number): boolean =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) ||
  c === 0x2d || c === 0x2e || c === 0x5f || c === 0x7e || c === 0x2b || c === 0x2f;

export function parseAuthParams(value: string): AuthHeader {
  const params: AuthParams = Object.create(null) as AuthParams;
  const end = value.length;
  let i = 0;
  while (i < end && isWhitespace(value.charCodeAt(i))) i++;
  const schemeStart = i;
  while (i < end && isTchar(value.charCodeAt(i))) i++;
  const scheme = value.slice(schemeStart, i);
  if (scheme === '') return { scheme, params };
  while (i < end && isWhitespace(value.charCodeAt(i))) i++;

  const t68 = token68At(value, i);
  if (t68 > i) {
    params.token68 = value.slice(i, t68);
    return { scheme, params };
  }

  let count = 0;
  while (i < end && count < MAX_AUTH_PARAMS) {
    const c = value.charCodeAt(i);
    if (isWhitespace(c) || c === COMMA) { i++; continue; }
    const nameStart = i;
    while (i < end && isTchar(value.charCodeAt(i))) i++;
    if (i === nameStart) { i = skipItem(value, i); continue; }
    const nameEnd = i;
    while (i < end && isWhitespace(value.charCodeAt(i))) i++;
    if (i >= end || value.charCodeAt(i) !== EQUALS) {
      // `token SP token=...` after a comma starts the next challenge (RFC 9110 §11.6.1:
      // several challenges may share one field); anything else is a name without value.
      if (i < end && i > nameEnd && isTchar(value.charCodeAt(i))) break;
      i = skipItem(value, i);
      continue;
    }
    i++;
    while (i < end && isWhitespace(value.charCodeAt(i))) i++;
    let v: string;
    if (i < end && value.charCodeAt(i) === DQUOTE) {
      const q = readQuoted(value, i);
      v = q.text;
      i = q.next;
    } else {
      const vs = i;
      while (i < end) {
        const d = value.charCodeAt(i);
        if (d === COMMA || isWhitespace(d)) break;
        i++;
      }
      v = value.slice(vs, i);
    }
    const name = value.slice(nameStart, nameEnd).toLowerCase();
    if (params[name] === undefined) { params[name] = v; count++; }
    i = skipItem(value, i);
  }
  return { scheme, params };
}

/** End of a token68 that is the whole rest of the value (optional trailing whitespace), else `start`. */
function token68At(s: string, start: number): number {
  let i = start;
  while (i < s.length && isToken68Char(s.charCodeAt(i))) i++;
  if (i === start) return start;
  while (i < s.length && s.charCodeAt(i) === EQUALS) i++;
  const end = i;
  while (i < s.length && isWhitespace(s.charCodeAt(i))) i++;
  return i === s.length ? end : start;
}

/** Skips to just after the next top-level comma (quoted commas do not count). */
function skipItem(s: string, from: number): number {
  let i = from;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === COMMA) return i + 1;
    if (c === DQUOTE) { i = readQuoted(s, i).next; continue; }
    i++;
  }
  return i;
}

/** Reads a quoted-string at `start` (a DQUOTE); unterminated strings run to the end. */
function readQuoted(s: string, start: number): { text: string; next: number } {
  let i = start + 1;
  let chunkStart = i;
  let text = '';
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === DQUOTE) return { text: text + s.slice(chunkStart, i), next: i + 1 };
    if (c === BACKSLASH && i + 1 < s.length) {
      text += s.slice(chunkStart, i);
      chunkStart = i + 1;
      i += 2;
      continue;
    }
    i++;
  }
  return { text: text + s.slice(chunkStart), next: s.length };
}

/**
 * `Basic <base64(user:password)>` (RFC 7617 §2). Scheme case-insensitive, any amount of
 * whitespace around the token (Zeek's basic-auth-with-extra-space sends two spaces); the
 * password is everything after the first colon, so it may contain colons (RFC 7617 §2: the
 * user-id must not contain one). Decoded as UTF-8 (RFC 7617 §2.1 charset="UTF-8" is the only
 * defined charset). Null when the scheme is not Basic or the token is not base64 of `a:b`.
 */
export function parseBasicCredentials(value: string): { username: string; password: string } | null {
  let i = 0;
  while (i < value.length && isWhitespace(value.charCodeAt(i))) i++;
  if (value.length - i < 6 || value.slice(i, i + 5).toLowerCase() !== 'basic' || !isWhitespace(value.charCodeAt(i + 5))) return null;
  i += 5;
  while (i < value.length && isWhitespace(value.charCodeAt(i))) i++;
  let end = value.length;
  while (end > i && isWhitespace(value.charCodeAt(end - 1))) end--;
  if (end === i || end - i > MAX_BASIC_TOKEN) return null;
  for (let k = i; k < end; k++) {
    const c = value.charCodeAt(k);
    const b64 = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) ||
      c === 0x2b || c === 0x2f || c === EQUALS || c === 0x2d || c === 0x5f;
    if (!b64) return null;
  }
  const decoded = Buffer.from(value.slice(i, end), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
