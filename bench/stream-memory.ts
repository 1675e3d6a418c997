/**
 * Memory per active RTP stream: feeds N concurrent streams (distinct 5-tuples and SSRCs, three
 * G.711 packets each) straight into an Analyzer in this process and measures the heap and RSS
 * it holds for them once garbage is collected. Run with --expose-gc:
 *
 *   node --expose-gc --import tsx bench/stream-memory.ts [--streams 100000]
 *
 * Streams are fed one after the other (three packets each, 100 µs apart in capture time), so
 * all of them are live at the end: the 60 s idle timeout never passes, and each flow is
 * confirmed by its second packet, so the candidate table (MEDIA_LIMITS.maxCandidates) never
 * holds more than one entry. MEDIA_LIMITS.maxStreams must be at least N. Prints one JSON line.
 */
import { fileURLToPath } from 'node:url';
import { Analyzer } from '../src/analyze.ts';
import { MEDIA_LIMITS, type MediaTracker } from '../src/track/media-tracker.ts';
import type { CapturedPacket } from '../parsers/capture-file.ts';

export interface StreamMemoryResult {
  streams: number;
  activeStreams: number;
  packets: number;
  heapBytesPerStream: number;
  rssBytesPerStream: number;
  heapDeltaMB: number;
  rssDeltaMB: number;
  caps: { maxStreams: number; maxCandidates: number; idleTimeoutSec: number };
  note: string;
}

const FRAME = 14 + 20 + 8 + 12 + 160;

/** One reusable Ethernet/IPv4/UDP/RTP frame; the addresses, ports and RTP fields are rewritten per packet. */
function frameTemplate(): Buffer {
  const b = Buffer.alloc(FRAME);
  Buffer.from([0x00, 0x04, 0xf2, 0, 0, 1, 0x80, 0x5e, 0xc0, 0, 0, 2, 0x08, 0x00]).copy(b, 0);
  b[14] = 0x45; b[15] = 0xb8; b.writeUInt16BE(20 + 8 + 12 + 160, 16); b[22] = 64; b[23] = 17;
  b.writeUInt16BE(8 + 12 + 160, 38);
  b[42] = 0x80; b[43] = 0;
  // µ-law bytes of a quiet waveform: the payload classifier sees codec data, not noise.
  for (let i = 0; i < 160; i++) b[54 + i] = 0xff - Math.round(12 * Math.abs(Math.sin(i / 6)));
  return b;
}

export function measureStreamMemory(streams: number): StreamMemoryResult {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  if (streams > MEDIA_LIMITS.maxStreams) throw new Error(`MEDIA_LIMITS.maxStreams is ${MEDIA_LIMITS.maxStreams}: ${streams} concurrent streams cannot be held`);
  const settle = () => { for (let i = 0; i < 4; i++) gc(); };
  // Warm-up on a throwaway analyzer: compiled code and grown heap spaces are not per-stream memory.
  feed(new Analyzer(), Math.min(streams, 20_000));
  settle();
  const before = process.memoryUsage();
  const analyzer = new Analyzer();
  const packets = feed(analyzer, streams);
  settle();
  const after = process.memoryUsage();
  const media = (analyzer as unknown as { media: MediaTracker }).media;
  const active = media.activeStreams;
  const heap = after.heapUsed - before.heapUsed;
  const rss = after.rss - before.rss;
  // Keep the analyzer reachable until after the measurement.
  if (analyzer.sources.length < 0) console.log(analyzer);
  return {
    streams, activeStreams: active, packets,
    heapBytesPerStream: Math.round(heap / Math.max(1, active)),
    rssBytesPerStream: Math.round(rss / Math.max(1, active)),
    heapDeltaMB: Math.round((heap / 1048576) * 10) / 10,
    rssDeltaMB: Math.round((rss / 1048576) * 10) / 10,
    caps: { maxStreams: MEDIA_LIMITS.maxStreams, maxCandidates: MEDIA_LIMITS.maxCandidates, idleTimeoutSec: MEDIA_LIMITS.idleTimeoutSec },
    note: 'streams fed sequentially, 3 packets each within 10 s of capture time: none idles out, each is confirmed by its 2nd packet',
  };
}

/** `streams` streams of three packets each; returns the packets fed. */
function feed(analyzer: Analyzer, streams: number): number {
  const frame = frameTemplate();
  const pkt: CapturedPacket = { ts: 0, linkType: 1, interfaceId: 0, data: frame, origLen: FRAME };
  const t0 = 1_767_225_600;
  let packets = 0;
  for (let k = 0; k < streams; k++) {
    // Caller 10.64.a.b:port to callee 10.128.a.b:port; four streams per host pair, as a PBX's media gateway would see.
    const host = k >> 2;
    frame.writeUInt32BE((0x0a400000 | host) >>> 0, 26);
    frame.writeUInt32BE((0x0a800000 | host) >>> 0, 30);
    frame.writeUInt16BE(16384 + 2 * (k & 3), 34);
    frame.writeUInt16BE(20000 + 2 * (k & 3), 36);
    const ssrc = Math.imul(k + 1, 0x9e3779b1) >>> 0;
    frame.writeUInt32BE(ssrc, 50);
    const seq0 = (k * 7919) & 0xffff;
    for (let n = 0; n < 3; n++) {
      frame.writeUInt16BE((seq0 + n) & 0xffff, 44);
      frame.writeUInt32BE((ssrc ^ 0x5a5a5a5a) + n * 160 >>> 0, 46);
      pkt.ts = t0 + k * 1e-4 + n * 0.02;
      analyzer.processPacket(pkt);
      packets++;
    }
  }
  return packets;
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const i = process.argv.indexOf('--streams');
  const n = i >= 0 ? Number(process.argv[i + 1]) : 100_000;
  console.log(JSON.stringify(measureStreamMemory(n)));
}
