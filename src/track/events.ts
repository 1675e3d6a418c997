/**
 * What the trackers tell the detectors. Events carry decoded values, never raw packets:
 * detectors do not re-parse bytes. Buffers inside events are copies the event owns.
 */
import type { SipMessage } from '../../parsers/sip.ts';
import type { Sdp } from '../../parsers/sdp.ts';
import type { HttpRequest, HttpResponse } from '../../parsers/http.ts';

export type SipTransport = 'udp' | 'tcp' | 'tls' | 'ws' | 'wss';

export interface Endpoint { ip: string; port: number }

export interface SipMessageEvent {
  ts: number;
  transport: SipTransport;
  src: Endpoint;
  dst: Endpoint;
  msg: SipMessage;
  sdp: Sdp | null;
}

export type AuthOutcome = 'accepted' | 'rejected' | 'unknown';

/** One authenticated request and what the server answered to it. */
export interface SipAuthEvent {
  ts: number;
  transport: SipTransport;
  client: Endpoint;
  server: Endpoint;
  method: string;
  username: string;
  realm: string;
  scheme: string;
  params: Record<string, string>;
  body: Buffer | null;
  outcome: AuthOutcome;
  status: number;
}

/** A final response to a request, so detectors can count failures without pairing themselves. */
export interface SipResponseEvent {
  ts: number;
  transport: SipTransport;
  client: Endpoint;
  server: Endpoint;
  method: string;
  status: number;
  fromUser: string;
  toUser: string;
}

export interface HttpExchangeEvent {
  ts: number;
  client: Endpoint;
  server: Endpoint;
  request: HttpRequest;
  /** Null when the connection ended before a response head arrived. */
  response: HttpResponse | null;
  /** urlencoded form fields of the request body, when it had one. */
  form: Map<string, string> | null;
  /** <title> of an HTML response. */
  title: string | null;
}

export interface TcpHandshakeEvent {
  ts: number;
  client: Endpoint;
  server: Endpoint;
  /** The server answered the SYN with a SYN-ACK. */
  answered: boolean;
}

export interface TlsSessionEvent {
  ts: number;
  client: Endpoint;
  server: Endpoint;
  sni: string | null;
  /** Negotiated version number (0x0301 TLS 1.0 ... 0x0304 TLS 1.3); 0 when the ServerHello was not seen. */
  version: number;
  cipherSuite: number;
  offeredVersions: number[];
  dtls: boolean;
}

export interface TftpRequestEvent {
  ts: number;
  client: Endpoint;
  server: Endpoint;
  opcode: 'read' | 'write';
  filename: string;
}
