/**
 * SIP state: transactions (a request and its final response, RFC 3261 §17), dialogs grouped
 * into calls by Call-ID, registrations (who registers where, as which user), the SDP
 * offer/answer of each call announced to the media tracker, and the device facts SIP reveals.
 */
import { parseSipUri, type SipMessage } from '../../parsers/sip.ts';
import { parseSdp, type Sdp } from '../../parsers/sdp.ts';
import { fingerprintHeader } from '../inventory/fingerprint.ts';
import { DeviceTable, applyFingerprint, clipHeader } from '../inventory/device-table.ts';
import type { MediaExpectations } from './media-expectations.ts';
import type { AuthOutcome, Endpoint, SipAuthEvent, SipMessageEvent, SipResponseEvent, SipTransport } from './events.ts';

export const SIP_LIMITS = Object.freeze({
  /** requests waiting for their final response */
  maxPendingTransactions: 100_000,
  /** seconds a request waits for its final response (64*T1 = 32 s, RFC 3261 §17.1.1.2, plus margin) */
  transactionTimeoutSec: 64,
  /** calls in progress */
  maxCalls: 100_000,
  /** seconds after its last message that an unfinished call is closed */
  callIdleTimeoutSec: 4 * 3600,
  /** finished calls kept for the report; past it they are counted only */
  maxFinishedCalls: 100_000,
  /** request/response pairs kept for forensic comparison */
  maxTransactionLog: 200_000,
  /** registrars remembered per phone */
  maxRegistrarsPerDevice: 8,
  /** auth-int bodies copied for offline verification, in bytes */
  maxAuthIntBody: 16_384,
});

export interface CallRecord {
  callId: string;
  from: string;
  to: string;
  callerIp: string;
  calleeIp: string;
  signaling: SipTransport;
  start: number;
  end: number;
  answered: boolean;
}

export interface SipTransactionRecord {
  ts: number; callId: string; method: string; uri: string; status: number;
  from: string; to: string; srcIp: string; dstIp: string; userAgent: string;
}

interface PendingRequest {
  ts: number;
  callId: string;
  transport: SipTransport;
  client: Endpoint;
  server: Endpoint;
  method: string;
  uri: string;
  from: string;
  to: string;
  userAgent: string;
  auth: { scheme: string; params: Record<string, string>; body: Buffer | null } | null;
  status: number;
}

interface CallState {
  record: CallRecord;
  lastTs: number;
  calleeHops: number;
}

export interface SipEventSink {
  onSipMessage(ev: SipMessageEvent): void;
  onSipResponse(ev: SipResponseEvent): void;
  onSipAuth(ev: SipAuthEvent): void;
}

export interface SipCounters {
  messages: number; requests: Record<string, number>; responses: Record<string, number>;
  parseErrors: number; transactionsDropped: number; callsDropped: number; calls: number;
}

export class SipTracker {
  private readonly pending = new Map<string, PendingRequest>();
  private readonly calls = new Map<string, CallState>();
  get activeCalls(): number { return this.calls.size; }
  private readonly registrars = new Map<string, Set<string>>();
  /** Plaintext signaling sessions: one per transport and pair of addresses. */
  private readonly plaintextPairs = new Set<string>();
  private plaintextPairsOverflow = 0;
  readonly finishedCalls: CallRecord[] = [];
  readonly transactionLog: SipTransactionRecord[] = [];
  readonly counters: SipCounters = {
    messages: 0, requests: Object.create(null), responses: Object.create(null),
    parseErrors: 0, transactionsDropped: 0, callsDropped: 0, calls: 0,
  };
  private nextExpiry = 0;

  constructor(
    private readonly devices: DeviceTable,
    private readonly expectations: MediaExpectations,
    private readonly sink: SipEventSink,
  ) {}

  get plaintextSessions(): number { return this.plaintextPairs.size + this.plaintextPairsOverflow; }

  private notePlaintextPair(transport: SipTransport, a: string, b: string): void {
    const key = a < b ? `${transport}|${a}|${b}` : `${transport}|${b}|${a}`;
    if (this.plaintextPairs.has(key)) return;
    if (this.plaintextPairs.size >= SIP_LIMITS.maxCalls) { this.plaintextPairsOverflow++; return; }
    this.plaintextPairs.add(key);
  }

  registrarsOf(ip: string): ReadonlySet<string> { return this.registrars.get(ip) ?? EMPTY; }

  onMessage(msg: SipMessage, transport: SipTransport, src: Endpoint, dst: Endpoint, ts: number, srcMac: string | null): void {
    if (ts >= this.nextExpiry) this.expire(ts);
    this.counters.messages++;
    if (msg.isRequest) this.counters.requests[msg.method] = (this.counters.requests[msg.method] ?? 0) + 1;
    else this.counters.responses[String(msg.statusCode)] = (this.counters.responses[String(msg.statusCode)] ?? 0) + 1;

    const srcDevice = this.devices.touch(src.ip, ts);
    const dstDevice = this.devices.touch(dst.ip, ts);
    this.devices.observeMac(src.ip, srcMac, ts);
    srcDevice.signaling.add(transport);
    if (isPlaintext(transport)) this.notePlaintextPair(transport, src.ip, dst.ip);
    dstDevice.signaling.add(transport);
    this.learnIdentity(msg, src.ip);

    const sdp = msg.body.length > 0 && isSdpContent(msg.contentType) ? parseSdp(msg.body) : null;
    if (sdp && msg.callId) this.expectations.announce(sdp, msg.callId, transport, ts);

    if (msg.isRequest) this.onRequest(msg, transport, src, dst, ts);
    else this.onResponse(msg, transport, src, dst, ts);
    this.sink.onSipMessage({ ts, transport, src, dst, msg, sdp });
  }

  /** A proxy adds its own Via: a request with more than one was forwarded, not originated, by its sender. */
  private learnIdentity(msg: SipMessage, srcIp: string): void {
    const d = this.devices.get(srcIp);
    if (!d) return;
    if (msg.isRequest && msg.vias.length > 1) { d.roles.add('pbx'); return; }
    const header = msg.isRequest ? msg.userAgent : (msg.server || msg.userAgent);
    if (!header) return;
    const fp = fingerprintHeader(header);
    if (!msg.isRequest && d.roles.has('pbx') && fp.kind !== 'pbx') return;
    if (msg.isRequest) d.userAgent = clipHeader(header); else d.server = clipHeader(header);
    applyFingerprint(d, fp);
    if (fp.kind === 'scanner') d.roles.add('scanner');
    else if (fp.kind === 'pbx') d.roles.add('pbx');
    else if (fp.kind === 'phone' || fp.kind === 'softphone') d.roles.add('phone');
  }

  private onRequest(msg: SipMessage, transport: SipTransport, src: Endpoint, dst: Endpoint, ts: number): void {
    const key = transactionKey(msg, src.ip, dst.ip);
    if (msg.method !== 'ACK' && !this.pending.has(key)) {
      if (this.pending.size >= SIP_LIMITS.maxPendingTransactions) this.counters.transactionsDropped++;
      else {
        // A proxy passes the UA's credentials on (RFC 3261 §22.3): the UA's own leg already
        // carries them, so a forwarded copy (more than one Via) is no authentication of its sender.
        const auth = msg.vias.length <= 1 ? msg.authorization : null;
        this.pending.set(key, {
          ts, callId: msg.callId, transport, client: src, server: dst, method: msg.method, uri: msg.requestUri,
          from: msg.from, to: msg.to, userAgent: msg.userAgent, status: 0,
          auth: auth ? {
            scheme: auth.scheme, params: auth.params,
            body: auth.params.qop === 'auth-int' ? Buffer.from(msg.body.subarray(0, SIP_LIMITS.maxAuthIntBody)) : null,
          } : null,
        });
      }
    }
    if (msg.method === 'REGISTER') {
      const user = parseSipUri(msg.to)?.user ?? parseSipUri(msg.from)?.user ?? '';
      const d = this.devices.get(src.ip);
      if (d && user && msg.vias.length <= 1) this.devices.addUser(d, user);
      if (d && msg.authorization?.params.username && msg.vias.length <= 1) this.devices.addUser(d, msg.authorization.params.username);
    }
    if (msg.method === 'INVITE' && msg.callId) this.trackInvite(msg, transport, src, dst, ts);
    if (msg.method === 'BYE' && msg.callId) {
      const call = this.calls.get(msg.callId);
      if (call) { call.record.end = ts; call.lastTs = ts; this.closeCall(msg.callId, call); }
    }
  }

  private trackInvite(msg: SipMessage, transport: SipTransport, src: Endpoint, dst: Endpoint, ts: number): void {
    let call = this.calls.get(msg.callId);
    if (!call) {
      if (msg.toTag) return; // a re-INVITE of a call that started before the capture
      if (this.calls.size >= SIP_LIMITS.maxCalls) { this.counters.callsDropped++; return; }
      call = {
        record: {
          callId: msg.callId, from: msg.from, to: msg.to, callerIp: src.ip, calleeIp: dst.ip,
          signaling: transport, start: ts, end: ts, answered: false,
        },
        lastTs: ts,
        calleeHops: msg.vias.length,
      };
      this.calls.set(msg.callId, call);
      this.counters.calls++;
      return;
    }
    call.lastTs = ts;
    call.record.end = ts;
    // Each proxy hop adds a Via: the leg with the most Vias is the one reaching the callee.
    if (!msg.toTag && msg.vias.length > call.calleeHops) { call.calleeHops = msg.vias.length; call.record.calleeIp = dst.ip; }
    // The weakest signaling transport of any leg is what an eavesdropper gets.
    if (isPlaintext(transport) && !isPlaintext(call.record.signaling)) call.record.signaling = transport;
  }

  private onResponse(msg: SipMessage, transport: SipTransport, src: Endpoint, dst: Endpoint, ts: number): void {
    const status = msg.statusCode;
    const call = msg.callId ? this.calls.get(msg.callId) : undefined;
    if (call) {
      call.lastTs = ts;
      call.record.end = ts;
      if (msg.cseqMethod === 'INVITE' && status >= 200 && status < 300) call.record.answered = true;
    }
    const key = transactionKey(msg, dst.ip, src.ip);
    const request = this.pending.get(key);
    if (!request) return;
    if (msg.cseqMethod === 'REGISTER' && (status === 200 || status === 401 || status === 407)) {
      this.devices.touch(src.ip, ts).roles.add('pbx');
      this.rememberRegistrar(dst.ip, src.ip);
      if (status === 200) {
        const phone = this.devices.get(dst.ip);
        if (phone && !phone.roles.has('scanner') && !phone.roles.has('pbx')) phone.roles.add('phone');
      }
    }
    if (status < 200) return;
    this.pending.delete(key);
    request.status = status;
    this.completeTransaction(request, ts);
  }

  private rememberRegistrar(phoneIp: string, registrarIp: string): void {
    let set = this.registrars.get(phoneIp);
    if (!set) {
      if (this.registrars.size >= SIP_LIMITS.maxPendingTransactions) return;
      set = new Set();
      this.registrars.set(phoneIp, set);
    }
    if (set.size < SIP_LIMITS.maxRegistrarsPerDevice) set.add(registrarIp);
  }

  private completeTransaction(req: PendingRequest, ts: number): void {
    if (this.transactionLog.length < SIP_LIMITS.maxTransactionLog) {
      this.transactionLog.push({
        ts: req.ts, callId: req.callId, method: req.method, uri: req.uri, status: req.status,
        from: req.from, to: req.to, srcIp: req.client.ip, dstIp: req.server.ip, userAgent: req.userAgent,
      });
    }
    if (req.status > 0) {
      this.sink.onSipResponse({
        ts, transport: req.transport, client: req.client, server: req.server, method: req.method, status: req.status,
        fromUser: parseSipUri(req.from)?.user ?? '', toUser: parseSipUri(req.to)?.user ?? '',
      });
    }
    if (req.auth && req.auth.scheme.toLowerCase() === 'digest') {
      this.sink.onSipAuth({
        ts, transport: req.transport, client: req.client, server: req.server, method: req.method,
        username: req.auth.params.username ?? '', realm: req.auth.params.realm ?? '',
        scheme: req.auth.scheme, params: req.auth.params, body: req.auth.body,
        outcome: authOutcome(req.status), status: req.status,
      });
    }
  }

  expire(now: number): void {
    this.nextExpiry = now + 5;
    const txHorizon = now - SIP_LIMITS.transactionTimeoutSec;
    for (const [key, req] of this.pending) {
      if (req.ts >= txHorizon) break; // insertion order is time order
      this.pending.delete(key);
      this.completeTransaction(req, now);
    }
    const callHorizon = now - SIP_LIMITS.callIdleTimeoutSec;
    for (const [id, call] of this.calls) if (call.lastTs < callHorizon) this.closeCall(id, call);
    this.expectations.expire(now);
  }

  flush(now: number): void {
    for (const req of this.pending.values()) this.completeTransaction(req, now);
    this.pending.clear();
    for (const [id, call] of this.calls) this.closeCall(id, call);
  }

  private closeCall(id: string, call: CallState): void {
    this.calls.delete(id);
    if (this.finishedCalls.length < SIP_LIMITS.maxFinishedCalls) this.finishedCalls.push(call.record);
  }
}

const EMPTY: ReadonlySet<string> = new Set();

const isPlaintext = (t: SipTransport): boolean => t === 'udp' || t === 'tcp' || t === 'ws';

const isSdpContent = (contentType: string): boolean => contentType === '' || contentType.toLowerCase().startsWith('application/sdp');

const transactionKey = (msg: SipMessage, clientIp: string, serverIp: string): string =>
  `${msg.callId}\0${msg.cseq}\0${msg.cseqMethod}\0${clientIp}\0${serverIp}`;

function authOutcome(status: number): AuthOutcome {
  if (status === 0) return 'unknown';
  if (status === 401 || status === 407 || status === 403) return 'rejected';
  return 'accepted';
}
