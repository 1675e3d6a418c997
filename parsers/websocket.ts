/**
 * WebSocket frames (RFC 6455 §5), enough to read SIP over WebSocket (RFC 7118) off a
 * reassembled TCP stream after the HTTP/1.1 Upgrade handshake. Pure functions over Buffer views;
 * nothing throws on hostile input.
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-------+-+-------------+-------------------------------+
 *   |F|R|R|R| opcode|M| Payload len |    Extended payload length    |
 *   |I|S|S|S|  (4)  |A|     (7)     |             (16/64)           |
 *   |N|V|V|V|       |S|             |   (if payload len==126/127)   |
 *   | |1|2|3|       |K|             |                               |
 *   +-+-+-+-+-------+-+-------------+ - - - - - - - - - - - - - - - +
 *   |     Extended payload length continued, if payload len == 127  |
 *   + - - - - - - - - - - - - - - - +-------------------------------+
 *   |                               |Masking-key, if MASK set to 1  |
 *   +-------------------------------+-------------------------------+
 *   | Masking-key (continued)       |          Payload Data         |
 *   +-------------------------------- - - - - - - - - - - - - - - - +
 *
 * A message is one frame with FIN set, or a text/binary frame without FIN followed by
 * continuation frames up to one with FIN; control frames may come between them (§5.4).
 * RFC 7118 §5: "Each SIP message MUST be carried within a single WebSocket message".
 */

/** Largest payload framed: a SIP head (64 KiB) plus the largest SIP body framed on a stream (1 MiB). */
export const MAX_WEBSOCKET_PAYLOAD = 65_536 + 1_048_576;

/** Opcodes (RFC 6455 §5.2, §11.8). 0x3-0x7 and 0xB-0xF are reserved. */
export const WsOpcode = Object.freeze({
  CONTINUATION: 0x0,
  TEXT: 0x1,
  BINARY: 0x2,
  CLOSE: 0x8,
  PING: 0x9,
  PONG: 0xa,
});

/** RSV1: set on the first frame of a message compressed by permessage-deflate (RFC 7692 §6). */
export const WS_RSV1 = 0x4;

export type WebSocketError =
  | 'websocket_reserved_opcode'
  | 'websocket_bad_length'
  | 'websocket_control_too_long'
  | 'websocket_control_fragmented'
  | 'websocket_frame_too_large';

export interface WebSocketFrameHead {
  kind: 'frame';
  fin: boolean;
  /** RSV1..RSV3 as bits 2..0. */
  rsv: number;
  opcode: number;
  masked: boolean;
  /** The 4-byte masking key as an unsigned 32-bit number, 0 when not masked. */
  maskKey: number;
  headerLength: number;
  payloadLength: number;
  /** headerLength + payloadLength: where the next frame starts. */
  length: number;
}

export type WebSocketFrame =
  | WebSocketFrameHead
  /** At least `needed` more bytes. */
  | { kind: 'need'; needed: number }
  /** Not a frame a conforming endpoint sends; framing of the stream is lost. */
  | { kind: 'malformed'; error: WebSocketError };

const isControl = (opcode: number): boolean => (opcode & 0x8) !== 0;
const isKnownOpcode = (opcode: number): boolean => opcode <= WsOpcode.BINARY || (opcode >= WsOpcode.CLOSE && opcode <= WsOpcode.PONG);

/**
 * The frame at the start of `buf` once all of it is there: its payload is buf[headerLength, length).
 * A header that no conforming endpoint sends is malformed as soon as it is seen.
 */
export function frameWebSocket(buf: Buffer, maxPayload = MAX_WEBSOCKET_PAYLOAD): WebSocketFrame {
  if (buf.length < 2) return { kind: 'need', needed: 2 - buf.length };
  const b0 = buf[0], b1 = buf[1];
  const opcode = b0 & 0x0f;
  const fin = (b0 & 0x80) !== 0;
  // §5.2: "If an unknown opcode is received, the receiving endpoint MUST _Fail the WebSocket Connection_."
  if (!isKnownOpcode(opcode)) return { kind: 'malformed', error: 'websocket_reserved_opcode' };
  // §5.5: "All control frames MUST have a payload length of 125 bytes or less and MUST NOT be fragmented."
  if (isControl(opcode) && !fin) return { kind: 'malformed', error: 'websocket_control_fragmented' };
  const masked = (b1 & 0x80) !== 0;
  const len7 = b1 & 0x7f;
  if (isControl(opcode) && len7 > 125) return { kind: 'malformed', error: 'websocket_control_too_long' };
  const extended = len7 === 126 ? 2 : len7 === 127 ? 8 : 0;
  const headerLength = 2 + extended + (masked ? 4 : 0);
  if (buf.length < headerLength) return { kind: 'need', needed: headerLength - buf.length };
  let payloadLength = len7;
  if (len7 === 126) {
    payloadLength = (buf[2] << 8) | buf[3];
    // §5.2: "the minimal number of bytes MUST be used to encode the length".
    if (payloadLength < 126) return { kind: 'malformed', error: 'websocket_bad_length' };
  } else if (len7 === 127) {
    const high = buf.readUInt32BE(2);
    // §5.2: "the most significant bit MUST be 0".
    if (high & 0x80000000) return { kind: 'malformed', error: 'websocket_bad_length' };
    const low = buf.readUInt32BE(6);
    if (high === 0 && low < 0x10000) return { kind: 'malformed', error: 'websocket_bad_length' };
    if (high > 0 || low > maxPayload) return { kind: 'malformed', error: 'websocket_frame_too_large' };
    payloadLength = low;
  }
  if (payloadLength > maxPayload) return { kind: 'malformed', error: 'websocket_frame_too_large' };
  const length = headerLength + payloadLength;
  if (buf.length < length) return { kind: 'need', needed: length - buf.length };
  const maskKey = masked ? buf.readUInt32BE(2 + extended) : 0;
  return {
    kind: 'frame', fin, rsv: (b0 >> 4) & 0x7, opcode, masked, maskKey,
    headerLength, payloadLength, length,
  };
}

/**
 * Copies `payload` into `out` at `outOffset`, unmasked (§5.3: octet i XOR key octet (i mod 4)).
 * The input view is never written: it belongs to the capture buffer.
 */
export function unmaskInto(payload: Buffer, maskKey: number, out: Buffer, outOffset = 0): void {
  const k0 = maskKey >>> 24, k1 = (maskKey >>> 16) & 0xff, k2 = (maskKey >>> 8) & 0xff, k3 = maskKey & 0xff;
  const n = Math.min(payload.length, out.length - outOffset);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    out[outOffset + i] = payload[i] ^ k0;
    out[outOffset + i + 1] = payload[i + 1] ^ k1;
    out[outOffset + i + 2] = payload[i + 2] ^ k2;
    out[outOffset + i + 3] = payload[i + 3] ^ k3;
  }
  for (; i < n; i++) out[outOffset + i] = payload[i] ^ ((maskKey >>> (24 - 8 * (i & 3))) & 0xff);
}
