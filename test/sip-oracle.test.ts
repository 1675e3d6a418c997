/**
 * Differential test: every RFC 4475 torture message (test/fixtures/rfc4475/) parsed by our
 * parser and by sip.js's message parser (the one its user agents run on every received
 * message). Where the two legitimately disagree the difference is listed with its reason, and
 * the test checks that exactly those fields differ. For the invalid messages (RFC 4475 §3.1.2)
 * the table states what our parser returns: an error code, or a message with named anomalies.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Parser } from 'sip.js/lib/core/messages/parser.js';
import type { Logger } from 'sip.js/lib/core/log/logger.js';
import { parseSipMessage, parseSipUri, type SipMessage } from '../parsers/sip.ts';

const TORTURE = fileURLToPath(new URL('./fixtures/rfc4475/', import.meta.url));
const load = (name: string): Buffer => readFileSync(`${TORTURE}${name}.dat`);

const quietLogger = { error() {}, warn() {}, log() {}, debug() {} } as unknown as Logger;

interface Compared {
  method: string; requestUri: unknown; status: number; callId: string; cseq: number;
  from: unknown; fromTag: string; to: unknown; toTag: string; viaCount: number; contentLength: number;
}
type Field = keyof Compared;

interface SipJsUri { scheme?: string; user?: string; host?: string; port?: number }
interface SipJsMessage {
  method?: string; ruri?: SipJsUri; statusCode?: number; callId?: string; cseq?: number;
  from?: { uri?: SipJsUri }; fromTag?: string; to?: { uri?: SipJsUri }; toTag?: string;
  getHeaders(name: string): string[]; hasHeader(name: string): boolean; getHeader(name: string): string | undefined;
}

/**
 * URIs are compared by user, host and port: sip.js and we print them differently (case,
 * parameter order). URIs of other schemes (RFC 4475 unkscm, novelsc, unksm2) have no host on
 * either side and compare as null.
 */
const ourUri = (s: string): unknown => {
  const u = parseSipUri(s);
  return u && u.host ? { user: u.user, host: u.host, port: u.port } : null;
};
const theirUri = (u: SipJsUri | undefined): unknown =>
  u && u.host ? { user: u.user ?? '', host: String(u.host).toLowerCase(), port: u.port ?? 0 } : null;

function ours(m: SipMessage): Compared {
  return {
    method: m.method, requestUri: m.isRequest ? ourUri(m.requestUri) : null, status: m.statusCode, callId: m.callId,
    cseq: m.cseq, from: ourUri(m.from), fromTag: m.fromTag, to: ourUri(m.to), toTag: m.toTag,
    viaCount: m.vias.length, contentLength: m.contentLength,
  };
}

function theirs(m: SipJsMessage, isRequest: boolean): Compared {
  return {
    method: m.method ?? '', requestUri: isRequest ? theirUri(m.ruri) : null, status: m.statusCode ?? 0, callId: m.callId ?? '',
    cseq: m.cseq ?? -1, from: theirUri(m.from?.uri), fromTag: m.fromTag ?? '', to: theirUri(m.to?.uri), toTag: m.toTag ?? '',
    viaCount: m.getHeaders('via').length,
    contentLength: m.hasHeader('content-length') ? Number(m.getHeader('content-length')) : -1,
  };
}

function sipJs(buf: Buffer): SipJsMessage | undefined {
  // sip.js takes a string; latin1 keeps one character per byte like its transports do.
  return Parser.parseMessage(buf.toString('latin1'), quietLogger) as unknown as SipJsMessage | undefined;
}

/** RFC 4475 section of each message. */
const SECTIONS: Record<string, string> = {
  wsinv: '3.1.1.1 short tortuous INVITE', intmeth: '3.1.1.2 wide range of valid characters', esc01: '3.1.1.3 valid use of % escaping',
  escnull: '3.1.1.4 escaped nulls in URIs', esc02: '3.1.1.5 % in unknown method and header name', lwsdisp: '3.1.1.6 no LWS before <',
  longreq: '3.1.1.7 long values', dblreq: '3.1.1.8 extra trailing octets in a UDP datagram', semiuri: '3.1.1.9 semicolon in user part',
  transports: '3.1.1.10 varied transports in Via', mpart01: '3.1.1.11 multipart MIME', unreason: '3.1.1.12 unusual reason phrase',
  noreason: '3.1.1.13 empty reason phrase',
  badinv01: '3.1.2.1 extraneous header field separators', clerr: '3.1.2.2 Content-Length larger than message', ncl: '3.1.2.3 negative Content-Length',
  scalar02: '3.1.2.4 request scalars overlarge', scalarlg: '3.1.2.5 response scalars overlarge', quotbal: '3.1.2.6 unterminated quoted display name',
  ltgtruri: '3.1.2.7 <> around Request-URI', lwsruri: '3.1.2.8 LWS in Request-URI', lwsstart: '3.1.2.9 several SP in Request-Line',
  trws: '3.1.2.10 SP at end of Request-Line', escruri: '3.1.2.11 escaped headers in Request-URI', baddate: '3.1.2.12 invalid Date time zone',
  regbadct: '3.1.2.13 name-addr URI not in <>', badaspec: '3.1.2.14 spaces in addr-spec', baddn: '3.1.2.15 non-token display name',
  badvers: '3.1.2.16 unknown protocol version', mismatch01: '3.1.2.17 start line and CSeq method mismatch',
  mismatch02: '3.1.2.18 unknown method with CSeq mismatch', bigcode: '3.1.2.19 overlarge response code',
  badbranch: '3.2.1 missing branch magic cookie', insuf: '3.3.1 missing mandatory headers', unkscm: '3.3.2 unknown Request-URI scheme',
  novelsc: '3.3.3 novel Request-URI scheme', unksm2: '3.3.4 unknown URI schemes in headers', bext01: '3.3.5 Proxy-Require and Require',
  invut: '3.3.6 unknown Content-Type', regaut01: '3.3.7 unknown authorization scheme', multi01: '3.3.8 several single-valued headers',
  mcl01: '3.3.9 several Content-Length values', bcast: '3.3.10 200 OK with broadcast Via', zeromf: '3.3.11 Max-Forwards of zero',
  cparam01: '3.3.12 REGISTER contact parameters', cparam02: '3.3.13 REGISTER contact parameters in <>', regescrt: '3.3.14 escaped headers in REGISTER Contact',
  sdp01: '3.3.15 unacceptable Accept offering', inv2543: '3.4.1 RFC 2543 INVITE',
};

/** Fields on which sip.js and we disagree, and why. Everything else must be equal. */
const DIFFERENCES: Record<string, Partial<Record<Field, string>>> = {
  wsinv: { viaCount: 'sip.js counts Via header lines (2); we count Via values, the v: line carries two comma-separated ones (3)' },
  intmeth: { requestUri: 'sip.js keeps ":password" in the user; RFC 3261 §25.1 user excludes ":", the rest is the password, which we drop' },
  mcl01: { contentLength: 'sip.js keeps the last of two Content-Length values (5), we keep the first (13) and name sip_conflicting_content_length' },
  multi01: {
    callId: 'sip.js keeps the last of duplicated single-value headers, we keep the first and name sip_duplicate_header',
    cseq: 'same: last (59) against first (5)', from: 'same', fromTag: 'same', to: 'same',
  },
  scalar02: { cseq: 'sip.js returns 3.6893488147419103e19 (a lossy float); we return -1 and name sip_invalid_cseq (RFC 3261 §8.1.1.5: below 2^31)' },
  scalarlg: { cseq: 'same as scalar02 for a response' },
};

/** Messages sip.js rejects (parseMessage returns undefined) and what we return instead. */
const SIPJS_REJECTS: Record<string, string> = {
  badinv01: 'Via and Contact with empty parameters ";;,;,," — we keep the message, name sip_bad_via',
  ncl: 'Content-Length: -999 — we keep the message, name sip_invalid_content_length',
  quotbal: 'unterminated quoted display name in To — we keep the message, name sip_bad_to, and still read the URI',
  regbadct: 'Contact addr-spec with ?headers outside <> — we keep the message (the URI ends at the first ";" or LWS)',
  badaspec: 'spaces inside <> in To — we keep the message with the URI trimmed',
  baddn: 'unquoted display name with a comma — we keep it as display name',
  unksm2: 'To: isbn:..., From: <http://...> — syntactically valid; sip.js only knows sip, sips and tel URIs in name-addr',
  ltgtruri: 'Request-URI in <> — we return sip_bad_request_uri',
  lwsruri: 'LWS inside the Request-URI — we return sip_bad_start_line',
  lwsstart: 'two SP between Request-Line elements — we return sip_bad_start_line',
  trws: 'SP after SIP/2.0 — we return sip_bad_start_line',
  bigcode: 'status code 4294967301 — we return sip_bad_status_code',
};

/** Messages we reject that sip.js accepts. */
const WE_REJECT: Record<string, string> = {
  badvers: 'SIP/7.0: sip.js accepts any version; we return sip_bad_version (a UAS answers 505, RFC 3261 §21.5.7)',
};

/** What our parser returns for each message of RFC 4475 §3.1.2 (invalid) and §3.3 (semantic). */
const EXPECTED_OUTCOME: Record<string, string | readonly string[]> = {
  badinv01: ['sip_bad_via'], clerr: ['sip_body_truncated'], ncl: ['sip_invalid_content_length'],
  scalar02: ['sip_invalid_cseq'], scalarlg: ['sip_invalid_cseq'], quotbal: ['sip_bad_to'],
  ltgtruri: 'sip_bad_request_uri', lwsruri: 'sip_bad_start_line', lwsstart: 'sip_bad_start_line', trws: 'sip_bad_start_line',
  escruri: [], baddate: [], regbadct: [], badaspec: [], baddn: [], badvers: 'sip_bad_version',
  mismatch01: ['sip_cseq_method_mismatch'], mismatch02: ['sip_cseq_method_mismatch'], bigcode: 'sip_bad_status_code',
  badbranch: [], insuf: ['sip_no_call_id', 'sip_no_from', 'sip_no_to'], unkscm: [], novelsc: [], unksm2: [], bext01: [],
  invut: [], regaut01: [], multi01: ['sip_duplicate_header'], mcl01: ['sip_conflicting_content_length', 'sip_trailing_bytes'], bcast: [], zeromf: [],
  cparam01: [], cparam02: [], regescrt: [], sdp01: [], inv2543: [],
  // §3.1.1: valid; dblreq carries a second request after the first one's (empty) body.
  wsinv: [], intmeth: [], esc01: [], escnull: [], esc02: [], lwsdisp: [], longreq: [], dblreq: ['sip_trailing_bytes'],
  semiuri: [], transports: [], mpart01: [], unreason: [], noreason: [],
};

const names = readdirSync(TORTURE).filter((f) => f.endsWith('.dat')).map((f) => f.slice(0, -4)).sort();

const oracle = suite('sip.js oracle on RFC 4475');

oracle('has all 49 torture messages, each with its RFC 4475 section and an expected outcome', () => {
  assert.is(names.length, 49);
  for (const n of names) {
    assert.ok(SECTIONS[n], `${n} has a section`);
    assert.ok(EXPECTED_OUTCOME[n] !== undefined, `${n} has an expected outcome`);
  }
});

for (const name of names) {
  const buf = load(name);
  const r = parseSipMessage(buf);
  const expected = EXPECTED_OUTCOME[name];

  if (typeof expected === 'string') {
    oracle(`returns ${expected} for ${name} (${SECTIONS[name]})`, () => {
      assert.equal(r, { ok: false, error: expected });
    });
  } else {
    oracle(`returns a message for ${name} (${SECTIONS[name]}) with anomalies [${expected.join(', ')}]`, () => {
      assert.ok(r.ok, r.ok ? '' : r.error);
      if (r.ok) assert.equal([...r.message.anomalies].sort(), [...expected].sort());
    });
  }

  const them = sipJs(buf);
  if (r.ok && them) {
    const diff = DIFFERENCES[name] ?? {};
    const a = ours(r.message);
    const b = theirs(them, r.message.isRequest);
    const same = (Object.keys(a) as Field[]).filter((k) => diff[k] === undefined);
    oracle(`agrees with sip.js on ${name}: ${same.join(', ')}`, () => {
      for (const k of same) assert.equal(a[k], b[k], `${name}.${k}`);
    });
    for (const [field, why] of Object.entries(diff) as Array<[Field, string]>) {
      oracle(`differs from sip.js on ${name}.${field}: ${why}`, () => {
        assert.not.equal(a[field], b[field], `${name}.${field} is expected to differ`);
      });
    }
  } else if (r.ok && !them) {
    oracle(`keeps ${name} that sip.js rejects: ${SIPJS_REJECTS[name] ?? '(unlisted)'}`, () => {
      assert.ok(SIPJS_REJECTS[name], `${name} is listed in SIPJS_REJECTS`);
    });
  } else if (!r.ok && !them) {
    oracle(`rejects ${name} like sip.js: ${SIPJS_REJECTS[name] ?? '(unlisted)'}`, () => {
      assert.ok(SIPJS_REJECTS[name], `${name} is listed in SIPJS_REJECTS`);
    });
  } else {
    oracle(`rejects ${name} that sip.js accepts: ${WE_REJECT[name] ?? '(unlisted)'}`, () => {
      assert.ok(WE_REJECT[name], `${name} is listed in WE_REJECT`);
    });
  }
}

oracle.run();
