/**
 * IPv4 and IPv6 fragment reassembly (RFC 791 §3.2, RFC 8200 §4.5), in capture time.
 *
 * Datagrams are keyed by (source, destination, identification, protocol) for IPv4 and
 * (source, destination, identification) for IPv6. Fragments may arrive in any order.
 *
 * Overlap policy: first wins. Bytes already held are kept and a later fragment only fills
 * the holes it covers. An exact or partial repeat with the same bytes is a harmless
 * duplicate (retransmission, mirrored twice); an overlap that carries different bytes is
 * counted as `ip_fragment_overlap_conflict`, the classic evasion trick where a sensor and
 * the target host may reassemble differently (RFC 5722 has IPv6 hosts drop such datagrams;
 * Linux does the same for IPv4 since 4.19). The first-wins result is still delivered so
 * the traffic is inspected, and the anomaly says it might not be what the host saw.
 *
 * Everything held is bounded: datagrams in flight, bytes per datagram, fragments per
 * datagram and bytes in total. Whatever is dropped is counted by cause.
 */
import type { IPv4Packet, IPv6Packet } from '../../parsers/ip.ts';
import { VoipwatchError } from '../errors.ts';

export interface DefragOptions {
  /** seconds of capture time a datagram may wait for its missing fragments (Linux ipfrag_time is 30) */
  timeoutSec?: number;
  /** datagrams being reassembled at once; the oldest is evicted beyond this */
  maxDatagrams?: number;
  /** largest reassembled payload in bytes; IP cannot express more than 65535 */
  maxDatagramBytes?: number;
  /** fragments held per datagram (8-byte fragments could otherwise number 8192) */
  maxFragmentsPerDatagram?: number;
  /** bytes held over all datagrams; the oldest are evicted beyond this */
  maxTotalBytes?: number;
}

export const DEFAULT_DEFRAG_OPTIONS: Readonly<Required<DefragOptions>> = Object.freeze({
  timeoutSec: 30,
  maxDatagrams: 8192,
  maxDatagramBytes: 65_535,
  maxFragmentsPerDatagram: 256,
  maxTotalBytes: 64 * 1024 * 1024,
});

/** Capture-time seconds between sweeps for timed-out datagrams. */
const EXPIRE_INTERVAL_SEC = 1;

export interface Reassembled {
  /** the upper-layer protocol (for IPv6: the next header of the offset-0 fragment) */
  protocol: number;
  /** the reassembled payload: a new buffer owned by the caller */
  payload: Buffer;
  fragments: number;
}

export interface DefragCounters {
  fragments: number;
  reassembled: number;
  duplicates: number;
  overlaps: number;
  conflicts: number;
  timedOut: number;
  evictedCap: number;
  droppedTooLarge: number;
  droppedTooManyFragments: number;
  droppedInvalid: number;
  datagramsHeld: number;
  bytesHeld: number;
}

interface Piece { start: number; data: Buffer }

interface Datagram {
  key: string;
  created: number;
  /** -1 until known (IPv6: from the offset-0 fragment) */
  protocol: number;
  /** sorted by start, never overlapping */
  pieces: Piece[];
  covered: number;
  /** payload length, -1 until the last fragment is seen */
  total: number;
  fragments: number;
}

export class IpDefragmenter {
  readonly counters: DefragCounters = {
    fragments: 0, reassembled: 0, duplicates: 0, overlaps: 0, conflicts: 0, timedOut: 0, evictedCap: 0,
    droppedTooLarge: 0, droppedTooManyFragments: 0, droppedInvalid: 0, datagramsHeld: 0, bytesHeld: 0,
  };
  private readonly opts: Readonly<Required<DefragOptions>>;
  private readonly datagrams = new Map<string, Datagram>();
  private lastExpire = Number.NEGATIVE_INFINITY;
  private now = Number.NEGATIVE_INFINITY;

  constructor(opts: DefragOptions = {}, private readonly onAnomaly: (code: string) => void = () => {}) {
    this.opts = resolveOptions(DEFAULT_DEFRAG_OPTIONS, opts);
  }

  /** One IPv4 fragment (caller checked it is one and that it was captured whole). */
  addIPv4(buf: Buffer, ip: IPv4Packet, ts: number): Reassembled | null {
    const key = ip.src + ',' + ip.dst + ',' + ip.id + ',' + ip.protocol;
    return this.add(key, ip.protocol, ip.fragmentOffset, buf.subarray(ip.payloadOffset, ip.payloadEnd), ip.moreFragments, ts);
  }

  /** One IPv6 fragment (a packet with a Fragment header, captured whole). */
  addIPv6(buf: Buffer, ip: IPv6Packet, ts: number): Reassembled | null {
    const key = buf.toString('latin1', ip.srcOffset, ip.srcOffset + 32) + ip.fragmentId;
    const protocol = ip.fragmentOffset === 0 ? ip.protocol : -1;
    return this.add(key, protocol, ip.fragmentOffset, buf.subarray(ip.payloadOffset, ip.payloadEnd), ip.moreFragments, ts);
  }

  private add(key: string, protocol: number, start: number, data: Buffer, more: boolean, ts: number): Reassembled | null {
    const c = this.counters;
    c.fragments++;
    if (ts > this.now) this.now = ts;
    if (this.now - this.lastExpire >= EXPIRE_INTERVAL_SEC) this.expire(this.now);
    const end = start + data.length;
    // RFC 8200 §4.5: a fragment other than the last whose length is not a multiple of 8 is
    // discarded; in IPv4 the offsets are 8-byte units, so the same holds (RFC 791 §3.2).
    if (more && data.length % 8 !== 0) { this.drop('ip_fragment_bad_length'); return null; }
    if (end > this.opts.maxDatagramBytes) {
      const d = this.datagrams.get(key);
      if (d) this.remove(d);
      c.droppedTooLarge++;
      this.onAnomaly('ip_fragment_too_large');
      return null;
    }
    let d = this.datagrams.get(key);
    if (!d) {
      if (this.datagrams.size >= this.opts.maxDatagrams) this.evictOldest();
      d = { key, created: this.now, protocol: -1, pieces: [], covered: 0, total: -1, fragments: 0 };
      this.datagrams.set(key, d);
      c.datagramsHeld++;
    }
    if (protocol >= 0 && d.protocol < 0) d.protocol = protocol;
    if (++d.fragments > this.opts.maxFragmentsPerDatagram) {
      this.remove(d);
      c.droppedTooManyFragments++;
      this.onAnomaly('ip_fragment_too_many');
      return null;
    }
    if (!more) {
      const lastPiece = d.pieces[d.pieces.length - 1];
      const inconsistent = (d.total >= 0 && d.total !== end) || (lastPiece !== undefined && lastPiece.start + lastPiece.data.length > end);
      if (inconsistent) { this.remove(d); this.drop('ip_fragment_inconsistent_length'); return null; }
      d.total = end;
    } else if (d.total >= 0 && end > d.total) {
      this.remove(d);
      this.drop('ip_fragment_inconsistent_length');
      return null;
    }
    const added = this.insert(d, start, data);
    if (added > 0) {
      while (c.bytesHeld + added > this.opts.maxTotalBytes && this.datagrams.size > 1) {
        const oldest = this.datagrams.values().next().value as Datagram;
        if (oldest === d) break;
        this.evict(oldest);
      }
      c.bytesHeld += added;
    }
    if (d.total < 0 || d.covered !== d.total || d.protocol < 0) return null;
    return this.assemble(d);
  }

  /** Fill the holes of [start, start + data.length); returns the bytes added. */
  private insert(d: Datagram, start: number, data: Buffer): number {
    const end = start + data.length;
    const pieces = d.pieces;
    let added = 0;
    let overlapped = false;
    let conflict = false;
    let cursor = start;
    let i = 0;
    while (i < pieces.length && pieces[i].start + pieces[i].data.length <= start) i++;
    while (cursor < end) {
      const next = pieces[i];
      const holeEnd = next === undefined ? end : Math.min(end, next.start);
      if (holeEnd > cursor) {
        pieces.splice(i, 0, { start: cursor, data: Buffer.from(data.subarray(cursor - start, holeEnd - start)) });
        added += holeEnd - cursor;
        i++;
        cursor = holeEnd;
        continue;
      }
      // `next` covers cursor: compare what overlaps, then step past it.
      const nextEnd = next.start + next.data.length;
      const overlapEnd = Math.min(end, nextEnd);
      overlapped = true;
      if (!conflict && data.compare(next.data, cursor - next.start, overlapEnd - next.start, cursor - start, overlapEnd - start) !== 0) conflict = true;
      cursor = overlapEnd;
      i++;
    }
    d.covered += added;
    if (overlapped) {
      if (conflict) { this.counters.conflicts++; this.onAnomaly('ip_fragment_overlap_conflict'); }
      else if (added === 0) this.counters.duplicates++;
      else { this.counters.overlaps++; this.onAnomaly('ip_fragment_overlap'); }
    }
    return added;
  }

  private assemble(d: Datagram): Reassembled {
    const payload = Buffer.allocUnsafe(d.total);
    for (const p of d.pieces) p.data.copy(payload, p.start);
    const result: Reassembled = { protocol: d.protocol, payload, fragments: d.fragments };
    this.remove(d);
    this.counters.reassembled++;
    return result;
  }

  /** Drop datagrams whose first fragment is older than the timeout at capture time `nowTs`. */
  expire(nowTs: number): void {
    this.lastExpire = nowTs;
    const limit = nowTs - this.opts.timeoutSec;
    for (const d of this.datagrams.values()) {
      if (d.created >= limit) break;
      this.remove(d);
      this.counters.timedOut++;
      this.onAnomaly('ip_fragments_timed_out');
    }
  }

  /** Datagrams still incomplete at the end of input are counted as timed out. */
  flush(): void {
    for (const d of this.datagrams.values()) {
      this.remove(d);
      this.counters.timedOut++;
      this.onAnomaly('ip_fragments_timed_out');
    }
  }

  private evictOldest(): void {
    const oldest = this.datagrams.values().next().value;
    if (oldest) this.evict(oldest);
  }

  private evict(d: Datagram): void {
    this.remove(d);
    this.counters.evictedCap++;
    this.onAnomaly('ip_fragments_evicted');
  }

  private drop(code: string): void {
    this.counters.droppedInvalid++;
    this.onAnomaly(code);
  }

  private remove(d: Datagram): void {
    if (this.datagrams.get(d.key) !== d) return;
    this.datagrams.delete(d.key);
    this.counters.datagramsHeld--;
    this.counters.bytesHeld -= d.covered;
  }
}

/** Defaults for what is not given; every value must be a positive number. */
function resolveOptions<T extends Record<string, number>>(defaults: Readonly<T>, opts: Partial<T>): Readonly<T> {
  const out: Record<string, number> = { ...defaults };
  for (const [k, v] of Object.entries(opts)) {
    if (v === undefined) continue;
    if (!(k in defaults)) throw new VoipwatchError('ERR_DEFRAG_OPTION', `unknown option ${k}`);
    if (typeof v !== 'number' || !(v > 0)) throw new VoipwatchError('ERR_DEFRAG_OPTION', `option ${k} must be a positive number, got ${String(v)}`);
    out[k] = v;
  }
  return Object.freeze(out) as Readonly<T>;
}
