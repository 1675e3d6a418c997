import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  decodeIPv4, decodeIPv6, ipv4ToString, ipv4FromUint32, ipv6ToString, isIPv4Fragment, skipIPv6Extensions,
  newIPv4Packet, IpProto, MAX_IPV6_EXTENSION_HEADERS, type IPv4Packet, type IPv6Packet,
} from '../parsers/ip.ts';
import { ipv4, ipv6, ipv6Bytes, udp, fragmentHeaderBody } from './support/frames.ts';

const payload = udp(Buffer.from('hello'), 5060, 5060);

const v4 = suite('decodeIPv4');

v4('decodes the header fields and the payload range of a plain datagram', () => {
  const pkt = ipv4(payload, { src: '192.0.2.1', dst: '198.51.100.7', protocol: 17, id: 0xbeef, ttl: 57, dontFragment: true });
  const r = decodeIPv4(pkt, 0) as IPv4Packet;
  assert.is(typeof r, 'object');
  assert.equal([r.headerLength, r.totalLength, r.id, r.ttl, r.protocol, r.dontFragment, r.moreFragments, r.fragmentOffset],
    [20, 20 + payload.length, 0xbeef, 57, 17, true, false, 0]);
  assert.equal([r.payloadOffset, r.payloadEnd, r.truncated], [20, pkt.length, false]);
  assert.is(ipv4ToString(pkt, r.srcOffset), '192.0.2.1');
  assert.is(ipv4ToString(pkt, r.dstOffset), '198.51.100.7');
  assert.is(ipv4FromUint32(r.src), '192.0.2.1');
  assert.is(isIPv4Fragment(r), false);
});

v4('skips IPv4 options using IHL', () => {
  const pkt = ipv4(payload, { protocol: 17, options: Buffer.from([1, 1, 1, 0]) });
  const r = decodeIPv4(pkt, 0) as IPv4Packet;
  assert.equal([r.headerLength, r.payloadOffset], [24, 24]);
});

v4('ignores Ethernet padding after the total length', () => {
  const pkt = Buffer.concat([ipv4(Buffer.alloc(4), { protocol: 17 }), Buffer.alloc(22)]);
  const r = decodeIPv4(pkt, 0) as IPv4Packet;
  assert.equal([r.payloadEnd, r.truncated], [24, false]);
});

v4('marks a datagram captured shorter than declared as truncated and ends the payload at the capture', () => {
  const pkt = ipv4(Buffer.alloc(1000), { protocol: 17 }).subarray(0, 100);
  const r = decodeIPv4(pkt, 0) as IPv4Packet;
  assert.equal([r.truncated, r.payloadEnd, r.totalLength], [true, 100, 1020]);
});

v4('rejects an IHL below 5 and a header longer than the capture', () => {
  const bad = ipv4(payload, { protocol: 17 });
  bad[0] = 0x44;
  assert.is(decodeIPv4(bad, 0), 'ipv4_bad_header_length');
  const longHeader = ipv4(Buffer.alloc(0), { protocol: 17 });
  longHeader[0] = 0x4f; // 60-byte header in a 20-byte packet
  assert.is(decodeIPv4(longHeader, 0), 'ip_truncated_header');
});

v4('rejects a total length smaller than the header', () => {
  assert.is(decodeIPv4(ipv4(payload, { protocol: 17, totalLength: 12 }), 0), 'ipv4_bad_total_length');
});

v4('uses the captured length when the total length is 0 (segmentation offload)', () => {
  const r = decodeIPv4(ipv4(payload, { protocol: 17, totalLength: 0 }), 0) as IPv4Packet;
  assert.equal([r.lengthFromCapture, r.payloadEnd, r.truncated], [true, 20 + payload.length, false]);
});

v4('rejects short buffers and other IP versions', () => {
  assert.is(decodeIPv4(Buffer.alloc(19), 0), 'ip_truncated_header');
  assert.is(decodeIPv4(Buffer.alloc(20, 0x65), 0), 'ip_bad_version');
});

v4('reports fragment offset in bytes and the more-fragments flag', () => {
  const r = decodeIPv4(ipv4(payload, { protocol: 17, moreFragments: true, fragmentOffset: 1480 }), 0) as IPv4Packet;
  assert.equal([r.moreFragments, r.fragmentOffset, isIPv4Fragment(r)], [true, 1480, true]);
});

v4('decodes at an offset and into the caller\'s object', () => {
  const buf = Buffer.concat([Buffer.alloc(14), ipv4(payload, { protocol: 6 })]);
  const out = newIPv4Packet();
  const r = decodeIPv4(buf, 14, out);
  assert.ok(r === out);
  assert.equal([out.protocol, out.payloadOffset, out.srcOffset], [6, 34, 26]);
});

const v6 = suite('decodeIPv6');

v6('decodes the fixed header and an upper-layer protocol', () => {
  const pkt = ipv6(payload, { src: '2001:db8::10', dst: 'fe80::1', nextHeader: 17, hopLimit: 255 });
  const r = decodeIPv6(pkt, 0) as IPv6Packet;
  assert.equal([r.protocol, r.hopLimit, r.payloadOffset, r.payloadEnd, r.truncated, r.isFragment], [17, 255, 40, pkt.length, false, false]);
  assert.is(ipv6ToString(pkt, r.srcOffset), '2001:db8::10');
  assert.is(ipv6ToString(pkt, r.dstOffset), 'fe80::1');
});

v6('walks hop-by-hop, routing, destination options and AH headers to the upper layer', () => {
  const pkt = ipv6(payload, {
    nextHeader: 17,
    ext: [
      [IpProto.HOP_BY_HOP, Buffer.from([0, 1, 4, 0, 0, 0, 0])],
      [IpProto.ROUTING, Buffer.concat([Buffer.from([2, 0, 1, 0, 0, 0, 0]), Buffer.alloc(16)])],
      [IpProto.DEST_OPTS, Buffer.from([0, 1, 4, 0, 0, 0, 0])],
      [IpProto.AH, Buffer.concat([Buffer.from([4, 0, 0]), Buffer.alloc(20)])], // (4 + 2) * 4 = 24 bytes
    ],
  });
  const r = decodeIPv6(pkt, 0) as IPv6Packet;
  assert.equal([r.protocol, r.payloadOffset], [17, 40 + 8 + 24 + 8 + 24]);
});

v6('stops after a Fragment header and reports id, offset and more-fragments', () => {
  const pkt = ipv6(payload, { nextHeader: 17, ext: [[IpProto.FRAGMENT, fragmentHeaderBody(1232, true, 0xdeadbeef)]] });
  const r = decodeIPv6(pkt, 0) as IPv6Packet;
  assert.equal([r.isFragment, r.fragmentOffset, r.moreFragments, r.fragmentId, r.protocol, r.payloadOffset],
    [true, 1232, true, 0xdeadbeef, 17, 48]);
});

v6('stops at ESP and No Next Header', () => {
  assert.is((decodeIPv6(ipv6(Buffer.alloc(16), { nextHeader: IpProto.ESP }), 0) as IPv6Packet).protocol, 50);
  assert.is((decodeIPv6(ipv6(Buffer.alloc(0), { nextHeader: IpProto.NO_NEXT }), 0) as IPv6Packet).protocol, 59);
});

v6('reports an extension header that runs past the packet', () => {
  const pkt = ipv6(Buffer.alloc(0), { nextHeader: 17, ext: [[IpProto.DEST_OPTS, Buffer.from([4, 0, 0, 0, 0, 0, 0])]] });
  assert.is(decodeIPv6(pkt, 0), 'ipv6_truncated_extension_header');
});

v6('gives up on a chain longer than MAX_IPV6_EXTENSION_HEADERS', () => {
  const ext: Array<[number, Buffer]> = Array.from({ length: MAX_IPV6_EXTENSION_HEADERS + 1 }, () => [IpProto.DEST_OPTS, Buffer.alloc(7)]);
  assert.is(decodeIPv6(ipv6(payload, { nextHeader: 17, ext }), 0), 'ipv6_too_many_extension_headers');
});

v6('marks a packet captured shorter than its payload length as truncated', () => {
  const pkt = ipv6(Buffer.alloc(500), { nextHeader: 17 }).subarray(0, 96);
  const r = decodeIPv6(pkt, 0) as IPv6Packet;
  assert.equal([r.truncated, r.payloadEnd], [true, 96]);
});

v6('rejects short buffers and other versions', () => {
  assert.is(decodeIPv6(Buffer.alloc(39), 0), 'ip_truncated_header');
  assert.is(decodeIPv6(Buffer.alloc(40, 0x45), 0), 'ip_bad_version');
});

const skip = suite('skipIPv6Extensions');

skip('walks the extension headers at the start of a reassembled fragmentable part', () => {
  const part = Buffer.concat([Buffer.from([17, 0, 1, 4, 0, 0, 0, 0]), payload]);
  const r = skipIPv6Extensions(part, 0, part.length, IpProto.DEST_OPTS, { protocol: 0, offset: 0 });
  assert.equal(r, { protocol: 17, offset: 8 });
  assert.is(skipIPv6Extensions(part, 0, 4, IpProto.DEST_OPTS, { protocol: 0, offset: 0 }), 'ipv6_truncated_extension_header');
});

const fmt = suite('ipv6ToString');

fmt('follows RFC 5952: lower case, no leading zeros, longest zero run compressed, first on a tie', () => {
  const cases: Array<[string, string]> = [
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
    ['0:0:0:0:0:0:0:0', '::'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['1:0:0:0:0:0:0:0', '1::'],
    ['fe80:0:0:0:abcd:ef01:2345:6789', 'fe80::abcd:ef01:2345:6789'],
    ['0:0:0:0:0:ffff:c000:0201', '::ffff:192.0.2.1'],
  ];
  for (const [input, want] of cases) {
    const groups = input.split(':').map((g) => parseInt(g, 16));
    const b = Buffer.alloc(16);
    groups.forEach((g, i) => b.writeUInt16BE(g, i * 2));
    assert.is(ipv6ToString(b, 0), want, input);
  }
});

fmt('formats at an offset', () => {
  const b = Buffer.concat([Buffer.alloc(3), ipv6Bytes('2001:db8::abc')]);
  assert.is(ipv6ToString(b, 3), '2001:db8::abc');
});

const fmt4 = suite('ipv4ToString');

fmt4('formats the dotted quad of four bytes', () => {
  assert.is(ipv4ToString(Buffer.from([0, 10, 255, 0, 1, 9]), 1), '10.255.0.1');
  assert.is(ipv4FromUint32(0xffffffff), '255.255.255.255');
  assert.is(ipv4FromUint32(0), '0.0.0.0');
});

v4.run();
v6.run();
skip.run();
fmt.run();
fmt4.run();
