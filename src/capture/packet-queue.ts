/**
 * The bounded queue between capture and analysis. Capture never waits: when the queue is
 * full (analysis slower than the wire), the packet is dropped and counted, and the kernel
 * buffer keeps draining. Packets are copies the queue owns (the capture binding reuses one
 * buffer for every packet).
 */
import type { CapturedPacket } from '../../parsers/capture-file.ts';

export interface PacketQueueLimits {
  /** packets held at once */
  maxPackets: number;
  /** captured bytes held at once */
  maxBytes: number;
}

export class PacketQueue {
  private readonly ring: (CapturedPacket | null)[];
  private head = 0;
  private tail = 0;
  private count = 0;
  private bytes = 0;
  /** packets refused because the queue was full */
  dropped = 0;
  enqueued = 0;
  /** the most packets held at once since start */
  highWater = 0;

  constructor(private readonly limits: PacketQueueLimits) {
    this.ring = new Array(limits.maxPackets).fill(null);
  }

  get length(): number { return this.count; }
  get heldBytes(): number { return this.bytes; }

  /** Copies the packet in; false (and counted) when full. */
  push(ts: number, linkType: number, interfaceId: number, view: Buffer, origLen: number): boolean {
    if (this.count >= this.limits.maxPackets || this.bytes + view.length > this.limits.maxBytes) {
      this.dropped++;
      return false;
    }
    this.ring[this.tail] = { ts, linkType, interfaceId, data: Buffer.from(view), origLen };
    this.tail = (this.tail + 1) % this.ring.length;
    this.count++;
    this.bytes += view.length;
    this.enqueued++;
    if (this.count > this.highWater) this.highWater = this.count;
    return true;
  }

  /** Hands up to `max` packets to `consume`, oldest first; returns how many. */
  drain(max: number, consume: (p: CapturedPacket) => void): number {
    let n = 0;
    while (n < max && this.count > 0) {
      const p = this.ring[this.head] as CapturedPacket;
      this.ring[this.head] = null;
      this.head = (this.head + 1) % this.ring.length;
      this.count--;
      this.bytes -= p.data.length;
      n++;
      consume(p);
    }
    return n;
  }
}
