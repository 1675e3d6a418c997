/**
 * Test-only: a tiny walker over pcap/pcapng files that yields UDP and TCP payloads, so the
 * media, TLS and HTTP parser tests can use public captures without depending on the real
 * packet decoder. Ethernet (802.1Q), BSD loopback, Linux SLL and raw IP; IPv4 and IPv6
 * without fragments. Not for production use: no reassembly, no anomaly accounting.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface CapturedPayload {
  index: number;
  transport: 'udp' | 'tcp';
  srcIp: string; dstIp: string; srcPort: number; dstPort: number;
  tcpSeq: number; tcpFlags: number;
  payload: Buffer;
}

/** ../shared/captures/public beside the repository (CI clones it elsewhere, with shared/ next to it). */
export const PUBLIC_CAPTURES = fileURLToPath(new URL('../../../shared/captures/public', import.meta.url));

export function readPayloads(path: string): CapturedPayload[] {
  const file = readFileSync(path);
  const out: CapturedPayload[] = [];
  const push = (link: number, frame: Buffer) => {
    const p = decodeFrame(link, frame);
    if (p) { p.index = out.length; out.push(p); }
  };
  const magic = file.readUInt32LE(0);
  if (magic === 0x0a0d0d0a) readPcapng(file, push);
  else readPcap(file, push);
  return out;
}

function readPcap(file: Buffer, push: (link: number, frame: Buffer) => void): void {
  const magic = file.readUInt32LE(0);
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  const u32 = (o: number) => (le ? file.readUInt32LE(o) : file.readUInt32BE(o));
  const link = u32(20) & 0xffff;
  let off = 24;
  while (off + 16 <= file.length) {
    const incl = u32(off + 8);
    if (off + 16 + incl > file.length) break;
    push(link, file.subarray(off + 16, off + 16 + incl));
    off += 16 + incl;
  }
}

function readPcapng(file: Buffer, push: (link: number, frame: Buffer) => void): void {
  const links: number[] = [];
  let off = 0;
  let le = true;
  while (off + 12 <= file.length) {
    const type = file.readUInt32LE(off);
    if (type === 0x0a0d0d0a) le = file.readUInt32LE(off + 8) === 0x1a2b3c4d;
    const u32 = (o: number) => (le ? file.readUInt32LE(o) : file.readUInt32BE(o));
    const u16 = (o: number) => (le ? file.readUInt16LE(o) : file.readUInt16BE(o));
    const len = u32(off + 4);
    if (len < 12 || off + len > file.length) break;
    if (type === 0x0a0d0d0a) links.length = 0;
    else if (u32(off) === 1) links.push(u16(off + 8));
    else if (u32(off) === 6) {
      const iface = u32(off + 8);
      const incl = u32(off + 20);
      push(links[iface] ?? 1, file.subarray(off + 28, off + 28 + incl));
    }
    off += len;
  }
}

function decodeFrame(link: number, f: Buffer): CapturedPayload | null {
  let off: number;
  let etherType: number;
  if (link === 1) {
    off = 12;
    etherType = f.readUInt16BE(off);
    while (etherType === 0x8100 || etherType === 0x88a8) { off += 4; etherType = f.readUInt16BE(off); }
    off += 2;
  } else if (link === 0) {
    off = 4;
    etherType = (f[0] === 2 || f[3] === 2) ? 0x0800 : 0x86dd;
  } else if (link === 113) {
    off = 16; etherType = f.readUInt16BE(14);
  } else if (link === 101 || link === 12 || link === 14 || link === 228 || link === 229) {
    off = 0; etherType = (f[0] >> 4) === 4 ? 0x0800 : 0x86dd;
  } else return null;
  let proto: number, src: string, dst: string, l4: number, end: number;
  if (etherType === 0x0800) {
    const ihl = (f[off] & 0x0f) * 4;
    proto = f[off + 9];
    src = [...f.subarray(off + 12, off + 16)].join('.');
    dst = [...f.subarray(off + 16, off + 20)].join('.');
    end = Math.min(f.length, off + f.readUInt16BE(off + 2));
    l4 = off + ihl;
  } else if (etherType === 0x86dd) {
    proto = f[off + 6];
    src = ipv6(f.subarray(off + 8, off + 24));
    dst = ipv6(f.subarray(off + 24, off + 40));
    end = Math.min(f.length, off + 40 + f.readUInt16BE(off + 4));
    l4 = off + 40;
  } else return null;
  if (proto === 17 && l4 + 8 <= end) {
    return {
      index: 0, transport: 'udp', srcIp: src, dstIp: dst, srcPort: f.readUInt16BE(l4), dstPort: f.readUInt16BE(l4 + 2),
      tcpSeq: 0, tcpFlags: 0, payload: f.subarray(l4 + 8, end),
    };
  }
  if (proto === 6 && l4 + 20 <= end) {
    const dataOff = l4 + (f[l4 + 12] >> 4) * 4;
    return {
      index: 0, transport: 'tcp', srcIp: src, dstIp: dst, srcPort: f.readUInt16BE(l4), dstPort: f.readUInt16BE(l4 + 2),
      tcpSeq: f.readUInt32BE(l4 + 4), tcpFlags: f[l4 + 13], payload: f.subarray(dataOff, end),
    };
  }
  return null;
}

function ipv6(b: Buffer): string {
  const words: string[] = [];
  for (let i = 0; i < 16; i += 2) words.push(b.readUInt16BE(i).toString(16));
  return words.join(':');
}

/** Concatenates the payloads of one TCP direction in sequence order, dropping retransmissions. */
export function tcpStream(packets: readonly CapturedPayload[], srcPort: number, dstPort: number): Buffer {
  const segs = packets.filter((p) => p.transport === 'tcp' && p.srcPort === srcPort && p.dstPort === dstPort && p.payload.length > 0);
  const seen = new Set<number>();
  const parts: Buffer[] = [];
  for (const s of [...segs].sort((a, b) => ((a.tcpSeq - b.tcpSeq) | 0))) {
    if (seen.has(s.tcpSeq)) continue;
    seen.add(s.tcpSeq);
    parts.push(s.payload);
  }
  return Buffer.concat(parts);
}
