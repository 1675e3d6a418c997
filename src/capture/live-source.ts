/**
 * Live capture with libpcap (the `pcap` package): one session per interface, promiscuous,
 * with a snap length, a kernel buffer size and a BPF filter. Each packet is copied out of
 * the binding's one reused buffer into the queue at once; nothing else keeps a view of it.
 * Kernel counters (received, dropped by the kernel, dropped by the interface) come from
 * pcap_stats.
 */
import { createRequire } from 'node:module';
import { VoipwatchError } from '../errors.ts';
import type { PacketQueue } from './packet-queue.ts';

export interface LiveCaptureOptions {
  interfaces: readonly string[];
  /** bytes kept of each packet */
  snaplen: number;
  /** kernel capture buffer, bytes */
  bufferSize: number;
  promiscuous: boolean;
  /** BPF filter expression ('' keeps everything) */
  filter: string;
  /** libpcap's warnings (an interface without an address, ...) */
  onWarning?: (text: string) => void;
}

export interface KernelStats { interface: string; received: number; dropped: number; ifDropped: number }

/** node_pcap names the link type; the decoders take the LINKTYPE_ number. */
const LINK_TYPES: Readonly<Record<string, number>> = {
  LINKTYPE_NULL: 0, LINKTYPE_ETHERNET: 1, LINKTYPE_RAW: 101, LINKTYPE_LINUX_SLL: 113, LINKTYPE_IEEE802_11_RADIO: 127,
};

interface PcapSession {
  link_type: string;
  header: Buffer;
  buf: Buffer;
  /** the native session */
  session: { dispatch(buf: Buffer, header: Buffer): number };
  on(event: 'packet', cb: (raw: { buf: Buffer; header: Buffer; link_type: string }) => void): void;
  stats(): { ps_recv: number; ps_drop: number; ps_ifdrop: number };
  close(): void;
}
interface PcapModule { createSession(device: string, options: object): PcapSession; lib_version: string; warningHandler: (text: string) => void }

/** Loads the native binding only when live capture is asked for: file analysis needs none. */
function loadPcap(): PcapModule {
  try {
    return createRequire(import.meta.url)('pcap') as PcapModule;
  } catch (cause) {
    throw new VoipwatchError('ERR_CAPTURE_LIBPCAP',
      `live capture needs the pcap package's native binding (built against libpcap-dev at npm ci): ${(cause as Error).message}`, { cause });
  }
}

export class LiveCapture {
  private readonly sessions: { name: string; session: PcapSession }[] = [];
  readonly libpcapVersion: string;

  constructor(private readonly opts: LiveCaptureOptions, queue: PacketQueue) {
    const pcap = loadPcap();
    this.libpcapVersion = pcap.lib_version;
    // The binding prints warnings to the console by default; they belong in the log.
    if (opts.onWarning) pcap.warningHandler = opts.onWarning;
    opts.interfaces.forEach((name, interfaceId) => {
      let session: PcapSession;
      try {
        session = pcap.createSession(name, {
          filter: opts.filter, snap_length: opts.snaplen, buffer_size: opts.bufferSize, promiscuous: opts.promiscuous,
          // Deliver within 10 ms even on a quiet link, so the pipeline's clock keeps moving.
          buffer_timeout: 10,
        });
      } catch (cause) {
        this.close();
        const msg = (cause as Error).message;
        const hint = /permission|not permitted/i.test(msg) ? ' (capturing needs CAP_NET_RAW, and CAP_NET_ADMIN for promiscuous mode)' : '';
        throw new VoipwatchError('ERR_CAPTURE_OPEN', `cannot capture on ${name}: ${msg}${hint}`, { cause });
      }
      const linkType = LINK_TYPES[session.link_type];
      if (linkType === undefined) {
        this.close();
        throw new VoipwatchError('ERR_CAPTURE_LINKTYPE', `cannot decode ${name}: link type ${session.link_type}`);
      }
      session.on('packet', (raw) => {
        const h = raw.header;
        const ts = h.readUInt32LE(0) + h.readUInt32LE(4) / 1e6;
        const caplen = Math.min(h.readUInt32LE(8), raw.buf.length);
        queue.push(ts, linkType, interfaceId, raw.buf.subarray(0, caplen), h.readUInt32LE(12));
      });
      this.sessions.push({ name, session });
    });
  }

  kernelStats(): KernelStats[] {
    return this.sessions.map(({ name, session }) => {
      const s = session.stats();
      return { interface: name, received: s.ps_recv, dropped: s.ps_drop, ifDropped: s.ps_ifdrop };
    });
  }

  close(): void {
    for (const { session } of this.sessions.splice(0)) {
      try {
        session.close();
        // node_pcap's close only breaks libpcap's loop; the handle and its poll watcher are
        // released by the next dispatch, which on a quiet link may not come for seconds.
        session.session.dispatch(session.buf, session.header);
      } catch { /* already closed */ }
    }
  }
}
