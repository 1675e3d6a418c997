/**
 * Media-port protocols: the RFC 7983 demultiplexer, RTP and RTCP headers (RFC 3550), SRTCP
 * recognition (RFC 3711) and STUN messages (RFC 5389 / RFC 8445 ICE attributes).
 * Pure functions over Buffer views; nothing here throws on hostile input.
 */

/**
 * Big-endian reads by hand: a few times faster than Buffer#readUInt16BE/readUInt32BE on the
 * per-packet path, and callers have bounds-checked the offsets already.
 */
const u16 = (b: Buffer, o: number): number => (b[o] << 8) | b[o + 1];
const u32 = (b: Buffer, o: number): number => ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;

export type MediaPacketKind = 'stun' | 'zrtp' | 'dtls' | 'turn-channel' | 'rtp' | 'rtcp' | 'unknown';

/** Header sizes (RFC 3550 §5.1, §6.4; RFC 5389 §6; RFC 6347 §4.1). */
const RTP_HEADER = 12;
const RTCP_HEADER = 4;
const STUN_HEADER = 20;
const DTLS_RECORD_HEADER = 13;
const ZRTP_MIN = 12;
const TURN_CHANNEL_HEADER = 4;

/** RFC 5389 §6 */
export const STUN_MAGIC_COOKIE = 0x2112a442;
/** 'ZRTP' (RFC 6189 §5) */
export const ZRTP_MAGIC_COOKIE = 0x5a525450;

/**
 * RFC 7983 §7: the first byte decides.
 *
 *                  +----------------+
 *                  |        [0..3] -+--> STUN
 *                  |      [16..19] -+--> ZRTP
 *    packet -->    |      [20..63] -+--> DTLS
 *                  |      [64..79] -+--> TURN Channel
 *                  |    [128..191] -+--> RTP/RTCP
 *                  +----------------+
 *
 * The ranges alone would call a third of all printable ASCII "DTLS", so each branch also
 * checks the fixed header of its protocol: a STUN length that matches the datagram or the
 * magic cookie, the ZRTP cookie at offset 4, a DTLS record version (0xfe..) or a DTLS 1.3
 * unified header whose length field matches, a TURN channel number 0x4000-0x4FFF whose
 * length fits. RTCP is told from RTP by the second byte 192-223 (RFC 5761 §4: RTCP packet
 * types 192-223 collide with RTP payload types 64-95 with the marker set, which RTP must not
 * use). A DTLS 1.3 unified header without a length field cannot be validated and is 'unknown'.
 *
 * The datagram is `buf[off, end)` (the whole buffer by default), so the per-packet path can
 * pass the capture's buffer and the payload's range instead of making a view of it.
 */
export function demuxMediaPacket(buf: Buffer, off = 0, end = buf.length): MediaPacketKind {
  const len = end - off;
  if (len <= 0) return 'unknown';
  const b0 = buf[off];
  if (b0 <= 3) return isStunHeader(buf, off, len) ? 'stun' : 'unknown';
  if (b0 >= 16 && b0 <= 19) {
    return len >= ZRTP_MIN && u32(buf, off + 4) === ZRTP_MAGIC_COOKIE ? 'zrtp' : 'unknown';
  }
  if (b0 >= 20 && b0 <= 63) return isDtlsRecord(buf, off, len) ? 'dtls' : 'unknown';
  if (b0 >= 64 && b0 <= 79) return isTurnChannelData(buf, off, len) ? 'turn-channel' : 'unknown';
  if (b0 >= 128 && b0 <= 191) {
    if (len < 2) return 'unknown';
    const b1 = buf[off + 1];
    if (b1 >= 192 && b1 <= 223) return len >= RTCP_HEADER + 4 ? 'rtcp' : 'unknown';
    return len >= RTP_HEADER ? 'rtp' : 'unknown';
  }
  return 'unknown';
}

function isStunHeader(buf: Buffer, off: number, len: number): boolean {
  if (len < STUN_HEADER || (buf[off] & 0xc0) !== 0) return false;
  const msgLen = u16(buf, off + 2);
  // RFC 5389 §6: the length is a multiple of 4; classic STUN (RFC 3489) has no cookie, so
  // there the exact datagram length is the only check.
  if ((msgLen & 3) !== 0 || STUN_HEADER + msgLen > len) return false;
  return u32(buf, off + 4) === STUN_MAGIC_COOKIE || STUN_HEADER + msgLen === len;
}

function isDtlsRecord(buf: Buffer, off: number, len: number): boolean {
  const b0 = buf[off];
  if (b0 <= 31) {
    // DTLS 1.0-1.2 record header (RFC 6347 §4.1); content types 20-25 are assigned.
    if (len < DTLS_RECORD_HEADER || b0 > 25 || buf[off + 1] !== 0xfe) return false;
    return DTLS_RECORD_HEADER + u16(buf, off + 11) <= len;
  }
  // DTLS 1.3 unified header (RFC 9147 §4): 0 0 1 C S L E E; C=connection id present,
  // S=16-bit sequence number, L=length present. Only the C=0, L=1 form is checkable.
  const hasCid = (b0 & 0x10) !== 0;
  const seqLen = (b0 & 0x08) !== 0 ? 2 : 1;
  const hasLength = (b0 & 0x04) !== 0;
  if (hasCid || !hasLength) return false;
  const lenOff = 1 + seqLen;
  if (len < lenOff + 2) return false;
  return lenOff + 2 + u16(buf, off + lenOff) === len;
}

function isTurnChannelData(buf: Buffer, off: number, len: number): boolean {
  // RFC 8656 §12.4: channel number (0x4000-0x4FFF) | length | data, padded to 4 over TCP.
  if (len < TURN_CHANNEL_HEADER) return false;
  const end = TURN_CHANNEL_HEADER + u16(buf, off + 2);
  return end <= len && len - end < 4;
}

// ---------------------------------------------------------------------------------------
// RTP

/**
 * RTP fixed header (RFC 3550 §5.1):
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                           timestamp                           |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |           synchronization source (SSRC) identifier            |
 *  +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 *  |            contributing source (CSRC) identifiers  (CC x 32)  |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  defined by profile (X=1)     |  length (32-bit words)        |   §5.3.1
 *  |                  header extension ...                         |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                  payload ...  [padding ... | count]           |
 */
export interface RtpHeader {
  padding: boolean;
  extension: boolean;
  csrcCount: number;
  marker: boolean;
  payloadType: number;
  sequence: number;
  timestamp: number;
  ssrc: number;
  /** "defined by profile" field of the header extension (0xBEDE: RFC 8285 one-byte form); -1 without X. */
  extensionProfile: number;
  payloadOffset: number;
  /** Payload bytes after the padding is removed. */
  payloadLength: number;
  paddingLength: number;
}

export const createRtpHeader = (): RtpHeader => ({
  padding: false, extension: false, csrcCount: 0, marker: false, payloadType: 0, sequence: 0,
  timestamp: 0, ssrc: 0, extensionProfile: -1, payloadOffset: 0, payloadLength: 0, paddingLength: 0,
});

/**
 * Hot-path variant: fills `out` and returns false (leaving `out` partly written) when the
 * packet is not valid RTP v2. The validity checks are those of RFC 3550 appendix A.1 that
 * hold for a single packet: version 2, the CSRC list and extension inside the packet, and
 * "if the P bit is set, then the last octet of the packet must contain a valid octet count".
 *
 * The packet is `buf[start, end)` (the whole buffer by default); `out.payloadOffset` is then
 * an offset into `buf`, not into the packet.
 */
export function decodeRtpInto(buf: Buffer, out: RtpHeader, start = 0, end = buf.length): boolean {
  const len = end - start;
  if (len < RTP_HEADER) return false;
  const b0 = buf[start];
  if ((b0 & 0xc0) !== 0x80) return false;
  const b1 = buf[start + 1];
  const cc = b0 & 0x0f;
  let off = RTP_HEADER + cc * 4;
  if (off > len) return false;
  let profile = -1;
  if ((b0 & 0x10) !== 0) {
    if (off + 4 > len) return false;
    profile = u16(buf, start + off);
    off += 4 + u16(buf, start + off + 2) * 4;
    if (off > len) return false;
  }
  let pad = 0;
  if ((b0 & 0x20) !== 0) {
    pad = buf[end - 1];
    if (pad === 0 || off + pad > len) return false;
  }
  out.padding = pad > 0;
  out.extension = profile >= 0;
  out.csrcCount = cc;
  out.marker = (b1 & 0x80) !== 0;
  out.payloadType = b1 & 0x7f;
  out.sequence = u16(buf, start + 2);
  out.timestamp = u32(buf, start + 4);
  out.ssrc = u32(buf, start + 8);
  out.extensionProfile = profile;
  out.payloadOffset = start + off;
  out.payloadLength = len - off - pad;
  out.paddingLength = pad;
  return true;
}

export function decodeRtp(buf: Buffer): RtpHeader | null {
  const out = createRtpHeader();
  return decodeRtpInto(buf, out) ? out : null;
}

// ---------------------------------------------------------------------------------------
// RTCP

/**
 * RTCP common header (RFC 3550 §6.4.1) and the SR/RR report block:
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |V=2|P|    RC   |      PT       |   length (32-bit words - 1)   |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                 SSRC of sender / packet sender                |
 *  +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 *  SR only:  NTP timestamp (64) | RTP timestamp | packet count | octet count   (20 bytes)
 *  report block (24 bytes, RC times):
 *  |                 SSRC_n (source identifier)                    |
 *  | fraction lost |       cumulative number of packets lost       |
 *  |           extended highest sequence number received           |
 *  |                      interarrival jitter                      |
 *  |                         last SR (LSR)                         |
 *  |                   delay since last SR (DLSR)                  |
 *
 * SRTCP (RFC 3711 §3.4) appends |E| SRTCP index (31)| [MKI] | authentication tag | after the
 * compound packet, and with E=1 everything after the first 8 bytes is ciphertext.
 */
export const RTCP_TYPE = Object.freeze({
  SR: 200, RR: 201, SDES: 202, BYE: 203, APP: 204, RTPFB: 205, PSFB: 206, XR: 207,
});

export interface RtcpReportBlock {
  ssrc: number;
  /** Fraction of packets lost since the previous report, 0..1 (8-bit fixed point). */
  fractionLost: number;
  /** Signed 24-bit cumulative count; negative when duplicates outnumber losses. */
  cumulativeLost: number;
  highestSequence: number;
  /** Interarrival jitter in RTP timestamp units. */
  jitter: number;
  lastSr: number;
  delaySinceLastSr: number;
}

export interface RtcpSenderInfo { ntpSeconds: number; ntpFraction: number; rtpTimestamp: number; packetCount: number; octetCount: number }

export interface RtcpCompound {
  /** SSRC of the sender of the first packet. */
  ssrc: number;
  /** Packet types in order, as far as the walk got. */
  packetTypes: number[];
  senderInfo: RtcpSenderInfo | null;
  reports: RtcpReportBlock[];
  /** Bytes covered by valid RTCP packets. */
  length: number;
  /** Bytes after the last valid packet (SRTCP trailer, or ciphertext that broke the walk). */
  trailing: number;
  /**
   * The datagram looks like SRTCP ({@link isLikelySrtcp}): only the clear first header
   * (type and SSRC) is reported, since sender info and report blocks are ciphertext.
   */
  srtcp: boolean;
}

/** A datagram carries a handful of RTCP packets; these bound the work per datagram. */
const MAX_RTCP_PACKETS = 32;
const MAX_REPORT_BLOCKS = 64;
const REPORT_BLOCK = 24;
const SENDER_INFO = 20;

const isRtcpType = (pt: number): boolean => pt >= RTCP_TYPE.SR && pt <= RTCP_TYPE.XR;

/** Walks the compound packet; null unless the first packet is a valid RTCP header. */
export function decodeRtcp(buf: Buffer): RtcpCompound | null {
  if (buf.length < RTCP_HEADER + 4) return null;
  const first = rtcpPacketSize(buf, 0);
  if (first < 8) return null;
  const result: RtcpCompound = {
    ssrc: u32(buf, 4), packetTypes: [], senderInfo: null, reports: [], length: 0, trailing: 0, srtcp: false,
  };
  if (isLikelySrtcp(buf)) {
    result.srtcp = true;
    result.packetTypes.push(buf[1]);
    result.length = first;
    result.trailing = buf.length - first;
    return result;
  }
  let off = 0;
  while (off < buf.length && result.packetTypes.length < MAX_RTCP_PACKETS) {
    const size = rtcpPacketSize(buf, off);
    if (size < 0) break;
    const pt = buf[off + 1];
    const count = buf[off] & 0x1f;
    result.packetTypes.push(pt);
    if (pt === RTCP_TYPE.SR || pt === RTCP_TYPE.RR) {
      let blockOff = off + 8;
      if (pt === RTCP_TYPE.SR && size >= 8 + SENDER_INFO) {
        if (result.senderInfo === null) {
          result.senderInfo = {
            ntpSeconds: u32(buf, off + 8), ntpFraction: u32(buf, off + 12),
            rtpTimestamp: u32(buf, off + 16), packetCount: u32(buf, off + 20), octetCount: u32(buf, off + 24),
          };
        }
        blockOff += SENDER_INFO;
      }
      for (let i = 0; i < count && blockOff + REPORT_BLOCK <= off + size && result.reports.length < MAX_REPORT_BLOCKS; i++) {
        result.reports.push(decodeReportBlock(buf, blockOff));
        blockOff += REPORT_BLOCK;
      }
    }
    off += size;
  }
  result.length = off;
  result.trailing = buf.length - off;
  return result;
}

/** Size in bytes of the RTCP packet at `off`, or -1 when its header is not valid there. */
function rtcpPacketSize(buf: Buffer, off: number): number {
  if (buf.length - off < RTCP_HEADER) return -1;
  if ((buf[off] & 0xc0) !== 0x80 || !isRtcpType(buf[off + 1])) return -1;
  const size = (u16(buf, off + 2) + 1) * 4;
  return off + size <= buf.length ? size : -1;
}

function decodeReportBlock(buf: Buffer, off: number): RtcpReportBlock {
  const lostWord = u32(buf, off + 4);
  const cumulative = lostWord & 0xffffff;
  return {
    ssrc: u32(buf, off),
    fractionLost: (lostWord >>> 24) / 256,
    cumulativeLost: cumulative & 0x800000 ? cumulative - 0x1000000 : cumulative,
    highestSequence: u32(buf, off + 8),
    jitter: u32(buf, off + 12),
    lastSr: u32(buf, off + 16),
    delaySinceLastSr: u32(buf, off + 20),
  };
}

/**
 * SRTCP trailers seen in practice. RFC 3711 §3.4: | compound | E|index (4) | [MKI] | tag |
 * with the HMAC-SHA1-80 or -32 tag (RFC 4568 §6.2) and an optional MKI (Skype sends 1 byte);
 * RFC 7714 §9.2 (AEAD AES-GCM, used by WebRTC): | compound | 16-byte tag | E|index (4) | [MKI] |.
 */
const SRTCP_HMAC_TAGS = [10, 4] as const;
const SRTCP_GCM_TAG = 16;
const SRTCP_MKI_LENGTHS = [0, 1, 2, 4] as const;
const SRTCP_INDEX_WORD = 4;
/** An SRTCP index counts packets from 0; a session sending 2^24 RTCP packets runs for years. */
const SRTCP_PLAUSIBLE_INDEX = 1 << 24;

/**
 * True when the datagram looks like SRTCP rather than RTCP. A plain compound packet is a
 * whole number of 32-bit words whose valid packets cover the datagram exactly (RFC 3550
 * §6.1). SRTCP appends an index word, a tag and maybe an MKI: for one of the known layouts
 * the compound must end on a word boundary where that trailer begins, and be either walkable
 * up to there (E=0, not encrypted) or, with E=1 (everything after the first 8 bytes is
 * ciphertext), at least as long as the clear first header says, with a small index.
 */
export function isLikelySrtcp(buf: Buffer): boolean {
  const first = rtcpPacketSize(buf, 0);
  if (first < 8) return false;
  const walked = walkRtcp(buf);
  if (walked === buf.length) return false;
  for (const mki of SRTCP_MKI_LENGTHS) {
    for (const tag of SRTCP_HMAC_TAGS) {
      const indexOff = buf.length - tag - mki - SRTCP_INDEX_WORD;
      if (srtcpTrailerFits(buf, indexOff, indexOff, first, walked)) return true;
    }
    const indexOff = buf.length - mki - SRTCP_INDEX_WORD;
    if (srtcpTrailerFits(buf, indexOff, indexOff - SRTCP_GCM_TAG, first, walked)) return true;
  }
  return false;
}

function srtcpTrailerFits(buf: Buffer, indexOff: number, compoundEnd: number, first: number, walked: number): boolean {
  if (compoundEnd < 8 || (compoundEnd & 3) !== 0) return false;
  const word = u32(buf, indexOff);
  if ((word & 0x7fffffff) >= SRTCP_PLAUSIBLE_INDEX) return false;
  const encrypted = (word & 0x80000000) !== 0;
  return encrypted ? compoundEnd >= first : walked === compoundEnd;
}

/** Bytes covered by consecutive valid RTCP packet headers from the start. */
function walkRtcp(buf: Buffer): number {
  let off = 0;
  for (let n = 0; n < MAX_RTCP_PACKETS && off < buf.length; n++) {
    const size = rtcpPacketSize(buf, off);
    if (size < 0) break;
    off += size;
  }
  return off;
}

// ---------------------------------------------------------------------------------------
// STUN

/**
 * STUN message (RFC 5389 §6, §15):
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |0 0|     STUN Message Type     |         Message Length        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                         Magic Cookie                          |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                     Transaction ID (96 bits)                  |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |         Type                  |            Length             |   attributes,
 *  |                         Value (padded to 4)                   |   repeated
 *
 * Message type bits: M11..M7 C1 M6..M4 C0 M3..M0 (class C1C0: 0 request, 1 indication,
 * 2 success response, 3 error response).
 */
export type StunClass = 'request' | 'indication' | 'success' | 'error';

export interface StunAddress { family: 4 | 6; ip: string; port: number }

export interface StunMessage {
  messageType: number;
  /** 0x001 Binding, 0x003 Allocate, ... */
  method: number;
  class: StunClass;
  /** False for classic STUN (RFC 3489), whose header has no magic cookie. */
  hasMagicCookie: boolean;
  /** 12-byte view (16 for classic STUN, where the cookie bytes are part of it). */
  transactionId: Buffer;
  username: string | null;
  software: string | null;
  realm: string | null;
  xorMappedAddress: StunAddress | null;
  mappedAddress: StunAddress | null;
  priority: number | null;
  useCandidate: boolean;
  iceControlled: boolean;
  iceControlling: boolean;
  messageIntegrity: boolean;
  fingerprint: boolean;
  errorCode: number | null;
  attributeCount: number;
  /** The attribute walk stopped early: a length past the message end or the attribute cap. */
  truncated: boolean;
}

export const STUN_ATTR = Object.freeze({
  MAPPED_ADDRESS: 0x0001, USERNAME: 0x0006, MESSAGE_INTEGRITY: 0x0008, ERROR_CODE: 0x0009,
  REALM: 0x0014, XOR_MAPPED_ADDRESS: 0x0020, PRIORITY: 0x0024, USE_CANDIDATE: 0x0025,
  SOFTWARE: 0x8022, FINGERPRINT: 0x8028, ICE_CONTROLLED: 0x8029, ICE_CONTROLLING: 0x802a,
});

/** Attributes per message; real ICE checks carry fewer than a dozen. */
const MAX_STUN_ATTRIBUTES = 64;
/** RFC 5389 §15.3 USERNAME < 513 bytes, §15.7 REALM and §15.10 SOFTWARE < 763 bytes. */
const MAX_STUN_USERNAME = 513;
const MAX_STUN_TEXT = 763;

const STUN_CLASSES: readonly StunClass[] = ['request', 'indication', 'success', 'error'];

export function decodeStun(buf: Buffer): StunMessage | null {
  if (buf.length < STUN_HEADER || (buf[0] & 0xc0) !== 0) return null;
  const type = u16(buf, 0);
  const msgLen = u16(buf, 2);
  if ((msgLen & 3) !== 0 || STUN_HEADER + msgLen > buf.length) return null;
  const hasCookie = u32(buf, 4) === STUN_MAGIC_COOKIE;
  const msg: StunMessage = {
    messageType: type,
    method: (type & 0x000f) | ((type >> 1) & 0x0070) | ((type >> 2) & 0x0f80),
    class: STUN_CLASSES[((type >> 4) & 1) | ((type >> 7) & 2)],
    hasMagicCookie: hasCookie,
    transactionId: buf.subarray(hasCookie ? 8 : 4, STUN_HEADER),
    username: null, software: null, realm: null, xorMappedAddress: null, mappedAddress: null,
    priority: null, useCandidate: false, iceControlled: false, iceControlling: false,
    messageIntegrity: false, fingerprint: false, errorCode: null, attributeCount: 0, truncated: false,
  };
  const end = STUN_HEADER + msgLen;
  let off = STUN_HEADER;
  while (off < end) {
    if (off + 4 > end || msg.attributeCount >= MAX_STUN_ATTRIBUTES) { msg.truncated = true; break; }
    const attr = u16(buf, off);
    const len = u16(buf, off + 2);
    const v = off + 4;
    if (v + len > end) { msg.truncated = true; break; }
    msg.attributeCount++;
    switch (attr) {
      case STUN_ATTR.USERNAME: msg.username = buf.toString('utf8', v, v + Math.min(len, MAX_STUN_USERNAME)); break;
      case STUN_ATTR.SOFTWARE: msg.software = buf.toString('utf8', v, v + Math.min(len, MAX_STUN_TEXT)); break;
      case STUN_ATTR.REALM: msg.realm = buf.toString('utf8', v, v + Math.min(len, MAX_STUN_TEXT)); break;
      case STUN_ATTR.MAPPED_ADDRESS: msg.mappedAddress = decodeStunAddress(buf, v, len, null); break;
      case STUN_ATTR.XOR_MAPPED_ADDRESS:
        if (hasCookie) msg.xorMappedAddress = decodeStunAddress(buf, v, len, buf.subarray(4, STUN_HEADER));
        break;
      case STUN_ATTR.PRIORITY: if (len === 4) msg.priority = u32(buf, v); break;
      case STUN_ATTR.USE_CANDIDATE: msg.useCandidate = true; break;
      case STUN_ATTR.ICE_CONTROLLED: msg.iceControlled = true; break;
      case STUN_ATTR.ICE_CONTROLLING: msg.iceControlling = true; break;
      case STUN_ATTR.MESSAGE_INTEGRITY: msg.messageIntegrity = true; break;
      case STUN_ATTR.FINGERPRINT: msg.fingerprint = true; break;
      case STUN_ATTR.ERROR_CODE:
        // RFC 5389 §15.6: 21 reserved bits, class (3 bits, 3-6), number (0-99), reason.
        if (len >= 4) msg.errorCode = (buf[v + 2] & 0x07) * 100 + buf[v + 3];
        break;
    }
    off = v + ((len + 3) & ~3);
  }
  return msg;
}

/**
 * (XOR-)MAPPED-ADDRESS (RFC 5389 §15.1, §15.2):
 *  |0 0 0 0 0 0 0 0|    Family     |         (X-)Port              |
 *  |                 (X-)Address (32 bits or 128 bits)             |
 * X-Port is the port XOR the cookie's top 16 bits; X-Address is the address XOR the cookie
 * (IPv4) or XOR cookie || transaction id (IPv6). `mask` is those 16 header bytes.
 */
function decodeStunAddress(buf: Buffer, v: number, len: number, mask: Buffer | null): StunAddress | null {
  if (len < 8) return null;
  const family = buf[v + 1];
  const port = u16(buf, v + 2) ^ (mask ? u16(mask, 0) : 0);
  if (family === 0x01 && len === 8) {
    const parts: number[] = [];
    for (let i = 0; i < 4; i++) parts.push(buf[v + 4 + i] ^ (mask ? mask[i] : 0));
    return { family: 4, ip: parts.join('.'), port };
  }
  if (family === 0x02 && len === 20) {
    const words: number[] = [];
    for (let i = 0; i < 16; i += 2) {
      const hi = buf[v + 4 + i] ^ (mask ? mask[i] : 0);
      const lo = buf[v + 5 + i] ^ (mask ? mask[i + 1] : 0);
      words.push((hi << 8) | lo);
    }
    return { family: 6, ip: formatIPv6Words(words), port };
  }
  return null;
}

/** RFC 5952 §4: lower case, no leading zeros, the longest run (>= 2) of zero words as "::". */
function formatIPv6Words(words: readonly number[]): string {
  let bestStart = -1, bestLen = 0;
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  if (bestLen < 2) return words.map((w) => w.toString(16)).join(':');
  const head = words.slice(0, bestStart).map((w) => w.toString(16)).join(':');
  const tail = words.slice(bestStart + bestLen).map((w) => w.toString(16)).join(':');
  return `${head}::${tail}`;
}
