/**
 * Table rows from what the pipeline produced: the report's findings, calls and streams, the
 * inventory's devices, and the trackers' TLS sessions, HTTP logins and SIP messages. Column
 * names are the schema's (schema.ts). Values from the wire are clipped; no password, SDES
 * key or media payload is ever put in a row.
 */
import type { CallJson, FindingJson } from '../report/json-report.ts';
import type { Device } from '../inventory/device-table.ts';
import type { HttpExchangeEvent, SipMessageEvent, TlsSessionEvent } from '../track/events.ts';
import { cipherSuiteName, tlsVersionName } from '../../parsers/tls.ts';
import { parseSipUri } from '../../parsers/sip.ts';
import { loginAttempt } from '../../alerts/http-login.ts';
import type { Row } from './batch-writer.ts';
import type { RecordSink } from '../analyze.ts';
import type { Store } from './store.ts';

export interface RowContext { sensor: string; site: string; source: string }

/** Characters kept of any text that came off the wire. */
const MAX_TEXT = 512;
const clip = (s: string | null | undefined): string => (s ? (s.length > MAX_TEXT ? s.slice(0, MAX_TEXT) : s) : '');

/** 'YYYY-MM-DD hh:mm:ss.sss' in UTC: what a DateTime64(3, 'UTC') column parses without settings. */
export const toClickHouseTime = (sec: number): string => new Date(Math.round(sec * 1000)).toISOString().replace('T', ' ').replace('Z', '');
/** '2026-11-23T09:00:00.000Z' → '2026-11-23 09:00:00.000' */
const fromIso = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;

// Rows are written as one object literal each (no spread): V8 then builds them from one
// shape in one step, which matters at hundreds of thousands of rows a second.

export function findingRow(f: FindingJson, ctx: RowContext): Row {
  return {
    sensor: ctx.sensor, site: ctx.site, source: ctx.source,
    id: f.id, rule: f.rule, severity: f.severity,
    device_ip: f.device.ip, device_mac: f.device.mac ?? '', device_vendor: clip(f.device.vendor), device_model: clip(f.device.model),
    device_firmware: clip(f.device.firmware), device_user_agent: clip(f.device.user_agent),
    peer_ip: f.peer?.ip ?? null, peer_internal: f.peer?.internal ?? false,
    first_seen: fromIso(f.first_seen), last_seen: fromIso(f.last_seen), count: f.count,
    summary: clip(f.summary), evidence: JSON.stringify(f.evidence),
  };
}

const ENCRYPTED_MEDIA = new Set(['srtp-sdes', 'srtp-dtls', 'zrtp', 'srtp-unknown']);

/** One call row and its stream rows. Media without signaling gets a key from its endpoints. */
export function callRows(c: CallJson, ctx: RowContext): { call: Row; streams: Row[] } {
  const first = c.streams[0];
  const key = c.call_id ?? `media:${first ? `${first.src}>${first.dst}` : `${c.caller_ip}>${c.callee_ip}`}`;
  const start = fromIso(c.start), end = fromIso(c.end);
  const streams = c.streams.map((s) => {
    const src = splitEndpoint(s.src), dst = splitEndpoint(s.dst);
    return {
      sensor: ctx.sensor, site: ctx.site, source: ctx.source,
      call_id: clip(c.call_id), src_ip: src.ip, src_port: src.port, dst_ip: dst.ip, dst_port: dst.port,
      ssrc: Number.parseInt(s.ssrc, 16) >>> 0, codec: clip(s.codec), packets: s.packets, lost: s.lost,
      jitter_ms: s.jitter_ms, encrypted: s.encrypted, classified_by: s.classified_by, start, end,
    };
  });
  return {
    call: {
      sensor: ctx.sensor, site: ctx.site, source: ctx.source,
      call_key: clip(key), call_id: clip(c.call_id), from_uri: clip(c.from), to_uri: clip(c.to),
      caller_ip: c.caller_ip, callee_ip: c.callee_ip, signaling: c.signaling ?? '', media: c.media,
      start, end, streams: c.streams.length,
      encrypted_streams: ENCRYPTED_MEDIA.has(c.media) ? c.streams.length : c.streams.filter((s) => s.encrypted === true).length,
    },
    streams,
  };
}

export function deviceRow(d: Device, ctx: RowContext): Row {
  return {
    sensor: ctx.sensor, site: ctx.site, source: ctx.source,
    ip: d.ip, mac: d.mac ?? '', vendor: clip(d.vendor), model: clip(d.model), firmware: clip(d.firmware),
    user_agent: clip(d.userAgent), server: clip(d.server),
    roles: [...d.roles].sort(), sip_users: [...d.sipUsers].sort().map(clip),
    signaling: [...d.signaling].sort(), media: [...d.media].sort(),
    first_seen: toClickHouseTime(d.firstSeen), last_seen: toClickHouseTime(d.lastSeen),
  };
}

export function tlsSessionRow(ev: TlsSessionEvent, ctx: RowContext): Row {
  return {
    sensor: ctx.sensor, site: ctx.site, source: ctx.source,
    ts: toClickHouseTime(ev.ts), client_ip: ev.client.ip, client_port: ev.client.port, server_ip: ev.server.ip, server_port: ev.server.port,
    sni: clip(ev.sni), version: ev.version ? tlsVersionName(ev.version) : '', cipher_suite: ev.cipherSuite >= 0 ? cipherSuiteName(ev.cipherSuite) : '',
    offered_versions: ev.offeredVersions.slice(0, 16).map(tlsVersionName), dtls: ev.dtls,
  };
}

/** A row for an HTTP exchange that carried credentials; null for any other exchange. */
export function httpLoginRow(ev: HttpExchangeEvent, ctx: RowContext): Row | null {
  const login = loginAttempt(ev);
  if (!login) return null;
  return {
    sensor: ctx.sensor, site: ctx.site, source: ctx.source,
    ts: toClickHouseTime(ev.ts), client_ip: ev.client.ip, client_port: ev.client.port, server_ip: ev.server.ip, server_port: ev.server.port,
    method: clip(ev.request.method), path: clip(ev.request.path), scheme: login.scheme, username: clip(login.username),
    field: clip(login.field), result: login.outcome, status: ev.response?.status ?? 0, server_header: clip(ev.response?.server),
  };
}

export function sipMessageRow(ev: SipMessageEvent, ctx: RowContext): Row {
  const m = ev.msg;
  const crypto = ev.sdp ? ev.sdp.media.flatMap((md) => md.crypto).slice(0, 8).map((c) => clip(`a=crypto:${c.tag} ${c.suite} ${c.keyParamsRedacted}`)) : [];
  return {
    sensor: ctx.sensor, site: ctx.site, source: ctx.source,
    ts: toClickHouseTime(ev.ts), transport: ev.transport, src_ip: ev.src.ip, src_port: ev.src.port, dst_ip: ev.dst.ip, dst_port: ev.dst.port,
    call_id: clip(m.callId), is_request: m.isRequest, method: clip(m.isRequest ? m.method : ''), status: m.statusCode,
    cseq_method: clip(m.cseqMethod), request_uri: clip(m.requestUri), from_uri: clip(m.from), to_uri: clip(m.to),
    from_user: clip(parseSipUri(m.from)?.user), to_user: clip(parseSipUri(m.to)?.user),
    auth_user: clip(m.authorization?.params.username), user_agent: clip(m.userAgent || m.server),
    has_sdp: ev.sdp !== null, sdp_crypto: crypto,
  };
}

function splitEndpoint(ep: string): { ip: string; port: number } {
  // 'ip:port' for IPv4, '[ip]:port' for IPv6
  const m = /^\[?([^\]]*?)\]?:(\d{1,5})$/.exec(ep);
  return m ? { ip: m[1], port: Number(m[2]) } : { ip: ep, port: 0 };
}

/** The trackers' records as rows of the event tables (SIP messages only when that log is on). */
export function storeRecordSink(store: Store, ctx: RowContext): RecordSink {
  return {
    onSipMessage: store.config.sipMessages ? (ev) => store.write('sip_messages', sipMessageRow(ev, ctx)) : undefined,
    onHttpExchange: (ev) => {
      const row = httpLoginRow(ev, ctx);
      if (row) store.write('http_logins', row);
    },
    onTlsSession: (ev) => store.write('tls_sessions', tlsSessionRow(ev, ctx)),
  };
}
