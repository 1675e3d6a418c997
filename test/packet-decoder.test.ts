import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PacketDecoder, MAX_TUNNEL_DEPTH, type TransportPacket, type DecoderOptions } from '../src/net/packet-decoder.ts';
import { readCaptureFile } from '../src/capture/file-source.ts';
import { formatMac } from '../parsers/link.ts';
import { IpProto } from '../parsers/ip.ts';
import { TcpFlag } from '../parsers/transport.ts';
import type { CapturedPacket, FramedCapturedPacket } from '../parsers/capture-file.ts';
import { ethernet, ipv4, ipv6, udp, tcp, fragmentHeaderBody, PUBLIC_CAPTURES_DIR } from './support/frames.ts';

interface Out {
  transport: string; ipVersion: number; srcIp: string; dstIp: string; srcPort: number; dstPort: number;
  payload: string; srcMac: string | null; dstMac: string | null; vlan: number; tcpFlags: number; seq: number; ack: number;
  fragmented: boolean; tunnelDepth: number; truncatedBytes: number;
}

const snapshot = (tp: TransportPacket): Out => ({
  transport: tp.transport, ipVersion: tp.ipVersion, srcIp: tp.srcIp, dstIp: tp.dstIp, srcPort: tp.srcPort, dstPort: tp.dstPort,
  payload: tp.payload.toString('latin1'),
  srcMac: tp.srcMacOffset >= 0 ? formatMac(tp.frame, tp.srcMacOffset) : null,
  dstMac: tp.macOffset >= 0 ? formatMac(tp.frame, tp.macOffset) : null,
  vlan: tp.vlan, tcpFlags: tp.tcpFlags, seq: tp.seq, ack: tp.ack, fragmented: tp.fragmented, tunnelDepth: tp.tunnelDepth,
  truncatedBytes: tp.truncatedBytes,
});

/**
 * Decodes the frames as views, and again (on a second decoder) as ranges of a larger buffer
 * with bytes around them, as the capture file parser delivers them: every test also checks
 * that the range path decodes, bounds and counts exactly as the view path does.
 */
function run(frames: Buffer[], linkType = 1, opts?: DecoderOptions): { out: Out[]; decoder: PacketDecoder } {
  const decoder = new PacketDecoder(opts);
  const inPlace = new PacketDecoder(opts);
  const out: Out[] = [];
  const outInPlace: Out[] = [];
  frames.forEach((data, i) => {
    const pkt: CapturedPacket = { ts: 1000 + i, linkType, interfaceId: 0, data, origLen: data.length };
    decoder.decode(pkt, (tp) => out.push(snapshot(tp)));
    const chunk = Buffer.concat([Buffer.alloc(37, 0xee), data, Buffer.alloc(64, 0xee)]);
    const framed: FramedCapturedPacket = {
      ts: 1000 + i, linkType, interfaceId: 0, data: chunk.subarray(37, 37 + data.length), origLen: data.length,
      frameBuffer: chunk, frameOffset: 37, frameEnd: 37 + data.length,
    };
    inPlace.decode(framed, (tp) => outInPlace.push(snapshot(tp)));
  });
  assert.equal(outInPlace, out, 'a frame decoded in place gives the same packets');
  assert.equal({ ...inPlace.anomalies }, { ...decoder.anomalies }, 'and the same anomalies');
  assert.equal(inPlace.counters, decoder.counters, 'and the same counters');
  return { out, decoder };
}

const sip = Buffer.from('OPTIONS sip:a@b SIP/2.0\r\n\r\n');
const MAC_A = '00:00:5e:00:53:01', MAC_B = '00:00:5e:00:53:02';
const udp4 = (payload = sip, o: { src?: string; dst?: string; sp?: number; dp?: number } = {}) =>
  ipv4(udp(payload, o.sp ?? 5060, o.dp ?? 5060), { src: o.src ?? '192.0.2.10', dst: o.dst ?? '192.0.2.20', protocol: 17 });

const plain = suite('PacketDecoder: plain traffic');

plain('decodes an Ethernet IPv4 UDP datagram with addresses, ports, MACs and payload', () => {
  const { out, decoder } = run([ethernet(udp4(), 0x0800, { src: MAC_A, dst: MAC_B })]);
  assert.equal(out, [{
    transport: 'udp', ipVersion: 4, srcIp: '192.0.2.10', dstIp: '192.0.2.20', srcPort: 5060, dstPort: 5060, payload: sip.toString('latin1'),
    srcMac: MAC_A, dstMac: MAC_B, vlan: -1, tcpFlags: 0, seq: 0, ack: 0, fragmented: false, tunnelDepth: 0, truncatedBytes: 0,
  }]);
  assert.equal([decoder.counters.packets, decoder.counters.ipv4, decoder.counters.udp], [1, 1, 1]);
});

plain('decodes a TCP segment with sequence numbers and flags', () => {
  const seg = tcp(Buffer.from('SIP/2.0 200 OK\r\n'), { srcPort: 5060, dstPort: 40000, seq: 4_000_000_000, ack: 17, flags: TcpFlag.ACK | TcpFlag.PSH });
  const { out } = run([ethernet(ipv4(seg, { protocol: 6 }), 0x0800, { vlans: [[0x8100, 12]] })]);
  assert.equal([out[0].transport, out[0].seq, out[0].ack, out[0].tcpFlags, out[0].payload, out[0].vlan], ['tcp', 4_000_000_000, 17, 0x18, 'SIP/2.0 200 OK\r\n', 12]);
});

plain('decodes IPv6 UDP with extension headers and formats addresses per RFC 5952', () => {
  const pkt = ipv6(udp(sip, 5062, 5060), { src: '2001:db8:0:0:1::1', dst: 'fe80::2', nextHeader: 17, ext: [[IpProto.HOP_BY_HOP, Buffer.from([0, 1, 4, 0, 0, 0, 0])]] });
  const { out } = run([ethernet(pkt, 0x86dd)]);
  assert.equal([out[0].ipVersion, out[0].srcIp, out[0].dstIp, out[0].srcPort], [6, '2001:db8::1:0:0:1', 'fe80::2', 5062]);
});

plain('counts non-IP frames, ICMP, SCTP and other protocols without delivering them', () => {
  const { out, decoder } = run([
    ethernet(Buffer.alloc(28), 0x0806),
    ethernet(ipv4(Buffer.alloc(8), { protocol: IpProto.ICMP }), 0x0800),
    ethernet(ipv4(Buffer.alloc(12), { protocol: IpProto.SCTP }), 0x0800),
    ethernet(ipv4(Buffer.alloc(8), { protocol: 112 }), 0x0800),
  ]);
  assert.is(out.length, 0);
  assert.equal([decoder.counters.nonIp, decoder.counters.icmp, decoder.counters.sctp, decoder.counters.other], [1, 1, 1, 1]);
});

plain('counts malformed headers as named anomalies', () => {
  const badIhl = udp4();
  badIhl[0] = 0x43;
  const badUdp = ipv4(udp(sip, 1, 2, 4), { protocol: 17 });
  const badTcp = ipv4(tcp(Buffer.alloc(4), { srcPort: 1, dstPort: 2, dataOffset: 2 }), { protocol: 6 });
  const { out, decoder } = run([
    ethernet(badIhl, 0x0800), ethernet(badUdp, 0x0800), ethernet(badTcp, 0x0800), Buffer.alloc(10),
  ]);
  assert.is(out.length, 0);
  assert.equal({ ...decoder.anomalies }, { ipv4_bad_header_length: 1, udp_bad_length: 1, tcp_bad_data_offset: 1, link_truncated: 1 });
  const other = run([Buffer.alloc(60)], 147).decoder;
  assert.equal({ ...other.anomalies }, { unsupported_link_type: 1 });
});

plain('delivers what a snap length left of a datagram and says how much is missing', () => {
  const frame = ethernet(udp4(Buffer.alloc(1000, 0x61)), 0x0800);
  const { out, decoder } = run([frame.subarray(0, 14 + 20 + 8 + 100)]);
  assert.equal([out[0].payload.length, out[0].truncatedBytes], [100, 900]);
  assert.is(decoder.anomalies.ip_truncated, 1);
});

plain('reuses one TransportPacket object for every callback', () => {
  const decoder = new PacketDecoder();
  const seen: TransportPacket[] = [];
  for (let i = 0; i < 2; i++) decoder.decode({ ts: i, linkType: 1, interfaceId: 0, data: ethernet(udp4(), 0x0800), origLen: 0 }, (tp) => seen.push(tp));
  assert.ok(seen[0] === seen[1]);
});

plain('formats each of many addresses correctly through its cache', () => {
  const frames: Buffer[] = [];
  for (let i = 0; i < 20_000; i++) {
    const a = `10.${(i >> 8) & 0xff}.${i & 0xff}.${(i * 7) & 0xff}`;
    frames.push(ethernet(udp4(sip, { src: a, dst: '192.0.2.1' }), 0x0800));
    frames.push(ethernet(ipv6(udp(sip, 1, 2), { src: `2001:db8::${(i + 1).toString(16)}`, dst: '::1', nextHeader: 17 }), 0x86dd));
  }
  const { out } = run(frames);
  for (let i = 0; i < 20_000; i++) {
    assert.is(out[2 * i].srcIp, `10.${(i >> 8) & 0xff}.${i & 0xff}.${(i * 7) & 0xff}`);
    assert.is(out[2 * i + 1].srcIp, `2001:db8::${(i + 1).toString(16)}`);
  }
});

const frag = suite('PacketDecoder: fragments');

frag('reassembles a UDP datagram from IPv4 fragments and marks it fragmented', () => {
  const body = Buffer.alloc(3000, 0x62);
  const whole = udp(body, 5060, 5060);
  const f1 = ipv4(whole.subarray(0, 1480), { protocol: 17, id: 42, moreFragments: true });
  const f2 = ipv4(whole.subarray(1480), { protocol: 17, id: 42, fragmentOffset: 1480 });
  const { out, decoder } = run([ethernet(f2, 0x0800), ethernet(f1, 0x0800, { src: MAC_A })]);
  assert.is(out.length, 1);
  assert.equal([out[0].fragmented, out[0].payload.length, out[0].srcMac], [true, 3000, MAC_A]);
  assert.equal([decoder.counters.fragments, decoder.counters.reassembled], [2, 1]);
});

frag('reassembles IPv6 fragments and walks extension headers inside the fragmentable part', () => {
  const whole = Buffer.concat([Buffer.from([17, 0, 1, 4, 0, 0, 0, 0]), udp(Buffer.alloc(2000, 0x63), 5060, 5062)]);
  const f = (start: number, end: number) => ethernet(ipv6(whole.subarray(start, end), {
    nextHeader: start === 0 ? IpProto.DEST_OPTS : 17, ext: [[IpProto.FRAGMENT, fragmentHeaderBody(start, end < whole.length, 7)]],
  }), 0x86dd);
  const { out } = run([f(0, 1200), f(1200, whole.length)]);
  assert.equal([out.length, out[0]?.dstPort, out[0]?.payload.length, out[0]?.fragmented], [1, 5062, 2000, true]);
});

frag('treats an atomic IPv6 fragment (offset 0, no more fragments) as a whole packet', () => {
  const pkt = ipv6(udp(sip, 1, 2), { nextHeader: 17, ext: [[IpProto.FRAGMENT, fragmentHeaderBody(0, false, 5)]] });
  const { out, decoder } = run([ethernet(pkt, 0x86dd)]);
  assert.equal([out.length, out[0].fragmented, decoder.counters.fragments], [1, false, 0]);
});

frag('does not reassemble a fragment cut by the snap length', () => {
  const f1 = ipv4(Buffer.alloc(1480), { protocol: 17, moreFragments: true });
  const { decoder } = run([ethernet(f1, 0x0800).subarray(0, 200)]);
  assert.is(decoder.anomalies.ip_fragment_truncated, 1);
  assert.is(decoder.defrag.counters.fragments, 0);
});

const tun = suite('PacketDecoder: tunnels');

tun('opens IP-in-IP and reports the inner addresses without the outer MACs', () => {
  const inner = udp4(sip, { src: '10.1.1.1', dst: '10.2.2.2' });
  const { out, decoder } = run([ethernet(ipv4(inner, { src: '203.0.113.1', dst: '203.0.113.2', protocol: IpProto.IPIP }), 0x0800, { src: MAC_A })]);
  assert.equal([out[0].srcIp, out[0].dstIp, out[0].tunnelDepth, out[0].srcMac], ['10.1.1.1', '10.2.2.2', 1, null]);
  assert.equal([decoder.counters.ipv4, decoder.counters.tunneled], [2, 1]);
});

tun('opens IPv6-in-IPv4 (protocol 41)', () => {
  const inner = ipv6(udp(sip, 5060, 5060), { src: '2001:db8::a', dst: '2001:db8::b', nextHeader: 17 });
  const { out } = run([ethernet(ipv4(inner, { protocol: IpProto.IPV6 }), 0x0800)]);
  assert.equal([out[0].ipVersion, out[0].srcIp], [6, '2001:db8::a']);
});

const gre = (proto: number, payload: Buffer, o: { flags?: number; version?: number; extra?: number } = {}) => {
  const h = Buffer.alloc(4 + (o.extra ?? 0));
  h[0] = o.flags ?? 0;
  h[1] = o.version ?? 0;
  h.writeUInt16BE(proto, 2);
  return ipv4(Buffer.concat([h, payload]), { src: '198.51.100.1', dst: '198.51.100.2', protocol: IpProto.GRE });
};

tun('opens GRE with checksum, key and sequence number carrying IPv4', () => {
  const { out } = run([ethernet(gre(0x0800, udp4(sip, { src: '10.0.0.7' }), { flags: 0x80 | 0x20 | 0x10, extra: 12 }), 0x0800)]);
  assert.equal([out[0].srcIp, out[0].tunnelDepth, out[0].payload], ['10.0.0.7', 1, sip.toString('latin1')]);
});

tun('opens GRE transparent Ethernet bridging and reports the inner frame\'s MACs and VLAN', () => {
  const innerFrame = ethernet(udp4(sip, { src: '10.0.0.8' }), 0x0800, { src: MAC_A, dst: MAC_B, vlans: [[0x8100, 77]] });
  const { out } = run([ethernet(gre(0x6558, innerFrame, { flags: 0x20, extra: 4 }), 0x0800, { vlans: [[0x8100, 5]] })]);
  assert.equal([out[0].srcIp, out[0].srcMac, out[0].dstMac, out[0].vlan], ['10.0.0.8', MAC_A, MAC_B, 77]);
});

tun('opens ERSPAN types I, II and III (with and without the platform subheader)', () => {
  const innerFrame = ethernet(udp4(sip, { src: '10.0.0.9' }), 0x0800, { src: MAC_A });
  const ersII = Buffer.concat([Buffer.from([0x10, 0x64, 0x00, 0x01, 0, 0, 0, 0]), innerFrame]);
  const ersIII = (o: boolean) => Buffer.concat([Buffer.from([0x20, 0x64, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, o ? 1 : 0]), o ? Buffer.alloc(8) : Buffer.alloc(0), innerFrame]);
  const { out, decoder } = run([
    ethernet(gre(0x88be, innerFrame), 0x0800),
    ethernet(gre(0x88be, ersII, { flags: 0x10, extra: 4 }), 0x0800),
    ethernet(gre(0x22eb, ersIII(false), { flags: 0x10, extra: 4 }), 0x0800),
    ethernet(gre(0x22eb, ersIII(true), { flags: 0x10, extra: 4 }), 0x0800),
  ]);
  assert.equal({ ...decoder.anomalies }, {});
  assert.equal(out.map((o) => [o.srcIp, o.srcMac, o.tunnelDepth]), Array(4).fill(['10.0.0.9', MAC_A, 1]));
});

tun('opens PPTP enhanced GRE (version 1) with PPP carrying IPv4', () => {
  const ppp = Buffer.concat([Buffer.from([0xff, 0x03, 0x00, 0x21]), udp4(sip, { src: '192.168.10.210' })]);
  const { out } = run([ethernet(gre(0x880b, ppp, { flags: 0x30, version: 0x81, extra: 12 }), 0x0800)]);
  assert.equal([out[0]?.srcIp, out[0]?.tunnelDepth], ['192.168.10.210', 1]);
});

tun('opens VXLAN on either port and leaves other datagrams on that port alone', () => {
  const innerFrame = ethernet(udp4(sip, { src: '172.16.0.1' }), 0x0800, { src: MAC_A });
  const vx = Buffer.concat([Buffer.from([0x08, 0, 0, 0, 0, 0, 0x2a, 0]), innerFrame]);
  const { out } = run([
    ethernet(udp4(vx, { dp: 4789, sp: 50000 }), 0x0800),
    ethernet(udp4(vx, { dp: 50000, sp: 4789 }), 0x0800),
    ethernet(udp4(Buffer.from('INVITE sip:x@y SIP/2.0\r\n\r\n'), { dp: 4789 }), 0x0800),
  ]);
  assert.equal(out.map((o) => [o.srcIp, o.tunnelDepth, o.srcMac]), [['172.16.0.1', 1, MAC_A], ['172.16.0.1', 1, MAC_A], ['192.0.2.10', 0, '66:77:88:99:aa:bb']]);
});

tun('opens Geneve with options carrying Ethernet', () => {
  const innerFrame = ethernet(udp4(sip, { src: '172.16.0.2' }), 0x0800);
  const gnv = Buffer.concat([Buffer.from([0x01, 0, 0x65, 0x58, 0, 0, 1, 0]), Buffer.alloc(4), innerFrame]);
  const { out } = run([ethernet(udp4(gnv, { dp: 6081 }), 0x0800)]);
  assert.equal([out[0]?.srcIp, out[0]?.tunnelDepth], ['172.16.0.2', 1]);
});

tun('stops opening tunnels beyond MAX_TUNNEL_DEPTH', () => {
  let pkt = udp4();
  for (let i = 0; i < MAX_TUNNEL_DEPTH; i++) pkt = ipv4(pkt, { protocol: IpProto.IPIP });
  assert.equal(run([ethernet(pkt, 0x0800)]).out.map((o) => o.tunnelDepth), [MAX_TUNNEL_DEPTH]);
  const deeper = ipv4(pkt, { protocol: IpProto.IPIP });
  const { out, decoder } = run([ethernet(deeper, 0x0800)]);
  assert.equal([out.length, decoder.anomalies.tunnel_depth_exceeded], [0, 1]);
});

tun('counts a GRE header with source routing, an unknown version or cut short', () => {
  const { decoder } = run([
    ethernet(gre(0x0800, udp4(), { flags: 0x40 }), 0x0800),
    ethernet(gre(0x0800, udp4(), { version: 3 }), 0x0800),
    ethernet(gre(0x0800, Buffer.alloc(0), { flags: 0xb0 }), 0x0800),
  ]);
  assert.equal({ ...decoder.anomalies }, { gre_source_routing: 1, gre_unknown_version: 1, gre_truncated: 1 });
});

const pub = suite('PacketDecoder: public captures');

interface Tally { out: Out[]; decoder: PacketDecoder }
function decodeFile(rel: string): Tally {
  const decoder = new PacketDecoder();
  const out: Out[] = [];
  readCaptureFile(join(PUBLIC_CAPTURES_DIR, rel), (p) => decoder.decode(p, (tp) => out.push(snapshot(tp))));
  decoder.flush();
  return { out, decoder };
}

/** Frames whose outermost transport header tshark's protocol hierarchy shows as udp / tcp (not inside ICMP errors). */
function tsharkTransportCounts(summary: string): { udp: number; tcp: number } {
  const section = summary.split('## io,phs (default dissection)')[1].split('===')[0] + summary.split('## io,phs (default dissection)')[1].split(/={10,}/)[1];
  const stack: Array<[number, string]> = [];
  const counts = { udp: 0, tcp: 0 };
  for (const line of section.split('\n')) {
    const m = /^(\s*)(\S+)\s+frames:(\d+)/.exec(line);
    if (!m) continue;
    const [indent, name, frames] = [m[1].length, m[2], Number(m[3])];
    while (stack.length > 0 && stack[stack.length - 1][0] >= indent) stack.pop();
    const nested = stack.some(([, n]) => n === 'udp' || n === 'tcp' || n === 'icmp' || n === 'icmpv6');
    if (!nested && (name === 'udp' || name === 'tcp')) counts[name] += frames;
    stack.push([indent, name]);
  }
  return counts;
}

if (!existsSync(join(PUBLIC_CAPTURES_DIR, 'MANIFEST.tsv'))) {
  console.warn(`SKIPPED: public capture tests need ${PUBLIC_CAPTURES_DIR}, which is missing`);
  pub('public captures are present', () => assert.unreachable(`${PUBLIC_CAPTURES_DIR} is missing`));
} else {
  pub('delivers as many UDP and TCP packets as tshark finds, in every public capture', () => {
    const files = readFileSync(join(PUBLIC_CAPTURES_DIR, 'MANIFEST.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t')[0]);
    // tshark counts the outer UDP of two VXLAN and two Geneve packets whose inner packet is ICMP.
    const knownDifferences: Record<string, number> = { 'arkime__arkime/tests__pcap__arkime_synthetic.pcap': -4 };
    for (const f of files) {
      const want = tsharkTransportCounts(readFileSync(join(PUBLIC_CAPTURES_DIR, `${f}.tshark-summary.txt`), 'utf8'));
      const { decoder } = decodeFile(f);
      assert.is(decoder.counters.udp, want.udp + (knownDifferences[f] ?? 0), `${f} udp`);
      assert.is(decoder.counters.tcp, want.tcp, `${f} tcp`);
    }
  });

  pub('opens GRE transparent Ethernet bridging in a real ERSPAN-port capture (heplify)', () => {
    const { out, decoder } = decodeFile('sipcapture__heplify/example__pcap__erspan_sip_ipv4_udp.pcapng');
    assert.is(out.length, 140);
    assert.ok(out.every((o) => o.tunnelDepth === 1 && o.transport === 'udp'));
    assert.equal([out[0].srcIp, out[0].dstIp, out[0].srcMac], ['180.173.83.248', '101.231.48.19', '48:7a:da:95:87:8d']);
    assert.ok(out[0].payload.startsWith('SUBSCRIBE sip:'));
    assert.equal({ ...decoder.anomalies }, {});
  });

  pub('opens IP-in-IP in sngrep\'s capture and reports inner addresses', () => {
    const { out, decoder } = decodeFile('irontec__sngrep/tests__ipip.pcap');
    assert.equal(out.map((o) => [o.srcIp, o.dstIp, o.tunnelDepth]), [
      ['10.15.197.103', '10.15.193.31', 0], ['10.15.193.31', '10.15.197.103', 1], ['10.15.193.31', '10.15.197.103', 1], ['10.15.197.103', '10.15.193.31', 0],
    ]);
    assert.is(decoder.counters.tunneled, 2);
  });

  pub('reassembles the IPv6 fragments of sngrep\'s SLL capture', () => {
    const { out, decoder } = decodeFile('irontec__sngrep/tests__ipv6frag.pcap');
    const big = out.filter((o) => o.fragmented);
    assert.equal([out.length, decoder.counters.fragments, decoder.counters.reassembled], [32, 4, 2]);
    assert.equal(big.map((o) => [o.srcPort, o.dstPort, o.payload.length + 8, o.srcMac]), [[15060, 5062, 1699, '00:50:56:8b:53:1c'], [5062, 25060, 1879, '00:50:56:8b:34:76']]);
    assert.ok(big.every((o) => o.payload.startsWith('INVITE sip:') && o.payload.endsWith('\r\n')));
    assert.equal({ ...decoder.anomalies }, {});
  });

  pub('reassembles a four-fragment IPv6 datagram (heplify)', () => {
    const { out, decoder } = decodeFile('sipcapture__heplify/example__pcap__ipv6_udp_fragmented.pcap');
    assert.equal([out.length, decoder.counters.fragments, decoder.counters.reassembled], [3, 4, 1]);
    assert.equal([out[2].fragmented, out[2].payload.length], [true, 5379]);
  });

  pub('decodes double-tagged VLAN traffic with the outer VLAN id (arkime)', () => {
    const { out } = decodeFile('arkime__arkime/tests__pcap__twovlan.pcap');
    assert.equal([out.length, out[0].vlan, out[0].srcIp, out[0].dstPort], [6, 201, '10.0.0.1', 80]);
  });

  pub('decodes Linux cooked v2 (zeek): ICMP, ICMPv6 and ARP counted, nothing delivered', () => {
    const { out, decoder } = decodeFile('zeek__zeek/testing__btest__Traces__linux_dlt_sll2.pcap');
    assert.equal([out.length, decoder.counters.icmp, decoder.counters.nonIp, decoder.counters.ipv4, decoder.counters.ipv6], [0, 4, 2, 2, 2]);
  });

  pub('decodes BSD loopback with IPv4 and IPv6 (rtpproxy)', () => {
    const { out } = decodeFile('sippy__rtpproxy/tests__rtp_analyze__DLT_NULL.a.rtp');
    assert.equal([out.filter((o) => o.ipVersion === 4).length, out.filter((o) => o.ipVersion === 6).length], [300, 300]);
    assert.equal(out.find((o) => o.ipVersion === 6)?.srcIp, '::1');
  });

  pub('opens PPTP GRE with PPP inside a VLAN (nDPI)', () => {
    const { out } = decodeFile('ntop__nDPI/tests__cfgs__default__pcap__gre.pcapng');
    assert.equal(out.map((o) => [o.srcIp, o.dstIp, o.vlan, o.tunnelDepth]), [['192.168.10.210', '192.168.103.40', 142, 1]]);
    assert.ok(out[0].payload.startsWith('SIP/2.0 100 Trying'));
  });

  pub('never throws on real frames with random bytes changed or cut short, and counts what it rejects', () => {
    const frames: Array<[number, Buffer]> = [];
    for (const f of ['arkime__arkime/tests__pcap__arkime_synthetic.pcap', 'sipcapture__heplify/example__pcap__erspan_sip_ipv4_udp.pcapng', 'irontec__sngrep/tests__ipv6frag.pcap', 'ntop__nDPI/tests__cfgs__default__pcap__gre.pcapng', 'irontec__sngrep/tests__ipip.pcap']) {
      readCaptureFile(join(PUBLIC_CAPTURES_DIR, f), (p) => frames.push([p.linkType, Buffer.from(p.data)]));
    }
    let seed = 7;
    const rnd = () => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return seed / 2 ** 32; };
    const decoder = new PacketDecoder();
    for (let i = 0; i < 30_000; i++) {
      const [linkType, original] = frames[Math.floor(rnd() * frames.length)];
      const m = Buffer.from(original);
      for (let k = 0; k < 3; k++) m[Math.floor(rnd() * m.length)] = Math.floor(rnd() * 256);
      const data = rnd() < 0.2 ? m.subarray(0, Math.floor(rnd() * m.length)) : m;
      decoder.decode({ ts: i / 100, linkType, interfaceId: 0, data, origLen: data.length }, () => {});
    }
    decoder.flush();
    assert.ok(Object.keys(decoder.anomalies).length > 5);
  });

  pub('opens VXLAN, Geneve, GRE, ERSPAN, MPLS, PPPoE and QinQ in arkime\'s synthetic capture without anomalies', () => {
    const { out, decoder } = decodeFile('arkime__arkime/tests__pcap__arkime_synthetic.pcap');
    assert.equal({ ...decoder.anomalies }, {});
    assert.is(out.filter((o) => o.tunnelDepth > 0 && o.transport === 'udp' && (o.dstPort === 53 || o.srcPort === 53)).length, 2);
  });
}

plain.run();
frag.run();
tun.run();
pub.run();
