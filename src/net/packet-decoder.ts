/**
 * From a captured frame to UDP datagrams and TCP segments: link layer, IPv4/IPv6 (with
 * fragment reassembly), tunnels, transport header. One packet object is reused for every
 * callback; it and its buffers are valid only during the callback.
 *
 * Tunnels seen in mirrored traffic are opened and the innermost packet is reported:
 * IP-in-IP (4) and IPv6-in-IP (41), GRE (RFC 2784/2890) carrying IP, Ethernet (0x6558),
 * ERSPAN types I/II (0x88be) and III (0x22eb), PPTP's enhanced GRE with PPP (RFC 2637),
 * VXLAN (RFC 7348: AWS traffic mirroring, overlays) and Geneve (RFC 8926: AWS Gateway Load
 * Balancer) on their UDP ports.
 *
 * Malformed input never throws: each problem is counted in `anomalies` by snake_case name.
 */
import { decodeEthernet, decodeLink, isSupportedLinkType, newLinkResult, pppToEtherType, EtherType, ETHERTYPE_NONE, type LinkResult } from '../../parsers/link.ts';
import {
  decodeIPv4, decodeIPv6, isIPv4Fragment, isIPv6ExtensionHeader, skipIPv6Extensions, ipv4FromUint32, ipv6ToString,
  newIPv4Packet, newIPv6Packet, IpProto, type IPv6Upper,
} from '../../parsers/ip.ts';
import { decodeTcp, decodeUdp, newTcpSegment, newUdpDatagram } from '../../parsers/transport.ts';
import type { CapturedPacket, FramedCapturedPacket } from '../../parsers/capture-file.ts';
import { IpDefragmenter, type DefragOptions } from './ip-defrag.ts';

export interface TransportPacket {
  ts: number;
  transport: 'udp' | 'tcp';
  ipVersion: 4 | 6;
  srcIp: string;
  dstIp: string;
  srcPort: number;
  dstPort: number;
  /** the buffer `macOffset` and `srcMacOffset` index: the one the captured frame lies in (the
   * frame itself, or the capture reader's chunk), or a reassembled datagram when the innermost
   * Ethernet header came out of one */
  frame: Buffer;
  /** -1 if no MAC pair; else destination MAC here, source MAC at macOffset + 6 */
  macOffset: number;
  /** the sender's MAC (also known for Linux cooked captures, which have no destination), -1 if none */
  srcMacOffset: number;
  /** VLAN id of the Ethernet header the MACs come from (outermost tag), else of the capture; -1 untagged */
  vlan: number;
  /** UDP payload or TCP segment payload (view) */
  payload: Buffer;
  /** payload bytes the IP header declares but the capture cut off (snap length) */
  truncatedBytes: number;
  /** tcp only (0 for udp) */
  tcpFlags: number;
  seq: number;
  ack: number;
  /** true if reassembled from IP fragments */
  fragmented: boolean;
  /** tunnel layers opened to reach this packet, 0 for plain traffic */
  tunnelDepth: number;
}

/**
 * What the decoder delivers: the payload is also given as `payloadBuffer[payloadOffset,
 * payloadEnd)`, so the per-packet media path can read it without the `payload` view, which
 * the decoder then makes only when something asks for it.
 */
export interface DecodedTransportPacket extends TransportPacket {
  payloadBuffer: Buffer;
  payloadOffset: number;
  payloadEnd: number;
  /**
   * 32-bit numbers equal for equal addresses (IPv4: the address; IPv6: a mix of its words),
   * so per-packet lookups can hash addresses without hashing their strings.
   */
  srcAddrKey: number;
  dstAddrKey: number;
}

export interface DecoderOptions {
  defrag?: DefragOptions;
  /** UDP ports (either end) decoded as VXLAN; default [4789] (IANA) */
  vxlanPorts?: readonly number[];
  /** UDP ports (either end) decoded as Geneve; default [6081] (IANA) */
  genevePorts?: readonly number[];
}

/** IANA UDP ports of VXLAN (RFC 7348 §5) and Geneve (RFC 8926 §3.3). */
const VXLAN_PORT = 4789;
const GENEVE_PORT = 6081;
const TUNNEL_VXLAN = 1;
const TUNNEL_GENEVE = 2;
/** Tunnel layers opened before giving up: real mirrors nest two at most (ERSPAN of GRE). */
export const MAX_TUNNEL_DEPTH = 4;
/**
 * Caches of address strings: bounded, and a hit allocates nothing. IPv4 is 4-way set
 * associative (4,096 sets, 16,384 addresses): direct-mapped with 4,096 slots, a few thousand
 * active phones left a third of them sharing a slot with another busy address, and those
 * missed on almost every packet. Also, a string that stays cached is the same object on every
 * packet, so trackers comparing addresses mostly compare pointers.
 */
const IPV4_CACHE_SET_BITS = 12;
const IPV4_CACHE_WAYS = 4;
const IPV6_CACHE_BITS = 10;

export interface DecoderCounters {
  packets: number;
  bytes: number;
  /** IP headers decoded, tunnel layers included */
  ipv4: number;
  ipv6: number;
  /** transport packets delivered */
  udp: number;
  tcp: number;
  sctp: number;
  icmp: number;
  /** IP packets of any other protocol (ESP, OSPF, VRRP, ...) */
  other: number;
  /** frames that are not IP (ARP, LLDP, STP, ...) */
  nonIp: number;
  fragments: number;
  reassembled: number;
  /** packets delivered from inside a tunnel */
  tunneled: number;
}

const EMPTY = Buffer.alloc(0);

/**
 * The decoder's one reused packet object. A view costs an allocation per packet, and the RTP
 * packets that are most of the traffic never need one, so `payload` is made on first access
 * and kept until the next packet.
 */
class ReusedTransportPacket implements DecodedTransportPacket {
  ts = 0;
  transport: 'udp' | 'tcp' = 'udp';
  ipVersion: 4 | 6 = 4;
  srcIp = '';
  dstIp = '';
  srcPort = 0;
  dstPort = 0;
  frame: Buffer = EMPTY;
  macOffset = -1;
  srcMacOffset = -1;
  vlan = -1;
  payloadBuffer: Buffer = EMPTY;
  payloadOffset = 0;
  payloadEnd = 0;
  srcAddrKey = 0;
  dstAddrKey = 0;
  truncatedBytes = 0;
  tcpFlags = 0;
  seq = 0;
  ack = 0;
  fragmented = false;
  tunnelDepth = 0;
  private view: Buffer | null = null;

  get payload(): Buffer {
    this.view ??= this.payloadBuffer.subarray(this.payloadOffset, this.payloadEnd);
    return this.view;
  }

  /** TransportPacket.payload is writable: a payload set this way is the whole buffer. */
  set payload(payload: Buffer) {
    this.setPayload(payload, 0, payload.length);
    this.view = payload;
  }

  setPayload(buf: Buffer, off: number, end: number): void {
    this.payloadBuffer = buf;
    this.payloadOffset = off;
    this.payloadEnd = end;
    this.view = null;
  }
}

export class PacketDecoder {
  readonly anomalies: Record<string, number> = Object.create(null);
  readonly counters: DecoderCounters = {
    packets: 0, bytes: 0, ipv4: 0, ipv6: 0, udp: 0, tcp: 0, sctp: 0, icmp: 0, other: 0, nonIp: 0,
    fragments: 0, reassembled: 0, tunneled: 0,
  };
  readonly defrag: IpDefragmenter;

  /**
   * Per UDP port, the tunnels recognized on it (TUNNEL_* bits): two loads per datagram where
   * four Set lookups were, since every datagram is checked.
   */
  private readonly tunnelPorts = new Uint8Array(65536);
  // Result objects are shared across tunnel layers: each layer reads what it needs before
  // decoding the next one.
  private readonly link: LinkResult = newLinkResult();
  private readonly ip4 = newIPv4Packet();
  private readonly ip6 = newIPv6Packet();
  private readonly ip6Upper: IPv6Upper = { protocol: 0, offset: 0 };
  private readonly udp = newUdpDatagram();
  private readonly tcp = newTcpSegment();
  private readonly tp = new ReusedTransportPacket();
  private onTransport: (tp: DecodedTransportPacket) => void = () => {};

  // The innermost IP header seen so far in the current packet.
  private ipVersion: 4 | 6 = 4;
  private ipBuf: Buffer = Buffer.alloc(0);
  private src4 = 0;
  private dst4 = 0;
  private src6 = 0;
  private dst6 = 0;
  /** payload bytes the innermost IP header declares beyond the capture */
  private ipMissing = 0;

  private readonly v4Keys = new Uint32Array(IPV4_CACHE_WAYS << IPV4_CACHE_SET_BITS);
  private readonly v4Names: Array<string | undefined> = new Array(IPV4_CACHE_WAYS << IPV4_CACHE_SET_BITS).fill(undefined);
  private readonly v6Keys = new Uint32Array(4 << IPV6_CACHE_BITS);
  private readonly v6Names: Array<string | undefined> = new Array(1 << IPV6_CACHE_BITS).fill(undefined);

  constructor(opts: DecoderOptions = {}) {
    this.defrag = new IpDefragmenter(opts.defrag, (code) => this.count(code));
    for (const port of opts.vxlanPorts ?? [VXLAN_PORT]) this.markTunnelPort(port, TUNNEL_VXLAN);
    for (const port of opts.genevePorts ?? [GENEVE_PORT]) this.markTunnelPort(port, TUNNEL_GENEVE);
  }

  /** Anything but a port number can never match a datagram's port, so it is ignored. */
  private markTunnelPort(port: number, tunnel: number): void {
    if (Number.isInteger(port) && port >= 0 && port <= 0xffff) this.tunnelPorts[port] |= tunnel;
  }

  decode(pkt: CapturedPacket, onTransport: (tp: DecodedTransportPacket) => void): void {
    const c = this.counters;
    // The file parser gives the frame as a range of its chunk: decoded in place, with `end`
    // passed down as the limit every decoder would otherwise take from the buffer's length.
    const framed = pkt as Partial<FramedCapturedPacket>;
    let frame: Buffer, start: number, end: number;
    if (framed.frameBuffer !== undefined) {
      frame = framed.frameBuffer; start = framed.frameOffset!; end = framed.frameEnd!;
    } else {
      frame = pkt.data; start = 0; end = frame.length;
    }
    c.packets++;
    c.bytes += end - start;
    const link = decodeLink(pkt.linkType, frame, this.link, start, end);
    if (link === null) {
      this.count(isSupportedLinkType(pkt.linkType) ? 'link_truncated' : 'unsupported_link_type');
      return;
    }
    const tp = this.tp;
    tp.ts = pkt.ts;
    tp.frame = frame;
    tp.macOffset = link.macOffset;
    tp.srcMacOffset = link.srcMacOffset;
    tp.vlan = link.vlan;
    tp.fragmented = false;
    tp.tunnelDepth = 0;
    this.onTransport = onTransport;
    this.network(frame, link.l3Offset, end, link.etherType, 0);
  }

  /** End of input: fragments still waiting are counted as timed out. */
  flush(): void {
    this.defrag.flush();
  }

  private count(code: string): void {
    this.anomalies[code] = (this.anomalies[code] ?? 0) + 1;
  }

  /** Each layer's packet is `buf[off, end)`: `end` is where the enclosing frame or packet ends. */
  private network(buf: Buffer, off: number, end: number, etherType: number, depth: number): void {
    if (etherType === EtherType.IPV4) this.ipv4(buf, off, end, depth);
    else if (etherType === EtherType.IPV6) this.ipv6(buf, off, end, depth);
    else this.counters.nonIp++;
  }

  private ipv4(buf: Buffer, off: number, end: number, depth: number): void {
    const ip = decodeIPv4(buf, off, this.ip4, end);
    if (typeof ip === 'string') { this.count(ip); return; }
    this.counters.ipv4++;
    if (ip.truncated) this.count('ip_truncated');
    if (ip.lengthFromCapture) this.count('ipv4_zero_total_length');
    this.ipVersion = 4;
    this.ipBuf = buf;
    this.src4 = ip.src;
    this.dst4 = ip.dst;
    this.ipMissing = ip.truncated ? off + ip.totalLength - end : 0;
    if (isIPv4Fragment(ip)) {
      this.counters.fragments++;
      if (ip.truncated) { this.count('ip_fragment_truncated'); return; }
      const r = this.defrag.addIPv4(buf, ip, this.tp.ts);
      if (r === null) return;
      this.counters.reassembled++;
      this.tp.fragmented = true;
      this.upper(r.payload, 0, r.payload.length, r.protocol, depth);
      return;
    }
    this.upper(buf, ip.payloadOffset, ip.payloadEnd, ip.protocol, depth);
  }

  private ipv6(buf: Buffer, off: number, end: number, depth: number): void {
    const ip = decodeIPv6(buf, off, this.ip6, end);
    if (typeof ip === 'string') { this.count(ip); return; }
    this.counters.ipv6++;
    if (ip.truncated) this.count('ip_truncated');
    this.ipVersion = 6;
    this.ipBuf = buf;
    this.src6 = ip.srcOffset;
    this.dst6 = ip.dstOffset;
    this.ipMissing = ip.truncated ? off + 40 + ip.payloadLength - end : 0;
    if (ip.isFragment) {
      if (!ip.moreFragments && ip.fragmentOffset === 0) {
        // An atomic fragment (RFC 6946): a Fragment header on a whole packet.
        this.upper(buf, ip.payloadOffset, ip.payloadEnd, ip.protocol, depth);
        return;
      }
      this.counters.fragments++;
      if (ip.truncated) { this.count('ip_fragment_truncated'); return; }
      const r = this.defrag.addIPv6(buf, ip, this.tp.ts);
      if (r === null) return;
      this.counters.reassembled++;
      this.tp.fragmented = true;
      this.upper(r.payload, 0, r.payload.length, r.protocol, depth);
      return;
    }
    this.upper(buf, ip.payloadOffset, ip.payloadEnd, ip.protocol, depth);
  }

  /** The payload of the innermost IP header: [off, end) of buf. */
  private upper(buf: Buffer, off: number, end: number, protocol: number, depth: number): void {
    const c = this.counters;
    switch (protocol) {
      case IpProto.UDP: this.udpPacket(buf, off, end, depth); return;
      case IpProto.TCP: this.tcpPacket(buf, off, end, depth); return;
      case IpProto.IPIP:
      case IpProto.IPV6: {
        if (!this.enterTunnel(depth)) return;
        this.tp.macOffset = -1;
        this.tp.srcMacOffset = -1;
        if (protocol === IpProto.IPIP) this.ipv4(buf, off, end, depth + 1);
        else this.ipv6(buf, off, end, depth + 1);
        return;
      }
      case IpProto.GRE: this.gre(buf, off, end, depth); return;
      case IpProto.ICMP:
      case IpProto.ICMPV6: c.icmp++; return;
      case IpProto.SCTP: c.sctp++; return;
      default:
        if (this.ipVersion === 6 && isIPv6ExtensionHeader(protocol)) {
          // Extension headers after a Fragment header, walked once the datagram is whole.
          const r = skipIPv6Extensions(buf, off, end, protocol, this.ip6Upper);
          if (typeof r === 'string') { this.count(r); return; }
          if (isIPv6ExtensionHeader(r.protocol)) { c.other++; return; }
          this.upper(buf, r.offset, end, r.protocol, depth);
          return;
        }
        c.other++;
    }
  }

  private enterTunnel(depth: number): boolean {
    if (depth + 1 > MAX_TUNNEL_DEPTH) { this.count('tunnel_depth_exceeded'); return false; }
    this.tp.tunnelDepth = depth + 1;
    return true;
  }

  private udpPacket(buf: Buffer, off: number, end: number, depth: number): void {
    const u = decodeUdp(buf, off, end, this.udp);
    if (typeof u === 'string') { this.count(u); return; }
    if (u.truncated && this.ipMissing === 0) this.count('udp_length_exceeds_ip_payload');
    // Tunnels are recognized on either port, as Wireshark does, and only with a valid header.
    const tunnels = this.tunnelPorts[u.dstPort] | this.tunnelPorts[u.srcPort];
    if (tunnels !== 0) {
      if ((tunnels & TUNNEL_VXLAN) !== 0 && this.vxlan(buf, u.payloadOffset, u.payloadEnd, depth)) return;
      if ((tunnels & TUNNEL_GENEVE) !== 0 && this.geneve(buf, u.payloadOffset, u.payloadEnd, depth)) return;
    }
    const tp = this.tp;
    tp.transport = 'udp';
    tp.srcPort = u.srcPort;
    tp.dstPort = u.dstPort;
    tp.tcpFlags = 0;
    tp.seq = 0;
    tp.ack = 0;
    this.counters.udp++;
    this.deliver(buf, u.payloadOffset, u.payloadEnd, depth);
  }

  private tcpPacket(buf: Buffer, off: number, end: number, depth: number): void {
    const t = decodeTcp(buf, off, end, this.tcp);
    if (typeof t === 'string') {
      this.count(this.ipMissing > 0 && t === 'tcp_truncated_header' ? 'ip_truncated_transport_header' : t);
      return;
    }
    const tp = this.tp;
    tp.transport = 'tcp';
    tp.srcPort = t.srcPort;
    tp.dstPort = t.dstPort;
    tp.tcpFlags = t.flags;
    tp.seq = t.seq;
    tp.ack = t.ack;
    this.counters.tcp++;
    this.deliver(buf, t.payloadOffset, t.payloadEnd, depth);
  }

  private deliver(buf: Buffer, off: number, end: number, depth: number): void {
    const tp = this.tp;
    tp.ipVersion = this.ipVersion;
    if (this.ipVersion === 4) {
      tp.srcIp = this.ipv4Name(this.src4);
      tp.dstIp = this.ipv4Name(this.dst4);
      tp.srcAddrKey = this.src4;
      tp.dstAddrKey = this.dst4;
    } else {
      tp.srcIp = this.ipv6Name(this.ipBuf, this.src6);
      tp.dstIp = this.ipv6Name(this.ipBuf, this.dst6);
      tp.srcAddrKey = ipv6Key(this.ipBuf, this.src6);
      tp.dstAddrKey = ipv6Key(this.ipBuf, this.dst6);
    }
    tp.setPayload(buf, off, end);
    tp.truncatedBytes = tp.fragmented ? 0 : this.ipMissing;
    if (depth > 0) this.counters.tunneled++;
    this.onTransport(tp);
  }

  private ipv4Name(a: number): string {
    const set = (Math.imul(a, 0x9e3779b1) >>> (32 - IPV4_CACHE_SET_BITS)) * IPV4_CACHE_WAYS;
    const end = set + IPV4_CACHE_WAYS;
    const keys = this.v4Keys;
    const names = this.v4Names;
    // Ways fill from the first, so the first empty one ends the search.
    for (let w = set; w < end; w++) {
      const name = names[w];
      if (name === undefined) break;
      if (keys[w] === a) return name;
    }
    // A miss takes the first way; the others move down and the oldest entry of the set goes.
    for (let w = end - 1; w > set; w--) {
      keys[w] = keys[w - 1];
      names[w] = names[w - 1];
    }
    const s = ipv4FromUint32(a);
    keys[set] = a;
    names[set] = s;
    return s;
  }

  private ipv6Name(buf: Buffer, off: number): string {
    const w0 = buf.readUInt32BE(off), w1 = buf.readUInt32BE(off + 4), w2 = buf.readUInt32BE(off + 8), w3 = buf.readUInt32BE(off + 12);
    const i = Math.imul(ipv6Key(buf, off), 0x9e3779b1) >>> (32 - IPV6_CACHE_BITS);
    const k = i * 4;
    const keys = this.v6Keys;
    const name = this.v6Names[i];
    if (name !== undefined && keys[k] === w0 && keys[k + 1] === w1 && keys[k + 2] === w2 && keys[k + 3] === w3) return name;
    const s = ipv6ToString(buf, off);
    keys[k] = w0; keys[k + 1] = w1; keys[k + 2] = w2; keys[k + 3] = w3;
    this.v6Names[i] = s;
    return s;
  }

  /**
   * GRE header (RFC 2784 §2, keys and sequence numbers RFC 2890 §2):
   *
   *   |C|R|K|S|s|Recur|A| Flags |Ver|         Protocol Type         |
   *   |      Checksum (if C or R)     |       Offset (if C or R)      |
   *   |                         Key (if K)                            |
   *   |                 Sequence Number (if S)                        |
   *
   * Version 1 is PPTP's enhanced GRE (RFC 2637 §4.1): Key always present (payload length and
   * call id), then Sequence Number if S, Acknowledgment Number if A. Source routing (R, from
   * RFC 1701) is deprecated and not followed.
   */
  private gre(buf: Buffer, off: number, end: number, depth: number): void {
    if (end - off < 4) { this.count('gre_truncated'); return; }
    const flags = buf[off];
    const version = buf[off + 1] & 0x07;
    const proto = (buf[off + 2] << 8) | buf[off + 3];
    let p = off + 4;
    if (version === 0) {
      if (flags & 0x40) { this.count('gre_source_routing'); return; }
      if (flags & 0x80) p += 4;
      if (flags & 0x20) p += 4;
      if (flags & 0x10) p += 4;
    } else if (version === 1) {
      p += 4;
      if (flags & 0x10) p += 4;
      if (buf[off + 1] & 0x80) p += 4;
    } else {
      this.count('gre_unknown_version');
      return;
    }
    if (p > end) { this.count('gre_truncated'); return; }
    if (!this.enterTunnel(depth)) return;
    switch (proto) {
      case EtherType.IPV4:
      case EtherType.IPV6:
        this.tp.macOffset = -1;
        this.tp.srcMacOffset = -1;
        this.network(buf, p, end, proto, depth + 1);
        return;
      case EtherType.TEB: this.ethernet(buf, p, end, depth + 1); return;
      case EtherType.ERSPAN_2: this.erspan2(buf, p, end, (flags & 0x10) !== 0, depth + 1); return;
      case EtherType.ERSPAN_3: this.erspan3(buf, p, end, depth + 1); return;
      case EtherType.PPP: this.ppp(buf, p, end, depth + 1); return;
      default: this.counters.other++;
    }
  }

  /**
   * ERSPAN type II (draft-foschiano-erspan §4.1) follows a GRE header with a sequence number;
   * type I has neither sequence number nor ERSPAN header, the mirrored frame follows directly.
   *
   *   | Ver=1 (4) | VLAN (12) | COS (3) | En (2) | T (1) | Session ID (10) |
   *   | Reserved (12) | Index (20) |
   */
  private erspan2(buf: Buffer, p: number, end: number, typeII: boolean, depth: number): void {
    if (typeII) {
      if (end - p < 8) { this.count('erspan_truncated'); return; }
      if (buf[p] >> 4 !== 1) { this.count('erspan_bad_version'); return; }
      p += 8;
    }
    this.ethernet(buf, p, end, depth);
  }

  /**
   * ERSPAN type III (draft-foschiano-erspan §4.2), 12 bytes, then an 8-byte platform
   * specific subheader if O is set:
   *
   *   | Ver=2 (4) | VLAN (12) | COS (3) | BSO (2) | T (1) | Session ID (10) |
   *   |                      Timestamp (32)                                 |
   *   | SGT (16) | P (1) | FT (5) | Hw ID (6) | D (1) | Gra (2) | O (1) |
   *
   * Frame type FT 0 is Ethernet, 2 is an IP packet.
   */
  private erspan3(buf: Buffer, p: number, end: number, depth: number): void {
    if (end - p < 12) { this.count('erspan_truncated'); return; }
    if (buf[p] >> 4 !== 2) { this.count('erspan_bad_version'); return; }
    const frameType = (buf[p + 10] >> 2) & 0x1f;
    const hasSubheader = (buf[p + 11] & 0x01) !== 0;
    p += hasSubheader ? 20 : 12;
    if (p > end) { this.count('erspan_truncated'); return; }
    if (frameType === 0) { this.ethernet(buf, p, end, depth); return; }
    if (frameType === 2 && p < end) {
      this.tp.macOffset = -1;
      this.tp.srcMacOffset = -1;
      const v = buf[p] >> 4;
      this.network(buf, p, end, v === 4 ? EtherType.IPV4 : v === 6 ? EtherType.IPV6 : ETHERTYPE_NONE, depth);
      return;
    }
    this.counters.other++;
  }

  /**
   * PPP in enhanced GRE (RFC 1661 §2): | Address 0xff | Control 0x03 | Protocol (1 or 2) |;
   * address and control may be omitted (ACFC), a protocol with an odd first byte is one byte
   * long (PFC, RFC 1661 §6.5).
   */
  private ppp(buf: Buffer, p: number, end: number, depth: number): void {
    if (end - p >= 2 && buf[p] === 0xff && buf[p + 1] === 0x03) p += 2;
    if (end - p < 1) { this.count('ppp_truncated'); return; }
    let proto: number;
    if (buf[p] & 1) {
      proto = buf[p];
      p += 1;
    } else {
      if (end - p < 2) { this.count('ppp_truncated'); return; }
      proto = (buf[p] << 8) | buf[p + 1];
      p += 2;
    }
    this.tp.macOffset = -1;
    this.tp.srcMacOffset = -1;
    this.network(buf, p, end, pppToEtherType(proto), depth);
  }

  /**
   * VXLAN header (RFC 7348 §5), 8 bytes, then an Ethernet frame:
   *
   *   |R|R|R|R|I|R|R|R|            Reserved                           |
   *   |                VXLAN Network Identifier (VNI) |   Reserved    |
   *
   * Only taken as VXLAN when the flags are exactly I and the last reserved byte is zero, so
   * that e.g. a SIP "INVITE" (0x49 has the I bit) sent to the port stays ordinary UDP.
   */
  private vxlan(buf: Buffer, off: number, end: number, depth: number): boolean {
    if (end - off < 8 + 14 || buf[off] !== 0x08 || buf[off + 7] !== 0) return false;
    if (!this.enterTunnel(depth)) return true;
    this.ethernet(buf, off + 8, end, depth + 1);
    return true;
  }

  /**
   * Geneve header (RFC 8926 §3.4), 8 bytes plus options, then the protocol it names:
   *
   *   |Ver|  Opt Len  |O|C|    Rsvd.  |          Protocol Type        |
   *   |        Virtual Network Identifier (VNI)       |    Reserved   |
   *   |                    Variable-Length Options                    |
   *
   * Opt Len counts 4-byte words. Only version 0 exists; anything else stays ordinary UDP.
   */
  private geneve(buf: Buffer, off: number, end: number, depth: number): boolean {
    if (end - off < 8 || buf[off] >> 6 !== 0) return false;
    const p = off + 8 + (buf[off] & 0x3f) * 4;
    if (p > end) return false;
    const proto = (buf[off + 2] << 8) | buf[off + 3];
    if (proto !== EtherType.TEB && proto !== EtherType.IPV4 && proto !== EtherType.IPV6) return false;
    if (!this.enterTunnel(depth)) return true;
    if (proto === EtherType.TEB) {
      this.ethernet(buf, p, end, depth + 1);
    } else {
      this.tp.macOffset = -1;
      this.tp.srcMacOffset = -1;
      this.network(buf, p, end, proto, depth + 1);
    }
    return true;
  }

  /** An Ethernet frame carried by a tunnel: its MACs and VLAN replace the outer ones. */
  private ethernet(buf: Buffer, off: number, end: number, depth: number): void {
    const link = decodeEthernet(buf, off, this.link, end);
    if (link === null) { this.count('tunnel_ethernet_truncated'); return; }
    const tp = this.tp;
    tp.frame = buf;
    tp.macOffset = link.macOffset;
    tp.srcMacOffset = link.srcMacOffset;
    if (link.vlan >= 0) tp.vlan = link.vlan;
    this.network(buf, link.l3Offset, end, link.etherType, depth);
  }
}

/** The 16 address bytes at `off` mixed into 32 bits (the caller has bounds-checked them). */
function ipv6Key(buf: Buffer, off: number): number {
  return buf.readInt32BE(off) ^ Math.imul(buf.readInt32BE(off + 4), 31) ^ Math.imul(buf.readInt32BE(off + 8), 961) ^ Math.imul(buf.readInt32BE(off + 12), 29791);
}
