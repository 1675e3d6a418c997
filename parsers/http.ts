/**
 * HTTP/1.x message heads (RFC 9112) as phones' web UIs and provisioning servers speak them,
 * plus the few body helpers the web-UI detectors need: body framing, the page <title>, and
 * urlencoded login forms. Pure functions; nothing throws on hostile input.
 *
 *   request-line  = method SP request-target SP HTTP-version CRLF        (RFC 9112 §3)
 *   status-line   = HTTP-version SP status-code SP [ reason-phrase ] CRLF (RFC 9112 §4)
 *   *( field-name ":" OWS field-value OWS CRLF )                          (RFC 9112 §5)
 *   CRLF
 *   [ message-body ]
 *
 * Lenient where RFC 9112 lets a recipient be (§2.2: a bare LF ends a line, empty lines
 * before a request-line are ignored; §5.2: obs-fold is replaced by a space), strict where
 * framing depends on it (§6.3: Content-Length must be one valid number).
 */

/** Largest head we look for an end in; Node's default is 16 KiB, Apache's 8 KiB per line x 100 fields. */
export const MAX_HTTP_HEAD = 32_768;
/** Field lines kept per head; the rest are ignored. */
const MAX_HEADER_FIELDS = 128;
/** Empty lines tolerated before a request-line (RFC 9112 §2.2 "at least one"). */
const MAX_LEADING_EMPTY_LINES = 4;
/** Chunked bodies are walked to their end only up to this many bytes. */
export const MAX_CHUNKED_BODY = 1_048_576;
/** <title> is searched in the first bytes of the body only, and kept this long at most. */
const TITLE_SCAN_BYTES = 16_384;
const MAX_TITLE_LENGTH = 200;
/** Login forms are a few hundred bytes; these bound hostile ones. */
const MAX_FORM_BYTES = 65_536;
const MAX_FORM_FIELDS = 256;
const MAX_FORM_NAME = 256;
const MAX_FORM_VALUE = 4096;

interface HttpHeadCommon {
  version: string;
  contentType: string;
  /** Content-Length, -1 when absent, invalid, or overridden by Transfer-Encoding. */
  contentLength: number;
  /** Transfer-Encoding ends in "chunked" (RFC 9112 §6.1). */
  chunked: boolean;
  /** Transfer-Encoding present (chunked or not). */
  transferEncoding: boolean;
  /** Head length in bytes, including leading empty lines and the final empty line. */
  headerBytes: number;
  /** A framing problem (RFC 9112 §6.3), as a snake_case anomaly name; null when sound. */
  framingError: string | null;
  /** First value of a field, name case-insensitive. */
  header(name: string): string | null;
  /** All values of a field in order (Set-Cookie, several WWW-Authenticate challenges). */
  headerValues(name: string): string[];
}

export interface HttpRequest extends HttpHeadCommon {
  kind: 'request';
  method: string;
  target: string;
  /** Target path without query or fragment; for absolute-form targets without scheme and authority. */
  path: string;
  /** Query string without the '?', '' when none. */
  query: string;
  host: string;
  userAgent: string;
  authorization: string | null;
  cookie: boolean;
}

export interface HttpResponse extends HttpHeadCommon {
  kind: 'response';
  status: number;
  reason: string;
  server: string;
  wwwAuthenticate: string | null;
  setCookie: boolean;
  location: string;
}

export type HttpFrame = { kind: 'head'; headerLength: number } | { kind: 'need' } | { kind: 'malformed'; error: string };

export type HttpBodyFrame =
  /** The body is `length` bytes on the wire from the offset (chunk framing included). */
  | { kind: 'body'; length: number }
  | { kind: 'need' }
  /** RFC 9112 §6.3 rule 8: a response without length is delimited by the connection close. */
  | { kind: 'until-close' }
  | { kind: 'malformed'; error: string };

/** RFC 9110 §9 methods plus the WebDAV ones that web UIs and provisioning clients use. */
const HTTP_METHODS: ReadonlySet<string> = new Set([
  'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH',
  'PROPFIND', 'PROPPATCH', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'REPORT', 'SEARCH',
]);
const LONGEST_METHOD = 9;

const SP = 0x20, HTAB = 0x09, CR = 0x0d, LF = 0x0a, COLON = 0x3a;

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isUpper = (c: number): boolean => c >= 0x41 && c <= 0x5a;

/** "HTTP/" d "." d at `off` (RFC 9112 §2.3 HTTP-version). */
function isHttpVersionAt(buf: Buffer, off: number): boolean {
  return buf.length >= off + 8 && buf[off] === 0x48 && buf[off + 1] === 0x54 && buf[off + 2] === 0x54 &&
    buf[off + 3] === 0x50 && buf[off + 4] === 0x2f && isDigit(buf[off + 5]) && buf[off + 6] === 0x2e && isDigit(buf[off + 7]);
}

function skipEmptyLines(buf: Buffer): number {
  let off = 0;
  for (let n = 0; n < MAX_LEADING_EMPTY_LINES; n++) {
    if (buf[off] === CR && buf[off + 1] === LF) off += 2;
    else if (buf[off] === LF) off += 1;
    else break;
  }
  return off;
}

/**
 * Does a stream start with an HTTP/1.x request or response? A request needs a known method,
 * one space and an origin-, absolute- or asterisk-form target start, and when the first line
 * is complete, an HTTP version at its end (so "OPTIONS sip:..." SIP is not HTTP).
 */
export function looksLikeHttp(buf: Buffer): 'request' | 'response' | null {
  const start = skipEmptyLines(buf);
  if (isHttpVersionAt(buf, start)) {
    const s = start + 8;
    return buf.length >= s + 4 && buf[s] === SP && isDigit(buf[s + 1]) && isDigit(buf[s + 2]) && isDigit(buf[s + 3]) ? 'response' : null;
  }
  let sp = start;
  while (sp < buf.length && sp - start <= LONGEST_METHOD && isUpper(buf[sp])) sp++;
  if (sp === start || sp >= buf.length - 1 || buf[sp] !== SP) return null;
  if (!HTTP_METHODS.has(buf.toString('latin1', start, sp))) return null;
  const t = buf[sp + 1];
  if (t !== 0x2f && t !== 0x2a && t !== 0x68 && t !== 0x48) return null; // '/', '*', 'h', 'H'
  const eol = buf.indexOf(LF, sp);
  if (eol < 0) return 'request';
  const end = eol > 0 && buf[eol - 1] === CR ? eol - 1 : eol;
  return end >= 8 && isHttpVersionAt(buf, end - 8) ? 'request' : null;
}

/** Finds the empty line that ends the head (CRLF CRLF, or bare LFs per RFC 9112 §2.2) within MAX_HTTP_HEAD. */
export function frameHttpHead(buf: Buffer): HttpFrame {
  const start = skipEmptyLines(buf);
  const limit = Math.min(buf.length, MAX_HTTP_HEAD);
  let off = buf.indexOf(LF, start);
  while (off >= 0 && off < limit) {
    const next = off + 1;
    if (buf[next] === LF) return { kind: 'head', headerLength: next + 1 };
    if (buf[next] === CR && next + 1 < buf.length && buf[next + 1] === LF) return { kind: 'head', headerLength: next + 2 };
    if (next >= buf.length || (buf[next] === CR && next + 1 >= buf.length)) break;
    off = buf.indexOf(LF, next);
  }
  if (buf.length >= MAX_HTTP_HEAD) return { kind: 'malformed', error: 'http_head_too_long' };
  if (buf.length - start >= 16 && looksLikeHttp(buf) === null) return { kind: 'malformed', error: 'http_not_http' };
  return { kind: 'need' };
}

/** Field lines as a flat [lower-case name, value, ...] list; shared by requests and responses. */
class HttpHead {
  private readonly fields: readonly string[];
  version = '';
  contentType = '';
  contentLength = -1;
  chunked = false;
  transferEncoding = false;
  headerBytes = 0;
  framingError: string | null = null;

  constructor(fields: readonly string[]) {
    this.fields = fields;
  }

  header(name: string): string | null {
    const n = name.toLowerCase();
    for (let i = 0; i < this.fields.length; i += 2) if (this.fields[i] === n) return this.fields[i + 1];
    return null;
  }

  headerValues(name: string): string[] {
    const n = name.toLowerCase();
    const out: string[] = [];
    for (let i = 0; i < this.fields.length; i += 2) if (this.fields[i] === n) out.push(this.fields[i + 1]);
    return out;
  }
}

class ParsedRequest extends HttpHead implements HttpRequest {
  readonly kind = 'request';
  method = '';
  target = '';
  path = '';
  query = '';
  host = '';
  userAgent = '';
  authorization: string | null = null;
  cookie = false;
}

class ParsedResponse extends HttpHead implements HttpResponse {
  readonly kind = 'response';
  status = 0;
  reason = '';
  server = '';
  wwwAuthenticate: string | null = null;
  setCookie = false;
  location = '';
}

/**
 * Parses the head at the start of `buf` (as framed by {@link frameHttpHead}; a longer buffer
 * is fine). Null when the start line is not HTTP/1.x or the head has no end in `buf`.
 * Strings are decoded as latin1 (RFC 9110 §5.5: field values are opaque octets); the result
 * holds no reference to `buf`.
 */
export function parseHttpHead(buf: Buffer): HttpRequest | HttpResponse | null {
  const frame = frameHttpHead(buf);
  if (frame.kind !== 'head') return null;
  const headEnd = frame.headerLength;
  const start = skipEmptyLines(buf);
  const lineEnd = buf.indexOf(LF, start);
  const startLine = buf.toString('latin1', start, lineEnd > start && buf[lineEnd - 1] === CR ? lineEnd - 1 : lineEnd);
  const fields = parseFieldLines(buf, lineEnd + 1, headEnd);
  const framing = bodyFraming(fields);
  let head: ParsedRequest | ParsedResponse;
  if (startLine.startsWith('HTTP/')) {
    // status-line = HTTP-version SP status-code SP [ reason-phrase ]
    const m = /^(HTTP\/\d\.\d) (\d{3})(?: (.*))?$/.exec(startLine);
    if (!m) return null;
    const res = new ParsedResponse(fields);
    res.version = m[1];
    res.status = Number(m[2]);
    res.reason = m[3] ?? '';
    res.server = res.header('server') ?? '';
    res.wwwAuthenticate = res.header('www-authenticate');
    res.setCookie = res.header('set-cookie') !== null;
    res.location = res.header('location') ?? '';
    head = res;
  } else {
    // request-line = method SP request-target SP HTTP-version
    const m = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) (\S+) (HTTP\/\d\.\d)$/.exec(startLine);
    if (!m) return null;
    const req = new ParsedRequest(fields);
    req.method = m[1];
    req.target = m[2];
    const { path, query } = splitTarget(req.target);
    req.path = path;
    req.query = query;
    req.version = m[3];
    req.host = req.header('host') ?? '';
    req.userAgent = req.header('user-agent') ?? '';
    req.authorization = req.header('authorization');
    req.cookie = req.header('cookie') !== null;
    head = req;
  }
  head.contentType = head.header('content-type') ?? '';
  head.contentLength = framing.contentLength;
  head.chunked = framing.chunked;
  head.transferEncoding = framing.transferEncoding;
  head.framingError = framing.error;
  head.headerBytes = headEnd;
  return head;
}

/** Flat [lower-case name, value, ...] of the field lines in [off, end); obs-fold joins with a space. */
function parseFieldLines(buf: Buffer, off: number, end: number): string[] {
  const fields: string[] = [];
  while (off < end) {
    let eol = buf.indexOf(LF, off);
    if (eol < 0 || eol >= end) eol = end;
    const lineEnd = eol > off && buf[eol - 1] === CR ? eol - 1 : eol;
    if (lineEnd === off) break; // the empty line
    const first = buf[off];
    if ((first === SP || first === HTAB) && fields.length > 0) {
      const more = buf.toString('latin1', off, lineEnd).trim();
      if (more) fields[fields.length - 1] = `${fields[fields.length - 1]} ${more}`;
    } else if (fields.length < MAX_HEADER_FIELDS * 2) {
      const colon = buf.indexOf(COLON, off);
      if (colon > off && colon < lineEnd) {
        // RFC 9112 §5.1: no whitespace between name and colon; such lines are dropped, as a proxy must reject them.
        const nameEnd = colon;
        if (buf[nameEnd - 1] !== SP && buf[nameEnd - 1] !== HTAB) {
          fields.push(buf.toString('latin1', off, nameEnd).toLowerCase(), buf.toString('latin1', colon + 1, lineEnd).trim());
        }
      }
    }
    off = eol + 1;
  }
  return fields;
}

/** RFC 9112 §6.1-§6.3: Transfer-Encoding overrides Content-Length; several differing lengths are an error. */
function bodyFraming(fields: readonly string[]): { contentLength: number; chunked: boolean; transferEncoding: boolean; error: string | null } {
  let contentLength = -1;
  let error: string | null = null;
  let te: string | null = null;
  for (let i = 0; i < fields.length; i += 2) {
    const name = fields[i];
    if (name === 'content-length') {
      // A list of identical values ("42, 42") is allowed (§6.3 rule 5).
      for (const part of fields[i + 1].split(',')) {
        const v = part.trim();
        if (!/^\d{1,15}$/.test(v)) { error = 'http_invalid_content_length'; continue; }
        const n = Number(v);
        if (contentLength >= 0 && contentLength !== n) error = 'http_conflicting_content_length';
        else contentLength = n;
      }
    } else if (name === 'transfer-encoding') {
      te = te === null ? fields[i + 1] : `${te}, ${fields[i + 1]}`;
    }
  }
  if (error) contentLength = -1;
  if (te !== null) {
    const codings = te.toLowerCase().split(',').map((s) => s.trim()).filter(Boolean);
    const chunked = codings[codings.length - 1] === 'chunked';
    if (contentLength >= 0) error = error ?? 'http_length_with_transfer_encoding';
    return { contentLength: -1, chunked, transferEncoding: true, error };
  }
  return { contentLength, chunked: false, transferEncoding: false, error };
}

function splitTarget(target: string): { path: string; query: string } {
  let rest = target;
  // absolute-form (RFC 9112 §3.2.2): scheme "://" authority path-abempty
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/.exec(rest);
  if (scheme) rest = rest.slice(scheme[0].length) || '/';
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  const q = rest.indexOf('?');
  return q >= 0 ? { path: rest.slice(0, q), query: rest.slice(q + 1) } : { path: rest, query: '' };
}

/**
 * Where the body after a head ends (RFC 9112 §6.3), for a stream reader that holds `buf` and
 * has consumed up to `offset`. Content-Length answers at once (the bytes need not be there
 * yet, so a reader can skip them as they come); a chunked body is walked and answers 'need'
 * until its last chunk and trailer section are in `buf`. `requestMethod` is the method of the
 * request a response answers (HEAD and CONNECT change the rules).
 */
export function frameHttpBody(head: HttpRequest | HttpResponse, buf: Buffer, offset = 0, requestMethod = ''): HttpBodyFrame {
  if (head.kind === 'response') {
    const s = head.status;
    if (requestMethod === 'HEAD' || (s >= 100 && s < 200) || s === 204 || s === 304) return { kind: 'body', length: 0 };
    if (requestMethod === 'CONNECT' && s >= 200 && s < 300) return { kind: 'until-close' };
  }
  if (head.framingError === 'http_invalid_content_length' || head.framingError === 'http_conflicting_content_length') {
    return { kind: 'malformed', error: head.framingError };
  }
  if (head.transferEncoding) {
    if (head.chunked) return walkChunked(buf, offset);
    // §6.3 rule 4: a request whose final coding is not chunked cannot be framed.
    return head.kind === 'response' ? { kind: 'until-close' } : { kind: 'malformed', error: 'http_unframeable_transfer_encoding' };
  }
  if (head.contentLength >= 0) return { kind: 'body', length: head.contentLength };
  return head.kind === 'request' ? { kind: 'body', length: 0 } : { kind: 'until-close' };
}

/**
 * chunked-body = *chunk last-chunk trailer-section CRLF   (RFC 9112 §7.1)
 * chunk        = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
 * last-chunk   = 1*("0") [ chunk-ext ] CRLF
 */
function walkChunked(buf: Buffer, offset: number): HttpBodyFrame {
  let off = offset;
  for (;;) {
    if (off - offset > MAX_CHUNKED_BODY) return { kind: 'malformed', error: 'http_chunked_body_too_long' };
    const eol = buf.indexOf(LF, off);
    if (eol < 0) return buf.length - off > 1024 ? { kind: 'malformed', error: 'http_invalid_chunk_size' } : { kind: 'need' };
    const m = /^([0-9A-Fa-f]{1,8})[ \t]*(?:;[^\r\n]*)?\r?$/.exec(buf.toString('latin1', off, eol));
    if (!m) return { kind: 'malformed', error: 'http_invalid_chunk_size' };
    const size = parseInt(m[1], 16);
    off = eol + 1;
    if (size === 0) break;
    off += size;
    if (off > buf.length) return off - offset > MAX_CHUNKED_BODY ? { kind: 'malformed', error: 'http_chunked_body_too_long' } : { kind: 'need' };
    if (buf[off] === CR) off++;
    if (off >= buf.length) return { kind: 'need' };
    if (buf[off] !== LF) return { kind: 'malformed', error: 'http_invalid_chunk_data' };
    off++;
  }
  // trailer-section = *( field-line CRLF ), then the final CRLF
  for (;;) {
    const eol = buf.indexOf(LF, off);
    if (eol < 0) return { kind: 'need' };
    const empty = eol === off || (eol === off + 1 && buf[off] === CR);
    off = eol + 1;
    if (empty) return { kind: 'body', length: off - offset };
    if (off - offset > MAX_CHUNKED_BODY) return { kind: 'malformed', error: 'http_chunked_body_too_long' };
  }
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** The <title> of an HTML page in the first 16 KiB: entities decoded minimally, whitespace collapsed, capped. */
export function extractTitle(body: Buffer): string | null {
  const text = body.toString('latin1', 0, Math.min(body.length, TITLE_SCAN_BYTES));
  const m = /<title\b[^>]*>([\s\S]*?)<\/title\s*>/i.exec(text);
  if (!m) return null;
  // Re-decode the title bytes as UTF-8 when they are valid UTF-8 (most pages); else keep latin1.
  const raw = Buffer.from(m[1], 'latin1');
  const utf8 = raw.toString('utf8');
  const decoded = utf8.includes('\ufffd') ? m[1] : utf8;
  const title = decoded
    .replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,6});/gi, (all, e: string) => {
      if (e[0] === '#') {
        const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
        return cp > 0 && cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff) ? String.fromCodePoint(cp) : '';
      }
      return ENTITIES[e.toLowerCase()] ?? all;
    })
    .replace(/[\s\u00a0]+/g, ' ')
    .trim();
  if (!title) return null;
  return title.length > MAX_TITLE_LENGTH ? title.slice(0, MAX_TITLE_LENGTH) : title;
}

/**
 * Fields of an application/x-www-form-urlencoded body (the WHATWG URL standard's
 * application/x-www-form-urlencoded parser: '&' separated, '+' is a space, percent-escapes
 * are UTF-8). First occurrence of a name wins. Null for other content types.
 */
export function parseFormFields(body: Buffer, contentType: string): Map<string, string> | null {
  if (!/^\s*application\/x-www-form-urlencoded\s*(;|$)/i.test(contentType)) return null;
  const text = body.toString('latin1', 0, Math.min(body.length, MAX_FORM_BYTES));
  const fields = new Map<string, string>();
  let start = 0;
  while (start <= text.length && fields.size < MAX_FORM_FIELDS) {
    let amp = text.indexOf('&', start);
    if (amp < 0) amp = text.length;
    if (amp > start) {
      const pair = text.slice(start, amp);
      const eq = pair.indexOf('=');
      const name = percentDecode(eq >= 0 ? pair.slice(0, eq) : pair, MAX_FORM_NAME);
      const value = eq >= 0 ? percentDecode(pair.slice(eq + 1), MAX_FORM_VALUE) : '';
      if (name && !fields.has(name)) fields.set(name, value);
    }
    start = amp + 1;
  }
  return fields;
}

const hexValue = (c: number): number => (c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x41 && c <= 0x46 ? c - 0x37 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1);

/** Percent-decoding that never throws: invalid escapes stay literal, bytes are read as UTF-8. */
function percentDecode(s: string, cap: number): string {
  if (s.indexOf('%') < 0 && s.indexOf('+') < 0) return s.length > cap ? s.slice(0, cap) : s;
  const out = Buffer.allocUnsafe(Math.min(s.length, cap * 3));
  let n = 0;
  for (let i = 0; i < s.length && n < out.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x2b) { out[n++] = SP; continue; }
    if (c === 0x25 && i + 2 < s.length) {
      const hi = hexValue(s.charCodeAt(i + 1)), lo = hexValue(s.charCodeAt(i + 2));
      if (hi >= 0 && lo >= 0) { out[n++] = (hi << 4) | lo; i += 2; continue; }
    }
    out[n++] = c & 0xff;
  }
  const decoded = out.toString('utf8', 0, n);
  return decoded.length > cap ? decoded.slice(0, cap) : decoded;
}

/**
 * Form field names that carry a password, most specific first (compared case-insensitively):
 * generic names, Grandstream's "P2" (GXP) and "access" (GRP, SHA-256 of the password),
 * Avaya's "psw". Then any name containing "password", "passwd" or "pwd".
 */
const PASSWORD_FIELDS = [
  'password', 'passwd', 'pass', 'pwd', 'psw', 'pw', 'p2', 'access', 'passwort', 'userpass', 'user_password',
  'login_password', 'loginpassword', 'admin_password', 'adminpassword', 'admin_pwd', 'secret',
] as const;
const PASSWORD_HINT = /password|passwd|pwd/i;

/** Form field names that carry the login user name; then any name containing "user" or "login". */
const USER_FIELDS = [
  'username', 'user', 'login', 'name', 'usr', 'uname', 'user_name', 'loginname', 'login_name',
  'loginuser', 'account', 'userid', 'user_id', 'email',
] as const;
const USER_HINT = /user|login/i;

function findField(fields: Map<string, string>, names: readonly string[], hint: RegExp, exclude: RegExp | null): { name: string; value: string } | null {
  const lower = new Map<string, string>();
  for (const name of fields.keys()) if (!lower.has(name.toLowerCase())) lower.set(name.toLowerCase(), name);
  for (const want of names) {
    const name = lower.get(want);
    if (name !== undefined && !isSubmitButton(name, fields.get(name) ?? '')) return { name, value: fields.get(name) ?? '' };
  }
  for (const [name, value] of fields) {
    if (hint.test(name) && !(exclude && exclude.test(name)) && !isSubmitButton(name, value)) return { name, value };
  }
  return null;
}

/** `Login=Login`, `login=Log+In`: the form's submit button, not a credential. */
const isSubmitButton = (name: string, value: string): boolean =>
  value.replace(/\s+/g, '').toLowerCase() === name.toLowerCase();

export function findPasswordField(fields: Map<string, string>): { name: string; value: string } | null {
  return findField(fields, PASSWORD_FIELDS, PASSWORD_HINT, null);
}

export function findUserField(fields: Map<string, string>): { name: string; value: string } | null {
  return findField(fields, USER_FIELDS, USER_HINT, PASSWORD_HINT);
}
