/**
 * Reading a capture file from disk into the streaming parser: one reusable chunk buffer,
 * synchronous reads (files are pulled, so there is no backpressure to manage), packets
 * handed out as views of that buffer. Memory is constant in the file size.
 *
 * Errors: a file that cannot be opened or read, or that is not a capture at all, throws a
 * VoipwatchError (ERR_CAPTURE_NOT_FOUND, ERR_CAPTURE_UNREADABLE, ERR_CAPTURE_FORMAT), since
 * nothing could be analyzed. Damage after the start (a truncated last record, a corrupt
 * block) does not throw: the packets before it were delivered, and the summary says what
 * stopped the reading.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { CaptureFileParser, capturedLength, type CaptureFileError, type CaptureFormat, type CapturedPacket } from '../../parsers/capture-file.ts';
import { VoipwatchError } from '../errors.ts';

/** Bytes read per system call: large enough that almost every record lies inside one chunk. */
export const DEFAULT_CHUNK_SIZE = 4 * 1024 * 1024;
const MIN_CHUNK_SIZE = 4096;

export interface ReadCaptureOptions {
  /** bytes per read, default 4 MiB */
  chunkSize?: number;
  /** called after each chunk */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
}

export interface CaptureReadSummary {
  format: CaptureFormat;
  packets: number;
  /** sum of captured packet lengths */
  bytes: number;
  /** the file ends inside a record */
  truncated: boolean;
  /** what stopped the reading before the end, or the truncation; null for a clean file */
  error: CaptureFileError | null;
  /** per-packet problems skipped by the parser, by snake_case name */
  anomalies: Record<string, number>;
}

/**
 * Read `path` and call `onPacket` for each packet, in file order. The packet object and its
 * `data` are reused: valid only during the callback.
 */
export function readCaptureFile(path: string, onPacket: (p: CapturedPacket) => void, opts: ReadCaptureOptions = {}): CaptureReadSummary {
  const reader = new CaptureFileReader(path, onPacket, opts);
  try {
    while (reader.readChunk());
    return reader.summary();
  } finally {
    reader.close();
  }
}

/**
 * The same reading, one chunk per call, so a caller can yield between chunks (to let the
 * store drain) without the reader holding more than one chunk.
 */
export class CaptureFileReader {
  private readonly fd: number;
  private readonly total: number;
  private readonly parser = new CaptureFileParser();
  private readonly chunk: Buffer;
  private readonly count: (p: CapturedPacket) => void;
  private bytes = 0;
  private read = 0;
  private error: CaptureFileError | null = null;
  private ended = false;
  private closed = false;

  constructor(private readonly path: string, onPacket: (p: CapturedPacket) => void, private readonly opts: ReadCaptureOptions = {}) {
    const chunkSize = Math.max(MIN_CHUNK_SIZE, Math.floor(opts.chunkSize ?? DEFAULT_CHUNK_SIZE));
    this.fd = openCapture(path);
    try {
      const st = fstatSync(this.fd);
      if (st.isDirectory()) throw new VoipwatchError('ERR_CAPTURE_UNREADABLE', `${path} is a directory, not a capture file`);
      this.total = st.size;
    } catch (e) {
      closeSync(this.fd);
      if (e instanceof VoipwatchError) throw e;
      throw new VoipwatchError('ERR_CAPTURE_UNREADABLE', `cannot read ${path}: ${(e as Error).message}`, { cause: e });
    }
    this.chunk = Buffer.allocUnsafe(this.total > 0 && this.total < chunkSize ? Math.max(this.total, MIN_CHUNK_SIZE) : chunkSize);
    this.count = (p: CapturedPacket) => {
      this.bytes += capturedLength(p);
      onPacket(p);
    };
  }

  /** Reads and parses one chunk; false once the file is done (or stopped by damage). */
  readChunk(): boolean {
    if (this.ended) return false;
    let n: number;
    try {
      n = readSync(this.fd, this.chunk, 0, this.chunk.length, null);
    } catch (e) {
      throw new VoipwatchError('ERR_CAPTURE_UNREADABLE', `cannot read ${this.path}: ${(e as Error).message}`, { cause: e });
    }
    if (n > 0) {
      this.read += n;
      this.error = this.parser.push(n === this.chunk.length ? this.chunk : this.chunk.subarray(0, n), this.count);
      this.opts.onProgress?.(this.read, this.total);
      if (!this.error) return true;
    }
    this.ended = true;
    if (!this.error) this.error = this.parser.finish();
    if (this.error && this.parser.format === null) {
      throw new VoipwatchError('ERR_CAPTURE_FORMAT', `${this.path}: ${this.error.message}`, { cause: this.error });
    }
    return false;
  }

  summary(): CaptureReadSummary {
    return {
      format: this.parser.format ?? 'pcap',
      packets: this.parser.packetsParsed,
      bytes: this.bytes,
      truncated: this.error?.code === 'truncated_record',
      error: this.error,
      anomalies: { ...this.parser.anomalies },
    };
  }

  close(): void {
    if (!this.closed) { this.closed = true; closeSync(this.fd); }
  }
}

function openCapture(path: string): number {
  try {
    return openSync(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new VoipwatchError('ERR_CAPTURE_NOT_FOUND', `capture file not found: ${path}`, { cause: e });
    throw new VoipwatchError('ERR_CAPTURE_UNREADABLE', `cannot open ${path}: ${(e as Error).message}`, { cause: e });
  }
}
