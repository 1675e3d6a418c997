/**
 * Test-only builders of frames and capture files, for the decoder tests' hand-made cases
 * (the real-traffic cases read the public captures). Checksums are left zero: no decoder
 * here verifies them.
 */

import { fileURLToPath } from 'node:url';

/** ../shared/captures/public beside the repository (CI clones it elsewhere, with shared/ next to it). */
export const PUBLIC_CAPTURES_DIR = fileURLToPath(new URL('../../../shared/captures/public', import.meta.url));

export function ipv4Bytes(s: string): Buffer {
  return Buffer.from(s.split('.').map(Number));
}

export function ipv6Bytes(s: string): Buffer {
  const [head, tail] = s.includes('::') ? s.split('::') : [s, undefined];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  const b = Buffer.alloc(16);
  groups.forEach((g, i) => b.writeUInt16BE(parseInt(g, 16), i * 2));
  return b;
}

export function macBytes(s: string): Buffer {
  return Buffer.from(s.split(':').map((x) => parseInt(x, 16)));
}

export function ethernet(payload: Buffer, etherType: number, opts: { dst?: string; src?: string; vlans?: Array<[number, number]> } = {}): Buffer {
  const parts = [macBytes(opts.dst ?? '00:11:22:33:44:55'), macBytes(opts.src ?? '66:77:88:99:aa:bb')];
  for (const [tpid, vid] of opts.vlans ?? []) {
    const tag = Buffer.alloc(4);
    tag.writeUInt16BE(tpid, 0);
    tag.writeUInt16BE(vid, 2);
    parts.push(tag);
  }
  const t = Buffer.alloc(2);
  t.writeUInt16BE(etherType, 0);
  parts.push(t, payload);
  return Buffer.concat(parts);
}

export interface Ipv4Opts {
  src?: string; dst?: string; protocol: number; id?: number; ttl?: number;
  moreFragments?: boolean; dontFragment?: boolean; fragmentOffset?: number; options?: Buffer; totalLength?: number;
}

export function ipv4(payload: Buffer, o: Ipv4Opts): Buffer {
  const opt = o.options ?? Buffer.alloc(0);
  const h = Buffer.alloc(20 + opt.length);
  h[0] = 0x40 | ((20 + opt.length) / 4);
  h.writeUInt16BE(o.totalLength ?? h.length + payload.length, 2);
  h.writeUInt16BE(o.id ?? 1, 4);
  h.writeUInt16BE((o.dontFragment ? 0x4000 : 0) | (o.moreFragments ? 0x2000 : 0) | ((o.fragmentOffset ?? 0) / 8), 6);
  h[8] = o.ttl ?? 64;
  h[9] = o.protocol;
  ipv4Bytes(o.src ?? '10.0.0.1').copy(h, 12);
  ipv4Bytes(o.dst ?? '10.0.0.2').copy(h, 16);
  opt.copy(h, 20);
  return Buffer.concat([h, payload]);
}

/** `ext`: extension headers as [type, body] where body excludes the next-header byte. */
export function ipv6(payload: Buffer, o: { src?: string; dst?: string; nextHeader: number; hopLimit?: number; ext?: Array<[number, Buffer]>; payloadLength?: number }): Buffer {
  const exts = o.ext ?? [];
  const extBufs: Buffer[] = [];
  for (let i = 0; i < exts.length; i++) {
    const next = i + 1 < exts.length ? exts[i + 1][0] : o.nextHeader;
    extBufs.push(Buffer.concat([Buffer.from([next]), exts[i][1]]));
  }
  const body = Buffer.concat([...extBufs, payload]);
  const h = Buffer.alloc(40);
  h.writeUInt32BE(0x60000000, 0);
  h.writeUInt16BE(o.payloadLength ?? body.length, 4);
  h[6] = exts.length > 0 ? exts[0][0] : o.nextHeader;
  h[7] = o.hopLimit ?? 64;
  ipv6Bytes(o.src ?? '2001:db8::1').copy(h, 8);
  ipv6Bytes(o.dst ?? '2001:db8::2').copy(h, 24);
  return Buffer.concat([h, body]);
}

/** Body (after the next-header byte) of an IPv6 Fragment header. */
export function fragmentHeaderBody(offset: number, more: boolean, id: number): Buffer {
  const b = Buffer.alloc(7);
  b.writeUInt16BE(offset | (more ? 1 : 0), 1);
  b.writeUInt32BE(id, 3);
  return b;
}

export function udp(payload: Buffer, srcPort: number, dstPort: number, length?: number): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt16BE(srcPort, 0);
  h.writeUInt16BE(dstPort, 2);
  h.writeUInt16BE(length ?? 8 + payload.length, 4);
  return Buffer.concat([h, payload]);
}

export function tcp(payload: Buffer, o: { srcPort: number; dstPort: number; seq?: number; ack?: number; flags?: number; window?: number; dataOffset?: number; options?: Buffer }): Buffer {
  const opt = o.options ?? Buffer.alloc(0);
  const h = Buffer.alloc(20 + opt.length);
  h.writeUInt16BE(o.srcPort, 0);
  h.writeUInt16BE(o.dstPort, 2);
  h.writeUInt32BE((o.seq ?? 0) >>> 0, 4);
  h.writeUInt32BE((o.ack ?? 0) >>> 0, 8);
  h[12] = (o.dataOffset ?? (20 + opt.length) / 4) << 4 | ((o.flags ?? 0) >> 8 & 1);
  h[13] = (o.flags ?? 0) & 0xff;
  h.writeUInt16BE(o.window ?? 65535, 14);
  opt.copy(h, 20);
  return Buffer.concat([h, payload]);
}

export interface RecordIn { ts: number; data: Buffer; origLen?: number }

/** A classic pcap file. */
export function pcapFile(linkType: number, records: RecordIn[], o: { nanos?: boolean; bigEndian?: boolean; snaplen?: number } = {}): Buffer {
  const be = o.bigEndian ?? false;
  const u32 = (b: Buffer, v: number, off: number) => (be ? b.writeUInt32BE(v >>> 0, off) : b.writeUInt32LE(v >>> 0, off));
  const u16 = (b: Buffer, v: number, off: number) => (be ? b.writeUInt16BE(v, off) : b.writeUInt16LE(v, off));
  const head = Buffer.alloc(24);
  u32(head, o.nanos ? 0xa1b23c4d : 0xa1b2c3d4, 0);
  u16(head, 2, 4);
  u16(head, 4, 6);
  u32(head, o.snaplen ?? 262144, 16);
  u32(head, linkType, 20);
  const parts: Buffer[] = [head];
  for (const r of records) {
    const h = Buffer.alloc(16);
    const sec = Math.floor(r.ts);
    const frac = Math.round((r.ts - sec) * (o.nanos ? 1e9 : 1e6));
    u32(h, sec, 0);
    u32(h, frac, 4);
    u32(h, r.data.length, 8);
    u32(h, r.origLen ?? r.data.length, 12);
    parts.push(h, r.data);
  }
  return Buffer.concat(parts);
}

const pad4 = (n: number) => (n + 3) & ~3;

/** One pcapng block: | type | length | body padded | length |. */
export function pcapngBlock(type: number, body: Buffer, be = false): Buffer {
  const len = 12 + pad4(body.length);
  const b = Buffer.alloc(len);
  if (be) { b.writeUInt32BE(type, 0); b.writeUInt32BE(len, 4); b.writeUInt32BE(len, len - 4); }
  else { b.writeUInt32LE(type, 0); b.writeUInt32LE(len, 4); b.writeUInt32LE(len, len - 4); }
  body.copy(b, 8);
  return b;
}

export function shb(be = false): Buffer {
  const body = Buffer.alloc(16);
  if (be) { body.writeUInt32BE(0x1a2b3c4d, 0); body.writeUInt16BE(1, 4); body.writeUInt16BE(0, 6); }
  else { body.writeUInt32LE(0x1a2b3c4d, 0); body.writeUInt16LE(1, 4); body.writeUInt16LE(0, 6); }
  body.writeInt32LE(-1, 8);
  body.writeInt32LE(-1, 12);
  return pcapngBlock(0x0a0d0d0a, body, be);
}

/** Interface Description Block; `tsresol` is the raw option byte, `tsoffset` seconds. */
export function idb(linkType: number, o: { snaplen?: number; tsresol?: number; tsoffset?: number; be?: boolean } = {}): Buffer {
  const be = o.be ?? false;
  const opts: Buffer[] = [];
  const opt = (code: number, value: Buffer) => {
    const h = Buffer.alloc(4 + pad4(value.length));
    if (be) { h.writeUInt16BE(code, 0); h.writeUInt16BE(value.length, 2); } else { h.writeUInt16LE(code, 0); h.writeUInt16LE(value.length, 2); }
    value.copy(h, 4);
    opts.push(h);
  };
  if (o.tsresol !== undefined) opt(9, Buffer.from([o.tsresol]));
  if (o.tsoffset !== undefined) {
    const v = Buffer.alloc(8);
    if (be) v.writeBigInt64BE(BigInt(o.tsoffset)); else v.writeBigInt64LE(BigInt(o.tsoffset));
    opt(14, v);
  }
  if (opts.length) opts.push(Buffer.alloc(4));
  const head = Buffer.alloc(8);
  if (be) { head.writeUInt16BE(linkType, 0); head.writeUInt32BE(o.snaplen ?? 0, 4); }
  else { head.writeUInt16LE(linkType, 0); head.writeUInt32LE(o.snaplen ?? 0, 4); }
  return pcapngBlock(1, Buffer.concat([head, ...opts]), be);
}

/** Enhanced Packet Block with a raw 64-bit timestamp in interface units. */
export function epb(ifaceId: number, tsUnits: bigint, data: Buffer, o: { origLen?: number; be?: boolean; capLen?: number } = {}): Buffer {
  const be = o.be ?? false;
  const head = Buffer.alloc(20);
  const w = (v: number, off: number) => (be ? head.writeUInt32BE(v >>> 0, off) : head.writeUInt32LE(v >>> 0, off));
  w(ifaceId, 0);
  w(Number(tsUnits >> 32n), 4);
  w(Number(tsUnits & 0xffffffffn), 8);
  w(o.capLen ?? data.length, 12);
  w(o.origLen ?? data.length, 16);
  return pcapngBlock(6, Buffer.concat([head, data]), be);
}

export function spb(data: Buffer, origLen?: number): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt32LE(origLen ?? data.length, 0);
  return pcapngBlock(3, Buffer.concat([head, data]));
}

/** Obsolete Packet Block (type 2). */
export function opb(ifaceId: number, tsUnits: bigint, data: Buffer): Buffer {
  const head = Buffer.alloc(20);
  head.writeUInt16LE(ifaceId, 0);
  head.writeUInt32LE(Number(tsUnits >> 32n), 4);
  head.writeUInt32LE(Number(tsUnits & 0xffffffffn), 8);
  head.writeUInt32LE(data.length, 12);
  head.writeUInt32LE(data.length, 16);
  return pcapngBlock(2, Buffer.concat([head, data]));
}

/** A UDP/IPv4/Ethernet frame in one call. */
export function udpFrame(payload: Buffer, o: { src?: string; dst?: string; srcPort?: number; dstPort?: number } = {}): Buffer {
  return ethernet(ipv4(udp(payload, o.srcPort ?? 5060, o.dstPort ?? 5060), { src: o.src, dst: o.dst, protocol: 17 }), 0x0800);
}
