/**
 * IPv4 and IPv6 headers. Pure decoders over a buffer and an offset; a failure is a
 * snake_case anomaly code (a string), success the caller's reusable result object.
 * Addresses are not copied: `srcOffset` / `dstOffset` index into the same buffer.
 */

export const IpProto = Object.freeze({
  HOP_BY_HOP: 0,
  ICMP: 1,
  IPIP: 4,
  TCP: 6,
  UDP: 17,
  IPV6: 41,
  ROUTING: 43,
  FRAGMENT: 44,
  GRE: 47,
  ESP: 50,
  AH: 51,
  ICMPV6: 58,
  NO_NEXT: 59,
  DEST_OPTS: 60,
  SCTP: 132,
  MOBILITY: 135,
  HIP: 139,
  SHIM6: 140,
});

/** Extension headers walked before giving up; a hostile chain is otherwise only bounded by 64 KiB. */
export const MAX_IPV6_EXTENSION_HEADERS = 16;

export type IpError =
  | 'ip_truncated_header'
  | 'ip_bad_version'
  | 'ipv4_bad_header_length'
  | 'ipv4_bad_total_length'
  | 'ipv6_truncated_extension_header'
  | 'ipv6_too_many_extension_headers';

export interface IPv4Packet {
  headerLength: number;
  /** as declared; when 0 (TSO offload captures) the captured length is used, see lengthFromCapture */
  totalLength: number;
  tos: number;
  id: number;
  dontFragment: boolean;
  moreFragments: boolean;
  /** fragment offset in bytes */
  fragmentOffset: number;
  ttl: number;
  protocol: number;
  /** addresses as big-endian uint32 values and as offsets of their 4 bytes */
  src: number;
  dst: number;
  srcOffset: number;
  dstOffset: number;
  payloadOffset: number;
  /** end of the payload: min(declared end, captured end) */
  payloadEnd: number;
  /** fewer bytes were captured than the header declares */
  truncated: boolean;
  /** total length was 0 (segmentation offload on the capturing host) */
  lengthFromCapture: boolean;
}

export const newIPv4Packet = (): IPv4Packet => ({
  headerLength: 0, totalLength: 0, tos: 0, id: 0, dontFragment: false, moreFragments: false, fragmentOffset: 0,
  ttl: 0, protocol: 0, src: 0, dst: 0, srcOffset: 0, dstOffset: 0, payloadOffset: 0, payloadEnd: 0,
  truncated: false, lengthFromCapture: false,
});

/** True if the datagram is one fragment of a larger one (RFC 791 §3.2). */
export const isIPv4Fragment = (ip: IPv4Packet): boolean => ip.moreFragments || ip.fragmentOffset !== 0;

/**
 * IPv4 header (RFC 791 §3.1):
 *
 *    0                   1                   2                   3
 *   |Version|  IHL  |Type of Service|          Total Length         |
 *   |         Identification        |Flags|      Fragment Offset    |
 *   |  Time to Live |    Protocol   |         Header Checksum       |
 *   |                       Source Address                          |
 *   |                    Destination Address                        |
 *   |                    Options (IHL > 5)                          |
 *
 * IHL counts 32-bit words and is at least 5; the total length covers header and data and
 * cannot be smaller than the header. Ethernet padding beyond the total length is ignored.
 * The captured packet ends at `end` (the buffer's end by default), so a decoder can read a
 * frame inside a larger buffer without a view of it.
 */
export function decodeIPv4(buf: Buffer, off: number, out: IPv4Packet = newIPv4Packet(), end = buf.length): IPv4Packet | IpError {
  const captured = end - off;
  if (captured < 20) return 'ip_truncated_header';
  const b0 = buf[off];
  if (b0 >> 4 !== 4) return 'ip_bad_version';
  const headerLength = (b0 & 0x0f) * 4;
  if (headerLength < 20) return 'ipv4_bad_header_length';
  if (headerLength > captured) return 'ip_truncated_header';
  let totalLength = (buf[off + 2] << 8) | buf[off + 3];
  let fromCapture = false;
  if (totalLength === 0) {
    totalLength = captured;
    fromCapture = true;
  } else if (totalLength < headerLength) {
    return 'ipv4_bad_total_length';
  }
  const flagsFrag = (buf[off + 6] << 8) | buf[off + 7];
  out.headerLength = headerLength;
  out.totalLength = totalLength;
  out.tos = buf[off + 1];
  out.id = (buf[off + 4] << 8) | buf[off + 5];
  out.dontFragment = (flagsFrag & 0x4000) !== 0;
  out.moreFragments = (flagsFrag & 0x2000) !== 0;
  out.fragmentOffset = (flagsFrag & 0x1fff) * 8;
  out.ttl = buf[off + 8];
  out.protocol = buf[off + 9];
  out.src = buf.readUInt32BE(off + 12);
  out.dst = buf.readUInt32BE(off + 16);
  out.srcOffset = off + 12;
  out.dstOffset = off + 16;
  out.payloadOffset = off + headerLength;
  out.truncated = totalLength > captured;
  out.payloadEnd = out.truncated ? end : off + totalLength;
  out.lengthFromCapture = fromCapture;
  return out;
}

export interface IPv6Packet {
  trafficClass: number;
  flowLabel: number;
  /** payload length as declared (0 for jumbograms, RFC 2675) */
  payloadLength: number;
  hopLimit: number;
  /** upper-layer protocol after the extension headers, or the header the walk stopped at
   * (ESP, No Next Header, or after a Fragment header: the first fragmentable header) */
  protocol: number;
  srcOffset: number;
  dstOffset: number;
  payloadOffset: number;
  payloadEnd: number;
  truncated: boolean;
  /** a Fragment header was present */
  isFragment: boolean;
  fragmentId: number;
  /** in bytes */
  fragmentOffset: number;
  moreFragments: boolean;
}

export const newIPv6Packet = (): IPv6Packet => ({
  trafficClass: 0, flowLabel: 0, payloadLength: 0, hopLimit: 0, protocol: 0, srcOffset: 0, dstOffset: 0,
  payloadOffset: 0, payloadEnd: 0, truncated: false, isFragment: false, fragmentId: 0, fragmentOffset: 0,
  moreFragments: false,
});

/**
 * IPv6 header (RFC 8200 §3), 40 bytes, then a chain of extension headers (§4):
 *
 *    0                   1                   2                   3
 *   |Version| Traffic Class |           Flow Label                  |
 *   |         Payload Length        |  Next Header  |   Hop Limit   |
 *   |                    Source Address (16)                        |
 *   |                 Destination Address (16)                      |
 *
 * Hop-by-hop, routing, destination options, mobility, HIP and shim6 headers share the
 * RFC 8200 §4.8 layout | next | length in 8-octet units, not counting the first 8 | ... |;
 * AH (RFC 4302 §2.2) counts 4-octet units minus 2; the Fragment header (§4.5) is 8 bytes:
 *
 *   | Next Header | Reserved | Fragment Offset (13) |Res|M|  Identification (32) |
 *
 * The walk stops after a Fragment header: what follows belongs to the fragmentable part and
 * is walked again after reassembly (see skipIPv6Extensions). The captured packet ends at
 * `limit` (the buffer's end by default).
 */
export function decodeIPv6(buf: Buffer, off: number, out: IPv6Packet = newIPv6Packet(), limit = buf.length): IPv6Packet | IpError {
  const captured = limit - off;
  if (captured < 40) return 'ip_truncated_header';
  const w0 = buf.readUInt32BE(off);
  if (w0 >>> 28 !== 6) return 'ip_bad_version';
  const payloadLength = (buf[off + 4] << 8) | buf[off + 5];
  out.trafficClass = (w0 >>> 20) & 0xff;
  out.flowLabel = w0 & 0xfffff;
  out.payloadLength = payloadLength;
  out.hopLimit = buf[off + 7];
  out.srcOffset = off + 8;
  out.dstOffset = off + 24;
  out.isFragment = false;
  out.fragmentId = 0;
  out.fragmentOffset = 0;
  out.moreFragments = false;
  const declaredEnd = payloadLength === 0 ? limit : off + 40 + payloadLength;
  out.truncated = declaredEnd > limit;
  const end = out.truncated ? limit : declaredEnd;
  out.payloadEnd = end;
  let nh = buf[off + 6];
  let p = off + 40;
  for (let n = 0; ; n++) {
    if (!isIPv6ExtensionHeader(nh)) break;
    if (n === MAX_IPV6_EXTENSION_HEADERS) return 'ipv6_too_many_extension_headers';
    if (end - p < 8) return 'ipv6_truncated_extension_header';
    if (nh === IpProto.FRAGMENT) {
      const fo = (buf[p + 2] << 8) | buf[p + 3];
      out.isFragment = true;
      out.fragmentOffset = fo & 0xfff8;
      out.moreFragments = (fo & 1) !== 0;
      out.fragmentId = buf.readUInt32BE(p + 4);
      nh = buf[p];
      p += 8;
      break;
    }
    const len = extensionHeaderLength(nh, buf[p + 1]);
    if (end - p < len) return 'ipv6_truncated_extension_header';
    nh = buf[p];
    p += len;
  }
  out.protocol = nh;
  out.payloadOffset = p;
  return out;
}

/** Headers whose layout lets a decoder step over them; ESP (50) and No Next Header (59) end a chain. */
export const isIPv6ExtensionHeader = (nh: number): boolean =>
  nh === IpProto.HOP_BY_HOP || nh === IpProto.ROUTING || nh === IpProto.FRAGMENT || nh === IpProto.DEST_OPTS ||
  nh === IpProto.AH || nh === IpProto.MOBILITY || nh === IpProto.HIP || nh === IpProto.SHIM6;

const extensionHeaderLength = (nh: number, lenField: number): number =>
  nh === IpProto.AH ? (lenField + 2) * 4 : (lenField + 1) * 8;

export interface IPv6Upper { protocol: number; offset: number }

/**
 * Step over the extension headers at the start of a reassembled IPv6 fragmentable part.
 * Fragment headers found here are nested fragmentation, which RFC 8200 §4.5 does not allow.
 */
export function skipIPv6Extensions(buf: Buffer, off: number, end: number, nh: number, out: IPv6Upper): IPv6Upper | IpError {
  for (let n = 0; isIPv6ExtensionHeader(nh); n++) {
    if (n === MAX_IPV6_EXTENSION_HEADERS) return 'ipv6_too_many_extension_headers';
    if (end - off < 8) return 'ipv6_truncated_extension_header';
    const len = nh === IpProto.FRAGMENT ? 8 : extensionHeaderLength(nh, buf[off + 1]);
    if (end - off < len) return 'ipv6_truncated_extension_header';
    nh = buf[off];
    off += len;
  }
  out.protocol = nh;
  out.offset = off;
  return out;
}

const DECIMAL_BYTE: readonly string[] = Array.from({ length: 256 }, (_, i) => String(i));

/** Dotted quad of the 4 bytes at `off`. */
export function ipv4ToString(buf: Buffer, off: number): string {
  return DECIMAL_BYTE[buf[off]] + '.' + DECIMAL_BYTE[buf[off + 1]] + '.' + DECIMAL_BYTE[buf[off + 2]] + '.' + DECIMAL_BYTE[buf[off + 3]];
}

/** Dotted quad of a big-endian uint32 address. */
export function ipv4FromUint32(a: number): string {
  return DECIMAL_BYTE[a >>> 24] + '.' + DECIMAL_BYTE[(a >>> 16) & 0xff] + '.' + DECIMAL_BYTE[(a >>> 8) & 0xff] + '.' + DECIMAL_BYTE[a & 0xff];
}

/**
 * RFC 5952 text form of the 16 bytes at `off`: lower-case hex without leading zeros (§4.1,
 * §4.3), the longest run of two or more zero groups shortened to "::", the first on a tie
 * (§4.2), and IPv4-mapped addresses in mixed notation "::ffff:192.0.2.1" (§5).
 */
export function ipv6ToString(buf: Buffer, off: number): string {
  let bestStart = -1, bestLen = 0, runStart = -1;
  for (let i = 0; i < 8; i++) {
    const zero = buf[off + 2 * i] === 0 && buf[off + 2 * i + 1] === 0;
    if (zero) {
      if (runStart < 0) runStart = i;
      const len = i - runStart + 1;
      if (len > bestLen) { bestLen = len; bestStart = runStart; }
    } else {
      runStart = -1;
    }
  }
  if (bestLen < 2) bestStart = -1;
  if (bestStart === 0 && bestLen === 5 && buf[off + 10] === 0xff && buf[off + 11] === 0xff) {
    return '::ffff:' + ipv4ToString(buf, off + 12);
  }
  let s = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      s += i === 0 ? '::' : ':';
      i += bestLen - 1;
      continue;
    }
    s += ((buf[off + 2 * i] << 8) | buf[off + 2 * i + 1]).toString(16);
    if (i < 7) s += ':';
  }
  return s;
}
