/**
 * TCP stream reassembly: per connection and direction, payload bytes are delivered once and
 * in sequence order, whatever order the capture holds them in.
 *
 * - Retransmissions and partial overlaps: bytes already delivered are dropped. Overlapping
 *   data that was never delivered is resolved first-wins (the bytes delivered first stand).
 * - Out-of-order segments are copied and held until the hole before them fills.
 * - A hole is given up on (onGap, then the bytes after it are delivered) when the other
 *   side acknowledges past it (the receiver got bytes the capture missed, no
 *   retransmission will come), when held bytes or segments exceed their caps, and when the
 *   connection ends (FIN from both sides, RST, idle timeout, eviction, end of input).
 * - A segment cut short by the snap length delivers what was captured, then a gap for the rest.
 * - Sequence numbers are compared modulo 2^32 (RFC 9293 §3.4), so wrap-around is seamless.
 * - Blind injection: a segment beyond any possible window is dropped, and an RST far from
 *   the expected sequence number is ignored (counted), as the end host would (RFC 5961).
 *
 * Direction: the sender of a SYN is the client; a SYN-ACK's receiver when only that was
 * seen. A connection picked up mid-stream (no handshake in the capture) is given a client
 * by port: a port below 1024 or a well-known VoIP/web service port is the server's; else
 * an ephemeral port (>= 32768) is the client's; else the first sender is the client.
 *
 * Everything is bounded by named caps and counted: connections (the least recently active
 * is evicted), bytes and segments held per direction, bytes held in total.
 */
import type { TransportPacket } from './packet-decoder.ts';
import { TcpFlag } from '../../parsers/transport.ts';
import { VoipwatchError } from '../errors.ts';

export interface TcpConnection {
  id: number;
  clientIp: string;
  clientPort: number;
  serverIp: string;
  serverPort: number;
  sawSyn: boolean;
  sawSynAck: boolean;
  firstTs: number;
  lastTs: number;
  /** slot for the application-layer parser state */
  app: unknown;
}

/** 'end' is the end of input (flush). */
export type TcpCloseReason = 'fin' | 'rst' | 'idle' | 'evicted' | 'end';

export interface TcpStreamHandler {
  onOpen?(c: TcpConnection): void;
  /** `data` may be a view of the packet: copy what you keep */
  onData(c: TcpConnection, fromClient: boolean, data: Buffer, ts: number): void;
  onGap?(c: TcpConnection, fromClient: boolean, missingBytes: number): void;
  onClose?(c: TcpConnection, reason: TcpCloseReason): void;
}

export interface TcpReassemblyOptions {
  /** connections tracked at once; the least recently active is evicted beyond this */
  maxConnections?: number;
  /** out-of-order bytes held per direction before the hole is skipped */
  maxBufferedPerDirection?: number;
  /** out-of-order segments held per direction before the hole is skipped */
  maxSegmentsPerDirection?: number;
  /** out-of-order bytes held over all connections */
  maxBufferedTotal?: number;
  /** seconds of capture time without a segment before a connection is closed as idle
   * (Zeek's tcp_inactivity_timeout is 5 min; SIP over TCP keeps connections up for long) */
  idleTimeoutSec?: number;
  /** seconds a closed connection is remembered, so late retransmissions do not reopen it */
  closedLingerSec?: number;
}

export const DEFAULT_TCP_REASSEMBLY_OPTIONS: Readonly<Required<TcpReassemblyOptions>> = Object.freeze({
  maxConnections: 100_000,
  maxBufferedPerDirection: 1024 * 1024,
  maxSegmentsPerDirection: 2048,
  maxBufferedTotal: 128 * 1024 * 1024,
  idleTimeoutSec: 300,
  closedLingerSec: 10,
});

/** Capture-time seconds between sweeps for idle connections. */
const EXPIRE_INTERVAL_SEC = 1;
/** A connection is moved to the recent end of the LRU order at most this often (seconds). */
const LRU_TOUCH_SEC = 1;

/**
 * No sender may be further ahead of the receiver's acknowledgment than the largest window,
 * 2^30 bytes with window scaling (RFC 7323 §2.3); a segment beyond it is not buffered.
 */
const MAX_WINDOW = 2 ** 30;
/**
 * An RST is believed only near the next expected sequence number: RFC 5961 §3.2 has hosts
 * ignore RSTs outside their window, so a blind RST must not end inspection of a stream the
 * host keeps using. The receive window is not tracked; this bound is generous.
 */
const RST_ACCEPT_WINDOW = 16 * 1024 * 1024;

/** Server ports of services this sensor looks at, for connections seen without a handshake. */
const KNOWN_SERVER_PORTS: ReadonlySet<number> = new Set([
  1720, 2000, 2427, 2727, 5060, 5061, 5080, 5222, 5223, 8080, 8088, 8089, 8443, 8000, 8008, 8888, 9000,
]);
const EPHEMERAL_PORT_MIN = 32768;

export interface TcpReassemblyCounters {
  /** connections opened */
  connections: number;
  /** connections open now */
  active: number;
  closed: Record<TcpCloseReason, number>;
  segments: number;
  payloadBytes: number;
  deliveredBytes: number;
  /** bytes seen again after delivery (retransmissions, overlaps) */
  retransmittedBytes: number;
  outOfOrderSegments: number;
  gaps: number;
  gapBytes: number;
  /** holes skipped because a cap on held data was reached */
  gapsForced: number;
  /** holes skipped because the receiver acknowledged past them */
  gapsAcked: number;
  /** bytes held out of order now */
  bufferedBytes: number;
  /** segments without a connection that could not start one (stray ACK, RST, FIN) */
  ignoredSegments: number;
  /** segments arriving for a connection that had closed */
  afterCloseSegments: number;
  /** segments further ahead than any window allows, dropped */
  outOfWindowSegments: number;
  /** RSTs far from the expected sequence number, ignored */
  rstOutOfWindow: number;
}

interface Segment { seq: number; data: Buffer; ts: number }

class Direction {
  /** nextSeq is valid */
  known = false;
  /** sequence number of the next byte to deliver (uint32) */
  nextSeq = 0;
  /** held out-of-order segments, sorted by sequence number from nextSeq */
  queue: Segment[] = [];
  queued = 0;
  fin = false;
  finSeq = 0;
  /** highest acknowledgment the other side sent for this direction's bytes */
  peerAck = 0;
  peerAckKnown = false;
}

class Connection implements TcpConnection {
  app: unknown = undefined;
  sawSyn = false;
  sawSynAck = false;
  /** sequence number of the SYN seen */
  synSeq = 0;
  closed = false;
  delivered = false;
  client = new Direction();
  server = new Direction();
  orderTs: number;
  lastTs: number;
  constructor(
    readonly key: string,
    readonly id: number,
    public clientIp: string,
    public clientPort: number,
    public serverIp: string,
    public serverPort: number,
    readonly firstTs: number,
  ) {
    this.orderTs = firstTs;
    this.lastTs = firstTs;
  }
}

/** Signed distance from b to a in sequence space (RFC 9293 §3.4 arithmetic modulo 2^32). */
const seqDiff = (a: number, b: number): number => (a - b) | 0;

export class TcpReassembler {
  readonly counters: TcpReassemblyCounters = {
    connections: 0, active: 0, closed: { fin: 0, rst: 0, idle: 0, evicted: 0, end: 0 },
    segments: 0, payloadBytes: 0, deliveredBytes: 0, retransmittedBytes: 0, outOfOrderSegments: 0,
    gaps: 0, gapBytes: 0, gapsForced: 0, gapsAcked: 0, bufferedBytes: 0, ignoredSegments: 0, afterCloseSegments: 0,
    outOfWindowSegments: 0, rstOutOfWindow: 0,
  };
  private readonly opts: Readonly<Required<TcpReassemblyOptions>>;
  /** in approximate least-recently-active order (see LRU_TOUCH_SEC) */
  private readonly conns = new Map<string, Connection>();
  /** closed connections kept for closedLingerSec, oldest first */
  private closedQueue: Connection[] = [];
  private closedHead = 0;
  private nextId = 1;
  private now = Number.NEGATIVE_INFINITY;
  private lastExpire = Number.NEGATIVE_INFINITY;

  constructor(private readonly handler: TcpStreamHandler, opts: TcpReassemblyOptions = {}) {
    this.opts = resolveOptions(DEFAULT_TCP_REASSEMBLY_OPTIONS, opts);
  }

  onSegment(tp: TransportPacket): void {
    if (tp.transport !== 'tcp') return;
    const c = this.counters;
    const ts = tp.ts;
    c.segments++;
    c.payloadBytes += tp.payload.length;
    if (ts > this.now) this.now = ts;
    if (this.now - this.lastExpire >= EXPIRE_INTERVAL_SEC) this.expire(this.now);

    const flags = tp.tcpFlags;
    const syn = (flags & TcpFlag.SYN) !== 0;
    const ack = (flags & TcpFlag.ACK) !== 0;
    const key = connectionKey(tp);
    let conn = this.conns.get(key);
    if (conn !== undefined && conn.closed) {
      if (!(syn && !ack)) { c.afterCloseSegments++; return; }
      this.conns.delete(key); // the ports are reused by a new connection
      conn = undefined;
    }
    if (conn === undefined) {
      if (!syn && tp.payload.length === 0 && tp.truncatedBytes === 0) { c.ignoredSegments++; return; }
      if ((flags & TcpFlag.RST) !== 0) { c.ignoredSegments++; return; }
      conn = this.open(key, tp, syn, ack);
    } else if (syn && !ack && this.isNewHandshake(conn, tp)) {
      // A new handshake on the ports of a connection still tracked: that one is over.
      this.close(conn, 'evicted');
      conn = this.open(key, tp, syn, ack);
    }

    conn.lastTs = ts;
    if (ts - conn.orderTs >= LRU_TOUCH_SEC) {
      this.conns.delete(key);
      this.conns.set(key, conn);
      conn.orderTs = ts;
    }

    let fromClient = tp.srcPort === conn.clientPort && tp.srcIp === conn.clientIp;
    if (syn) {
      if (ack && fromClient && !conn.sawSyn && !conn.delivered) {
        // Guessed wrong for a connection picked up mid-stream: the SYN-ACK sender is the server.
        this.swapRoles(conn);
        fromClient = false;
      }
      if (!ack && !fromClient && !conn.delivered) {
        // A SYN-ACK was seen first (captures merged from two taps reorder): the SYN sender is the client.
        this.swapRoles(conn);
        fromClient = true;
      }
      const dir = fromClient ? conn.client : conn.server;
      if (ack) conn.sawSynAck = true;
      else { conn.sawSyn = true; conn.synSeq = tp.seq; }
      if (!dir.known || !conn.delivered) {
        dir.nextSeq = (tp.seq + 1) >>> 0;
        dir.known = true;
      }
      if (ack) {
        const peer = fromClient ? conn.server : conn.client;
        if (!peer.known) { peer.nextSeq = tp.ack; peer.known = true; }
      }
    }
    const dir = fromClient ? conn.client : conn.server;
    if ((flags & TcpFlag.RST) !== 0) {
      if (dir.known && Math.abs(seqDiff(tp.seq, dir.nextSeq)) > RST_ACCEPT_WINDOW) { c.rstOutOfWindow++; return; }
      this.close(conn, 'rst');
      return;
    }

    const other = fromClient ? conn.server : conn.client;
    if (ack) this.acknowledged(conn, other, !fromClient, tp.ack);
    const seq = syn ? (tp.seq + 1) >>> 0 : tp.seq;
    const len = tp.payload.length + tp.truncatedBytes;
    if (!dir.known && (len > 0 || (flags & TcpFlag.FIN) !== 0)) {
      dir.nextSeq = seq;
      dir.known = true;
    }
    if (len > 0) this.data(conn, dir, fromClient, seq, tp.payload, tp.truncatedBytes, ts);
    if ((flags & TcpFlag.FIN) !== 0 && !dir.fin) {
      dir.fin = true;
      dir.finSeq = (seq + len) >>> 0;
    }
    if (conn.client.fin && conn.server.fin && isComplete(conn.client) && isComplete(conn.server)) this.close(conn, 'fin');
  }

  /** Close connections idle since before `nowTs - idleTimeoutSec`; forget closed ones after their linger. */
  expire(nowTs: number): void {
    this.lastExpire = nowTs;
    const lingerLimit = nowTs - this.opts.closedLingerSec;
    const q = this.closedQueue;
    while (this.closedHead < q.length && q[this.closedHead].lastTs <= lingerLimit) {
      const conn = q[this.closedHead++];
      if (this.conns.get(conn.key) === conn) this.conns.delete(conn.key);
    }
    if (this.closedHead > 1024 && this.closedHead * 2 > q.length) {
      this.closedQueue = q.slice(this.closedHead);
      this.closedHead = 0;
    }
    const idleLimit = nowTs - this.opts.idleTimeoutSec;
    for (const conn of this.conns.values()) {
      if (conn.orderTs > idleLimit) break;
      if (conn.closed) {
        this.conns.delete(conn.key);
      } else if (conn.lastTs <= idleLimit) {
        this.close(conn, 'idle');
      } else {
        this.conns.delete(conn.key);
        this.conns.set(conn.key, conn);
        conn.orderTs = conn.lastTs;
      }
    }
  }

  /** End of input: deliver what is held (skipping holes) and close every connection. */
  flush(): void {
    for (const conn of this.conns.values()) {
      if (!conn.closed) this.close(conn, 'end');
    }
    this.conns.clear();
    this.closedQueue = [];
    this.closedHead = 0;
  }

  /** Connections tracked now, closed ones still lingering included. */
  get size(): number {
    return this.conns.size;
  }

  private open(key: string, tp: TransportPacket, syn: boolean, ack: boolean): Connection {
    if (this.conns.size >= this.opts.maxConnections) this.evictOldest();
    const senderIsClient = syn ? !ack : senderLooksLikeClient(tp.srcPort, tp.dstPort);
    const conn = senderIsClient
      ? new Connection(key, this.nextId++, tp.srcIp, tp.srcPort, tp.dstIp, tp.dstPort, tp.ts)
      : new Connection(key, this.nextId++, tp.dstIp, tp.dstPort, tp.srcIp, tp.srcPort, tp.ts);
    if (syn && ack) conn.sawSynAck = true;
    else if (syn) { conn.sawSyn = true; conn.synSeq = tp.seq; }
    this.conns.set(key, conn);
    this.counters.connections++;
    this.counters.active++;
    this.handler.onOpen?.(conn);
    return conn;
  }

  /** A SYN on a tracked connection starts a new one unless it repeats the SYN already seen. */
  private isNewHandshake(conn: Connection, tp: TransportPacket): boolean {
    if (!conn.sawSyn) return conn.delivered;
    return tp.seq !== conn.synSeq || tp.srcPort !== conn.clientPort || tp.srcIp !== conn.clientIp;
  }

  private swapRoles(conn: Connection): void {
    const ip = conn.clientIp, port = conn.clientPort, dir = conn.client;
    conn.clientIp = conn.serverIp; conn.clientPort = conn.serverPort; conn.client = conn.server;
    conn.serverIp = ip; conn.serverPort = port; conn.server = dir;
  }

  private evictOldest(): void {
    const oldest = this.conns.values().next().value;
    if (oldest === undefined) return;
    if (oldest.closed) this.conns.delete(oldest.key);
    else this.close(oldest, 'evicted');
  }

  /** An acknowledgment for `dir`'s bytes: a hole the receiver has got past will not be refilled. */
  private acknowledged(conn: Connection, dir: Direction, dirIsClient: boolean, ackNo: number): void {
    if (!dir.peerAckKnown || seqDiff(ackNo, dir.peerAck) > 0) {
      dir.peerAck = ackNo;
      dir.peerAckKnown = true;
    }
    if (dir.queue.length > 0) {
      if (seqDiff(ackNo, dir.queue[0].seq) >= 0) {
        this.counters.gapsAcked++;
        this.skipHole(conn, dir, dirIsClient);
      }
    } else if (dir.fin && seqDiff(ackNo, dir.finSeq) > 0 && seqDiff(dir.finSeq, dir.nextSeq) > 0) {
      // The FIN was acknowledged but bytes before it never appeared in the capture.
      this.counters.gapsAcked++;
      this.gap(conn, dir, dirIsClient, seqDiff(dir.finSeq, dir.nextSeq));
    }
  }

  private data(conn: Connection, dir: Direction, fromClient: boolean, seq: number, payload: Buffer, truncated: number, ts: number): void {
    const c = this.counters;
    const len = payload.length;
    const off = seqDiff(seq, dir.nextSeq);
    if (off <= 0) {
      if (off + len + truncated <= 0) { c.retransmittedBytes += len; return; }
      if (off + len > 0) {
        if (off < 0) c.retransmittedBytes += -off;
        this.deliver(conn, dir, fromClient, off < 0 ? payload.subarray(-off) : payload, ts);
      }
      if (truncated > 0) {
        const missing = Math.min(truncated, off + len + truncated);
        this.gap(conn, dir, fromClient, missing);
      }
      this.drain(conn, dir, fromClient);
      return;
    }
    if (len === 0) return; // only bytes cut by the snap length, ahead of a hole
    const base = dir.peerAckKnown ? dir.peerAck : dir.nextSeq;
    if (seqDiff(seq, base) > MAX_WINDOW) { c.outOfWindowSegments++; return; }
    c.outOfOrderSegments++;
    this.enqueue(dir, seq, payload, ts);
    if (dir.peerAckKnown && seqDiff(dir.peerAck, dir.queue[0].seq) >= 0) {
      c.gapsAcked++;
      this.skipHole(conn, dir, fromClient);
    }
    while (dir.queue.length > 0 && (dir.queued > this.opts.maxBufferedPerDirection || dir.queue.length > this.opts.maxSegmentsPerDirection)) {
      c.gapsForced++;
      this.skipHole(conn, dir, fromClient);
    }
    if (c.bufferedBytes > this.opts.maxBufferedTotal) {
      while (dir.queue.length > 0) {
        c.gapsForced++;
        this.skipHole(conn, dir, fromClient);
      }
    }
  }

  /** Hold a copy, sorted by position after nextSeq; an exact repeat of a held segment is dropped. */
  private enqueue(dir: Direction, seq: number, payload: Buffer, ts: number): void {
    const q = dir.queue;
    const rel = seqDiff(seq, dir.nextSeq);
    let i = q.length;
    while (i > 0 && seqDiff(q[i - 1].seq, dir.nextSeq) > rel) i--;
    const prev = q[i - 1];
    if (prev !== undefined && prev.seq === seq && prev.data.length >= payload.length) {
      this.counters.retransmittedBytes += payload.length;
      return;
    }
    q.splice(i, 0, { seq, data: Buffer.from(payload), ts });
    dir.queued += payload.length;
    this.counters.bufferedBytes += payload.length;
  }

  /** Deliver the held segments that have become contiguous. */
  private drain(conn: Connection, dir: Direction, fromClient: boolean): void {
    const q = dir.queue;
    while (q.length > 0) {
      const s = q[0];
      const off = seqDiff(s.seq, dir.nextSeq);
      if (off > 0) break;
      q.shift();
      dir.queued -= s.data.length;
      this.counters.bufferedBytes -= s.data.length;
      if (off + s.data.length <= 0) { this.counters.retransmittedBytes += s.data.length; continue; }
      if (off < 0) this.counters.retransmittedBytes += -off;
      this.deliver(conn, dir, fromClient, off < 0 ? s.data.subarray(-off) : s.data, s.ts);
    }
  }

  /** Give up on the hole before the first held segment. */
  private skipHole(conn: Connection, dir: Direction, fromClient: boolean): void {
    const first = dir.queue[0];
    if (first === undefined) return;
    const missing = seqDiff(first.seq, dir.nextSeq);
    if (missing > 0) this.gap(conn, dir, fromClient, missing);
    this.drain(conn, dir, fromClient);
  }

  private gap(conn: Connection, dir: Direction, fromClient: boolean, missing: number): void {
    this.counters.gaps++;
    this.counters.gapBytes += missing;
    dir.nextSeq = (dir.nextSeq + missing) >>> 0;
    this.handler.onGap?.(conn, fromClient, missing);
  }

  private deliver(conn: Connection, dir: Direction, fromClient: boolean, data: Buffer, ts: number): void {
    dir.nextSeq = (dir.nextSeq + data.length) >>> 0;
    conn.delivered = true;
    this.counters.deliveredBytes += data.length;
    this.handler.onData(conn, fromClient, data, ts);
  }

  private close(conn: Connection, reason: TcpCloseReason): void {
    if (conn.closed) return;
    while (conn.client.queue.length > 0) this.skipHole(conn, conn.client, true);
    while (conn.server.queue.length > 0) this.skipHole(conn, conn.server, false);
    conn.closed = true;
    this.counters.active--;
    this.counters.closed[reason]++;
    this.handler.onClose?.(conn, reason);
    if (reason === 'fin' || reason === 'rst') {
      this.closedQueue.push(conn);
    } else if (this.conns.get(conn.key) === conn) {
      this.conns.delete(conn.key);
    }
  }
}

/** Every byte up to the FIN has been delivered or given up on. */
const isComplete = (d: Direction): boolean => d.queue.length === 0 && seqDiff(d.nextSeq, d.finSeq) >= 0;

/** The same key for both directions: the lower endpoint first. */
function connectionKey(tp: TransportPacket): string {
  const a = tp.srcIp, b = tp.dstIp;
  return a < b || (a === b && tp.srcPort < tp.dstPort)
    ? a + ' ' + tp.srcPort + ' ' + b + ' ' + tp.dstPort
    : b + ' ' + tp.dstPort + ' ' + a + ' ' + tp.srcPort;
}

/** For a connection seen without its handshake: is the sender of this segment the client? */
function senderLooksLikeClient(srcPort: number, dstPort: number): boolean {
  const srcWellKnown = srcPort < 1024, dstWellKnown = dstPort < 1024;
  if (srcWellKnown !== dstWellKnown) return dstWellKnown;
  const srcService = KNOWN_SERVER_PORTS.has(srcPort), dstService = KNOWN_SERVER_PORTS.has(dstPort);
  if (srcService !== dstService) return dstService;
  const srcEphemeral = srcPort >= EPHEMERAL_PORT_MIN, dstEphemeral = dstPort >= EPHEMERAL_PORT_MIN;
  if (srcEphemeral !== dstEphemeral) return srcEphemeral;
  return true;
}

/** Defaults for what is not given; every value must be a positive number. */
function resolveOptions<T extends Record<string, number>>(defaults: Readonly<T>, opts: Partial<T>): Readonly<T> {
  const out: Record<string, number> = { ...defaults };
  for (const [k, v] of Object.entries(opts)) {
    if (v === undefined) continue;
    if (!(k in defaults)) throw new VoipwatchError('ERR_TCP_OPTION', `unknown option ${k}`);
    if (typeof v !== 'number' || !(v > 0)) throw new VoipwatchError('ERR_TCP_OPTION', `option ${k} must be a positive number, got ${String(v)}`);
    out[k] = v;
  }
  return Object.freeze(out) as Readonly<T>;
}
