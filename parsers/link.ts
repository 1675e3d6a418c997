/**
 * Link layers: from a captured frame to the offset of its network-layer packet.
 * Pure functions over the frame; offsets in results are absolute offsets into the buffer
 * given. A caller on the hot path passes its own `out` object so nothing is allocated.
 */

/** LINKTYPE_* values from the tcpdump.org link-layer header types registry. */
export const LinkType = Object.freeze({
  NULL: 0,
  ETHERNET: 1,
  RAW_OPENBSD: 12,
  RAW_BSDOS: 14,
  RAW: 101,
  LOOP: 108,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
});

export const EtherType = Object.freeze({
  IPV4: 0x0800,
  ARP: 0x0806,
  VLAN: 0x8100,
  IPV6: 0x86dd,
  QINQ: 0x88a8,
  QINQ_OLD: 0x9100,
  MPLS_UNICAST: 0x8847,
  MPLS_MULTICAST: 0x8848,
  PPPOE_SESSION: 0x8864,
  /** Transparent Ethernet bridging: an Ethernet frame inside GRE (RFC 1701). */
  TEB: 0x6558,
  ERSPAN_2: 0x88be,
  ERSPAN_3: 0x22eb,
  PPP: 0x880b,
});

/** `etherType` of a frame using 802.3 length framing with a non-SNAP LLC header. */
export const ETHERTYPE_NONE = 0;

/** VLAN tags (802.1Q/QinQ) followed before giving up: real networks stack two, rarely three. */
export const MAX_VLAN_TAGS = 8;
/** MPLS labels followed before giving up. */
export const MAX_MPLS_LABELS = 16;

export interface LinkResult {
  /** 0x0800 IPv4, 0x86dd IPv6, anything else is not IP (ETHERTYPE_NONE for bare 802.3/LLC) */
  etherType: number;
  /** offset of the network-layer header */
  l3Offset: number;
  /** -1 if the link has no MAC pair; else destination MAC here, source MAC at macOffset + 6 */
  macOffset: number;
  /** offset of the sender's MAC (Ethernet source, Linux cooked source address), -1 if none */
  srcMacOffset: number;
  /** outermost VLAN id, -1 if untagged */
  vlan: number;
}

export const newLinkResult = (): LinkResult => ({ etherType: 0, l3Offset: 0, macOffset: -1, srcMacOffset: -1, vlan: -1 });

/**
 * Decode the link header of `frame` captured with `linkType`; null if the link type is not
 * supported or the frame is too short for its header. The frame is `frame[start, end)` (the
 * whole buffer by default), so a capture's chunk can be decoded without a view per packet;
 * the offsets in the result index `frame`.
 */
export function decodeLink(linkType: number, frame: Buffer, out: LinkResult = newLinkResult(), start = 0, end = frame.length): LinkResult | null {
  switch (linkType) {
    case LinkType.ETHERNET: return decodeEthernet(frame, start, out, end);
    case LinkType.LINUX_SLL: return decodeSll(frame, start, end, out);
    case LinkType.LINUX_SLL2: return decodeSll2(frame, start, end, out);
    case LinkType.NULL:
    case LinkType.LOOP: return decodeBsdLoopback(frame, start, end, out);
    case LinkType.RAW:
    case LinkType.RAW_OPENBSD:
    case LinkType.RAW_BSDOS: return decodeRawIp(frame, start, end, out);
    case LinkType.IPV4: return setResult(out, EtherType.IPV4, start, -1, -1, -1);
    case LinkType.IPV6: return setResult(out, EtherType.IPV6, start, -1, -1, -1);
    default: return null;
  }
}

const SUPPORTED_LINK_TYPES: ReadonlySet<number> = new Set(Object.values(LinkType));

/** True if `decodeLink` knows this link type. */
export const isSupportedLinkType = (linkType: number): boolean => SUPPORTED_LINK_TYPES.has(linkType);

function setResult(out: LinkResult, etherType: number, l3Offset: number, macOffset: number, srcMacOffset: number, vlan: number): LinkResult {
  out.etherType = etherType;
  out.l3Offset = l3Offset;
  out.macOffset = macOffset;
  out.srcMacOffset = srcMacOffset;
  out.vlan = vlan;
  return out;
}

const isVlanTag = (t: number) => t === EtherType.VLAN || t === EtherType.QINQ || t === EtherType.QINQ_OLD;

/**
 * Ethernet II (IEEE 802.3 with an EtherType), starting at `off` (GRE and ERSPAN carry whole
 * frames inside packets, hence the offset):
 *
 *   0                 6                 12       14
 *   | destination MAC | source MAC      | type   | payload...
 *
 * followed by any number of 4-byte VLAN tags (802.1Q 0x8100, 802.1ad 0x88a8, legacy 0x9100):
 *
 *   | type 0x8100 | PCP(3) DEI(1) VID(12) | next type |
 *
 * A type <= 1500 is an 802.3 length; with an LLC/SNAP header (AA AA 03, OUI 000000) the real
 * EtherType follows the SNAP OUI. MPLS label stacks and PPPoE sessions are walked to the IP
 * packet they carry.
 */
export function decodeEthernet(buf: Buffer, off: number, out: LinkResult = newLinkResult(), end = buf.length): LinkResult | null {
  if (end - off < 14) return null;
  let type = (buf[off + 12] << 8) | buf[off + 13];
  let p = off + 14;
  let vlan = -1;
  for (let tags = 0; isVlanTag(type); tags++) {
    if (tags === MAX_VLAN_TAGS || end - p < 4) return null;
    if (vlan < 0) vlan = ((buf[p] << 8) | buf[p + 1]) & 0x0fff;
    type = (buf[p + 2] << 8) | buf[p + 3];
    p += 4;
  }
  if (type <= 1500) {
    // IEEE 802.2 LLC; only SNAP with the Ethernet OUI carries an EtherType.
    if (end - p >= 8 && buf[p] === 0xaa && buf[p + 1] === 0xaa && buf[p + 2] === 0x03 &&
        buf[p + 3] === 0 && buf[p + 4] === 0 && buf[p + 5] === 0) {
      type = (buf[p + 6] << 8) | buf[p + 7];
      p += 8;
    } else {
      return setResult(out, ETHERTYPE_NONE, p, off, off + 6, vlan);
    }
  }
  if (type === EtherType.MPLS_UNICAST || type === EtherType.MPLS_MULTICAST) return decodeMpls(buf, p, end, off, vlan, out);
  if (type === EtherType.PPPOE_SESSION) return decodePppoe(buf, p, end, off, vlan, out);
  return setResult(out, type, p, off, off + 6, vlan);
}

/**
 * MPLS label stack (RFC 3032 §2.1), 4 bytes per entry, the last with S (bottom of stack) set:
 *
 *   | label (20) | TC (3) | S (1) | TTL (8) |
 *
 * MPLS does not say what is below the stack; the IP version nibble does (RFC 4928 §2 explains
 * why routers rely on the same guess).
 */
function decodeMpls(buf: Buffer, p: number, end: number, macOffset: number, vlan: number, out: LinkResult): LinkResult | null {
  for (let n = 0; ; n++) {
    if (n === MAX_MPLS_LABELS || end - p < 4) return null;
    const bottom = (buf[p + 2] & 0x01) !== 0;
    p += 4;
    if (bottom) break;
  }
  if (end - p < 1) return null;
  return setResult(out, ipVersionType(buf[p] >> 4), p, macOffset, macOffset + 6, vlan);
}

/**
 * PPPoE session stage (RFC 2516 §4): | ver 1 | type 1 | code 0 | session id | length | PPP proto |
 */
function decodePppoe(buf: Buffer, p: number, end: number, macOffset: number, vlan: number, out: LinkResult): LinkResult | null {
  if (end - p < 8) return null;
  const type = pppToEtherType((buf[p + 6] << 8) | buf[p + 7]);
  return setResult(out, type, p + 8, macOffset, macOffset + 6, vlan);
}

/** PPP protocol numbers (RFC 1661 / IANA) of IPv4 and IPv6 mapped to EtherTypes; 0 otherwise. */
export const pppToEtherType = (proto: number): number =>
  proto === 0x0021 ? EtherType.IPV4 : proto === 0x0057 ? EtherType.IPV6 : ETHERTYPE_NONE;

const ipVersionType = (version: number): number =>
  version === 4 ? EtherType.IPV4 : version === 6 ? EtherType.IPV6 : ETHERTYPE_NONE;

/**
 * Linux cooked capture v1 (LINKTYPE_LINUX_SLL), 16 bytes:
 *
 *   0            2          4              6                    14
 *   | pkt type   | ARPHRD   | addr length  | link addr (8, pad) | protocol |
 *
 * Only the sender's address is recorded; it is a MAC when ARPHRD is Ethernet (1) and the
 * address length 6.
 */
function decodeSll(frame: Buffer, s: number, end: number, out: LinkResult): LinkResult | null {
  if (end - s < 16) return null;
  const arphrd = (frame[s + 2] << 8) | frame[s + 3];
  const addrLen = (frame[s + 4] << 8) | frame[s + 5];
  const src = arphrd === ARPHRD_ETHER && addrLen === 6 ? s + 6 : -1;
  return setResult(out, (frame[s + 14] << 8) | frame[s + 15], s + 16, -1, src, -1);
}

/**
 * Linux cooked capture v2 (LINKTYPE_LINUX_SLL2), 20 bytes:
 *
 *   0          2          4            8         10         11          12
 *   | protocol | reserved | ifindex    | ARPHRD  | pkt type | addr len  | link addr (8, pad) |
 */
function decodeSll2(frame: Buffer, s: number, end: number, out: LinkResult): LinkResult | null {
  if (end - s < 20) return null;
  const arphrd = (frame[s + 8] << 8) | frame[s + 9];
  const src = arphrd === ARPHRD_ETHER && frame[s + 11] === 6 ? s + 12 : -1;
  return setResult(out, (frame[s] << 8) | frame[s + 1], s + 20, -1, src, -1);
}

const ARPHRD_ETHER = 1;

/** BSD address families of IPv6 differ per OS: NetBSD/OpenBSD 24, FreeBSD 28, macOS 30. */
const isBsdAfInet6 = (af: number) => af === 24 || af === 28 || af === 30;
const BSD_AF_INET = 2;

/**
 * BSD loopback: a 4-byte address family. LINKTYPE_NULL stores it in the capturing host's
 * byte order, LINKTYPE_LOOP in network order; files travel between hosts, so both orders are
 * accepted for both (the values are small, the two readings cannot collide).
 */
function decodeBsdLoopback(frame: Buffer, s: number, end: number, out: LinkResult): LinkResult | null {
  if (end - s < 4) return null;
  const le = frame.readUInt32LE(s);
  const af = le < 0x10000 ? le : frame.readUInt32BE(s);
  if (af === BSD_AF_INET) return setResult(out, EtherType.IPV4, s + 4, -1, -1, -1);
  if (isBsdAfInet6(af)) return setResult(out, EtherType.IPV6, s + 4, -1, -1, -1);
  return setResult(out, ETHERTYPE_NONE, s + 4, -1, -1, -1);
}

/** Raw IP: the version nibble is all there is. */
function decodeRawIp(frame: Buffer, off: number, end: number, out: LinkResult): LinkResult | null {
  if (end - off < 1) return null;
  return setResult(out, ipVersionType(frame[off] >> 4), off, -1, -1, -1);
}

const HEX_BYTE: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** "aa:bb:cc:dd:ee:ff" for the 6 bytes at `off` (caller guarantees they are present). */
export function formatMac(buf: Buffer, off: number): string {
  return HEX_BYTE[buf[off]] + ':' + HEX_BYTE[buf[off + 1]] + ':' + HEX_BYTE[buf[off + 2]] + ':' +
    HEX_BYTE[buf[off + 3]] + ':' + HEX_BYTE[buf[off + 4]] + ':' + HEX_BYTE[buf[off + 5]];
}
