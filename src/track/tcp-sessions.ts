/**
 * Application protocols on reassembled TCP streams. The first bytes of a connection decide
 * what it carries (SIP, HTTP or a TLS handshake); SIP messages are framed by Content-Length
 * (RFC 3261 §18.3), HTTP messages by their head and body length, TLS only to its hellos.
 * An HTTP connection upgraded to WebSocket (101, RFC 6455 §4.2.2) carries frames from then on;
 * each text or binary message that is a SIP message is SIP over WebSocket (RFC 7118).
 * Bytes are copied only while a message is incomplete, and never past the named caps.
 */
import type { TcpConnection, TcpStreamHandler } from '../net/tcp-reassembly.ts';
import { looksLikeSip, frameSipStream, parseSipMessage } from '../../parsers/sip.ts';
import { looksLikeHttp, frameHttpHead, parseHttpHead, extractTitle, parseFormFields, type HttpRequest, type HttpResponse } from '../../parsers/http.ts';
import { decodeTlsHello } from '../../parsers/tls.ts';
import { frameWebSocket, unmaskInto, WsOpcode, WS_RSV1 } from '../../parsers/websocket.ts';
import type { Endpoint, HttpExchangeEvent, TlsSessionEvent } from './events.ts';
import type { SipTracker } from './sip-tracker.ts';

export const TCP_APP_LIMITS = Object.freeze({
  /** bytes held per direction while a message is incomplete */
  maxPendingBytes: 1024 * 1024 + 65_536,
  /** request body bytes kept for form-login inspection */
  maxFormBody: 8_192,
  /** response body bytes scanned for a <title> */
  maxTitleBody: 16_384,
  /** requests waiting for their response on one connection (pipelining) */
  maxPipelined: 32,
  /** bytes of a TLS handshake record buffered to find the hello */
  maxHelloBytes: 32_768,
  /** bytes of one WebSocket message (all its frames): a SIP head plus the largest SIP body framed */
  maxWebSocketMessage: 65_536 + 1_048_576,
});

type AppKind = 'unknown' | 'sip' | 'http' | 'tls' | 'ws' | 'other';

/** A WebSocket message whose frames are still arriving (RFC 6455 §5.4). */
interface WsMessage {
  /** unmasked payloads of the frames so far, each a copy */
  parts: Buffer[];
  bytes: number;
  /** compressed (permessage-deflate, RFC 7692) or over the cap: framed past, not read */
  discard: boolean;
}

interface Direction {
  pending: Buffer | null;
  /** body bytes still to skip or collect after a head */
  bodyRemaining: number;
  bodySink: Buffer[] | null;
  bodyCollected: number;
  bodyLimit: number;
  /** after a gap we cannot find message boundaries again in a length-framed stream */
  lost: boolean;
  /** WebSocket message in progress */
  ws: WsMessage | null;
}

interface HttpPending { request: HttpRequest; form: Map<string, string> | null; ts: number }

interface AppState {
  kind: AppKind;
  client: Direction;
  server: Direction;
  http: HttpPending[];
  httpResponse: { response: HttpResponse; ts: number; request: HttpPending | null } | null;
  tls: { clientDone: boolean; serverDone: boolean; event: TlsSessionEvent | null };
}

export interface TcpAppSink {
  onHttpExchange(ev: HttpExchangeEvent): void;
  onTlsSession(ev: TlsSessionEvent): void;
  onSipDecodeError(code: string): void;
}

const newDirection = (): Direction => ({ pending: null, bodyRemaining: 0, bodySink: null, bodyCollected: 0, bodyLimit: 0, lost: false, ws: null });

export class TcpSessions implements TcpStreamHandler {
  constructor(
    private readonly sip: SipTracker,
    private readonly sink: TcpAppSink,
    private readonly macOf: (ip: string) => string | null,
  ) {}

  onData(c: TcpConnection, fromClient: boolean, data: Buffer, ts: number): void {
    let app = c.app as AppState | undefined;
    if (!app) {
      app = { kind: 'unknown', client: newDirection(), server: newDirection(), http: [], httpResponse: null, tls: { clientDone: false, serverDone: false, event: null } };
      c.app = app;
    }
    if (app.kind === 'unknown') app.kind = detect(data);
    if (app.kind === 'other' || app.kind === 'unknown') return;
    const dir = fromClient ? app.client : app.server;
    if (dir.lost) return;
    const buf = dir.pending ? concatCapped(dir.pending, data) : data;
    if (buf === null) { dir.pending = null; dir.lost = true; return; }
    let used: number;
    switch (app.kind) {
      case 'sip': used = this.consumeSip(c, fromClient, buf, ts); break;
      case 'http': used = this.consumeHttp(c, app, dir, fromClient, buf, ts); break;
      case 'tls': used = this.consumeTls(c, app, fromClient, buf, ts); break;
      case 'ws': used = this.consumeWebSocket(c, dir, fromClient, buf, ts); break;
    }
    if (dir.lost) { dir.pending = null; return; }
    dir.pending = used < buf.length ? Buffer.from(buf.subarray(used)) : null;
  }

  onGap(c: TcpConnection, fromClient: boolean): void {
    const app = c.app as AppState | undefined;
    if (!app) return;
    const dir = fromClient ? app.client : app.server;
    dir.pending = null;
    dir.ws = null;
    // A gap inside an HTTP body only shortens what we scan; anywhere else framing is lost.
    if (dir.bodyRemaining > 0) { dir.bodyRemaining = 0; return; }
    if (app.kind === 'sip') return; // SIP resynchronises on the next start line
    dir.lost = true;
  }

  onClose(c: TcpConnection): void {
    const app = c.app as AppState | undefined;
    if (!app) return;
    if (app.kind === 'http') {
      if (app.httpResponse) this.emitHttp(c, app, app.httpResponse.ts);
      for (const p of app.http) this.sink.onHttpExchange({ ts: p.ts, client: clientOf(c), server: serverOf(c), request: p.request, response: null, form: p.form, title: null });
      app.http = [];
    }
    if (app.kind === 'tls' && app.tls.event && !app.tls.serverDone) this.sink.onTlsSession(app.tls.event);
  }

  private consumeSip(c: TcpConnection, fromClient: boolean, buf: Buffer, ts: number): number {
    let off = 0;
    while (off < buf.length) {
      const view = buf.subarray(off);
      const frame = frameSipStream(view);
      if (frame.kind === 'need') break;
      if (frame.kind === 'malformed') {
        this.sink.onSipDecodeError(frame.error);
        off += Math.max(1, frame.skip);
        continue;
      }
      const parsed = parseSipMessage(view.subarray(0, frame.length), { stream: true });
      if (parsed.ok) {
        const src = fromClient ? clientOf(c) : serverOf(c);
        const dst = fromClient ? serverOf(c) : clientOf(c);
        this.sip.onMessage(parsed.message, 'tcp', src, dst, ts, this.macOf(src.ip));
      } else this.sink.onSipDecodeError(parsed.error);
      off += frame.length;
    }
    return off;
  }

  private consumeHttp(c: TcpConnection, app: AppState, dir: Direction, fromClient: boolean, buf: Buffer, ts: number): number {
    let off = 0;
    while (off < buf.length) {
      if (dir.bodyRemaining > 0) {
        const take = Math.min(dir.bodyRemaining, buf.length - off);
        if (dir.bodySink && dir.bodyCollected < dir.bodyLimit) {
          const keep = Math.min(take, dir.bodyLimit - dir.bodyCollected);
          dir.bodySink.push(Buffer.from(buf.subarray(off, off + keep)));
          dir.bodyCollected += keep;
        }
        dir.bodyRemaining -= take;
        off += take;
        if (dir.bodyRemaining === 0) this.bodyComplete(c, app, fromClient, ts);
        continue;
      }
      const view = buf.subarray(off);
      const frame = frameHttpHead(view);
      if (frame.kind === 'need') break;
      if (frame.kind === 'malformed') { dir.lost = true; return buf.length; }
      const head = parseHttpHead(view.subarray(0, frame.headerLength));
      off += frame.headerLength;
      if (!head) { dir.lost = true; return buf.length; }
      if (head.kind === 'request' && fromClient) {
        const pending: HttpPending = { request: head, form: null, ts };
        if (app.http.length < TCP_APP_LIMITS.maxPipelined) app.http.push(pending);
        const length = head.contentLength > 0 ? head.contentLength : 0;
        this.startBody(dir, length, head.method === 'POST' && isForm(head.contentType) ? TCP_APP_LIMITS.maxFormBody : 0);
        if (length === 0) this.bodyComplete(c, app, true, ts);
      } else if (head.kind === 'response' && !fromClient) {
        if (isWebSocketUpgrade(head)) {
          // The upgrade request is answered; both directions carry WebSocket frames from here.
          if (app.httpResponse) this.emitHttp(c, app, ts);
          app.httpResponse = { response: head, ts, request: app.http.shift() ?? null };
          this.emitHttp(c, app, ts);
          app.kind = 'ws';
          return off + this.consumeWebSocket(c, dir, fromClient, buf.subarray(off), ts);
        }
        if (head.status >= 100 && head.status < 200) continue;
        if (app.httpResponse) this.emitHttp(c, app, ts);
        app.httpResponse = { response: head, ts, request: app.http.shift() ?? null };
        const isHead = app.httpResponse.request?.request.method === 'HEAD';
        const length = isHead || head.status === 204 || head.status === 304 ? 0
          : head.contentLength >= 0 ? head.contentLength
          : head.chunked ? TCP_APP_LIMITS.maxTitleBody // scan the first chunk(s) for a title; framing ends here
          : 0;
        this.startBody(dir, length, isHtml(head.contentType) ? TCP_APP_LIMITS.maxTitleBody : 0);
        if (head.chunked && head.contentLength < 0) dir.lost = false;
        if (length === 0) this.bodyComplete(c, app, false, ts);
      }
    }
    return off;
  }

  private startBody(dir: Direction, length: number, keep: number): void {
    dir.bodyRemaining = length;
    dir.bodyCollected = 0;
    dir.bodyLimit = keep;
    dir.bodySink = keep > 0 && length > 0 ? [] : null;
  }

  private bodyComplete(c: TcpConnection, app: AppState, fromClient: boolean, ts: number): void {
    const dir = fromClient ? app.client : app.server;
    const body = dir.bodySink ? Buffer.concat(dir.bodySink) : null;
    dir.bodySink = null;
    if (fromClient) {
      const last = app.http[app.http.length - 1];
      if (last && body) last.form = parseFormFields(body, last.request.contentType);
      return;
    }
    this.emitHttp(c, app, ts, body);
  }

  private emitHttp(c: TcpConnection, app: AppState, ts: number, body: Buffer | null = null): void {
    const r = app.httpResponse;
    app.httpResponse = null;
    if (!r || !r.request) return;
    this.sink.onHttpExchange({
      ts, client: clientOf(c), server: serverOf(c), request: r.request.request, response: r.response,
      form: r.request.form, title: body ? extractTitle(body) : null,
    });
  }

  /**
   * WebSocket frames: control frames are skipped, data frames assembled into messages, and a
   * complete message that is a SIP message goes to the SIP tracker. RFC 7118 §5: "Each SIP
   * message MUST be carried within a single WebSocket message, and a WebSocket message MUST
   * NOT contain more than one SIP message", so the message delimits it as a datagram does.
   */
  private consumeWebSocket(c: TcpConnection, dir: Direction, fromClient: boolean, buf: Buffer, ts: number): number {
    let off = 0;
    while (off < buf.length) {
      const frame = frameWebSocket(buf.subarray(off), TCP_APP_LIMITS.maxWebSocketMessage);
      if (frame.kind === 'need') break;
      if (frame.kind === 'malformed') {
        this.sink.onSipDecodeError(frame.error);
        dir.lost = true;
        return buf.length;
      }
      const payload = buf.subarray(off + frame.headerLength, off + frame.length);
      off += frame.length;
      if (frame.opcode >= WsOpcode.CLOSE) continue; // close, ping, pong: nothing of SIP's
      if (frame.opcode !== WsOpcode.CONTINUATION) {
        if (dir.ws) this.sink.onSipDecodeError('websocket_message_interrupted');
        const compressed = (frame.rsv & WS_RSV1) !== 0;
        if (compressed) this.sink.onSipDecodeError('websocket_compressed_message');
        if (frame.fin && !compressed) {
          dir.ws = null;
          this.onWebSocketMessage(c, fromClient, frame.masked ? unmasked(payload, frame.maskKey) : payload, ts);
          continue;
        }
        dir.ws = { parts: [], bytes: 0, discard: compressed };
      } else if (!dir.ws) {
        this.sink.onSipDecodeError('websocket_unexpected_continuation');
        continue;
      }
      const msg = dir.ws;
      if (!msg.discard && msg.bytes + payload.length > TCP_APP_LIMITS.maxWebSocketMessage) {
        this.sink.onSipDecodeError('websocket_message_too_large');
        msg.discard = true;
        msg.parts = [];
      }
      if (!msg.discard) {
        msg.parts.push(frame.masked ? unmasked(payload, frame.maskKey) : Buffer.from(payload));
        msg.bytes += payload.length;
      }
      if (!frame.fin) continue;
      dir.ws = null;
      if (!msg.discard) this.onWebSocketMessage(c, fromClient, msg.parts.length === 1 ? msg.parts[0] : Buffer.concat(msg.parts, msg.bytes), ts);
    }
    return off;
  }

  private onWebSocketMessage(c: TcpConnection, fromClient: boolean, data: Buffer, ts: number): void {
    if (!looksLikeSip(data)) return; // another subprotocol, or keep-alive CRLFs
    const parsed = parseSipMessage(data);
    if (!parsed.ok) { this.sink.onSipDecodeError(parsed.error); return; }
    const src = fromClient ? clientOf(c) : serverOf(c);
    const dst = fromClient ? serverOf(c) : clientOf(c);
    this.sip.onMessage(parsed.message, 'ws', src, dst, ts, this.macOf(src.ip));
  }

  private consumeTls(c: TcpConnection, app: AppState, fromClient: boolean, buf: Buffer, ts: number): number {
    const state = app.tls;
    if (fromClient ? state.clientDone : state.serverDone) return buf.length;
    const hello = decodeTlsHello(buf);
    if (hello === null) {
      if (buf.length > TCP_APP_LIMITS.maxHelloBytes) { (fromClient ? app.client : app.server).lost = true; }
      return buf.length >= TCP_APP_LIMITS.maxHelloBytes ? buf.length : 0;
    }
    if (hello.type === 'client_hello' && fromClient) {
      state.clientDone = true;
      state.event = {
        ts, client: clientOf(c), server: serverOf(c), sni: hello.sni, version: 0, cipherSuite: -1,
        offeredVersions: hello.supportedVersions.length > 0 ? hello.supportedVersions : [hello.legacyVersion], dtls: false,
      };
    } else if (hello.type === 'server_hello' && !fromClient) {
      state.serverDone = true;
      const ev = state.event ?? {
        ts, client: clientOf(c), server: serverOf(c), sni: null, version: 0, cipherSuite: -1, offeredVersions: [], dtls: false,
      };
      ev.version = hello.version;
      ev.cipherSuite = hello.cipherSuite ?? -1;
      this.sink.onTlsSession(ev);
    }
    return buf.length;
  }
}

function detect(data: Buffer): AppKind {
  if (data.length < 3) return 'unknown';
  if (data[0] === 0x16 && data[1] === 0x03) return 'tls';
  if (looksLikeSip(data)) return 'sip';
  if (looksLikeHttp(data)) return 'http';
  // CRLF keep-alives (RFC 5626 §3.5.1) may precede SIP on a reused connection.
  if (data[0] === 0x0d && data[1] === 0x0a) return 'unknown';
  return 'other';
}

/** A 101 answer agreeing to "Upgrade: websocket" (RFC 6455 §4.2.2, §4.1 item 3: case-insensitive). */
function isWebSocketUpgrade(res: HttpResponse): boolean {
  if (res.status !== 101) return false;
  const upgrade = res.header('upgrade');
  return upgrade !== null && upgrade.split(',').some((p) => p.trim().toLowerCase() === 'websocket');
}

/** A masked payload, unmasked into a copy (the view belongs to the capture buffer). */
function unmasked(payload: Buffer, maskKey: number): Buffer {
  const out = Buffer.allocUnsafe(payload.length);
  unmaskInto(payload, maskKey, out);
  return out;
}

function concatCapped(pending: Buffer, data: Buffer): Buffer | null {
  if (pending.length + data.length > TCP_APP_LIMITS.maxPendingBytes) return null;
  return Buffer.concat([pending, data]);
}

const clientOf = (c: TcpConnection): Endpoint => ({ ip: c.clientIp, port: c.clientPort });
const serverOf = (c: TcpConnection): Endpoint => ({ ip: c.serverIp, port: c.serverPort });
const isForm = (ct: string): boolean => ct.toLowerCase().startsWith('application/x-www-form-urlencoded');
const isHtml = (ct: string): boolean => ct === '' || ct.toLowerCase().includes('html');
