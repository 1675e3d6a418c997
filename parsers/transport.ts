/**
 * UDP and TCP headers. `end` is where the IP payload ends in the buffer (already limited to
 * what was captured); a failure is a snake_case anomaly code, success the caller's reusable
 * result object. Payloads are given as a range of the same buffer, never copied.
 */

export type TransportError = 'udp_truncated_header' | 'udp_bad_length' | 'tcp_truncated_header' | 'tcp_bad_data_offset';

export interface UdpDatagram {
  srcPort: number;
  dstPort: number;
  /** length field: header plus data */
  length: number;
  checksum: number;
  payloadOffset: number;
  payloadEnd: number;
  /** the length field claims more bytes than the IP payload holds */
  truncated: boolean;
}

export const newUdpDatagram = (): UdpDatagram => ({ srcPort: 0, dstPort: 0, length: 0, checksum: 0, payloadOffset: 0, payloadEnd: 0, truncated: false });

/**
 * UDP header (RFC 768), 8 bytes:
 *
 *   | source port | destination port | length | checksum | data...
 *
 * The length covers header and data, so it is at least 8. Zero is allowed only for IPv6
 * jumbograms (RFC 2675 §4), where the IP layer gives the length; it is read the same way here.
 */
export function decodeUdp(buf: Buffer, off: number, end: number, out: UdpDatagram = newUdpDatagram()): UdpDatagram | TransportError {
  if (end - off < 8) return 'udp_truncated_header';
  const length = (buf[off + 4] << 8) | buf[off + 5];
  if (length !== 0 && length < 8) return 'udp_bad_length';
  out.srcPort = (buf[off] << 8) | buf[off + 1];
  out.dstPort = (buf[off + 2] << 8) | buf[off + 3];
  out.length = length;
  out.checksum = (buf[off + 6] << 8) | buf[off + 7];
  out.payloadOffset = off + 8;
  const declaredEnd = length === 0 ? end : off + length;
  out.truncated = declaredEnd > end;
  out.payloadEnd = out.truncated ? end : declaredEnd;
  return out;
}

/** TCP control bits (RFC 9293 §3.1; NS from RFC 3540, historic). */
export const TcpFlag = Object.freeze({
  FIN: 0x01,
  SYN: 0x02,
  RST: 0x04,
  PSH: 0x08,
  ACK: 0x10,
  URG: 0x20,
  ECE: 0x40,
  CWR: 0x80,
  NS: 0x100,
});

export interface TcpSegment {
  srcPort: number;
  dstPort: number;
  /** unsigned 32-bit */
  seq: number;
  ack: number;
  /** header length in bytes (data offset * 4) */
  headerLength: number;
  /** TcpFlag bits */
  flags: number;
  window: number;
  checksum: number;
  urgent: number;
  payloadOffset: number;
  payloadEnd: number;
}

export const newTcpSegment = (): TcpSegment => ({ srcPort: 0, dstPort: 0, seq: 0, ack: 0, headerLength: 0, flags: 0, window: 0, checksum: 0, urgent: 0, payloadOffset: 0, payloadEnd: 0 });

/**
 * TCP header (RFC 9293 §3.1):
 *
 *    0                   1                   2                   3
 *   |          Source Port          |       Destination Port        |
 *   |                        Sequence Number                        |
 *   |                    Acknowledgment Number                      |
 *   |  Data |     |N|C|E|U|A|P|R|S|F|                               |
 *   | Offset| Rsv |S|W|C|R|C|S|S|Y|I|            Window             |
 *   |           Checksum            |         Urgent Pointer        |
 *   |                    Options (data offset > 5)                  |
 *
 * The data offset counts 32-bit words: at least 5, and the header cannot extend past the
 * segment. Everything after the header up to `end` is payload.
 */
export function decodeTcp(buf: Buffer, off: number, end: number, out: TcpSegment = newTcpSegment()): TcpSegment | TransportError {
  if (end - off < 20) return 'tcp_truncated_header';
  const headerLength = (buf[off + 12] >> 4) * 4;
  if (headerLength < 20) return 'tcp_bad_data_offset';
  if (headerLength > end - off) return 'tcp_truncated_header';
  out.srcPort = (buf[off] << 8) | buf[off + 1];
  out.dstPort = (buf[off + 2] << 8) | buf[off + 3];
  out.seq = buf.readUInt32BE(off + 4);
  out.ack = buf.readUInt32BE(off + 8);
  out.headerLength = headerLength;
  out.flags = ((buf[off + 12] & 0x01) << 8) | buf[off + 13];
  out.window = (buf[off + 14] << 8) | buf[off + 15];
  out.checksum = (buf[off + 16] << 8) | buf[off + 17];
  out.urgent = (buf[off + 18] << 8) | buf[off + 19];
  out.payloadOffset = off + headerLength;
  out.payloadEnd = end;
  return out;
}
