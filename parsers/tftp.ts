/**
 * TFTP request packets (RFC 1350 §5), enough to see which file a phone fetches.
 *
 *   2 bytes   string    1 byte  string  1 byte
 *   | opcode | filename |  0  |  mode  |  0  |
 *
 * opcode 1 = RRQ (read), 2 = WRQ (write).
 */
export interface TftpRequest { opcode: 'read' | 'write'; filename: string; mode: string }

/** RFC 1350 gives no limit; 512 bytes is the whole of a classic TFTP data block. */
const MAX_FILENAME = 512;

export function decodeTftpRequest(buf: Buffer): TftpRequest | null {
  if (buf.length < 4 || buf[0] !== 0) return null;
  const op = buf[1];
  if (op !== 1 && op !== 2) return null;
  const nameEnd = buf.indexOf(0, 2);
  if (nameEnd < 3 || nameEnd - 2 > MAX_FILENAME) return null;
  const modeEnd = buf.indexOf(0, nameEnd + 1);
  if (modeEnd < 0 || modeEnd - nameEnd - 1 > 16) return null;
  const mode = buf.toString('latin1', nameEnd + 1, modeEnd).toLowerCase();
  if (mode !== 'octet' && mode !== 'netascii' && mode !== 'mail') return null;
  return { opcode: op === 1 ? 'read' : 'write', filename: buf.toString('latin1', 2, nameEnd), mode };
}
