import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeLink, decodeEthernet, formatMac, newLinkResult, LinkType, EtherType, ETHERTYPE_NONE } from '../parsers/link.ts';
import { ethernet, ipv4, udp } from './support/frames.ts';

const ip = ipv4(udp(Buffer.from('x'), 1, 2), { protocol: 17 });

const link = suite('decodeLink');

link('decodes an untagged Ethernet II frame to its IPv4 payload with both MACs', () => {
  const f = ethernet(ip, 0x0800, { dst: '01:02:03:04:05:06', src: 'aa:bb:cc:dd:ee:ff' });
  const r = decodeLink(LinkType.ETHERNET, f);
  assert.ok(r);
  assert.is(r.etherType, EtherType.IPV4);
  assert.is(r.l3Offset, 14);
  assert.is(r.vlan, -1);
  assert.is(formatMac(f, r.macOffset), '01:02:03:04:05:06');
  assert.is(formatMac(f, r.macOffset + 6), 'aa:bb:cc:dd:ee:ff');
  assert.is(r.srcMacOffset, 6);
});

link('decodes an 802.1Q-tagged frame to its IPv4 payload and reports the VLAN id', () => {
  const f = ethernet(ip, 0x0800, { vlans: [[0x8100, 0x2000 | 100]] });
  const r = decodeLink(LinkType.ETHERNET, f);
  assert.equal([r?.etherType, r?.l3Offset, r?.vlan], [0x0800, 18, 100]);
});

link('walks stacked QinQ tags (0x88a8, 0x9100, 0x8100) and reports the outermost VLAN', () => {
  const a = decodeLink(LinkType.ETHERNET, ethernet(ip, 0x86dd, { vlans: [[0x88a8, 300], [0x8100, 20]] }));
  assert.equal([a?.etherType, a?.l3Offset, a?.vlan], [0x86dd, 22, 300]);
  const b = decodeLink(LinkType.ETHERNET, ethernet(ip, 0x0800, { vlans: [[0x9100, 7], [0x9100, 8], [0x8100, 9]] }));
  assert.equal([b?.l3Offset, b?.vlan], [26, 7]);
});

link('gives up on a frame of more VLAN tags than MAX_VLAN_TAGS', () => {
  const tags: Array<[number, number]> = Array.from({ length: 9 }, () => [0x8100, 1]);
  assert.is(decodeLink(LinkType.ETHERNET, ethernet(ip, 0x0800, { vlans: tags })), null);
});

link('returns null for frames shorter than their link header, including a cut VLAN tag', () => {
  assert.is(decodeLink(LinkType.ETHERNET, Buffer.alloc(13)), null);
  const f = ethernet(Buffer.alloc(0), 0x8100);
  assert.is(decodeLink(LinkType.ETHERNET, f.subarray(0, 16)), null);
  assert.is(decodeLink(LinkType.LINUX_SLL, Buffer.alloc(15)), null);
  assert.is(decodeLink(LinkType.LINUX_SLL2, Buffer.alloc(19)), null);
  assert.is(decodeLink(LinkType.NULL, Buffer.alloc(3)), null);
  assert.is(decodeLink(LinkType.RAW, Buffer.alloc(0)), null);
});

link('reports non-IP EtherTypes (ARP) for the caller to count', () => {
  const r = decodeLink(LinkType.ETHERNET, ethernet(Buffer.alloc(28), 0x0806));
  assert.is(r?.etherType, EtherType.ARP);
});

link('finds the EtherType of an 802.3 frame behind LLC/SNAP, and none behind plain LLC', () => {
  const snap = Buffer.concat([Buffer.from([0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00]), ip]);
  const a = decodeLink(LinkType.ETHERNET, ethernet(snap, snap.length));
  assert.equal([a?.etherType, a?.l3Offset], [0x0800, 22]);
  const stp = decodeLink(LinkType.ETHERNET, ethernet(Buffer.from([0x42, 0x42, 0x03, 0, 0]), 5));
  assert.is(stp?.etherType, ETHERTYPE_NONE);
});

link('walks an MPLS label stack to the IP packet below it', () => {
  const labels = Buffer.from([0x00, 0x01, 0x00, 0x40, 0x00, 0x02, 0x01, 0x40]); // second has S set
  const r = decodeLink(LinkType.ETHERNET, ethernet(Buffer.concat([labels, ip]), 0x8847));
  assert.equal([r?.etherType, r?.l3Offset], [0x0800, 22]);
});

link('decodes a PPPoE session frame carrying IPv4', () => {
  const pppoe = Buffer.from([0x11, 0x00, 0x12, 0x34, 0x00, ip.length + 2, 0x00, 0x21]);
  const r = decodeLink(LinkType.ETHERNET, ethernet(Buffer.concat([pppoe, ip]), 0x8864));
  assert.equal([r?.etherType, r?.l3Offset, r?.macOffset], [0x0800, 22, 0]);
});

link('decodes Linux cooked v1 with the sender MAC and no MAC pair', () => {
  const h = Buffer.from([0, 0, 0, 1, 0, 6, 0xde, 0xad, 0xbe, 0xef, 0, 1, 0, 0, 0x86, 0xdd]);
  const f = Buffer.concat([h, ip]);
  const r = decodeLink(LinkType.LINUX_SLL, f);
  assert.equal([r?.etherType, r?.l3Offset, r?.macOffset], [0x86dd, 16, -1]);
  assert.is(formatMac(f, r!.srcMacOffset), 'de:ad:be:ef:00:01');
});

link('decodes Linux cooked v1 of a non-Ethernet device without a sender MAC', () => {
  const h = Buffer.from([0, 0, 0x03, 0x04, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00]); // ARPHRD_LOOPBACK 772
  const r = decodeLink(LinkType.LINUX_SLL, Buffer.concat([h, ip]));
  assert.equal([r?.etherType, r?.srcMacOffset], [0x0800, -1]);
});

link('decodes Linux cooked v2 with its 20-byte header', () => {
  const h = Buffer.from([0x08, 0x00, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0]);
  const f = Buffer.concat([h, ip]);
  const r = decodeLink(LinkType.LINUX_SLL2, f);
  assert.equal([r?.etherType, r?.l3Offset, r?.srcMacOffset], [0x0800, 20, 12]);
});

link('decodes BSD loopback address families in either byte order', () => {
  const fam = (v: number, le: boolean) => { const b = Buffer.alloc(4); if (le) b.writeUInt32LE(v); else b.writeUInt32BE(v); return Buffer.concat([b, ip]); };
  for (const type of [LinkType.NULL, LinkType.LOOP]) {
    for (const le of [true, false]) {
      assert.is(decodeLink(type, fam(2, le))?.etherType, 0x0800);
      for (const af of [24, 28, 30]) assert.is(decodeLink(type, fam(af, le))?.etherType, 0x86dd, `af ${af}`);
      assert.is(decodeLink(type, fam(7, le))?.etherType, ETHERTYPE_NONE);
    }
  }
  assert.is(decodeLink(LinkType.NULL, fam(2, true))?.l3Offset, 4);
});

link('decodes raw IP link types by the version nibble', () => {
  for (const type of [LinkType.RAW, LinkType.RAW_OPENBSD, LinkType.RAW_BSDOS]) {
    assert.equal([decodeLink(type, ip)?.etherType, decodeLink(type, ip)?.l3Offset], [0x0800, 0]);
    assert.is(decodeLink(type, Buffer.from([0x60]))?.etherType, 0x86dd);
    assert.is(decodeLink(type, Buffer.from([0x10]))?.etherType, ETHERTYPE_NONE);
  }
  assert.is(decodeLink(LinkType.IPV4, ip)?.etherType, 0x0800);
  assert.is(decodeLink(LinkType.IPV6, Buffer.alloc(40))?.etherType, 0x86dd);
});

link('returns null for an unsupported link type', () => {
  assert.is(decodeLink(105, Buffer.alloc(100)), null);
});

link('fills the caller\'s result object instead of allocating one', () => {
  const out = newLinkResult();
  const r = decodeLink(LinkType.ETHERNET, ethernet(ip, 0x0800), out);
  assert.ok(r === out);
});

const eth = suite('decodeEthernet');

eth('decodes a frame at an offset inside a larger buffer (tunnels) with absolute offsets', () => {
  const inner = ethernet(ip, 0x0800, { src: '02:00:00:00:00:09', vlans: [[0x8100, 42]] });
  const buf = Buffer.concat([Buffer.alloc(30), inner]);
  const r = decodeEthernet(buf, 30);
  assert.equal([r?.l3Offset, r?.macOffset, r?.vlan], [30 + 18, 30, 42]);
  assert.is(formatMac(buf, r!.srcMacOffset), '02:00:00:00:00:09');
});

const mac = suite('formatMac');

mac('formats six bytes as lower-case colon-separated hex', () => {
  assert.is(formatMac(Buffer.from([0, 0x1a, 0xff, 0x0b, 0x10, 0x09]), 0), '00:1a:ff:0b:10:09');
});

link.run();
eth.run();
mac.run();
