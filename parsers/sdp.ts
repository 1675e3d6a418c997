/**
 * SDP session descriptions (RFC 8866, formerly RFC 4566) as carried in SIP offers and answers:
 * just what decides how media is protected and where it flows. Pure; nothing throws.
 *
 *   v=0
 *   o=<username> <sess-id> <sess-version> IN IP4 <unicast-address>     (§5.2)
 *   s=<session name>                                                     (§5.3)
 *   c=IN IP4 <connection-address>[/<ttl>[/<n>]]                          (§5.7)
 *   t=0 0
 *   [k=<method>[:<encryption key>]]                                      (RFC 4566 §5.12, obsolete)
 *   a=<session attributes>
 *   m=<media> <port>[/<number of ports>] <proto> <fmt> ...               (§5.14)
 *   c=... / a=... / k=...                                                (media level)
 *
 *   a=rtpmap:<payload type> <encoding name>/<clock rate>[/<channels>]    (§6.6)
 *   a=crypto:<tag> <crypto-suite> <key-params> [<session-params>]        (RFC 4568 §9.1)
 *     key-params = <key-method> ":" <key-info>, e.g. inline:<base64 key||salt>[|2^20][|1:32]
 *   a=fingerprint:<hash-func> <hex pairs>                                (RFC 8122 §5)
 *   a=setup:active|passive|actpass|holdconn                              (RFC 4145 §4)
 *   a=zrtp-hash:<version> <hex>                                          (RFC 6189 §8.1)
 *   a=rtcp:<port> [IN IP4 <address>]                                     (RFC 3605 §2.1)
 *   a=rtcp-mux                                                           (RFC 5761 §5.1.1)
 *   a=sendrecv | sendonly | recvonly | inactive                          (§6.7)
 *
 * Key material never leaves this module: a=crypto keys are replaced by <redacted> while parsing,
 * k= lines keep only their method.
 */

export interface SdpCrypto {
  /** -1 when the tag is not a number. */
  tag: number;
  suite: string;
  /** Key method of the first key-params (`inline` for SDES). */
  keyMethod: string;
  /** The key-params with every key replaced: 'inline:<redacted>|2^31|1:32'. */
  keyParamsRedacted: string;
}

export interface RtpMapEntry { encoding: string; clockRate: number; channels: number }

export type SdpDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

export interface SdpMedia {
  /** audio video image application text message */
  type: string;
  port: number;
  portCount: number;
  /** RTP/AVP RTP/SAVP RTP/SAVPF UDP/TLS/RTP/SAVPF RTP/AVPF udptl ... as written. */
  proto: string;
  formats: string[];
  /** Media-level c= address, else null (see mediaAddress). */
  connection: string | null;
  rtpmap: Record<number, RtpMapEntry>;
  crypto: SdpCrypto[];
  /** 'sha-256 AB:CD:...' of this media section, else null. */
  fingerprint: string | null;
  /** '1.10 <hex>' of this media section, else null. */
  zrtpHash: string | null;
  setup: string | null;
  rtcpMux: boolean;
  /** Media-level direction, else the session-level one (§6.7), else null (meaning sendrecv). */
  direction: SdpDirection | null;
  /** a=rtcp: port, or 0. */
  rtcpPort: number;
  /** Method of a media-level k= line ('prompt', 'clear', 'base64', 'uri'), never the key; else null. */
  encryptionKey: string | null;
  /** Value of a media-level a=encryption: attribute (e.g. 'optional', 'required'), else null. */
  encryption: string | null;
}

export interface Sdp {
  origin: { username: string; sessionId: string; address: string } | null;
  sessionName: string;
  /** Session-level c= address. */
  connection: string | null;
  /** Session-level a=fingerprint (applies to every media section, RFC 8122 §5). */
  fingerprint: string | null;
  /** Session-level a=zrtp-hash. */
  zrtpHash: string | null;
  /** Session-level a=setup. */
  setup: string | null;
  /** Method of a session-level k= line, never the key; else null. */
  encryptionKey: string | null;
  /** Session-level a=encryption: value, else null. */
  encryption: string | null;
  /** At most MAX_SDP_MEDIA sections; session-level a=crypto is not defined (RFC 4568 §9.1) and ignored. */
  media: SdpMedia[];
}

/** Bodies are parsed up to this many bytes; a large offer with many codecs is about 4 KiB. */
export const MAX_SDP_BYTES = 65_536;
/** Lines looked at. */
export const MAX_SDP_LINES = 2048;
/** Media sections kept. */
export const MAX_SDP_MEDIA = 64;
/** Formats, rtpmap entries and crypto attributes kept per media section. */
const MAX_FORMATS = 128;
const MAX_CRYPTO = 16;
/** Longest field value kept (origin username, session name, attribute values). */
const MAX_FIELD = 1024;

const REDACTED = '<redacted>';

/**
 * Static RTP payload types (RFC 3551 §6, Tables 4 and 5). G722 is listed with 8000 Hz on
 * purpose: RFC 3551 §4.5.2 keeps the RTP clock at 8000 for historical reasons. Video types
 * have no channel count (0).
 */
export const staticPayloadTypes: Readonly<Record<number, Readonly<RtpMapEntry>>> = Object.freeze({
  0: { encoding: 'PCMU', clockRate: 8000, channels: 1 },
  3: { encoding: 'GSM', clockRate: 8000, channels: 1 },
  4: { encoding: 'G723', clockRate: 8000, channels: 1 },
  5: { encoding: 'DVI4', clockRate: 8000, channels: 1 },
  6: { encoding: 'DVI4', clockRate: 16000, channels: 1 },
  7: { encoding: 'LPC', clockRate: 8000, channels: 1 },
  8: { encoding: 'PCMA', clockRate: 8000, channels: 1 },
  9: { encoding: 'G722', clockRate: 8000, channels: 1 },
  10: { encoding: 'L16', clockRate: 44100, channels: 2 },
  11: { encoding: 'L16', clockRate: 44100, channels: 1 },
  12: { encoding: 'QCELP', clockRate: 8000, channels: 1 },
  13: { encoding: 'CN', clockRate: 8000, channels: 1 },
  14: { encoding: 'MPA', clockRate: 90000, channels: 1 },
  15: { encoding: 'G728', clockRate: 8000, channels: 1 },
  16: { encoding: 'DVI4', clockRate: 11025, channels: 1 },
  17: { encoding: 'DVI4', clockRate: 22050, channels: 1 },
  18: { encoding: 'G729', clockRate: 8000, channels: 1 },
  25: { encoding: 'CelB', clockRate: 90000, channels: 0 },
  26: { encoding: 'JPEG', clockRate: 90000, channels: 0 },
  28: { encoding: 'nv', clockRate: 90000, channels: 0 },
  31: { encoding: 'H261', clockRate: 90000, channels: 0 },
  32: { encoding: 'MPV', clockRate: 90000, channels: 0 },
  33: { encoding: 'MP2T', clockRate: 90000, channels: 0 },
  34: { encoding: 'H263', clockRate: 90000, channels: 0 },
});

/** SRTP profiles: RTP/SAVP (RFC 3711), RTP/SAVPF (RFC 5124), UDP/TLS/RTP/SAVP(F) and TCP/DTLS/... (RFC 5764, RFC 7850). */
export function isSecureProfile(proto: string): boolean {
  const p = proto.toUpperCase();
  return p.endsWith('/SAVP') || p.endsWith('/SAVPF');
}

/** The media section's own c= address, else the session's (RFC 8866 §5.7). */
export function mediaAddress(sdp: Sdp, m: SdpMedia): string | null {
  return m.connection ?? sdp.connection;
}

/**
 * An a=crypto line with every key replaced by <redacted>; lifetime, MKI and session parameters
 * are kept. Works with or without the "a=" prefix; any later field holding a ':' is treated as
 * key-params, so a malformed line cannot leak a key either.
 *   'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:KEY|2^20|1:32' -> 'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:<redacted>|2^20|1:32'
 */
export function redactCryptoLine(line: string): string {
  const fields = line.trim().split(/[ \t]+/);
  for (let i = 1; i < fields.length; i++) {
    if (i === 1 && fields.length >= 3) continue; // the crypto-suite
    if (fields[i].includes(':')) fields[i] = redactKeyParams(fields[i]);
  }
  return fields.join(' ');
}

/** key-params *( ";" key-params ) with each key-info's key replaced (RFC 4568 §9.1, §6.1 for inline). */
function redactKeyParams(kp: string): string {
  const parts = kp.split(';');
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    const colon = p.indexOf(':');
    if (colon < 0) { parts[i] = REDACTED; continue; }
    const method = p.slice(0, colon);
    if (method.toLowerCase() !== 'inline') { parts[i] = `${method}:${REDACTED}`; continue; }
    // inline:<key||salt>["|" lifetime]["|" MKI ":" length]
    const bar = p.indexOf('|', colon + 1);
    parts[i] = `${method}:${REDACTED}${bar < 0 ? '' : p.slice(bar)}`;
  }
  return parts.join(';');
}

function newMedia(type: string, port: number, portCount: number, proto: string, formats: string[]): SdpMedia {
  return {
    type, port, portCount, proto, formats, connection: null, rtpmap: {}, crypto: [], fingerprint: null,
    zrtpHash: null, setup: null, rtcpMux: false, direction: null, rtcpPort: 0, encryptionKey: null, encryption: null,
  };
}

const clip = (s: string): string => (s.length > MAX_FIELD ? s.slice(0, MAX_FIELD) : s);

/** Fields separated by runs of SP (RFC 8866 §9 uses single SP; peers send more). */
const words = (s: string): string[] => s.trim().split(/ +/);

/** Non-negative integer or -1. */
function toInt(s: string, max: number): number {
  if (s.length === 0 || s.length > 10) return -1;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return -1;
    n = n * 10 + (c - 0x30);
  }
  return n > max ? -1 : n;
}

/** c=<nettype> <addrtype> <connection-address>; the address without /ttl or /count (§5.7). */
function connectionAddress(v: string): string | null {
  const w = words(v);
  if (w.length < 3) return null;
  const slash = w[2].indexOf('/');
  const addr = slash < 0 ? w[2] : w[2].slice(0, slash);
  return addr === '' ? null : clip(addr);
}

const isDirection = (s: string): s is SdpDirection =>
  s === 'sendrecv' || s === 'sendonly' || s === 'recvonly' || s === 'inactive';

/** k=<method>[:<key>]: only the method is kept (never the key). */
function keyMethodOf(v: string): string {
  const colon = v.indexOf(':');
  return clip((colon < 0 ? v : v.slice(0, colon)).trim().toLowerCase());
}

function parseCrypto(v: string): SdpCrypto {
  const w = words(v);
  const tag = toInt(w[0] ?? '', 0x7fffffff);
  const suite = w.length >= 3 ? clip(w[1]) : '';
  const keyParams = w.length >= 3 ? w[2] : w[1] ?? '';
  const colon = keyParams.indexOf(':');
  return {
    tag, suite,
    keyMethod: colon < 0 ? '' : clip(keyParams.slice(0, colon).toLowerCase()),
    keyParamsRedacted: keyParams === '' ? '' : clip(redactKeyParams(keyParams)),
  };
}

/**
 * Parses an SDP body; null when it does not start with "v=" (§5.1: v= is the first line).
 * Lines end in CRLF or LF (§5: "a receiver SHOULD also accept records terminated with a single
 * newline character"). Unknown lines and attributes are ignored.
 */
export function parseSdp(body: Buffer | string): Sdp | null {
  const text = typeof body === 'string'
    ? (body.length > MAX_SDP_BYTES ? body.slice(0, MAX_SDP_BYTES) : body)
    : body.toString('utf8', 0, Math.min(body.length, MAX_SDP_BYTES));
  let pos = 0;
  while (pos < text.length && (text.charCodeAt(pos) === 0x0d || text.charCodeAt(pos) === 0x0a || text.charCodeAt(pos) === 0x20)) pos++;
  if (text.charCodeAt(pos) !== 0x76 || text.charCodeAt(pos + 1) !== 0x3d) return null; // "v="

  const sdp: Sdp = {
    origin: null, sessionName: '', connection: null, fingerprint: null, zrtpHash: null, setup: null,
    encryptionKey: null, encryption: null, media: [],
  };
  let sessionDirection: SdpDirection | null = null;
  let media: SdpMedia | null = null;
  let skippingMedia = false;

  for (let lines = 0; pos < text.length && lines < MAX_SDP_LINES; lines++) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = text.length;
    let end = nl;
    if (end > pos && text.charCodeAt(end - 1) === 0x0d) end--;
    const type = text.charCodeAt(pos);
    const hasEquals = end - pos >= 2 && text.charCodeAt(pos + 1) === 0x3d;
    const value = hasEquals ? text.slice(pos + 2, end) : '';
    pos = nl + 1;
    if (!hasEquals) continue;

    if (type === 0x6d) { // m=
      if (sdp.media.length >= MAX_SDP_MEDIA) { skippingMedia = true; media = null; continue; }
      media = parseMediaLine(value);
      if (media) sdp.media.push(media);
      skippingMedia = media === null;
      continue;
    }
    if (skippingMedia) continue;
    const target = media;
    switch (type) {
      case 0x6f: { // o=
        if (target) break;
        const w = words(value);
        if (w.length >= 6) sdp.origin = { username: clip(w[0]), sessionId: clip(w[1]), address: clip(w[5]) };
        break;
      }
      case 0x73: // s=
        if (!target) sdp.sessionName = clip(value);
        break;
      case 0x63: { // c=
        const addr = connectionAddress(value);
        if (target) target.connection ??= addr;
        else sdp.connection ??= addr;
        break;
      }
      case 0x6b: // k=
        if (target) target.encryptionKey = keyMethodOf(value);
        else sdp.encryptionKey = keyMethodOf(value);
        break;
      case 0x61: { // a=
        const colon = value.indexOf(':');
        const name = (colon < 0 ? value : value.slice(0, colon)).trim().toLowerCase();
        const av = colon < 0 ? '' : value.slice(colon + 1).trim();
        if (target) mediaAttribute(target, name, av);
        else if (isDirection(name)) sessionDirection = name;
        else if (name === 'fingerprint') sdp.fingerprint ??= clip(words(av).join(' '));
        else if (name === 'zrtp-hash') sdp.zrtpHash ??= clip(words(av).join(' '));
        else if (name === 'setup') sdp.setup ??= clip(av);
        else if (name === 'encryption') sdp.encryption ??= clip(av);
        break;
      }
    }
  }
  if (sessionDirection !== null) for (const m of sdp.media) m.direction ??= sessionDirection;
  return sdp;
}

/** m=<media> <port>[/<number of ports>] <proto> <fmt> ... (§5.14); null when malformed. */
function parseMediaLine(v: string): SdpMedia | null {
  const w = words(v);
  if (w.length < 3) return null;
  const slash = w[1].indexOf('/');
  const port = toInt(slash < 0 ? w[1] : w[1].slice(0, slash), 65535);
  const count = slash < 0 ? 1 : toInt(w[1].slice(slash + 1), 65535);
  if (port < 0 || count < 1) return null;
  const formats = w.slice(3, 3 + MAX_FORMATS).map(clip);
  return newMedia(clip(w[0].toLowerCase()), port, count, clip(w[2]), formats);
}

function mediaAttribute(m: SdpMedia, name: string, v: string): void {
  switch (name) {
    case 'rtpmap': {
      // <payload type> <encoding name>/<clock rate>[/<encoding parameters>]
      const sp = v.indexOf(' ');
      if (sp < 0) return;
      const pt = toInt(v.slice(0, sp), 127);
      if (pt < 0 || m.rtpmap[pt] !== undefined || Object.keys(m.rtpmap).length >= MAX_FORMATS) return;
      const parts = v.slice(sp + 1).trim().split('/');
      const clockRate = toInt(parts[1] ?? '', 0xffffffff);
      const channels = parts.length > 2 ? toInt(parts[2], 255) : 1;
      m.rtpmap[pt] = { encoding: clip(parts[0]), clockRate: clockRate < 0 ? 0 : clockRate, channels: channels < 0 ? 1 : channels };
      return;
    }
    case 'crypto':
      if (m.crypto.length < MAX_CRYPTO) m.crypto.push(parseCrypto(v));
      return;
    case 'fingerprint':
      m.fingerprint ??= clip(words(v).join(' '));
      return;
    case 'zrtp-hash':
      m.zrtpHash ??= clip(words(v).join(' '));
      return;
    case 'setup':
      m.setup ??= clip(v);
      return;
    case 'rtcp-mux':
      m.rtcpMux = true;
      return;
    case 'rtcp': {
      const p = toInt(words(v)[0] ?? '', 65535);
      if (p >= 0) m.rtcpPort = p;
      return;
    }
    case 'encryption':
      m.encryption ??= clip(v);
      return;
    default:
      if (isDirection(name)) m.direction = name;
  }
}
