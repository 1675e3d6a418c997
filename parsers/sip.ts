/**
 * SIP messages (RFC 3261) as phones, PBXs and scanners put them on the wire: one UDP datagram,
 * or one message framed out of a TCP/TLS/WebSocket byte stream by frameSipStream. Pure functions
 * over Buffer views; nothing throws on hostile input.
 *
 *   SIP-message   = Request / Response                                    (RFC 3261 §7)
 *   Request-Line  = Method SP Request-URI SP SIP-Version CRLF             (§7.1, §25.1)
 *   Status-Line   = SIP-Version SP Status-Code SP Reason-Phrase CRLF      (§7.2)
 *   message-header = field-name *( SP / HTAB ) ":" SWS field-value CRLF   (§7.3.1 HCOLON)
 *     field-value may continue on lines that start with SP or HTAB (LWS = [*WSP CRLF] 1*WSP);
 *     a continuation is equivalent to one SP
 *   CRLF
 *   [ message-body ]    Content-Length octets; on UDP the rest of the datagram when absent (§18.3)
 *
 * Only the start line is mandatory for a message to be returned. Everything a strict element
 * would reject with 400 but a monitor wants to see anyway (missing Call-ID, junk before the
 * request, a non-numeric Content-Length, a CSeq method that differs from the request's) comes
 * back as a message with named `anomalies`; only a message we cannot delimit or whose start
 * line is not SIP is an error. Lenient where receivers are in practice: a bare LF ends a line,
 * CRLFs before the start line are skipped (§7.5 MUST on streams, RFC 5626 §3.5.1 keep-alives).
 *
 * Strings are made only for the fields returned; `header()` reads the view on demand, so it is
 * valid only while the packet buffer is (CONTRACTS.md: copy before keeping).
 */
import { parseAuthParams, type AuthParams } from './auth-header.ts';

export type { AuthParams } from './auth-header.ts';

/** Whole head (start line + header fields) we frame or parse: a UDP datagram carries at most 65,507 bytes. */
export const MAX_SIP_HEADER_BYTES = 65_536;
/** Largest body framed on a stream; real SDP and multipart bodies are a few KiB (Suricata's sip-body-large test uses 64 KiB). */
export const MAX_SIP_BODY = 1_048_576;
/** One logical header line after unfolding, and the start line; RFC 4475 longreq's longest is 593 bytes. */
export const MAX_SIP_HEADER_LINE = 16_384;
/** Header field lines per message; RFC 4475 longreq has 43. */
export const MAX_SIP_HEADERS = 256;
/** Via values kept: a request can take at most 70 hops (Max-Forwards default, RFC 3261 §8.1.1.6). */
export const MAX_SIP_VIAS = 70;
/** Junk bytes skipped before a UDP start line (Zeek sip-junk-before-request has 4 NULs). */
export const MAX_JUNK_PREFIX = 64;
/** Longest method token accepted: registered methods have at most 9 characters, RFC 4475 intmeth has 43. */
const MAX_METHOD_LENGTH = 64;
/** Anomaly names kept per message. */
const MAX_ANOMALIES = 16;

/** The message cannot be delimited or does not start with a SIP start line. */
export type SipParseError =
  | 'sip_empty'
  | 'sip_bad_start_line'
  | 'sip_bad_version'
  | 'sip_bad_status_code'
  | 'sip_bad_request_uri'
  | 'sip_header_too_long'
  | 'sip_headers_too_large'
  | 'sip_too_many_headers';

/** Something a strict element would reject; the message is returned anyway. */
export type SipAnomaly =
  | 'sip_junk_before_request'
  | 'sip_unterminated_headers'
  | 'sip_bad_header_line'
  | 'sip_invalid_content_length'
  | 'sip_conflicting_content_length'
  | 'sip_missing_content_length'
  | 'sip_body_truncated'
  | 'sip_trailing_bytes'
  | 'sip_no_call_id'
  | 'sip_no_cseq'
  | 'sip_no_from'
  | 'sip_no_to'
  | 'sip_no_via'
  | 'sip_invalid_cseq'
  | 'sip_cseq_method_mismatch'
  | 'sip_duplicate_header'
  | 'sip_bad_from'
  | 'sip_bad_to'
  | 'sip_bad_via'
  | 'sip_too_many_vias';

export interface SipUriParts {
  user: string;
  host: string;
  /** 0 if absent. */
  port: number;
  scheme: 'sip' | 'sips' | 'tel' | string;
}

export interface SipVia {
  /** UDP TCP TLS WS WSS SCTP ..., upper-cased. */
  transport: string;
  /** sent-by host; an IPv6 reference without its brackets. */
  host: string;
  /** 0 if absent. */
  port: number;
  branch: string;
  received: string;
  /** The rport value (RFC 3581); '' when absent or sent without a value. */
  rport: string;
}

export interface SipAuthorization { header: 'authorization' | 'proxy-authorization'; scheme: string; params: AuthParams }
export interface SipChallenge { header: 'www-authenticate' | 'proxy-authenticate'; scheme: string; params: AuthParams }

export interface SipMessage {
  isRequest: boolean;
  /** Request method; for responses the CSeq method. */
  method: string;
  /** '' for responses. */
  requestUri: string;
  /** 0 for requests. */
  statusCode: number;
  reason: string;
  callId: string;
  /** CSeq number, -1 if absent or not a number below 2^31 (RFC 3261 §8.1.1.5). */
  cseq: number;
  cseqMethod: string;
  /** The URI of From (inside <> when present), its tag parameter and unquoted display name. */
  from: string; fromTag: string; fromDisplay: string;
  to: string; toTag: string; toDisplay: string;
  /** URI of the first Contact value, or '*'. */
  contact: string;
  userAgent: string;
  server: string;
  /** All Via values in order, comma-separated values split, at most MAX_SIP_VIAS. */
  vias: SipVia[];
  contentType: string;
  /** -1 if absent or invalid (see anomalies). */
  contentLength: number;
  /** Expires header, else the expires parameter of a single Contact; -1 if absent. */
  expires: number;
  /** First Authorization or Proxy-Authorization. */
  authorization: SipAuthorization | null;
  /** First WWW-Authenticate or Proxy-Authenticate. */
  challenge: SipChallenge | null;
  /** View of the body. */
  body: Buffer;
  headerCount: number;
  /** Named oddities, in the order met (at most 16); an empty frozen array when none. */
  anomalies: readonly SipAnomaly[];
  /** Bytes of junk skipped before the start line (anomaly sip_junk_before_request). */
  junkBytes: number;
  /** First value of a header, name case-insensitive, compact forms mapped, folding undone. */
  header(name: string): string | null;
  /** Every value of a header in order, one per field line (not split on commas). */
  headerValues(name: string): string[];
}

export type SipParseResult = { ok: true; message: SipMessage } | { ok: false; error: SipParseError };

export type SipFrame =
  /** A whole message of `length` bytes (leading CRLF keep-alives included) starts the buffer. */
  | { kind: 'message'; length: number }
  /** At least `needed` more bytes; the first `consumed` bytes are keep-alive CRLFs the caller may drop. */
  | { kind: 'need'; needed: number; consumed: number }
  /** Not SIP or not framable; drop `skip` bytes (>= 1, <= buf.length) and try again. */
  | { kind: 'malformed'; error: string; skip: number };

const HTAB = 0x09, LF = 0x0a, CR = 0x0d, SP = 0x20, DQUOTE = 0x22, COMMA = 0x2c, COLON = 0x3a,
  SEMI = 0x3b, LT = 0x3c, EQUALS = 0x3d, GT = 0x3e, LBRACKET = 0x5b, RBRACKET = 0x5d, BACKSLASH = 0x5c;

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isAlpha = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const isWsp = (c: number): boolean => c === SP || c === HTAB;
const isLwsChar = (c: number): boolean => c === SP || c === HTAB || c === CR || c === LF;
const lower = (c: number): number => (c >= 0x41 && c <= 0x5a ? c | 0x20 : c);

/** token = 1*( alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~" ) (RFC 3261 §25.1). */
const TOKEN = (() => {
  const t = new Uint8Array(256);
  for (let c = 0; c < 256; c++) if (isDigit(c) || isAlpha(c)) t[c] = 1;
  for (const ch of "-.!%*_+`'~") t[ch.charCodeAt(0)] = 1;
  return t;
})();
const isToken = (c: number): boolean => TOKEN[c] === 1;

const NO_ANOMALIES: readonly SipAnomaly[] = Object.freeze([]);

// ---------------------------------------------------------------------------------------------
// Start line

/** "SIP/2.0" at `off`, case-insensitive (RFC 3261 §7.1: the version string is case-insensitive). */
function isSip20At(buf: Buffer, off: number): boolean {
  return off + 7 <= buf.length && lower(buf[off]) === 0x73 && lower(buf[off + 1]) === 0x69 && lower(buf[off + 2]) === 0x70 &&
    buf[off + 3] === 0x2f && buf[off + 4] === 0x32 && buf[off + 5] === 0x2e && buf[off + 6] === 0x30;
}

/** "SIP/" at `off`, any version. */
function isSipSlashAt(buf: Buffer, off: number): boolean {
  return off + 4 <= buf.length && lower(buf[off]) === 0x73 && lower(buf[off + 1]) === 0x69 && lower(buf[off + 2]) === 0x70 && buf[off + 3] === 0x2f;
}

/** scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) then ":" (RFC 3986 §3.1, RFC 3261 §25.1 absoluteURI). */
function hasSchemeAt(buf: Buffer, s: number, e: number): boolean {
  if (s >= e || !isAlpha(buf[s])) return false;
  for (let i = s + 1; i < e; i++) {
    const c = buf[i];
    if (c === COLON) return true;
    if (!isAlpha(c) && !isDigit(c) && c !== 0x2b && c !== 0x2d && c !== 0x2e) return false;
  }
  return false;
}

/** Validates a start line [s, e) (line end excluded, CR stripped); null when it is SIP. */
function startLineError(buf: Buffer, s: number, e: number): SipParseError | null {
  if (e - s < 11) return 'sip_bad_start_line';
  if (isSip20At(buf, s)) {
    if (buf[s + 7] !== SP) return 'sip_bad_start_line';
    // Status-Code = 3DIGIT, then SP Reason-Phrase; a bare "SIP/2.0 100" without SP is tolerated.
    const d = s + 8;
    if (!isDigit(buf[d]) || !isDigit(buf[d + 1]) || !isDigit(buf[d + 2])) return 'sip_bad_status_code';
    if (d + 3 < e && buf[d + 3] !== SP) return 'sip_bad_status_code';
    if (buf[d] < 0x31 || buf[d] > 0x36) return 'sip_bad_status_code';
    return null;
  }
  if (isSipSlashAt(buf, s)) return 'sip_bad_version';
  let i = s;
  while (i < e && isToken(buf[i])) i++;
  if (i === s || i - s > MAX_METHOD_LENGTH || i >= e || buf[i] !== SP) return 'sip_bad_start_line';
  const uriStart = i + 1;
  let j = uriStart;
  while (j < e && buf[j] !== SP && buf[j] !== HTAB) j++;
  if (j === uriStart || j >= e) return 'sip_bad_start_line';
  const v = j + 1;
  if (e - v === 7 && isSip20At(buf, v)) return hasSchemeAt(buf, uriStart, j) ? null : 'sip_bad_request_uri';
  if (isSipSlashAt(buf, v) && e - v <= 10) {
    for (let k = v + 4; k < e; k++) if (!isDigit(buf[k]) && buf[k] !== 0x2e) return 'sip_bad_start_line';
    return 'sip_bad_version';
  }
  return 'sip_bad_start_line';
}

/** End of the line starting at `s` (index of LF, or -1 within MAX_SIP_HEADER_LINE and the buffer). */
function lineFeedWithin(buf: Buffer, s: number): number {
  const lf = buf.indexOf(LF, s);
  return lf >= 0 && lf - s <= MAX_SIP_HEADER_LINE ? lf : -1;
}

const contentEnd = (buf: Buffer, s: number, lf: number): number => (lf > s && buf[lf - 1] === CR ? lf - 1 : lf);

function isStartLineAt(buf: Buffer, s: number): boolean {
  if (s >= buf.length || (!isToken(buf[s]))) return false;
  const lf = lineFeedWithin(buf, s);
  if (lf < 0) return false;
  return startLineError(buf, s, contentEnd(buf, s, lf)) === null;
}

/**
 * Cheap check of the first line: "SIP/2.0 " 3DIGIT, or Method SP URI SP "SIP/2.0" CRLF. Rejects
 * SSDP ("M-SEARCH * HTTP/1.1", "NOTIFY * HTTP/1.1") and HTTP, which end in HTTP/1.x. Leading
 * CRLFs are skipped; junk is not (see findSipStart).
 */
export function looksLikeSip(buf: Buffer): boolean {
  let s = 0;
  while (s < buf.length && s < 8 && (buf[s] === CR || buf[s] === LF)) s++;
  if (buf.length - s < 12) return false;
  const c = buf[s];
  if (c === 0x53 || c === 0x73) {
    // A response needs no complete first line: "SIP/2.0 " 3DIGIT is enough.
    if (isSip20At(buf, s) && buf[s + 7] === SP) return isDigit(buf[s + 8]) && isDigit(buf[s + 9]) && isDigit(buf[s + 10]);
  }
  return isStartLineAt(buf, s);
}

/**
 * Offset of a SIP start line at or after `from` within MAX_JUNK_PREFIX bytes, else -1. For UDP
 * payloads with junk before the request (Zeek's sip-junk-before-request: four NULs).
 */
export function findSipStart(buf: Buffer, from = 0): number {
  const last = Math.min(buf.length - 12, from + MAX_JUNK_PREFIX);
  for (let i = from; i <= last; i++) {
    const c = buf[i];
    if (!isToken(c)) continue;
    if (i > 0 && isToken(buf[i - 1]) && i > from) continue;
    if (isStartLineAt(buf, i)) return i;
  }
  return -1;
}

// ---------------------------------------------------------------------------------------------
// Header names

const H_OTHER = 0, H_VIA = 1, H_FROM = 2, H_TO = 3, H_CALL_ID = 4, H_CSEQ = 5, H_CONTACT = 6,
  H_CONTENT_TYPE = 7, H_CONTENT_LENGTH = 8, H_EXPIRES = 9, H_USER_AGENT = 10, H_SERVER = 11,
  H_AUTHORIZATION = 12, H_PROXY_AUTHORIZATION = 13, H_WWW_AUTHENTICATE = 14, H_PROXY_AUTHENTICATE = 15;

/** Compact forms (RFC 3261 §7.3.3 and the IANA SIP header registry). */
const COMPACT_FORMS: Readonly<Record<string, string>> = Object.freeze({
  a: 'accept-contact', b: 'referred-by', c: 'content-type', d: 'request-disposition', e: 'content-encoding',
  f: 'from', i: 'call-id', j: 'reject-contact', k: 'supported', l: 'content-length', m: 'contact',
  n: 'identity-info', o: 'event', r: 'refer-to', s: 'subject', t: 'to', u: 'allow-events', v: 'via',
  x: 'session-expires', y: 'identity',
});

const KNOWN_HEADERS: ReadonlyArray<readonly [number, string]> = [
  [H_VIA, 'via'], [H_FROM, 'from'], [H_TO, 'to'], [H_CALL_ID, 'call-id'], [H_CSEQ, 'cseq'],
  [H_CONTACT, 'contact'], [H_CONTENT_TYPE, 'content-type'], [H_CONTENT_LENGTH, 'content-length'],
  [H_EXPIRES, 'expires'], [H_USER_AGENT, 'user-agent'], [H_SERVER, 'server'],
  [H_AUTHORIZATION, 'authorization'], [H_PROXY_AUTHORIZATION, 'proxy-authorization'],
  [H_WWW_AUTHENTICATE, 'www-authenticate'], [H_PROXY_AUTHENTICATE, 'proxy-authenticate'],
];
const COMPACT_IDS: Readonly<Record<number, number>> = Object.freeze({
  0x76: H_VIA, 0x66: H_FROM, 0x74: H_TO, 0x69: H_CALL_ID, 0x6d: H_CONTACT, 0x63: H_CONTENT_TYPE, 0x6c: H_CONTENT_LENGTH,
});

/** Known names bucketed by length, as lower-case bytes, so a name is matched without a string. */
const KNOWN_BY_LENGTH: ReadonlyArray<ReadonlyArray<readonly [number, Buffer]>> = (() => {
  const buckets: Array<Array<readonly [number, Buffer]>> = [];
  for (const [id, name] of KNOWN_HEADERS) (buckets[name.length] ??= []).push([id, Buffer.from(name, 'latin1')]);
  return buckets;
})();

function headerId(buf: Buffer, s: number, e: number): number {
  const len = e - s;
  if (len === 1) return COMPACT_IDS[lower(buf[s])] ?? H_OTHER;
  const bucket = KNOWN_BY_LENGTH[len];
  if (!bucket) return H_OTHER;
  for (const [id, lit] of bucket) {
    let k = 0;
    while (k < len && lower(buf[s + k]) === lit[k]) k++;
    if (k === len) return id;
  }
  return H_OTHER;
}

const canonicalName = (name: string): string => {
  const n = name.trim().toLowerCase();
  return n.length === 1 ? COMPACT_FORMS[n] ?? n : n;
};

// ---------------------------------------------------------------------------------------------
// The message

/** Per header field: name start, name end, value start, value end, folded (0/1), known id. */
const SPAN = 6;

class ParsedSipMessage implements SipMessage {
  isRequest = false;
  method = '';
  requestUri = '';
  statusCode = 0;
  reason = '';
  callId = '';
  cseq = -1;
  cseqMethod = '';
  from = ''; fromTag = ''; fromDisplay = '';
  to = ''; toTag = ''; toDisplay = '';
  contact = '';
  userAgent = '';
  server = '';
  vias: SipVia[] = [];
  contentType = '';
  contentLength = -1;
  expires = -1;
  authorization: SipAuthorization | null = null;
  challenge: SipChallenge | null = null;
  body: Buffer;
  headerCount = 0;
  anomalies: readonly SipAnomaly[] = NO_ANOMALIES;
  junkBytes = 0;
  // ES private fields: kept out of JSON.stringify and object spreads of the message.
  readonly #raw: Buffer;
  readonly #spans: number[];

  constructor(raw: Buffer, spans: number[]) {
    this.#raw = raw;
    this.#spans = spans;
    this.body = raw.subarray(raw.length);
  }

  flag(a: SipAnomaly): void {
    if (this.anomalies === NO_ANOMALIES) this.anomalies = [a];
    else if (this.anomalies.length < MAX_ANOMALIES && !this.anomalies.includes(a)) (this.anomalies as SipAnomaly[]).push(a);
  }

  header(name: string): string | null {
    const want = canonicalName(name);
    const sp = this.#spans;
    for (let h = 0; h < sp.length; h += SPAN) {
      if (canonicalName(this.#raw.toString('latin1', sp[h], sp[h + 1])) === want) return valueAt(this.#raw, sp, h);
    }
    return null;
  }

  headerValues(name: string): string[] {
    const want = canonicalName(name);
    const sp = this.#spans;
    const out: string[] = [];
    for (let h = 0; h < sp.length; h += SPAN) {
      if (canonicalName(this.#raw.toString('latin1', sp[h], sp[h + 1])) === want) out.push(valueAt(this.#raw, sp, h));
    }
    return out;
  }
}

/** The value of header `h` as a string: outer LWS trimmed, each fold replaced by one SP (RFC 3261 §7.3.1). */
function valueAt(buf: Buffer, spans: number[], h: number): string {
  let s = spans[h + 2];
  let e = spans[h + 3];
  while (s < e && isLwsChar(buf[s])) s++;
  while (e > s && isLwsChar(buf[e - 1])) e--;
  const text = buf.toString('utf8', s, e);
  return spans[h + 4] === 1 ? unfold(text) : text;
}

/**
 * Each fold, *WSP [CR] LF *WSP, replaced by one SP (RFC 3261 §7.3.1), in one linear pass. A
 * regular expression doing the same backtracks over every run of WSP that no LF follows:
 * quadratic, 1.4 s for one 64 KiB datagram (found by bench/fuzz.ts).
 */
function unfold(text: string): string {
  let out = '';
  let copied = 0;
  for (let lf = text.indexOf('\n'); lf >= 0; lf = text.indexOf('\n', copied)) {
    let foldStart = lf;
    if (foldStart > copied && text.charCodeAt(foldStart - 1) === CR) foldStart--;
    while (foldStart > copied && isWsp(text.charCodeAt(foldStart - 1))) foldStart--;
    let foldEnd = lf + 1;
    while (foldEnd < text.length && isWsp(text.charCodeAt(foldEnd))) foldEnd++;
    out += text.slice(copied, foldStart) + ' ';
    copied = foldEnd;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/**
 * Parses one SIP message. `stream` (TCP/TLS/WS framed by frameSipStream): the body is exactly
 * Content-Length bytes, a missing Content-Length is an anomaly (RFC 3261 §18.3 MUST), and junk
 * is not skipped. Otherwise (a UDP payload): junk before the start line is skipped up to
 * MAX_JUNK_PREFIX bytes (anomaly sip_junk_before_request), a missing Content-Length means the
 * rest of the datagram, and bytes beyond Content-Length are discarded (§18.3 MUST).
 */
export function parseSipMessage(buf: Buffer, opts?: { stream?: boolean }): SipParseResult {
  const stream = opts?.stream === true;
  let s = 0;
  while (s < buf.length && (buf[s] === CR || buf[s] === LF)) s++;
  if (s >= buf.length) return { ok: false, error: 'sip_empty' };

  let lf = lineFeedWithin(buf, s);
  if (lf < 0 && buf.length - s > MAX_SIP_HEADER_LINE) return { ok: false, error: 'sip_header_too_long' };
  let lineEnd = lf < 0 ? buf.length : contentEnd(buf, s, lf);
  let err = startLineError(buf, s, lineEnd);
  let junk = 0;
  if (err !== null && !stream) {
    const found = findSipStart(buf, s + 1);
    if (found > 0) {
      junk = found - s;
      s = found;
      lf = lineFeedWithin(buf, s);
      lineEnd = lf < 0 ? buf.length : contentEnd(buf, s, lf);
      err = startLineError(buf, s, lineEnd);
    }
  }
  if (err !== null) return { ok: false, error: err };

  // Header field lines: collect spans first so folded continuations are complete before use.
  const spans: number[] = [];
  let pos = lf < 0 ? buf.length : lf + 1;
  let bodyStart = -1;
  let badLines = 0;
  while (pos < buf.length) {
    if (pos - s > MAX_SIP_HEADER_BYTES) return { ok: false, error: 'sip_headers_too_large' };
    let nl = buf.indexOf(LF, pos);
    if (nl < 0) nl = buf.length;
    const end = contentEnd(buf, pos, nl);
    if (end === pos) { bodyStart = Math.min(nl + 1, buf.length); break; }
    if (isWsp(buf[pos])) {
      if (spans.length === 0) badLines++;
      else {
        spans[spans.length - SPAN + 3] = end;
        spans[spans.length - SPAN + 4] = 1;
        if (end - spans[spans.length - SPAN] > MAX_SIP_HEADER_LINE) return { ok: false, error: 'sip_header_too_long' };
      }
    } else {
      if (end - pos > MAX_SIP_HEADER_LINE) return { ok: false, error: 'sip_header_too_long' };
      let c = pos;
      while (c < end && isToken(buf[c])) c++;
      const nameEnd = c;
      while (c < end && isWsp(buf[c])) c++;
      if (nameEnd === pos || c >= end || buf[c] !== COLON) badLines++;
      else {
        if (spans.length >= MAX_SIP_HEADERS * SPAN) return { ok: false, error: 'sip_too_many_headers' };
        spans.push(pos, nameEnd, c + 1, end, 0, headerId(buf, pos, nameEnd));
      }
    }
    pos = nl + 1;
  }

  const m = new ParsedSipMessage(buf, spans);
  m.headerCount = spans.length / SPAN;
  if (junk > 0) { m.junkBytes = junk; m.flag('sip_junk_before_request'); }
  if (badLines > 0) m.flag('sip_bad_header_line');
  if (bodyStart < 0) { m.flag('sip_unterminated_headers'); bodyStart = buf.length; }

  readStartLine(m, buf, s, lineEnd);
  readHeaders(m, buf, spans);

  const available = buf.length - bodyStart;
  let bodyLength = available;
  if (m.contentLength >= 0) {
    if (m.contentLength > available) m.flag('sip_body_truncated');
    else {
      bodyLength = m.contentLength;
      if (hasTrailingData(buf, bodyStart + bodyLength)) m.flag('sip_trailing_bytes');
    }
  } else if (stream) {
    if (!m.anomalies.includes('sip_invalid_content_length')) m.flag('sip_missing_content_length');
    bodyLength = 0;
  }
  m.body = buf.subarray(bodyStart, bodyStart + bodyLength);

  if (m.isRequest && m.cseqMethod !== '' && m.cseqMethod !== m.method) m.flag('sip_cseq_method_mismatch');
  if (m.isRequest === false && m.cseqMethod !== '') m.method = m.cseqMethod;
  return { ok: true, message: m };
}

/** Bytes other than CR, LF and SP after the body (discarded per RFC 3261 §18.3; RFC 4475 dblreq, short Content-Lengths). */
function hasTrailingData(buf: Buffer, from: number): boolean {
  for (let i = from; i < buf.length; i++) {
    const c = buf[i];
    if (c !== CR && c !== LF && c !== SP) return true;
  }
  return false;
}

function readStartLine(m: ParsedSipMessage, buf: Buffer, s: number, e: number): void {
  if (isSip20At(buf, s)) {
    m.statusCode = (buf[s + 8] - 0x30) * 100 + (buf[s + 9] - 0x30) * 10 + (buf[s + 10] - 0x30);
    m.reason = s + 12 <= e ? buf.toString('utf8', s + 12, e) : '';
    return;
  }
  m.isRequest = true;
  const sp1 = buf.indexOf(SP, s);
  let sp2 = sp1 + 1;
  while (sp2 < e && buf[sp2] !== SP && buf[sp2] !== HTAB) sp2++;
  m.method = buf.toString('latin1', s, sp1);
  m.requestUri = buf.toString('utf8', sp1 + 1, sp2);
}

function readHeaders(m: ParsedSipMessage, buf: Buffer, spans: number[]): void {
  let seenFrom = false, seenTo = false, seenCallId = false, seenCseq = false, seenContact = false, seenExpires = false;
  let viaHeaders = 0;
  let contactExpires = -1;
  for (let h = 0; h < spans.length; h += SPAN) {
    const id = spans[h + 5];
    if (id === H_OTHER) continue;
    const v = valueAt(buf, spans, h);
    switch (id) {
      case H_VIA:
        viaHeaders++;
        readVias(m, v);
        break;
      case H_FROM: {
        if (seenFrom) { m.flag('sip_duplicate_header'); break; }
        seenFrom = true;
        const a = parseNameAddr(v, 0);
        if (!a) { m.flag('sip_bad_from'); m.from = bracketedUri(v); break; }
        m.from = a.uri; m.fromDisplay = a.display; m.fromTag = paramValue(v, a.paramsStart, 'tag');
        break;
      }
      case H_TO: {
        if (seenTo) { m.flag('sip_duplicate_header'); break; }
        seenTo = true;
        const a = parseNameAddr(v, 0);
        if (!a) { m.flag('sip_bad_to'); m.to = bracketedUri(v); break; }
        m.to = a.uri; m.toDisplay = a.display; m.toTag = paramValue(v, a.paramsStart, 'tag');
        break;
      }
      case H_CALL_ID:
        if (seenCallId) { m.flag('sip_duplicate_header'); break; }
        seenCallId = true;
        m.callId = v;
        break;
      case H_CSEQ:
        if (seenCseq) { m.flag('sip_duplicate_header'); break; }
        seenCseq = true;
        readCseq(m, v);
        break;
      case H_CONTACT: {
        if (seenContact) { contactExpires = -1; break; }
        seenContact = true;
        if (v === '*') { m.contact = '*'; break; }
        const a = parseNameAddr(v, 0);
        if (!a) break;
        m.contact = a.uri;
        // "if trivial": one Contact value carrying ;expires= (RFC 3261 §10.2.1.1).
        if (a.end >= v.length) contactExpires = parseDecimal(paramValue(v, a.paramsStart, 'expires'));
        break;
      }
      case H_CONTENT_TYPE:
        if (m.contentType === '') m.contentType = v;
        break;
      case H_CONTENT_LENGTH: {
        const n = parseDecimal(v);
        if (n < 0) m.flag('sip_invalid_content_length');
        else if (m.contentLength >= 0 && m.contentLength !== n) m.flag('sip_conflicting_content_length');
        else m.contentLength = n;
        break;
      }
      case H_EXPIRES:
        if (!seenExpires) { seenExpires = true; m.expires = parseDecimal(v); }
        break;
      case H_USER_AGENT:
        if (m.userAgent === '') m.userAgent = v;
        break;
      case H_SERVER:
        if (m.server === '') m.server = v;
        break;
      case H_AUTHORIZATION:
      case H_PROXY_AUTHORIZATION:
        if (m.authorization === null) {
          const a = parseAuthParams(v);
          m.authorization = { header: id === H_AUTHORIZATION ? 'authorization' : 'proxy-authorization', scheme: a.scheme, params: a.params };
        }
        break;
      case H_WWW_AUTHENTICATE:
      case H_PROXY_AUTHENTICATE:
        if (m.challenge === null) {
          const a = parseAuthParams(v);
          m.challenge = { header: id === H_WWW_AUTHENTICATE ? 'www-authenticate' : 'proxy-authenticate', scheme: a.scheme, params: a.params };
        }
        break;
    }
  }
  if (!seenExpires && contactExpires >= 0) m.expires = contactExpires;
  // RFC 3261 §8.1.1: To, From, CSeq, Call-ID, Max-Forwards and Via are mandatory in requests;
  // responses copy them (§8.2.6.2). Max-Forwards is not checked: RFC 2543 peers omit it.
  if (!seenCallId) m.flag('sip_no_call_id');
  if (!seenCseq) m.flag('sip_no_cseq');
  if (!seenFrom) m.flag('sip_no_from');
  if (!seenTo) m.flag('sip_no_to');
  if (viaHeaders === 0) m.flag('sip_no_via');
}

/** CSeq = 1*DIGIT LWS Method (RFC 3261 §20.16); the number must be below 2^31 (§8.1.1.5). */
function readCseq(m: ParsedSipMessage, v: string): void {
  let i = 0;
  while (i < v.length && isDigit(v.charCodeAt(i))) i++;
  const digits = v.slice(0, i);
  while (i < v.length && isLwsChar(v.charCodeAt(i))) i++;
  const ms = i;
  while (i < v.length && isToken(v.charCodeAt(i))) i++;
  m.cseqMethod = v.slice(ms, i);
  const n = parseDecimal(digits);
  if (n < 0 || n > 0x7fffffff || m.cseqMethod === '' || i !== v.length) m.flag('sip_invalid_cseq');
  m.cseq = n > 0x7fffffff ? -1 : n;
}

/** 1*DIGIT with optional surrounding LWS; -1 when not that or above 2^32-1 (the Expires range, RFC 3261 §20.19). */
function parseDecimal(v: string): number {
  let s = 0, e = v.length;
  while (s < e && isLwsChar(v.charCodeAt(s))) s++;
  while (e > s && isLwsChar(v.charCodeAt(e - 1))) e--;
  if (s === e || e - s > 10) return -1;
  let n = 0;
  for (let i = s; i < e; i++) {
    const c = v.charCodeAt(i);
    if (!isDigit(c)) return -1;
    n = n * 10 + (c - 0x30);
  }
  return n > 0xffffffff ? -1 : n;
}

// ---------------------------------------------------------------------------------------------
// Header values: name-addr / addr-spec, parameters, Via

interface NameAddr { display: string; uri: string; paramsStart: number; /** index after this value (a top-level comma or the end) */ end: number }

/**
 *   (name-addr / addr-spec) *( SEMI param )                    (RFC 3261 §20.10, §25.1)
 *   name-addr = [ display-name ] LAQUOT addr-spec RAQUOT
 *   display-name = *(token LWS) / quoted-string
 * Without <>, parameters after the URI are header parameters, not URI parameters (§20.10).
 */
function parseNameAddr(v: string, from: number): NameAddr | null {
  let i = from;
  while (i < v.length && isLwsChar(v.charCodeAt(i))) i++;
  if (i >= v.length) return null;
  let display = '';
  let uriStart: number, uriEnd: number, after: number;
  if (v.charCodeAt(i) === DQUOTE) {
    const q = readQuoted(v, i);
    if (q.next < 0) return null;
    display = q.text;
    i = q.next;
    while (i < v.length && isLwsChar(v.charCodeAt(i))) i++;
    if (v.charCodeAt(i) !== LT) return null;
  }
  const lt = v.charCodeAt(i) === LT ? i : findLaquot(v, i);
  if (lt >= 0) {
    const gt = v.indexOf('>', lt + 1);
    if (gt < 0) return null;
    if (display === '' && lt > i) display = v.slice(i, lt).trim();
    uriStart = lt + 1;
    uriEnd = gt;
    after = gt + 1;
  } else {
    uriStart = i;
    while (i < v.length) {
      const c = v.charCodeAt(i);
      if (c === SEMI || c === COMMA || isLwsChar(c)) break;
      i++;
    }
    uriEnd = i;
    after = i;
  }
  const uri = v.slice(uriStart, uriEnd).trim();
  if (uri === '') return null;
  return { display, uri, paramsStart: after, end: endOfValue(v, after) };
}

/**
 * A '<' after an unquoted display name, else -1. In practice that name is any text, not only
 * tokens: commas ("Last, First", RFC 4475 baddn) and stray backslash-quotes (Suricata's
 * sip-sdp trace sends \"arik\" <sip:...>) occur, so a quote is skipped raw to the next quote.
 * A ':' or ';' before any '<' means this is an addr-spec (the scheme's colon comes first).
 */
function findLaquot(v: string, from: number): number {
  for (let i = from; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === LT) return v.indexOf('>', i + 1) > i ? i : -1;
    if (c === DQUOTE) {
      const close = v.indexOf('"', i + 1);
      if (close < 0) return -1;
      i = close;
      continue;
    }
    if (c === SEMI || c === COLON) return -1;
  }
  return -1;
}

/** The text inside the first <...> of a value whose display name is broken (RFC 4475 quotbal), else ''. */
function bracketedUri(v: string): string {
  const lt = v.indexOf('<');
  const gt = lt < 0 ? -1 : v.indexOf('>', lt + 1);
  return gt < 0 ? '' : v.slice(lt + 1, gt).trim();
}

/** Index of the top-level comma ending this value (quotes and <> respected), or v.length. */
function endOfValue(v: string, from: number): number {
  let i = from;
  while (i < v.length) {
    const c = v.charCodeAt(i);
    if (c === COMMA) return i;
    if (c === DQUOTE) { const q = readQuoted(v, i); i = q.next < 0 ? v.length : q.next; continue; }
    if (c === LT) { const gt = v.indexOf('>', i + 1); i = gt < 0 ? v.length : gt + 1; continue; }
    i++;
  }
  return v.length;
}

/** quoted-string at `start` (a DQUOTE): unescaped text and the index after the closing quote, next -1 when unterminated. */
function readQuoted(v: string, start: number): { text: string; next: number } {
  let i = start + 1;
  let chunk = i;
  let text = '';
  while (i < v.length) {
    const c = v.charCodeAt(i);
    if (c === DQUOTE) return { text: text + v.slice(chunk, i), next: i + 1 };
    if (c === BACKSLASH && i + 1 < v.length) {
      text += v.slice(chunk, i);
      chunk = i + 1;
      i += 2;
      continue;
    }
    i++;
  }
  return { text: text + v.slice(chunk), next: -1 };
}

/** One `;name[=value]` parameter as offsets; `next` is where scanning resumes, -1 at the end of the parameters. */
interface ParamSpan { nameStart: number; nameEnd: number; valueStart: number; valueEnd: number; quoted: boolean; next: number }

const newParamSpan = (): ParamSpan => ({ nameStart: 0, nameEnd: 0, valueStart: 0, valueEnd: 0, quoted: false, next: -1 });

/**
 *   *( SEMI generic-param ),  generic-param = token [ EQUAL gen-value ],  gen-value = token / host / quoted-string
 * Scans the parameter at `i` (LWS allowed around ";" and "=", RFC 3261 §25.1) into `out`;
 * false when no parameter starts there. Junk between parameters (RFC 4475 badinv01 ";;,;,,")
 * is skipped up to the next ";" so callers always advance.
 */
function scanParam(v: string, i: number, end: number, out: ParamSpan): boolean {
  while (i < end && isLwsChar(v.charCodeAt(i))) i++;
  if (i >= end || v.charCodeAt(i) !== SEMI) return false;
  i++;
  while (i < end && isLwsChar(v.charCodeAt(i))) i++;
  out.nameStart = i;
  while (i < end && isToken(v.charCodeAt(i))) i++;
  out.nameEnd = i;
  while (i < end && isLwsChar(v.charCodeAt(i))) i++;
  out.valueStart = out.valueEnd = i;
  out.quoted = false;
  if (i < end && v.charCodeAt(i) === EQUALS) {
    i++;
    while (i < end && isLwsChar(v.charCodeAt(i))) i++;
    out.valueStart = i;
    if (i < end && v.charCodeAt(i) === DQUOTE) {
      out.quoted = true;
      i++;
      while (i < end && v.charCodeAt(i) !== DQUOTE) i += v.charCodeAt(i) === BACKSLASH ? 2 : 1;
      i = Math.min(i + 1, end);
    } else {
      while (i < end) {
        const c = v.charCodeAt(i);
        if (c === SEMI || c === COMMA || isLwsChar(c)) break;
        i++;
      }
    }
    out.valueEnd = i;
  }
  if (out.nameEnd === out.nameStart && i < end && v.charCodeAt(i) !== SEMI) {
    const next = v.indexOf(';', i + 1);
    i = next < 0 || next >= end ? end : next;
  }
  out.next = i;
  return true;
}

/** The parameter's name equals `name` (lower-case), ignoring case, without allocating. */
function paramIs(v: string, p: ParamSpan, name: string): boolean {
  if (p.nameEnd - p.nameStart !== name.length) return false;
  for (let k = 0; k < name.length; k++) if (lower(v.charCodeAt(p.nameStart + k)) !== name.charCodeAt(k)) return false;
  return true;
}

/** The parameter's value, unquoted and unescaped; '' when valueless. */
function paramText(v: string, p: ParamSpan): string {
  if (!p.quoted) return v.slice(p.valueStart, p.valueEnd);
  return readQuoted(v, p.valueStart).text;
}

/** Value of header parameter `name` (lower-case) from `from` up to `end`; '' when absent or valueless. */
function paramValue(v: string, from: number, name: string, end = v.length): string {
  const p = newParamSpan();
  let i = from;
  while (scanParam(v, i, end, p)) {
    if (paramIs(v, p, name)) return paramText(v, p);
    i = p.next;
  }
  return '';
}

/**
 *   Via = ( "Via" / "v" ) HCOLON via-parm *( COMMA via-parm )          (RFC 3261 §20.42)
 *   via-parm = sent-protocol LWS sent-by *( SEMI via-params )
 *   sent-protocol = protocol-name SLASH protocol-version SLASH transport  (SLASH = SWS "/" SWS)
 *   sent-by = host [ COLON port ]
 */
function readVias(m: ParsedSipMessage, v: string): void {
  let i = 0;
  while (i < v.length) {
    const end = endOfValue(v, i);
    let blank = true;
    for (let k = i; k < end && blank; k++) blank = isLwsChar(v.charCodeAt(k));
    if (!blank) {
      if (m.vias.length >= MAX_SIP_VIAS) { m.flag('sip_too_many_vias'); return; }
      const via = parseVia(v, i, end);
      if (via) m.vias.push(via);
      else m.flag('sip_bad_via');
    }
    i = end + 1;
  }
}

function skipLwsIn(v: string, i: number, end: number): number {
  while (i < end && isLwsChar(v.charCodeAt(i))) i++;
  return i;
}

function tokenEnd(v: string, i: number, end: number): number {
  while (i < end && isToken(v.charCodeAt(i))) i++;
  return i;
}

function parseVia(v: string, from: number, end: number): SipVia | null {
  // protocol-name "/" protocol-version "/" transport, each separated by optional LWS
  let i = skipLwsIn(v, from, end);
  let t = tokenEnd(v, i, end);
  if (t === i) return null;
  i = skipLwsIn(v, t, end);
  if (v.charCodeAt(i) !== 0x2f) return null;
  i = skipLwsIn(v, i + 1, end);
  t = tokenEnd(v, i, end);
  if (t === i) return null;
  i = skipLwsIn(v, t, end);
  if (v.charCodeAt(i) !== 0x2f) return null;
  i = skipLwsIn(v, i + 1, end);
  t = tokenEnd(v, i, end);
  if (t === i) return null;
  const transport = v.slice(i, t).toUpperCase();
  i = skipLwsIn(v, t, end);
  let host: string;
  if (v.charCodeAt(i) === LBRACKET) {
    const rb = v.indexOf(']', i);
    if (rb < 0 || rb >= end) return null;
    host = v.slice(i + 1, rb);
    i = rb + 1;
  } else {
    const hs = i;
    while (i < end) {
      const c = v.charCodeAt(i);
      if (c === COLON || c === SEMI || isLwsChar(c)) break;
      i++;
    }
    host = v.slice(hs, i);
  }
  if (host === '') return null;
  i = skipLwsIn(v, i, end);
  let port = 0;
  if (v.charCodeAt(i) === COLON) {
    i = skipLwsIn(v, i + 1, end);
    const ps = i;
    while (i < end && isDigit(v.charCodeAt(i))) i++;
    port = i > ps && i - ps <= 5 ? Number(v.slice(ps, i)) : 0;
    if (port > 65535) port = 0;
  }
  const via: SipVia = { transport, host: host.toLowerCase(), port, branch: '', received: '', rport: '' };
  const p = newParamSpan();
  while (scanParam(v, i, end, p)) {
    if (paramIs(v, p, 'branch')) via.branch = paramText(v, p);
    else if (paramIs(v, p, 'received')) via.received = paramText(v, p);
    else if (paramIs(v, p, 'rport')) via.rport = paramText(v, p);
    i = p.next;
  }
  return via;
}

// ---------------------------------------------------------------------------------------------
// URIs

/**
 *   SIP-URI  = "sip:" [ userinfo ] hostport uri-parameters [ headers ]  (RFC 3261 §19.1.1, §25.1)
 *   userinfo = ( user / telephone-subscriber ) [ ":" password ] "@"
 *   hostport = host [ ":" port ]; host = hostname / IPv4address / "[" IPv6address "]"
 *   tel URI  = "tel:" telephone-subscriber *( ";" par )                  (RFC 3966 §3)
 * Accepts a URI in <> or after a display name too. The user is percent-decoded (§19.1.4:
 * escaped and unescaped characters compare equal); the password is dropped, never returned.
 * The host is lower-cased, an IPv6 reference returned without brackets. Null when the input
 * has no scheme or a SIP URI has no host or an invalid port.
 */
export function parseSipUri(uri: string): SipUriParts | null {
  let v = uri;
  const lt = v.indexOf('<');
  if (lt >= 0) {
    const gt = v.indexOf('>', lt + 1);
    v = v.slice(lt + 1, gt < 0 ? v.length : gt);
  }
  v = v.trim();
  const colon = v.indexOf(':');
  if (colon <= 0) return null;
  for (let k = 0; k < colon; k++) {
    const c = v.charCodeAt(k);
    if (!(isAlpha(c) || (k > 0 && (isDigit(c) || c === 0x2b || c === 0x2d || c === 0x2e)))) return null;
  }
  const scheme = v.slice(0, colon).toLowerCase();
  const rest = v.slice(colon + 1);
  if (scheme === 'tel') {
    const semi = rest.indexOf(';');
    return { scheme, user: percentDecode(semi < 0 ? rest : rest.slice(0, semi)), host: '', port: 0 };
  }
  if (scheme !== 'sip' && scheme !== 'sips') return { scheme, user: '', host: '', port: 0 };

  // No production of the SIP-URI allows an unescaped '@' except the one ending userinfo
  // (§25.1), while ';' and '?' may occur inside the user part (RFC 4475 intmeth, semiuri).
  const at = rest.indexOf('@');
  let user = '';
  let hp = 0;
  if (at >= 0) {
    const userinfo = rest.slice(0, at);
    const pw = userinfo.indexOf(':');
    user = percentDecode(pw < 0 ? userinfo : userinfo.slice(0, pw));
    hp = at + 1;
  }
  let host: string;
  let i = hp;
  if (rest.charCodeAt(i) === LBRACKET) {
    const rb = rest.indexOf(']', i);
    if (rb < 0) return null;
    host = rest.slice(i + 1, rb);
    i = rb + 1;
  } else {
    while (i < rest.length) {
      const c = rest.charCodeAt(i);
      if (c === COLON || c === SEMI || c === 0x3f || c === GT || isLwsChar(c)) break;
      i++;
    }
    host = rest.slice(hp, i);
  }
  if (host === '') return null;
  let port = 0;
  if (rest.charCodeAt(i) === COLON) {
    const ps = ++i;
    while (i < rest.length && isDigit(rest.charCodeAt(i))) i++;
    if (i === ps || i - ps > 5) return null;
    port = Number(rest.slice(ps, i));
    if (port > 65535) return null;
  }
  return { scheme, user, host: host.toLowerCase(), port };
}

const hexValue = (c: number): number =>
  c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x41 && c <= 0x46 ? c - 0x37 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1;

/** %XX escapes decoded as UTF-8; malformed escapes are kept as written. */
function percentDecode(s: string): string {
  if (s.indexOf('%') < 0) return s;
  const escapeAt = (i: number): number =>
    s.charCodeAt(i) === 0x25 && i + 2 < s.length ? hexValue(s.charCodeAt(i + 1)) * 16 + hexValue(s.charCodeAt(i + 2)) : -1;
  const isEscape = (i: number): boolean =>
    s.charCodeAt(i) === 0x25 && i + 2 < s.length && hexValue(s.charCodeAt(i + 1)) >= 0 && hexValue(s.charCodeAt(i + 2)) >= 0;
  let out = '';
  let i = 0;
  while (i < s.length) {
    if (!isEscape(i)) { out += s[i]; i++; continue; }
    const bytes: number[] = [];
    while (isEscape(i)) { bytes.push(escapeAt(i)); i += 3; }
    out += Buffer.from(bytes).toString('utf8');
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Stream framing

/**
 * Frames one message at the start of a TCP/TLS/WebSocket byte stream: the head ends at the
 * first empty line, the body is Content-Length bytes (RFC 3261 §18.3: "In the case of
 * stream-oriented transports such as TCP, the Content-Length header field indicates the size of
 * the body. [...] The Content-Length header field MUST be used with stream oriented
 * transports"; absent counts as 0,
 * reported by parseSipMessage as sip_missing_content_length). CRLF keep-alives before a message
 * (RFC 5626 §3.5.1 "ping" CRLFCRLF and "pong" CRLF; RFC 3261 §7.5) are part of the next frame
 * and reported as `consumed` while waiting. A stream that does not start with a start line is
 * malformed; `skip` then reaches the next line that is one, or the end of the last whole line.
 */
export function frameSipStream(buf: Buffer): SipFrame {
  let s = 0;
  while (s < buf.length && (buf[s] === CR || buf[s] === LF)) s++;
  if (s >= buf.length) return { kind: 'need', needed: 1, consumed: s };

  const firstLf = buf.indexOf(LF, s);
  if (firstLf < 0) {
    if (buf.length - s > MAX_SIP_HEADER_LINE) return { kind: 'malformed', error: 'sip_header_too_long', skip: buf.length };
    if (!couldStartSip(buf, s)) return { kind: 'malformed', error: 'sip_bad_start_line', skip: buf.length };
    return { kind: 'need', needed: 1, consumed: s };
  }
  const startErr = firstLf - s > MAX_SIP_HEADER_LINE ? 'sip_header_too_long' : startLineError(buf, s, contentEnd(buf, s, firstLf));
  if (startErr !== null) return { kind: 'malformed', error: startErr, skip: resyncPoint(buf, firstLf + 1) };

  let contentLength = -1;
  let clError: string | null = null;
  let headEnd = -1;
  let lineStart = firstLf + 1;
  const limit = Math.min(buf.length, s + MAX_SIP_HEADER_BYTES);
  while (lineStart < limit) {
    const nl = buf.indexOf(LF, lineStart);
    if (nl < 0) break;
    const end = contentEnd(buf, lineStart, nl);
    if (end === lineStart) { headEnd = nl + 1; break; }
    const first = lower(buf[lineStart]);
    if (first === 0x6c || first === 0x63) {
      const n = contentLengthOfLine(buf, lineStart, end);
      if (n === -2) clError ??= 'sip_invalid_content_length';
      else if (n >= 0) {
        if (contentLength >= 0 && contentLength !== n) clError ??= 'sip_conflicting_content_length';
        contentLength = n;
      }
    }
    lineStart = nl + 1;
  }
  if (headEnd < 0) {
    if (buf.length - s >= MAX_SIP_HEADER_BYTES) return { kind: 'malformed', error: 'sip_headers_too_large', skip: buf.length };
    return { kind: 'need', needed: 1, consumed: s };
  }
  if (clError !== null) return { kind: 'malformed', error: clError, skip: headEnd };
  const bodyLength = contentLength < 0 ? 0 : contentLength;
  if (bodyLength > MAX_SIP_BODY) return { kind: 'malformed', error: 'sip_body_too_large', skip: headEnd };
  const total = headEnd + bodyLength;
  if (total > buf.length) return { kind: 'need', needed: total - buf.length, consumed: s };
  return { kind: 'message', length: total };
}

/** Could the incomplete first line at `s` still become a start line? */
function couldStartSip(buf: Buffer, s: number): boolean {
  let i = s;
  while (i < buf.length && isToken(buf[i]) && buf[i] !== 0x2f) i++;
  if (i === buf.length) return i - s <= MAX_METHOD_LENGTH;
  if (buf[i] === 0x2f) return isSipSlashAt(buf, s) || buf.length - s < 4;
  return buf[i] === SP && i > s && i - s <= MAX_METHOD_LENGTH;
}

/** The next line start at or after `from` that is a start line; else after the last LF; never below `from`. */
function resyncPoint(buf: Buffer, from: number): number {
  let i = from;
  let lastLineStart = from;
  while (i < buf.length) {
    if (isStartLineAt(buf, i)) return i;
    const nl = buf.indexOf(LF, i);
    if (nl < 0) break;
    i = nl + 1;
    lastLineStart = i;
  }
  return Math.min(lastLineStart, buf.length);
}

/**
 * Content-Length of a header line [s, e) if it is one ("Content-Length" or "l", any case, HCOLON):
 * the value, -2 when invalid, -1 when the line is another header.
 */
function contentLengthOfLine(buf: Buffer, s: number, e: number): number {
  let c = s;
  while (c < e && isToken(buf[c])) c++;
  if (headerId(buf, s, c) !== H_CONTENT_LENGTH) return -1;
  while (c < e && isWsp(buf[c])) c++;
  if (buf[c] !== COLON) return -1;
  c++;
  while (c < e && isWsp(buf[c])) c++;
  let v = e;
  while (v > c && isWsp(buf[v - 1])) v--;
  if (c === v || v - c > 10) return -2;
  let n = 0;
  for (let k = c; k < v; k++) {
    if (!isDigit(buf[k])) return -2;
    n = n * 10 + (buf[k] - 0x30);
  }
  return n;
}
