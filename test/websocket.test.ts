import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { frameWebSocket, unmaskInto, WsOpcode, MAX_WEBSOCKET_PAYLOAD, type WebSocketFrameHead } from '../parsers/websocket.ts';
import { TcpSessions, type TcpAppSink } from '../src/track/tcp-sessions.ts';
import type { SipTracker } from '../src/track/sip-tracker.ts';
import type { TcpConnection } from '../src/net/tcp-reassembly.ts';
import type { SipMessage } from '../parsers/sip.ts';

/** One frame as an endpoint sends it (RFC 6455 §5.2): minimal length encoding, masked when `mask` is given. */
function wsFrame(opcode: number, payload: Buffer, opts: { fin?: boolean; mask?: number; rsv?: number } = {}): Buffer {
  const fin = opts.fin ?? true;
  const masked = opts.mask !== undefined;
  const len = payload.length;
  const ext = len < 126 ? Buffer.alloc(0) : len < 0x10000 ? Buffer.alloc(2) : Buffer.alloc(8);
  if (ext.length === 2) ext.writeUInt16BE(len);
  if (ext.length === 8) ext.writeUInt32BE(len, 4);
  const head = Buffer.from([(fin ? 0x80 : 0) | ((opts.rsv ?? 0) << 4) | opcode, (masked ? 0x80 : 0) | (len < 126 ? len : len < 0x10000 ? 126 : 127)]);
  if (!masked) return Buffer.concat([head, ext, payload]);
  const key = Buffer.alloc(4);
  key.writeUInt32BE(opts.mask! >>> 0);
  const body = Buffer.alloc(len);
  for (let i = 0; i < len; i++) body[i] = payload[i] ^ key[i & 3];
  return Buffer.concat([head, ext, key, body]);
}

const must = (f: ReturnType<typeof frameWebSocket>): WebSocketFrameHead => {
  if (f.kind !== 'frame') throw new Error(`expected a frame, got ${JSON.stringify(f)}`);
  return f;
};

const frames = suite('frameWebSocket');

frames('reads a short unmasked text frame', () => {
  const f = must(frameWebSocket(wsFrame(WsOpcode.TEXT, Buffer.from('hello'))));
  assert.equal([f.fin, f.opcode, f.masked, f.headerLength, f.payloadLength, f.length], [true, 1, false, 2, 5, 7]);
});

frames('reads the 16-bit and 64-bit extended lengths and the masking key', () => {
  const f16 = must(frameWebSocket(wsFrame(WsOpcode.BINARY, Buffer.alloc(300), { mask: 0x01020304 })));
  assert.equal([f16.headerLength, f16.payloadLength, f16.maskKey], [8, 300, 0x01020304]);
  const f64 = must(frameWebSocket(wsFrame(WsOpcode.TEXT, Buffer.alloc(70_000))));
  assert.equal([f64.headerLength, f64.payloadLength], [10, 70_000]);
});

frames('asks for the rest of a header or payload cut short', () => {
  const whole = wsFrame(WsOpcode.TEXT, Buffer.alloc(300), { mask: 7 });
  assert.equal(frameWebSocket(whole.subarray(0, 1)), { kind: 'need', needed: 1 });
  assert.equal(frameWebSocket(whole.subarray(0, 5)), { kind: 'need', needed: 3 });
  assert.equal(frameWebSocket(whole.subarray(0, 100)), { kind: 'need', needed: whole.length - 100 });
});

frames('rejects reserved opcodes, fragmented or long control frames and non-minimal lengths (RFC 6455 §5.2, §5.5)', () => {
  assert.equal(frameWebSocket(Buffer.from([0x83, 0x00])), { kind: 'malformed', error: 'websocket_reserved_opcode' });
  assert.equal(frameWebSocket(Buffer.from([0x09, 0x00])), { kind: 'malformed', error: 'websocket_control_fragmented' });
  assert.equal(frameWebSocket(Buffer.from([0x89, 0x7e, 0x00, 0x7e])), { kind: 'malformed', error: 'websocket_control_too_long' });
  assert.equal(frameWebSocket(Buffer.from([0x81, 0x7e, 0x00, 0x05])), { kind: 'malformed', error: 'websocket_bad_length' });
  assert.equal(frameWebSocket(Buffer.from([0x81, 0x7f, 0x80, 0, 0, 0, 0, 0, 0, 0])), { kind: 'malformed', error: 'websocket_bad_length' });
});

frames('refuses a frame larger than the cap before its payload arrives', () => {
  const head = Buffer.from([0x82, 0x7f, 0, 0, 0, 0, 0x7f, 0xff, 0xff, 0xff]);
  assert.equal(frameWebSocket(head), { kind: 'malformed', error: 'websocket_frame_too_large' });
  assert.ok(MAX_WEBSOCKET_PAYLOAD < 0x7fffffff);
});

frames('unmasks into a copy and leaves the input untouched (RFC 6455 §5.3)', () => {
  const text = Buffer.from('OPTIONS sip:a@b SIP/2.0\r\n');
  const wire = wsFrame(WsOpcode.TEXT, text, { mask: 0xdeadbeef });
  const f = must(frameWebSocket(wire));
  const before = Buffer.from(wire);
  const out = Buffer.alloc(f.payloadLength);
  unmaskInto(wire.subarray(f.headerLength, f.length), f.maskKey, out);
  assert.is(out.toString(), text.toString());
  assert.ok(wire.equals(before));
});

// ---------------------------------------------------------------------------------------------

interface Seen { transport: string; src: string; text: string }

function session(): { feed: (fromClient: boolean, data: Buffer) => void; seen: Seen[]; anomalies: string[] } {
  const seen: Seen[] = [];
  const anomalies: string[] = [];
  const sip = {
    onMessage(msg: SipMessage, transport: string, src: { ip: string; port: number }) {
      seen.push({ transport, src: `${src.ip}:${src.port}`, text: msg.isRequest ? msg.method : String(msg.statusCode) });
    },
  } as unknown as SipTracker;
  const sink: TcpAppSink = { onHttpExchange() {}, onTlsSession() {}, onSipDecodeError: (code) => { anomalies.push(code); } };
  const sessions = new TcpSessions(sip, sink, () => null);
  const conn: TcpConnection = {
    id: 1, clientIp: '10.0.0.1', clientPort: 43380, serverIp: '10.0.0.2', serverPort: 8080,
    sawSyn: true, sawSynAck: true, firstTs: 0, lastTs: 0, app: undefined,
  };
  return { feed: (fromClient, data) => sessions.onData(conn, fromClient, data, 1), seen, anomalies };
}

const UPGRADE = Buffer.from('GET / HTTP/1.1\r\nHost: pbx\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: sip\r\nSec-WebSocket-Version: 13\r\n\r\n');
const SWITCHING = Buffer.from('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
  'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: sip\r\n\r\n');
const INVITE = Buffer.from('INVITE sip:bob@pbx SIP/2.0\r\nVia: SIP/2.0/WS df7jal23ls0d.invalid;branch=z9hG4bK56sdasks\r\n' +
  'From: <sip:alice@pbx>;tag=1\r\nTo: <sip:bob@pbx>\r\nCall-ID: ws1\r\nCSeq: 1 INVITE\r\nContent-Type: application/sdp\r\n\r\n' +
  'v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n');
const TRYING = Buffer.from('SIP/2.0 100 Trying\r\nVia: SIP/2.0/WS df7jal23ls0d.invalid;branch=z9hG4bK56sdasks\r\n' +
  'From: <sip:alice@pbx>;tag=1\r\nTo: <sip:bob@pbx>\r\nCall-ID: ws1\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n');

const ws = suite('TcpSessions: SIP over WebSocket (RFC 7118)');

ws('reads SIP from both directions after the 101, frames split across segments and fragmented', () => {
  const s = session();
  s.feed(true, UPGRADE);
  s.feed(false, Buffer.concat([SWITCHING, wsFrame(WsOpcode.TEXT, TRYING).subarray(0, 10)]));
  s.feed(false, wsFrame(WsOpcode.TEXT, TRYING).subarray(10));
  const first = wsFrame(WsOpcode.TEXT, INVITE.subarray(0, 100), { fin: false, mask: 0x11223344 });
  const ping = wsFrame(WsOpcode.PING, Buffer.from('k'), { mask: 0x55667788 });
  const rest = wsFrame(WsOpcode.CONTINUATION, INVITE.subarray(100), { mask: 0x99aabbcc });
  const stream = Buffer.concat([first, ping, rest]);
  s.feed(true, stream.subarray(0, 50));
  s.feed(true, stream.subarray(50));
  assert.equal(s.seen, [
    { transport: 'ws', src: '10.0.0.2:8080', text: '100' },
    { transport: 'ws', src: '10.0.0.1:43380', text: 'INVITE' },
  ]);
  assert.equal(s.anomalies, []);
});

ws('skips messages that are not SIP and counts compressed ones it cannot read', () => {
  const s = session();
  s.feed(true, UPGRADE);
  s.feed(false, SWITCHING);
  s.feed(false, wsFrame(WsOpcode.TEXT, Buffer.from('{"status":"ok"}')));
  s.feed(false, wsFrame(WsOpcode.TEXT, Buffer.from([0xf2, 0x0c, 0x0e]), { rsv: 0x4 }));
  s.feed(false, wsFrame(WsOpcode.TEXT, TRYING));
  assert.equal(s.seen.map((m) => m.text), ['100']);
  assert.equal(s.anomalies, ['websocket_compressed_message']);
});

ws('stays HTTP when the server refuses the upgrade', () => {
  const s = session();
  s.feed(true, UPGRADE);
  s.feed(false, Buffer.from('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n'));
  s.feed(false, wsFrame(WsOpcode.TEXT, TRYING));
  assert.equal(s.seen, []);
});

frames.run();
ws.run();
