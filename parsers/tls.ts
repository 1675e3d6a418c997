/**
 * TLS and DTLS hellos: enough of the handshake to know which protocol version and cipher
 * suite a session negotiates, the server name it asks for, ALPN, and for DTLS-SRTP the SRTP
 * protection profiles. Nothing after the hellos is encrypted-aware; nothing here throws.
 *
 * TLS record (RFC 8446 §5.1; RFC 5246 §6.2.1):
 *
 *   | type (1) | legacy_record_version (2) | length (2) | fragment (length) |
 *
 * DTLS 1.0/1.2 record (RFC 6347 §4.1), 13 bytes of header:
 *
 *   | type (1) | version (2) | epoch (2) | sequence_number (6) | length (2) | fragment |
 *
 * Handshake message (RFC 8446 §4), and its DTLS form (RFC 6347 §4.2.2):
 *
 *   | msg_type (1) | length (3) | body ...
 *   | msg_type (1) | length (3) | message_seq (2) | fragment_offset (3) | fragment_length (3) | body
 *
 * ClientHello body (RFC 8446 §4.1.2; DTLS adds the cookie, RFC 6347 §4.2.1):
 *
 *   legacy_version (2) | random (32) | session_id <0..32> | [cookie <0..255>] |
 *   cipher_suites <2..2^16-2> | compression_methods <1..255> | extensions <0..2^16-1>
 *
 * ServerHello body (RFC 8446 §4.1.3):
 *
 *   legacy_version (2) | random (32) | session_id <0..32> | cipher_suite (2) |
 *   compression_method (1) | extensions <0..2^16-1>   (absent in old SSL 3.0 / TLS 1.0 servers)
 *
 * Extension: | type (2) | length (2) | data |
 */

export const TLS_CONTENT_TYPE = Object.freeze({
  CHANGE_CIPHER_SPEC: 20, ALERT: 21, HANDSHAKE: 22, APPLICATION_DATA: 23, HEARTBEAT: 24, ACK: 26,
});

const HANDSHAKE_CLIENT_HELLO = 1;
const HANDSHAKE_SERVER_HELLO = 2;

const EXT_SERVER_NAME = 0;
const EXT_USE_SRTP = 14;
const EXT_ALPN = 16;
const EXT_SUPPORTED_VERSIONS = 43;

const TLS_RECORD_HEADER = 5;
const DTLS_RECORD_HEADER = 13;
const TLS_HANDSHAKE_HEADER = 4;
const DTLS_HANDSHAKE_HEADER = 12;
const RANDOM_LENGTH = 32;
/** RFC 8446 §5.1: plaintext records MUST NOT exceed 2^14 bytes (RFC 5246 §6.2.3 allows +2048 when compressed). */
const MAX_RECORD_LENGTH = 16384 + 2048;
/** Largest hello reassembled from several records; real ClientHellos are 0.2-2 KiB. */
export const MAX_HELLO_LENGTH = 65536;
/** Caps on what we keep from hostile lists. */
const MAX_CIPHER_SUITES = 512;
const MAX_EXTENSIONS = 128;
const MAX_ALPN = 16;
const MAX_VERSIONS = 32;
const MAX_SRTP_PROFILES = 32;
/** RFC 6066 §3: a HostName is a DNS name, at most 255 bytes. */
const MAX_SNI = 255;

/** RFC 8446 §4.1.3: a ServerHello with this random is a HelloRetryRequest. */
const HELLO_RETRY_RANDOM = Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex');

export interface TlsRecordHeader {
  contentType: number;
  version: number;
  length: number;
  /** 5 for TLS, 13 for DTLS */
  headerLength: number;
  /** DTLS only: epoch, -1 for TLS. */
  epoch: number;
}

export interface TlsHello {
  type: 'client_hello' | 'server_hello';
  dtls: boolean;
  /** Version field of the record that carried the hello. */
  recordVersion: number;
  legacyVersion: number;
  /** Negotiated (server) or highest offered (client): supported_versions when present, else legacy_version. */
  version: number;
  sni: string | null;
  /** Client: offered suites in order, GREASE (RFC 8701) values removed. */
  cipherSuites?: number[];
  /** Server: the chosen suite. */
  cipherSuite?: number;
  alpn: string[];
  /** supported_versions (RFC 8446 §4.2.1), GREASE removed: the client's list or the server's one choice. */
  supportedVersions: number[];
  /** use_srtp (RFC 5764 §4.1.1) protection profiles. */
  srtpProfiles: number[];
  extensionTypes: number[];
  helloRetryRequest: boolean;
  /**
   * The extensions block did not parse to its end; what came before it is reported. Kept
   * lenient because the version and cipher suite matter even from a sloppy stack.
   */
  extensionsMalformed: boolean;
}

export type TlsHelloResult =
  | { kind: 'hello'; hello: TlsHello; consumed: number }
  | { kind: 'need' }
  | { kind: 'not-hello' }
  | { kind: 'malformed'; error: string };

/** RFC 8701: GREASE values are 0x?A?A with both bytes equal. */
const isGrease = (v: number): boolean => (v & 0x0f0f) === 0x0a0a && (v >> 8) === (v & 0xff);
const isDtlsVersion = (v: number): boolean => (v >> 8) === 0xfe;

/** Header of the record at the start of `buf`; DTLS when the version's first byte is 0xfe. */
export function decodeTlsRecordHeader(buf: Buffer): TlsRecordHeader | null {
  if (buf.length < TLS_RECORD_HEADER) return null;
  const contentType = buf[0];
  if (contentType < TLS_CONTENT_TYPE.CHANGE_CIPHER_SPEC || contentType > TLS_CONTENT_TYPE.ACK) return null;
  const version = buf.readUInt16BE(1);
  if (isDtlsVersion(version)) {
    if (buf.length < DTLS_RECORD_HEADER) return null;
    return { contentType, version, length: buf.readUInt16BE(11), headerLength: DTLS_RECORD_HEADER, epoch: buf.readUInt16BE(3) };
  }
  if ((version >> 8) !== 3) return null;
  return { contentType, version, length: buf.readUInt16BE(3), headerLength: TLS_RECORD_HEADER, epoch: -1 };
}

export type DtlsRecordKind = 'change_cipher_spec' | 'alert' | 'handshake' | 'application_data' | 'heartbeat' | 'ack' | 'unified';

/**
 * What a DTLS datagram starts with: a DTLS 1.0/1.2 record of a known content type, or a DTLS
 * 1.3 unified header (RFC 9147 §4, first bits 001) carrying encrypted records.
 */
export function decodeDtlsRecordKind(buf: Buffer): DtlsRecordKind | null {
  if (buf.length === 0) return null;
  if ((buf[0] & 0xe0) === 0x20) return 'unified';
  const h = decodeTlsRecordHeader(buf);
  if (!h || h.epoch < 0) return null;
  switch (h.contentType) {
    case TLS_CONTENT_TYPE.CHANGE_CIPHER_SPEC: return 'change_cipher_spec';
    case TLS_CONTENT_TYPE.ALERT: return 'alert';
    case TLS_CONTENT_TYPE.HANDSHAKE: return 'handshake';
    case TLS_CONTENT_TYPE.APPLICATION_DATA: return 'application_data';
    case TLS_CONTENT_TYPE.HEARTBEAT: return 'heartbeat';
    case TLS_CONTENT_TYPE.ACK: return 'ack';
    default: return null;
  }
}

/** The hello at the start of `buf`, or null when there is none (yet): see {@link readTlsHello}. */
export function decodeTlsHello(buf: Buffer): TlsHello | null {
  const r = readTlsHello(buf);
  return r.kind === 'hello' ? r.hello : null;
}

/**
 * Reads the ClientHello or ServerHello that starts a TLS byte stream or a DTLS datagram.
 * A TLS hello split over several handshake records is reassembled (one copy, bounded by
 * MAX_HELLO_LENGTH); 'need' asks for more stream bytes. A fragmented DTLS hello (RFC 6347
 * §4.2.3) is not reassembled across datagrams and comes back malformed as
 * 'dtls_hello_fragmented'.
 */
export function readTlsHello(buf: Buffer): TlsHelloResult {
  if (buf.length < TLS_RECORD_HEADER) return buf.length === 0 || buf[0] === TLS_CONTENT_TYPE.HANDSHAKE ? { kind: 'need' } : { kind: 'not-hello' };
  const rec = decodeTlsRecordHeader(buf);
  if (!rec) return isDtlsVersion(buf.readUInt16BE(1)) && buf[0] === TLS_CONTENT_TYPE.HANDSHAKE ? { kind: 'need' } : { kind: 'not-hello' };
  if (rec.contentType !== TLS_CONTENT_TYPE.HANDSHAKE) return { kind: 'not-hello' };
  if (rec.length > MAX_RECORD_LENGTH) return { kind: 'malformed', error: 'tls_record_too_long' };
  return rec.epoch >= 0 ? readDtlsHello(buf, rec) : readStreamHello(buf, rec);
}

function readStreamHello(buf: Buffer, rec: TlsRecordHeader): TlsHelloResult {
  if (rec.length === 0) return { kind: 'malformed', error: 'tls_empty_handshake_record' };
  if (buf.length <= TLS_RECORD_HEADER) return { kind: 'need' };
  const msgType = buf[TLS_RECORD_HEADER];
  if (msgType !== HANDSHAKE_CLIENT_HELLO && msgType !== HANDSHAKE_SERVER_HELLO) return { kind: 'not-hello' };
  const firstEnd = TLS_RECORD_HEADER + rec.length;
  if (rec.length >= TLS_HANDSHAKE_HEADER && buf.length >= firstEnd) {
    const bodyStart = TLS_RECORD_HEADER + TLS_HANDSHAKE_HEADER;
    const bodyEnd = bodyStart + buf.readUIntBE(TLS_RECORD_HEADER + 1, 3);
    if (bodyEnd <= firstEnd) {
      const hello = parseHelloBody(msgType, buf.subarray(bodyStart, bodyEnd), false, rec.version);
      return hello ? { kind: 'hello', hello, consumed: firstEnd } : { kind: 'malformed', error: 'tls_hello_malformed' };
    }
  }
  // The handshake message continues in the following handshake records.
  const parts: Buffer[] = [];
  let have = 0;
  let off = 0;
  let needed = -1;
  while (needed < 0 || have < needed) {
    if (buf.length - off < TLS_RECORD_HEADER) return { kind: 'need' };
    const r = decodeTlsRecordHeader(buf.subarray(off));
    if (!r || r.epoch >= 0) return { kind: 'malformed', error: 'tls_hello_interrupted' };
    if (r.contentType !== TLS_CONTENT_TYPE.HANDSHAKE) return { kind: 'malformed', error: 'tls_hello_interrupted' };
    if (r.length > MAX_RECORD_LENGTH) return { kind: 'malformed', error: 'tls_record_too_long' };
    const end = off + TLS_RECORD_HEADER + r.length;
    if (end > buf.length) return { kind: 'need' };
    parts.push(buf.subarray(off + TLS_RECORD_HEADER, end));
    have += r.length;
    off = end;
    if (needed < 0 && have >= TLS_HANDSHAKE_HEADER) {
      const head = parts.length === 1 ? parts[0] : Buffer.concat(parts);
      needed = TLS_HANDSHAKE_HEADER + head.readUIntBE(1, 3);
      if (needed > MAX_HELLO_LENGTH) return { kind: 'malformed', error: 'tls_hello_too_long' };
    }
  }
  const msg = Buffer.concat(parts, have);
  const hello = parseHelloBody(msgType, msg.subarray(TLS_HANDSHAKE_HEADER, needed), false, rec.version);
  return hello ? { kind: 'hello', hello, consumed: off } : { kind: 'malformed', error: 'tls_hello_malformed' };
}

function readDtlsHello(buf: Buffer, rec: TlsRecordHeader): TlsHelloResult {
  const end = DTLS_RECORD_HEADER + rec.length;
  if (end > buf.length) return { kind: 'malformed', error: 'dtls_record_truncated' };
  if (rec.length < DTLS_HANDSHAKE_HEADER) return { kind: 'malformed', error: 'dtls_handshake_truncated' };
  const h = DTLS_RECORD_HEADER;
  const msgType = buf[h];
  if (msgType !== HANDSHAKE_CLIENT_HELLO && msgType !== HANDSHAKE_SERVER_HELLO) return { kind: 'not-hello' };
  const length = buf.readUIntBE(h + 1, 3);
  const fragmentOffset = buf.readUIntBE(h + 6, 3);
  const fragmentLength = buf.readUIntBE(h + 9, 3);
  if (fragmentOffset !== 0 || fragmentLength < length) return { kind: 'malformed', error: 'dtls_hello_fragmented' };
  const bodyStart = h + DTLS_HANDSHAKE_HEADER;
  if (bodyStart + length > end) return { kind: 'malformed', error: 'dtls_handshake_truncated' };
  const hello = parseHelloBody(msgType, buf.subarray(bodyStart, bodyStart + length), true, rec.version);
  return hello ? { kind: 'hello', hello, consumed: end } : { kind: 'malformed', error: 'tls_hello_malformed' };
}

/** Bounds-checked reader whose failure is sticky: check `ok` once at the end. */
class Cursor {
  ok = true;
  off = 0;
  readonly buf: Buffer;
  constructor(buf: Buffer) {
    this.buf = buf;
  }
  u8(): number {
    if (this.off + 1 > this.buf.length) { this.ok = false; return 0; }
    return this.buf[this.off++];
  }
  u16(): number {
    if (this.off + 2 > this.buf.length) { this.ok = false; return 0; }
    const v = this.buf.readUInt16BE(this.off);
    this.off += 2;
    return v;
  }
  take(n: number): Buffer {
    if (!this.ok || this.off + n > this.buf.length) { this.ok = false; return this.buf.subarray(0, 0); }
    const v = this.buf.subarray(this.off, this.off + n);
    this.off += n;
    return v;
  }
  get remaining(): number { return this.buf.length - this.off; }
}

function parseHelloBody(msgType: number, body: Buffer, dtls: boolean, recordVersion: number): TlsHello | null {
  const c = new Cursor(body);
  const legacyVersion = c.u16();
  const random = c.take(RANDOM_LENGTH);
  c.take(c.u8()); // legacy_session_id
  const hello: TlsHello = {
    type: msgType === HANDSHAKE_CLIENT_HELLO ? 'client_hello' : 'server_hello',
    dtls, recordVersion, legacyVersion, version: legacyVersion, sni: null, alpn: [], supportedVersions: [],
    srtpProfiles: [], extensionTypes: [], helloRetryRequest: false, extensionsMalformed: false,
  };
  if (msgType === HANDSHAKE_CLIENT_HELLO) {
    if (dtls) c.take(c.u8()); // cookie
    const suites = c.take(c.u16());
    if ((suites.length & 1) !== 0) return null;
    const list: number[] = [];
    for (let i = 0; i + 1 < suites.length && list.length < MAX_CIPHER_SUITES; i += 2) {
      const s = suites.readUInt16BE(i);
      if (!isGrease(s)) list.push(s);
    }
    hello.cipherSuites = list;
    c.take(c.u8()); // compression methods
  } else {
    hello.cipherSuite = c.u16();
    c.u8(); // compression method
    hello.helloRetryRequest = c.ok && random.equals(HELLO_RETRY_RANDOM);
  }
  if (!c.ok) return null;
  // Extensions are optional before TLS 1.3 (RFC 5246 §7.4.1.2 "extensions_present").
  if (c.remaining === 0) return hello;
  const exts = new Cursor(c.take(c.u16()));
  if (!c.ok || c.remaining !== 0) hello.extensionsMalformed = true;
  while (exts.remaining > 0 && hello.extensionTypes.length < MAX_EXTENSIONS) {
    const type = exts.u16();
    const data = exts.take(exts.u16());
    if (!exts.ok) { hello.extensionsMalformed = true; break; }
    if (!isGrease(type)) hello.extensionTypes.push(type);
    switch (type) {
      case EXT_SERVER_NAME: if (hello.type === 'client_hello') hello.sni = parseServerName(data); break;
      case EXT_ALPN: hello.alpn = parseAlpn(data); break;
      case EXT_SUPPORTED_VERSIONS: hello.supportedVersions = parseSupportedVersions(data, hello.type); break;
      case EXT_USE_SRTP: hello.srtpProfiles = parseUseSrtp(data); break;
    }
  }
  if (hello.supportedVersions.length > 0) {
    hello.version = hello.type === 'server_hello' ? hello.supportedVersions[0] : highestVersion(hello.supportedVersions);
  }
  return hello;
}

/** RFC 6066 §3: ServerNameList <1..2^16-1> of | name_type (1) | HostName <1..2^16-1> |; host_name is type 0. */
function parseServerName(data: Buffer): string | null {
  const c = new Cursor(data);
  const list = new Cursor(c.take(c.u16()));
  while (c.ok && list.remaining > 0) {
    const type = list.u8();
    const name = list.take(list.u16());
    if (!list.ok) return null;
    if (type === 0 && name.length > 0 && name.length <= MAX_SNI) return name.toString('latin1');
  }
  return null;
}

/** RFC 7301 §3.1: ProtocolNameList <2..2^16-1> of ProtocolName <1..2^8-1>. */
function parseAlpn(data: Buffer): string[] {
  const c = new Cursor(data);
  const list = new Cursor(c.take(c.u16()));
  const out: string[] = [];
  while (c.ok && list.remaining > 0 && out.length < MAX_ALPN) {
    const name = list.take(list.u8());
    if (!list.ok) break;
    out.push(name.toString('latin1'));
  }
  return out;
}

/** RFC 8446 §4.2.1: client: versions <2..254> (1-byte length); server: selected_version (2). */
function parseSupportedVersions(data: Buffer, type: TlsHello['type']): number[] {
  if (type === 'server_hello') return data.length === 2 ? [data.readUInt16BE(0)] : [];
  const c = new Cursor(data);
  const list = c.take(c.u8());
  const out: number[] = [];
  for (let i = 0; i + 1 < list.length && out.length < MAX_VERSIONS; i += 2) {
    const v = list.readUInt16BE(i);
    if (!isGrease(v)) out.push(v);
  }
  return out;
}

/** RFC 5764 §4.1.1: SRTPProtectionProfiles <2..2^16-1> | srtp_mki <0..255>. */
function parseUseSrtp(data: Buffer): number[] {
  const c = new Cursor(data);
  const list = c.take(c.u16());
  const out: number[] = [];
  for (let i = 0; i + 1 < list.length && out.length < MAX_SRTP_PROFILES; i += 2) out.push(list.readUInt16BE(i));
  return out;
}

/** Highest version in a list, DTLS numbers counting down (0xfefd DTLS 1.2 > 0xfeff DTLS 1.0). */
function highestVersion(versions: readonly number[]): number {
  let best = versions[0];
  for (const v of versions) if (versionRank(v) > versionRank(best)) best = v;
  return best;
}

const versionRank = (v: number): number => (isDtlsVersion(v) ? 0xff - (v & 0xff) : v);

// ---------------------------------------------------------------------------------------
// Names

const VERSION_NAMES: ReadonlyMap<number, string> = new Map([
  [0x0002, 'SSL 2.0'], [0x0300, 'SSL 3.0'], [0x0301, 'TLS 1.0'], [0x0302, 'TLS 1.1'],
  [0x0303, 'TLS 1.2'], [0x0304, 'TLS 1.3'], [0xfeff, 'DTLS 1.0'], [0xfefd, 'DTLS 1.2'], [0xfefc, 'DTLS 1.3'],
]);

const hex4 = (v: number): string => `0x${v.toString(16).padStart(4, '0')}`;

export function tlsVersionName(v: number): string {
  const known = VERSION_NAMES.get(v);
  if (known) return known;
  // draft-ietf-tls-tls13-NN used 0x7f00 | NN.
  if ((v & 0xff00) === 0x7f00) return `TLS 1.3 draft ${v & 0xff}`;
  return hex4(v);
}

/**
 * Names from the IANA "TLS Cipher Suites" registry (tls-parameters-4) for the suites phones,
 * PBXs and old SSL stacks actually offer, plus every registered NULL, EXPORT, RC4, anonymous
 * and single-DES suite so {@link isWeakCipherSuite} knows them all. The EXPORT1024 suites
 * (0x0060-0x0066) were never registered; their names are the OpenSSL draft names.
 */
const CIPHER_SUITES: ReadonlyArray<readonly [number, string]> = [
  [0x0000, 'TLS_NULL_WITH_NULL_NULL'],
  [0x0001, 'TLS_RSA_WITH_NULL_MD5'],
  [0x0002, 'TLS_RSA_WITH_NULL_SHA'],
  [0x0003, 'TLS_RSA_EXPORT_WITH_RC4_40_MD5'],
  [0x0004, 'TLS_RSA_WITH_RC4_128_MD5'],
  [0x0005, 'TLS_RSA_WITH_RC4_128_SHA'],
  [0x0006, 'TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5'],
  [0x0007, 'TLS_RSA_WITH_IDEA_CBC_SHA'],
  [0x0008, 'TLS_RSA_EXPORT_WITH_DES40_CBC_SHA'],
  [0x0009, 'TLS_RSA_WITH_DES_CBC_SHA'],
  [0x000a, 'TLS_RSA_WITH_3DES_EDE_CBC_SHA'],
  [0x000b, 'TLS_DH_DSS_EXPORT_WITH_DES40_CBC_SHA'],
  [0x000c, 'TLS_DH_DSS_WITH_DES_CBC_SHA'],
  [0x000d, 'TLS_DH_DSS_WITH_3DES_EDE_CBC_SHA'],
  [0x000e, 'TLS_DH_RSA_EXPORT_WITH_DES40_CBC_SHA'],
  [0x000f, 'TLS_DH_RSA_WITH_DES_CBC_SHA'],
  [0x0010, 'TLS_DH_RSA_WITH_3DES_EDE_CBC_SHA'],
  [0x0011, 'TLS_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA'],
  [0x0012, 'TLS_DHE_DSS_WITH_DES_CBC_SHA'],
  [0x0013, 'TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA'],
  [0x0014, 'TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA'],
  [0x0015, 'TLS_DHE_RSA_WITH_DES_CBC_SHA'],
  [0x0016, 'TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA'],
  [0x0017, 'TLS_DH_anon_EXPORT_WITH_RC4_40_MD5'],
  [0x0018, 'TLS_DH_anon_WITH_RC4_128_MD5'],
  [0x0019, 'TLS_DH_anon_EXPORT_WITH_DES40_CBC_SHA'],
  [0x001a, 'TLS_DH_anon_WITH_DES_CBC_SHA'],
  [0x001b, 'TLS_DH_anon_WITH_3DES_EDE_CBC_SHA'],
  [0x001e, 'TLS_KRB5_WITH_DES_CBC_SHA'],
  [0x001f, 'TLS_KRB5_WITH_3DES_EDE_CBC_SHA'],
  [0x0020, 'TLS_KRB5_WITH_RC4_128_SHA'],
  [0x0022, 'TLS_KRB5_WITH_DES_CBC_MD5'],
  [0x0024, 'TLS_KRB5_WITH_RC4_128_MD5'],
  [0x0026, 'TLS_KRB5_EXPORT_WITH_DES_CBC_40_SHA'],
  [0x0027, 'TLS_KRB5_EXPORT_WITH_RC2_CBC_40_SHA'],
  [0x0028, 'TLS_KRB5_EXPORT_WITH_RC4_40_SHA'],
  [0x0029, 'TLS_KRB5_EXPORT_WITH_DES_CBC_40_MD5'],
  [0x002a, 'TLS_KRB5_EXPORT_WITH_RC2_CBC_40_MD5'],
  [0x002b, 'TLS_KRB5_EXPORT_WITH_RC4_40_MD5'],
  [0x002c, 'TLS_PSK_WITH_NULL_SHA'],
  [0x002d, 'TLS_DHE_PSK_WITH_NULL_SHA'],
  [0x002e, 'TLS_RSA_PSK_WITH_NULL_SHA'],
  [0x002f, 'TLS_RSA_WITH_AES_128_CBC_SHA'],
  [0x0032, 'TLS_DHE_DSS_WITH_AES_128_CBC_SHA'],
  [0x0033, 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA'],
  [0x0034, 'TLS_DH_anon_WITH_AES_128_CBC_SHA'],
  [0x0035, 'TLS_RSA_WITH_AES_256_CBC_SHA'],
  [0x0038, 'TLS_DHE_DSS_WITH_AES_256_CBC_SHA'],
  [0x0039, 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA'],
  [0x003a, 'TLS_DH_anon_WITH_AES_256_CBC_SHA'],
  [0x003b, 'TLS_RSA_WITH_NULL_SHA256'],
  [0x003c, 'TLS_RSA_WITH_AES_128_CBC_SHA256'],
  [0x003d, 'TLS_RSA_WITH_AES_256_CBC_SHA256'],
  [0x0040, 'TLS_DHE_DSS_WITH_AES_128_CBC_SHA256'],
  [0x0041, 'TLS_RSA_WITH_CAMELLIA_128_CBC_SHA'],
  [0x0045, 'TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA'],
  [0x0046, 'TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA'],
  [0x0060, 'TLS_RSA_EXPORT1024_WITH_RC4_56_MD5'],
  [0x0061, 'TLS_RSA_EXPORT1024_WITH_RC2_CBC_56_MD5'],
  [0x0062, 'TLS_RSA_EXPORT1024_WITH_DES_CBC_SHA'],
  [0x0063, 'TLS_DHE_DSS_EXPORT1024_WITH_DES_CBC_SHA'],
  [0x0064, 'TLS_RSA_EXPORT1024_WITH_RC4_56_SHA'],
  [0x0065, 'TLS_DHE_DSS_EXPORT1024_WITH_RC4_56_SHA'],
  [0x0066, 'TLS_DHE_DSS_WITH_RC4_128_SHA'],
  [0x0067, 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA256'],
  [0x006a, 'TLS_DHE_DSS_WITH_AES_256_CBC_SHA256'],
  [0x006b, 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA256'],
  [0x006c, 'TLS_DH_anon_WITH_AES_128_CBC_SHA256'],
  [0x006d, 'TLS_DH_anon_WITH_AES_256_CBC_SHA256'],
  [0x0084, 'TLS_RSA_WITH_CAMELLIA_256_CBC_SHA'],
  [0x0088, 'TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA'],
  [0x0089, 'TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA'],
  [0x008a, 'TLS_PSK_WITH_RC4_128_SHA'],
  [0x008b, 'TLS_PSK_WITH_3DES_EDE_CBC_SHA'],
  [0x008c, 'TLS_PSK_WITH_AES_128_CBC_SHA'],
  [0x008d, 'TLS_PSK_WITH_AES_256_CBC_SHA'],
  [0x008e, 'TLS_DHE_PSK_WITH_RC4_128_SHA'],
  [0x0092, 'TLS_RSA_PSK_WITH_RC4_128_SHA'],
  [0x0096, 'TLS_RSA_WITH_SEED_CBC_SHA'],
  [0x009b, 'TLS_DH_anon_WITH_SEED_CBC_SHA'],
  [0x009c, 'TLS_RSA_WITH_AES_128_GCM_SHA256'],
  [0x009d, 'TLS_RSA_WITH_AES_256_GCM_SHA384'],
  [0x009e, 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256'],
  [0x009f, 'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384'],
  [0x00a2, 'TLS_DHE_DSS_WITH_AES_128_GCM_SHA256'],
  [0x00a3, 'TLS_DHE_DSS_WITH_AES_256_GCM_SHA384'],
  [0x00a6, 'TLS_DH_anon_WITH_AES_128_GCM_SHA256'],
  [0x00a7, 'TLS_DH_anon_WITH_AES_256_GCM_SHA384'],
  [0x00a8, 'TLS_PSK_WITH_AES_128_GCM_SHA256'],
  [0x00a9, 'TLS_PSK_WITH_AES_256_GCM_SHA384'],
  [0x00ae, 'TLS_PSK_WITH_AES_128_CBC_SHA256'],
  [0x00af, 'TLS_PSK_WITH_AES_256_CBC_SHA384'],
  [0x00b0, 'TLS_PSK_WITH_NULL_SHA256'],
  [0x00b1, 'TLS_PSK_WITH_NULL_SHA384'],
  [0x00b4, 'TLS_DHE_PSK_WITH_NULL_SHA256'],
  [0x00b5, 'TLS_DHE_PSK_WITH_NULL_SHA384'],
  [0x00b8, 'TLS_RSA_PSK_WITH_NULL_SHA256'],
  [0x00b9, 'TLS_RSA_PSK_WITH_NULL_SHA384'],
  [0x00bf, 'TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA256'],
  [0x00c5, 'TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA256'],
  [0x00ff, 'TLS_EMPTY_RENEGOTIATION_INFO_SCSV'],
  [0x1301, 'TLS_AES_128_GCM_SHA256'],
  [0x1302, 'TLS_AES_256_GCM_SHA384'],
  [0x1303, 'TLS_CHACHA20_POLY1305_SHA256'],
  [0x1304, 'TLS_AES_128_CCM_SHA256'],
  [0x1305, 'TLS_AES_128_CCM_8_SHA256'],
  [0x5600, 'TLS_FALLBACK_SCSV'],
  [0xc001, 'TLS_ECDH_ECDSA_WITH_NULL_SHA'],
  [0xc002, 'TLS_ECDH_ECDSA_WITH_RC4_128_SHA'],
  [0xc003, 'TLS_ECDH_ECDSA_WITH_3DES_EDE_CBC_SHA'],
  [0xc004, 'TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA'],
  [0xc005, 'TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA'],
  [0xc006, 'TLS_ECDHE_ECDSA_WITH_NULL_SHA'],
  [0xc007, 'TLS_ECDHE_ECDSA_WITH_RC4_128_SHA'],
  [0xc008, 'TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA'],
  [0xc009, 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA'],
  [0xc00a, 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA'],
  [0xc00b, 'TLS_ECDH_RSA_WITH_NULL_SHA'],
  [0xc00c, 'TLS_ECDH_RSA_WITH_RC4_128_SHA'],
  [0xc00d, 'TLS_ECDH_RSA_WITH_3DES_EDE_CBC_SHA'],
  [0xc00e, 'TLS_ECDH_RSA_WITH_AES_128_CBC_SHA'],
  [0xc00f, 'TLS_ECDH_RSA_WITH_AES_256_CBC_SHA'],
  [0xc010, 'TLS_ECDHE_RSA_WITH_NULL_SHA'],
  [0xc011, 'TLS_ECDHE_RSA_WITH_RC4_128_SHA'],
  [0xc012, 'TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA'],
  [0xc013, 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA'],
  [0xc014, 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA'],
  [0xc015, 'TLS_ECDH_anon_WITH_NULL_SHA'],
  [0xc016, 'TLS_ECDH_anon_WITH_RC4_128_SHA'],
  [0xc017, 'TLS_ECDH_anon_WITH_3DES_EDE_CBC_SHA'],
  [0xc018, 'TLS_ECDH_anon_WITH_AES_128_CBC_SHA'],
  [0xc019, 'TLS_ECDH_anon_WITH_AES_256_CBC_SHA'],
  [0xc023, 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256'],
  [0xc024, 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384'],
  [0xc027, 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256'],
  [0xc028, 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384'],
  [0xc02b, 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'],
  [0xc02c, 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384'],
  [0xc02f, 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'],
  [0xc030, 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384'],
  [0xc033, 'TLS_ECDHE_PSK_WITH_RC4_128_SHA'],
  [0xc035, 'TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA'],
  [0xc036, 'TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA'],
  [0xc039, 'TLS_ECDHE_PSK_WITH_NULL_SHA'],
  [0xc03a, 'TLS_ECDHE_PSK_WITH_NULL_SHA256'],
  [0xc03b, 'TLS_ECDHE_PSK_WITH_NULL_SHA384'],
  [0xc046, 'TLS_DH_anon_WITH_ARIA_128_CBC_SHA256'],
  [0xc047, 'TLS_DH_anon_WITH_ARIA_256_CBC_SHA384'],
  [0xc05a, 'TLS_DH_anon_WITH_ARIA_128_GCM_SHA256'],
  [0xc05b, 'TLS_DH_anon_WITH_ARIA_256_GCM_SHA384'],
  [0xc084, 'TLS_DH_anon_WITH_CAMELLIA_128_GCM_SHA256'],
  [0xc085, 'TLS_DH_anon_WITH_CAMELLIA_256_GCM_SHA384'],
  [0xc09c, 'TLS_RSA_WITH_AES_128_CCM'],
  [0xc09d, 'TLS_RSA_WITH_AES_256_CCM'],
  [0xc0ac, 'TLS_ECDHE_ECDSA_WITH_AES_128_CCM'],
  [0xc0ad, 'TLS_ECDHE_ECDSA_WITH_AES_256_CCM'],
  [0xc0ae, 'TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8'],
  [0xc0af, 'TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8'],
  [0xc0b4, 'TLS_SHA256_SHA256'],
  [0xc0b5, 'TLS_SHA384_SHA384'],
  [0xcca8, 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256'],
  [0xcca9, 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256'],
  [0xccaa, 'TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256'],
  [0xccab, 'TLS_PSK_WITH_CHACHA20_POLY1305_SHA256'],
  [0xccac, 'TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256'],
];

const SUITE_NAMES: ReadonlyMap<number, string> = new Map(CIPHER_SUITES);

export type WeakCipherReason = 'null' | 'export' | 'rc4' | 'anonymous' | 'des';

/**
 * Why a suite gives no or little confidentiality, read from its registry name:
 *  - null: "WITH_NULL", and the RFC 9150 integrity-only TLS 1.3 suites TLS_SHA256_SHA256 /
 *    TLS_SHA384_SHA384 — no encryption at all;
 *  - export: "EXPORT" — 40/56-bit keys, broken since FREAK/Logjam;
 *  - rc4: RFC 7465 "TLS clients MUST NOT include RC4 cipher suites";
 *  - anonymous: DH_anon / ECDH_anon — no server authentication, trivially intercepted;
 *  - des: single DES (56-bit, RFC 5469 deprecated it) — below the 112 bits that RFC 9325
 *    §4.1 requires.
 * 3DES (112-bit, 64-bit block) is deliberately not weak here: RFC 9325 only says SHOULD NOT,
 * and the finding catalog names NULL/EXPORT/RC4/anonymous; many old phones still offer it.
 */
const WEAK_SUITES: ReadonlyMap<number, WeakCipherReason> = (() => {
  const m = new Map<number, WeakCipherReason>();
  for (const [id, name] of CIPHER_SUITES) {
    const reason: WeakCipherReason | null =
      /_WITH_NULL_|^TLS_SHA(256|384)_SHA(256|384)$/.test(name) ? 'null'
      : name.includes('EXPORT') ? 'export'
      : name.includes('_anon_') ? 'anonymous'
      : name.includes('RC4') ? 'rc4'
      : /_WITH_DES_CBC_/.test(name) ? 'des'
      : null;
    if (reason) m.set(id, reason);
  }
  return m;
})();

/** IANA registry name of a cipher suite, or its hex code when not in the table. */
export function cipherSuiteName(id: number): string {
  return SUITE_NAMES.get(id) ?? hex4(id);
}

export function isWeakCipherSuite(id: number): boolean {
  return WEAK_SUITES.has(id);
}

export function weakCipherReason(id: number): WeakCipherReason | null {
  return WEAK_SUITES.get(id) ?? null;
}

/** RFC 5764 §4.1.2 and RFC 7714 §14.2 DTLS-SRTP protection profiles. */
const SRTP_PROFILES: ReadonlyMap<number, string> = new Map([
  [0x0001, 'SRTP_AES128_CM_HMAC_SHA1_80'], [0x0002, 'SRTP_AES128_CM_HMAC_SHA1_32'],
  [0x0005, 'SRTP_NULL_HMAC_SHA1_80'], [0x0006, 'SRTP_NULL_HMAC_SHA1_32'],
  [0x0007, 'SRTP_AEAD_AES_128_GCM'], [0x0008, 'SRTP_AEAD_AES_256_GCM'],
]);

export function srtpProfileName(id: number): string {
  return SRTP_PROFILES.get(id) ?? hex4(id);
}

/** The NULL profiles authenticate SRTP but do not encrypt it. */
export const isNullSrtpProfile = (id: number): boolean => id === 0x0005 || id === 0x0006;
