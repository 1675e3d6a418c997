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
import { CaptureFileParser, type CaptureFileError, type CaptureFormat, type CapturedPacket } from '../../parsers/capture-file.ts';
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
  const chunkSize = Math.max(MIN_CHUNK_SIZE, Math.floor(opts.chunkSize ?? DEFAULT_CHUNK_SIZE));
  const fd = openCapture(path);
  try {
    let total: number;
    try {
      const st = fstatSync(fd);
      if (st.isDirectory()) throw new VoipwatchError('ERR_CAPTURE_UNREADABLE', `${path} is a directory, not a capture file`);
      total = st.size;
    } catch (e) {
      if (e instanceof VoipwatchError) throw e;
      throw new VoipwatchError('ERR_CAPTURE_UNREADABLE', `cannot read ${path}: ${(e as Error).message}`, { cause: e });
    }
    const parser = new CaptureFileParser();
    const chunk = Buffer.allocUnsafe(total > 0 && total < chunkSize ? Math.max(total, MIN_CHUNK_SIZE) : chunkSize);
    let bytes = 0;
    const count = (p: CapturedPacket) => {
      bytes += p.data.length;
      onPacket(p);
    };
    let read = 0;
    let error: CaptureFileError | null = null;
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, chunk, 0, chunk.length, null);
      } catch (e) {
        throw new VoipwatchError('ERR_CAPTURE_UNREADABLE', `cannot read ${path}: ${(e as Error).message}`, { cause: e });
      }
      if (n === 0) break;
      read += n;
      error = parser.push(n === chunk.length ? chunk : chunk.subarray(0, n), count);
      opts.onProgress?.(read, total);
      if (error) break;
    }
    if (!error) error = parser.finish();
    if (error && parser.format === null) {
      throw new VoipwatchError('ERR_CAPTURE_FORMAT', `${path}: ${error.message}`, { cause: error });
    }
    return {
      format: parser.format ?? 'pcap',
      packets: parser.packetsParsed,
      bytes,
      truncated: error?.code === 'truncated_record',
      error,
      anomalies: { ...parser.anomalies },
    };
  } finally {
    closeSync(fd);
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
