/**
 * Streaming reader of capture files: classic pcap (libpcap) and pcapng. Pure: the caller
 * pushes chunks of the file in order and gets one callback per packet. Chunks may split
 * records anywhere; only the unfinished record is carried between pushes, so memory stays
 * bounded by the largest record (MAX_RECORD_BYTES) whatever the file size.
 *
 * Formats: draft-ietf-opsawg-pcap (pcap) and draft-ietf-opsawg-pcapng (pcapng).
 */

/** A record or block declaring more than this is treated as corruption, not buffered. */
export const MAX_RECORD_BYTES = 256 * 1024 * 1024;
/** Interfaces per pcapng section; an IDB beyond this is counted and its packets skipped. */
export const MAX_INTERFACES = 4096;
/** Above this the reassembly buffer of a record that spanned chunks is released after use. */
const ASSEMBLY_KEEP_BYTES = 1024 * 1024;
/** Bytes enough to size any record: the 24-byte pcap file header is the largest header read. */
const PROBE_BYTES = 24;

export interface CapturedPacket {
  /** seconds since the epoch, fractional */
  ts: number;
  linkType: number;
  interfaceId: number;
  /** view of the captured bytes: valid only during the callback, like the object itself */
  data: Buffer;
  /** length of the packet on the wire (may exceed data.length when the snap length cut it) */
  origLen: number;
}

/**
 * What CaptureFileParser delivers: the captured bytes are also given as
 * `frameBuffer[frameOffset, frameEnd)`, the chunk they lie in, so a decoder can read them in
 * place; `data`, a view of them, is then made only when something asks for it.
 */
export interface FramedCapturedPacket extends CapturedPacket {
  frameBuffer: Buffer;
  frameOffset: number;
  frameEnd: number;
}

/** A packet's captured length, without making its `data` view when the range is known. */
export function capturedLength(p: CapturedPacket): number {
  const framed = p as Partial<FramedCapturedPacket>;
  return framed.frameBuffer !== undefined ? framed.frameEnd! - framed.frameOffset! : p.data.length;
}

const EMPTY = Buffer.alloc(0);

/** The parser's one packet object: a view per packet was a third of all allocation. */
class ReusedCapturedPacket implements FramedCapturedPacket {
  ts = 0;
  linkType = 0;
  interfaceId = 0;
  origLen = 0;
  frameBuffer: Buffer = EMPTY;
  frameOffset = 0;
  frameEnd = 0;
  private view: Buffer | null = null;

  get data(): Buffer {
    this.view ??= this.frameBuffer.subarray(this.frameOffset, this.frameEnd);
    return this.view;
  }

  /** CapturedPacket.data is writable: a frame set this way is the whole buffer. */
  set data(frame: Buffer) {
    this.setFrame(frame, 0, frame.length);
    this.view = frame;
  }

  setFrame(buf: Buffer, start: number, end: number): void {
    this.frameBuffer = buf;
    this.frameOffset = start;
    this.frameEnd = end;
    this.view = null;
  }
}

export type CaptureFileErrorCode = 'not_a_capture' | 'unsupported_version' | 'truncated_record' | 'bad_block' | 'block_too_large';

export interface CaptureFileError {
  code: CaptureFileErrorCode;
  message: string;
  /** file offset of the record at fault */
  offset: number;
}

export type CaptureFormat = 'pcap' | 'pcapng';

const PCAP_MAGIC_US = 0xa1b2c3d4;
const PCAP_MAGIC_NS = 0xa1b23c4d;
/** Alexey Kuznetsov's patched libpcap: 8 more bytes per record header (ifindex, protocol, type). */
const PCAP_MAGIC_KUZNETSOV = 0xa1b2cd34;
const PCAPNG_SHB = 0x0a0d0d0a;
const PCAPNG_BOM = 0x1a2b3c4d;

const BlockType = Object.freeze({
  IDB: 1,
  /** Packet Block, obsolete since pcapng 1.0 but still written by old tools */
  OPB: 2,
  SPB: 3,
  EPB: 6,
});

const OptionCode = Object.freeze({ END: 0, IF_TSRESOL: 9, IF_TSOFFSET: 14 });

/** 'pcap', 'pcapng' or null from the first 4 bytes of a file. */
export function detectCaptureFormat(head: Buffer): CaptureFormat | null {
  if (head.length < 4) return null;
  const le = head.readUInt32LE(0);
  const be = head.readUInt32BE(0);
  if (isPcapMagic(le) || isPcapMagic(be)) return 'pcap';
  if (le === PCAPNG_SHB) return 'pcapng';
  return null;
}

const isPcapMagic = (m: number) => m === PCAP_MAGIC_US || m === PCAP_MAGIC_NS || m === PCAP_MAGIC_KUZNETSOV;

/** What a non-capture file probably is, for the error message. */
function describeNonCapture(head: Buffer): string {
  const hex = [...head.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  const known: Array<[number[], string]> = [
    [[0x1f, 0x8b], 'gzip-compressed data; decompress it first'],
    [[0x28, 0xb5, 0x2f, 0xfd], 'zstd-compressed data; decompress it first'],
    [[0xfd, 0x37, 0x7a, 0x58], 'xz-compressed data; decompress it first'],
    [[0x42, 0x5a, 0x68], 'bzip2-compressed data; decompress it first'],
    [[0x50, 0x4b, 0x03, 0x04], 'a zip archive; extract it first'],
    [[0x73, 0x6e, 0x6f, 0x6f, 0x70], 'a Solaris snoop capture; convert it with editcap -F pcap'],
    [[0x47, 0x4d, 0x42, 0x55], 'a Microsoft Network Monitor capture; convert it with editcap -F pcap'],
  ];
  for (const [sig, what] of known) {
    if (head.length >= sig.length && sig.every((b, i) => head[i] === b)) return `not a pcap or pcapng file: ${what}`;
  }
  return `not a pcap or pcapng file (starts with ${hex})`;
}

interface PcapngInterface {
  linkType: number;
  snapLen: number;
  /** timestamp units per second (if_tsresol) */
  units: number;
  /** seconds added to every timestamp (if_tsoffset) */
  offset: number;
}

type State = 'start' | 'pcap' | 'pcapng' | 'failed';

/**
 * Push the file in chunks with `push`, then call `finish`. The chunk passed to `push` may be
 * reused by the caller as soon as `push` returns: what is still needed is copied.
 *
 * Errors that make the rest of the file unreadable (bad magic, a block whose trailing length
 * disagrees, a length over MAX_RECORD_BYTES) are returned and end parsing; problems confined
 * to one packet (an EPB naming an unknown interface, a captured length larger than its block)
 * are counted in `anomalies` and the packet skipped.
 */
export class CaptureFileParser {
  format: CaptureFormat | null = null;
  packetsParsed = 0;
  /** per-packet problems skipped, by snake_case name */
  readonly anomalies: Record<string, number> = Object.create(null);
  /** the error that stopped parsing, if any */
  error: CaptureFileError | null = null;

  private state: State = 'start';
  private le = true;
  /** pcap */
  private linkType = 0;
  private tsUnits = 1e6;
  private recordHeader = 16;
  /** pcapng */
  private interfaces: PcapngInterface[] = [];
  private lastTs = 0;
  /** file offset of the next record to parse */
  private recordStart = 0;
  /** the unfinished record carried between chunks */
  private asm: Buffer = Buffer.alloc(0);
  private asmLen = 0;
  /** size of the record in `asm`, 0 while its header is incomplete */
  private asmSize = 0;
  private readonly pkt = new ReusedCapturedPacket();

  push(chunk: Buffer, onPacket: (p: CapturedPacket) => void): CaptureFileError | null {
    if (this.state === 'failed') return this.error;
    let off = 0;
    if (this.asmLen > 0) {
      off = this.fillAssembly(chunk, onPacket);
      if (off < 0) return this.error;
      if (this.asmLen > 0) return null;
    }
    const end = chunk.length;
    while (off < end) {
      const avail = end - off;
      const size = this.recordSize(chunk, off, avail);
      if (size < 0) return this.error;
      if (size === 0 || size > avail) {
        this.stash(chunk, off, size);
        break;
      }
      if (!this.processRecord(chunk, off, size, onPacket)) return this.error;
      off += size;
      this.recordStart += size;
    }
    return null;
  }

  /** End of input: an unfinished record is reported as truncation; an empty input as not a capture. */
  finish(): CaptureFileError | null {
    if (this.state === 'failed') return this.error;
    if (this.state === 'start') {
      const n = this.asmLen;
      return this.fail('not_a_capture', n === 0 ? 'empty file: not a pcap or pcapng capture' : `file too short to be a capture (${n} bytes)`);
    }
    if (this.asmLen === 0) return null;
    const present = this.asmLen;
    if (this.asmSize === 0) {
      return this.fail('truncated_record', `last record at offset ${this.recordStart} is truncated: only ${present} bytes of its header present`);
    }
    const msg = this.format === 'pcap'
      ? `last record at offset ${this.recordStart} is truncated: header says ${this.asmSize - this.recordHeader} bytes, ${Math.max(0, present - this.recordHeader)} present`
      : `last block at offset ${this.recordStart} is truncated: header says ${this.asmSize} bytes, ${present} present`;
    return this.fail('truncated_record', msg);
  }

  private fail(code: CaptureFileErrorCode, message: string): CaptureFileError {
    this.state = 'failed';
    this.error = { code, message, offset: this.recordStart };
    return this.error;
  }

  private countAnomaly(name: string): void {
    this.anomalies[name] = (this.anomalies[name] ?? 0) + 1;
  }

  /** Total size of the record at `off`: 0 if more bytes are needed to know, -1 on a fatal error. */
  private recordSize(buf: Buffer, off: number, avail: number): number {
    switch (this.state) {
      case 'pcap': {
        const h = this.recordHeader;
        if (avail < h) return 0;
        const incl = this.le ? buf.readUInt32LE(off + 8) : buf.readUInt32BE(off + 8);
        if (incl > MAX_RECORD_BYTES) {
          this.fail('block_too_large', `record at offset ${this.recordStart} claims ${incl} captured bytes (limit ${MAX_RECORD_BYTES}); the file is corrupt`);
          return -1;
        }
        return h + incl;
      }
      case 'pcapng': {
        if (avail < 12) return 0;
        return this.pcapngBlockSize(buf, off);
      }
      case 'start': {
        if (avail < 4) return 0;
        const format = detectCaptureFormat(buf.subarray(off, off + 4));
        if (format === 'pcap') return PROBE_BYTES;
        if (format === 'pcapng') return avail < 12 ? 0 : this.pcapngBlockSize(buf, off);
        this.fail('not_a_capture', describeNonCapture(buf.subarray(off, off + Math.min(avail, 8))));
        return -1;
      }
      default:
        return -1;
    }
  }

  /**
   * Every pcapng block (draft-ietf-opsawg-pcapng §3.1):
   *
   *   | Block Type (4) | Block Total Length (4) | Block Body ... | Block Total Length (4) |
   *
   * The total length is a multiple of 4 and at least 12. A Section Header Block carries its
   * own byte order in the Byte-Order Magic right after the length, so its length is read in
   * that order (§4.1).
   */
  private pcapngBlockSize(buf: Buffer, off: number): number {
    let le = this.le;
    if (buf.readUInt32LE(off) === PCAPNG_SHB) {
      if (buf.readUInt32LE(off + 8) === PCAPNG_BOM) le = true;
      else if (buf.readUInt32BE(off + 8) === PCAPNG_BOM) le = false;
      else {
        if (this.state === 'start') this.fail('not_a_capture', 'not a pcapng file: section header without a valid byte-order magic');
        else this.fail('bad_block', `section header block at offset ${this.recordStart} has no valid byte-order magic`);
        return -1;
      }
    }
    const len = le ? buf.readUInt32LE(off + 4) : buf.readUInt32BE(off + 4);
    if (len > MAX_RECORD_BYTES) {
      this.fail('block_too_large', `block at offset ${this.recordStart} claims ${len} bytes (limit ${MAX_RECORD_BYTES}); the file is corrupt`);
      return -1;
    }
    if (len < 12 || len % 4 !== 0) {
      this.fail('bad_block', `block at offset ${this.recordStart} has an invalid total length ${len} (must be a multiple of 4, at least 12)`);
      return -1;
    }
    return len;
  }

  /** Keep the tail of a chunk that holds only the start of a record. */
  private stash(chunk: Buffer, off: number, size: number): void {
    const n = chunk.length - off;
    this.ensureAssembly(Math.max(n, PROBE_BYTES));
    chunk.copy(this.asm, 0, off, chunk.length);
    this.asmLen = n;
    this.asmSize = size;
  }

  /** Grow the assembly buffer geometrically, so a hostile length allocates only what arrives. */
  private ensureAssembly(need: number): void {
    if (this.asm.length >= need) return;
    const cap = Math.max(need, Math.min(this.asm.length * 2, MAX_RECORD_BYTES), 64 * 1024);
    const next = Buffer.allocUnsafe(cap);
    this.asm.copy(next, 0, 0, this.asmLen);
    this.asm = next;
  }

  /**
   * Complete the carried record from the start of `chunk`. Returns the chunk offset after the
   * bytes used, or -1 on a fatal error; `asmLen > 0` afterwards means the chunk ran out first.
   */
  private fillAssembly(chunk: Buffer, onPacket: (p: CapturedPacket) => void): number {
    let off = 0;
    if (this.asmSize === 0) {
      const take = Math.min(PROBE_BYTES - this.asmLen, chunk.length);
      this.ensureAssembly(PROBE_BYTES);
      chunk.copy(this.asm, this.asmLen, 0, take);
      this.asmLen += take;
      off = take;
      const size = this.recordSize(this.asm, 0, this.asmLen);
      if (size < 0) return -1;
      if (size === 0) return off;
      this.asmSize = size;
      if (this.asmLen >= size) {
        // A record shorter than the probe: give back the bytes of the next one.
        off -= this.asmLen - size;
        return this.completeAssembly(onPacket) ? off : -1;
      }
    }
    const take = Math.min(this.asmSize - this.asmLen, chunk.length - off);
    this.ensureAssembly(this.asmLen + take);
    chunk.copy(this.asm, this.asmLen, off, off + take);
    this.asmLen += take;
    off += take;
    if (this.asmLen < this.asmSize) return off;
    return this.completeAssembly(onPacket) ? off : -1;
  }

  private completeAssembly(onPacket: (p: CapturedPacket) => void): boolean {
    const size = this.asmSize;
    const ok = this.processRecord(this.asm, 0, size, onPacket);
    this.asmLen = 0;
    this.asmSize = 0;
    if (this.asm.length > ASSEMBLY_KEEP_BYTES) this.asm = Buffer.alloc(0);
    if (ok) this.recordStart += size;
    return ok;
  }

  /** One complete record; false after a fatal error. */
  private processRecord(buf: Buffer, off: number, size: number, onPacket: (p: CapturedPacket) => void): boolean {
    switch (this.state) {
      case 'pcap': return this.pcapRecord(buf, off, size, onPacket);
      case 'pcapng': return this.pcapngBlock(buf, off, size, onPacket);
      case 'start': return buf.readUInt32LE(off) === PCAPNG_SHB ? this.pcapngBlock(buf, off, size, onPacket) : this.pcapHeader(buf, off);
      default: return false;
    }
  }

  /**
   * pcap file header, 24 bytes, in the writer's byte order (told by the magic):
   *
   *   | magic | major (2) | minor (2) | reserved (4) | reserved (4) | snaplen (4) | FCS/LinkType (4) |
   *
   * The magic also gives the timestamp unit: a1b2c3d4 microseconds, a1b23c4d nanoseconds.
   * The link type is the low 16 bits; the top bits may describe an FCS (§4 of the draft).
   */
  private pcapHeader(buf: Buffer, off: number): boolean {
    const magicLe = buf.readUInt32LE(off);
    this.le = isPcapMagic(magicLe);
    const magic = this.le ? magicLe : buf.readUInt32BE(off);
    const major = this.le ? buf.readUInt16LE(off + 4) : buf.readUInt16BE(off + 4);
    if (major !== 2) {
      this.fail('unsupported_version', `pcap version ${major} is not supported (only 2.x)`);
      return false;
    }
    this.tsUnits = magic === PCAP_MAGIC_NS ? 1e9 : 1e6;
    this.recordHeader = magic === PCAP_MAGIC_KUZNETSOV ? 24 : 16;
    this.linkType = (this.le ? buf.readUInt32LE(off + 20) : buf.readUInt32BE(off + 20)) & 0xffff;
    this.format = 'pcap';
    this.state = 'pcap';
    return true;
  }

  /**
   * pcap record: | ts seconds (4) | ts µs or ns (4) | captured length (4) | original length (4) | data |
   */
  private pcapRecord(buf: Buffer, off: number, size: number, onPacket: (p: CapturedPacket) => void): boolean {
    const le = this.le;
    const sec = le ? buf.readUInt32LE(off) : buf.readUInt32BE(off);
    const frac = le ? buf.readUInt32LE(off + 4) : buf.readUInt32BE(off + 4);
    const pkt = this.pkt;
    pkt.ts = sec + frac / this.tsUnits;
    pkt.linkType = this.linkType;
    pkt.interfaceId = 0;
    pkt.origLen = le ? buf.readUInt32LE(off + 12) : buf.readUInt32BE(off + 12);
    pkt.setFrame(buf, off + this.recordHeader, off + size);
    this.packetsParsed++;
    onPacket(pkt);
    return true;
  }

  private pcapngBlock(buf: Buffer, off: number, size: number, onPacket: (p: CapturedPacket) => void): boolean {
    const typeLe = buf.readUInt32LE(off);
    if (typeLe === PCAPNG_SHB) return this.sectionHeader(buf, off, size);
    const le = this.le;
    const trailer = le ? buf.readUInt32LE(off + size - 4) : buf.readUInt32BE(off + size - 4);
    if (trailer !== size) {
      this.fail('bad_block', `block at offset ${this.recordStart} has a trailing length ${trailer} that differs from its leading length ${size}`);
      return false;
    }
    const type = le ? typeLe : buf.readUInt32BE(off);
    switch (type) {
      case BlockType.EPB: this.packetBlock(buf, off, size, onPacket, le ? buf.readUInt32LE(off + 8) : buf.readUInt32BE(off + 8)); break;
      case BlockType.SPB: this.simplePacket(buf, off, size, onPacket); break;
      case BlockType.IDB: this.interfaceDescription(buf, off, size); break;
      case BlockType.OPB: this.packetBlock(buf, off, size, onPacket, le ? buf.readUInt16LE(off + 8) : buf.readUInt16BE(off + 8)); break;
      default: break; // name resolution, statistics, secrets, custom: not needed here
    }
    return true;
  }

  /**
   * Section Header Block (§4.1): | type | length | BOM 1a2b3c4d | major (2) | minor (2) |
   * section length (8) | options | length |. Each section has its own byte order and
   * interfaces; only major version 1 exists.
   */
  private sectionHeader(buf: Buffer, off: number, size: number): boolean {
    if (size < 28) {
      this.fail('bad_block', `section header block at offset ${this.recordStart} is ${size} bytes, shorter than its 28-byte minimum`);
      return false;
    }
    const le = buf.readUInt32LE(off + 8) === PCAPNG_BOM;
    const trailer = le ? buf.readUInt32LE(off + size - 4) : buf.readUInt32BE(off + size - 4);
    if (trailer !== size) {
      this.fail('bad_block', `section header block at offset ${this.recordStart} has a trailing length ${trailer} that differs from its leading length ${size}`);
      return false;
    }
    const major = le ? buf.readUInt16LE(off + 12) : buf.readUInt16BE(off + 12);
    if (major !== 1) {
      this.fail('unsupported_version', `pcapng section version ${major} at offset ${this.recordStart} is not supported (only 1.x)`);
      return false;
    }
    this.le = le;
    this.interfaces = [];
    this.format = 'pcapng';
    this.state = 'pcapng';
    return true;
  }

  /**
   * Interface Description Block (§4.2):
   *
   *   | type 1 | length | LinkType (2) | reserved (2) | SnapLen (4) | options... | length |
   *
   * Options are | code (2) | length (2) | value padded to 4 |. if_tsresol (9) is one byte:
   * high bit clear → units of 10^-n s, set → 2^-n s; default 10^-6. if_tsoffset (14) is a
   * signed 64-bit number of seconds added to every timestamp.
   */
  private interfaceDescription(buf: Buffer, off: number, size: number): void {
    if (size < 20) { this.countAnomaly('pcapng_bad_interface_block'); this.interfaces.push({ linkType: -1, snapLen: 0, units: 1e6, offset: 0 }); return; }
    if (this.interfaces.length >= MAX_INTERFACES) { this.countAnomaly('pcapng_too_many_interfaces'); return; }
    const le = this.le;
    const iface: PcapngInterface = {
      linkType: le ? buf.readUInt16LE(off + 8) : buf.readUInt16BE(off + 8),
      snapLen: le ? buf.readUInt32LE(off + 12) : buf.readUInt32BE(off + 12),
      units: 1e6,
      offset: 0,
    };
    const end = off + size - 4;
    let p = off + 16;
    while (end - p >= 4) {
      const code = le ? buf.readUInt16LE(p) : buf.readUInt16BE(p);
      const len = le ? buf.readUInt16LE(p + 2) : buf.readUInt16BE(p + 2);
      if (code === OptionCode.END) break;
      if (end - p - 4 < len) { this.countAnomaly('pcapng_bad_option'); break; }
      if (code === OptionCode.IF_TSRESOL && len >= 1) {
        const v = buf[p + 4];
        iface.units = v & 0x80 ? 2 ** (v & 0x7f) : 10 ** v;
      } else if (code === OptionCode.IF_TSOFFSET && len >= 8) {
        iface.offset = Number(le ? buf.readBigInt64LE(p + 4) : buf.readBigInt64BE(p + 4));
      }
      p += 4 + ((len + 3) & ~3);
    }
    this.interfaces.push(iface);
  }

  /**
   * Enhanced Packet Block (§4.3) and the obsolete Packet Block (Appendix A):
   *
   *   EPB: | type 6 | length | Interface ID (4) | ts high | ts low | captured len | original len | data (padded) | options | length |
   *   PB:  | type 2 | length | Interface ID (2) | drops (2) | ts high | ts low | captured len | original len | data | options | length |
   *
   * The timestamp is a 64-bit count of the interface's units since the epoch.
   */
  private packetBlock(buf: Buffer, off: number, size: number, onPacket: (p: CapturedPacket) => void, ifaceId: number): void {
    if (size < 32) { this.countAnomaly('pcapng_bad_packet_block'); return; }
    const iface = this.interfaces[ifaceId];
    if (iface === undefined || iface.linkType < 0) { this.countAnomaly('pcapng_unknown_interface'); return; }
    const le = this.le;
    const hi = le ? buf.readUInt32LE(off + 12) : buf.readUInt32BE(off + 12);
    const lo = le ? buf.readUInt32LE(off + 16) : buf.readUInt32BE(off + 16);
    const capLen = le ? buf.readUInt32LE(off + 20) : buf.readUInt32BE(off + 20);
    if (capLen > size - 32) { this.countAnomaly('pcapng_captured_length_exceeds_block'); return; }
    const pkt = this.pkt;
    pkt.ts = (hi * 4294967296 + lo) / iface.units + iface.offset;
    this.lastTs = pkt.ts;
    pkt.linkType = iface.linkType;
    pkt.interfaceId = ifaceId;
    pkt.origLen = le ? buf.readUInt32LE(off + 24) : buf.readUInt32BE(off + 24);
    pkt.setFrame(buf, off + 28, off + 28 + capLen);
    this.packetsParsed++;
    onPacket(pkt);
  }

  /**
   * Simple Packet Block (§4.4): | type 3 | length | original len | data (padded) | length |.
   * Always interface 0; the captured length is the smaller of the original length, the block
   * body and the interface snap length. It has no timestamp: the previous packet's is used.
   */
  private simplePacket(buf: Buffer, off: number, size: number, onPacket: (p: CapturedPacket) => void): void {
    if (size < 16) { this.countAnomaly('pcapng_bad_packet_block'); return; }
    const iface = this.interfaces[0];
    if (iface === undefined || iface.linkType < 0) { this.countAnomaly('pcapng_unknown_interface'); return; }
    const origLen = this.le ? buf.readUInt32LE(off + 8) : buf.readUInt32BE(off + 8);
    let capLen = Math.min(origLen, size - 16);
    if (iface.snapLen > 0 && capLen > iface.snapLen) capLen = iface.snapLen;
    const pkt = this.pkt;
    pkt.ts = this.lastTs;
    pkt.linkType = iface.linkType;
    pkt.interfaceId = 0;
    pkt.origLen = origLen;
    pkt.setFrame(buf, off + 12, off + 12 + capLen);
    this.packetsParsed++;
    onPacket(pkt);
  }
}
