/**
 * Sends alerts to a syslog receiver as RFC 5424 messages with a CEF payload, over UDP
 * (RFC 5426), TCP (RFC 6587) or TLS (RFC 5425).
 *
 * What "delivered" means here: the bytes were handed to the kernel (the socket's write
 * callback). Syslog has no application-level acknowledgement over any transport: UDP may drop
 * the datagram silently, and over TCP or TLS a receiver that crashes, or closes the connection
 * while our bytes are still in flight, loses them without telling us; we only learn of a dead
 * connection on a later write or from its FIN/RST, and then reconnect for the next alert.
 * Every delivery carries the event_id in its structured data, so a receiver can drop the
 * duplicates a retry may cause.
 *
 * A send never throws and never outlasts delivery.timeoutMs (connect and write together); a
 * socket error is reported as a failed send and never reaches the process as an 'error'
 * event. Every transport failure is `retry: true` (refused, reset, timed out, and also a
 * certificate the CA file does not vouch for, which an operator can fix before the alert is
 * given up on); only an alert that cannot be rendered is `retry: false`.
 */
import { createSocket, type Socket as DatagramSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { connect as connectTcp, isIP, isIPv6, type Socket } from 'node:net';
import { hostname as osHostname } from 'node:os';
import { connect as connectTls } from 'node:tls';
import type { AlertEvent, AlertSender, SendResult, SyslogDestination } from '../alert-event.ts';
import { frameForDatagram, frameForStream, renderSyslog5424 } from '../formats/syslog-5424.ts';

/** TCP keep-alive probes start after this idle time (ms), so a vanished receiver is noticed. */
const KEEPALIVE_DELAY_MS = 30_000;

const DELIVERED: SendResult = Object.freeze({ ok: true, status: null, body: '' });

const failed = (retry: boolean, error: string): SendResult => ({ ok: false, retry, status: null, retryAfterMs: null, error, body: '' });

const describe = (err: unknown): string => {
  if (!(err instanceof Error)) return String(err);
  const code = (err as NodeJS.ErrnoException).code;
  return code !== undefined && !err.message.includes(code) ? `${err.message} (${code})` : err.message;
};

interface Channel {
  /** Resolves once the bytes are written to the kernel; rejects on any failure. */
  write(bytes: Buffer): Promise<void>;
  /** Drops the connection now (a send timed out); the next write opens a new one. */
  abort(): void;
  close(): Promise<void>;
}

export interface SyslogSenderOptions {
  /** HOSTNAME of every message; default: this machine's host name */
  hostname?: string;
}

export class SyslogSender implements AlertSender {
  private readonly hostname: string;
  private readonly channel: Channel;
  private closed = false;

  constructor(private readonly dest: SyslogDestination, opts: SyslogSenderOptions = {}) {
    this.hostname = opts.hostname ?? osHostname();
    this.channel = dest.protocol === 'udp' ? new DatagramChannel(dest) : new StreamChannel(dest);
  }

  async send(event: AlertEvent): Promise<SendResult> {
    if (this.closed) return failed(false, 'the syslog sender is closed');
    let message: string;
    try {
      message = renderSyslog5424(this.dest, event, this.hostname);
    } catch (err) {
      return failed(false, `cannot render the alert: ${describe(err)}`);
    }
    const bytes = this.dest.protocol === 'udp' ? frameForDatagram(message) : frameForStream(message);
    const where = `${this.dest.protocol} ${this.dest.host}:${this.dest.port}`;
    const timeoutMs = this.dest.delivery.timeoutMs;
    return new Promise<SendResult>((resolve) => {
      const timer = setTimeout(() => {
        this.channel.abort();
        resolve(failed(true, `${where}: no connection and write within ${timeoutMs} ms`));
      }, timeoutMs);
      this.channel.write(bytes).then(
        () => { clearTimeout(timer); resolve(DELIVERED); },
        (err: unknown) => { clearTimeout(timer); resolve(failed(true, `${where}: ${describe(err)}`)); },
      );
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.channel.close();
  }
}

/** UDP: one unconnected socket, one datagram per message. */
class DatagramChannel implements Channel {
  private socket: DatagramSocket | null = null;

  constructor(private readonly dest: SyslogDestination) {}

  write(bytes: Buffer): Promise<void> {
    const socket = this.socket ?? this.open();
    return new Promise((resolve, reject) => {
      socket.send(bytes, this.dest.port, this.dest.host, (err) => (err ? reject(err) : resolve()));
    });
  }

  abort(): void {
    const socket = this.socket;
    this.socket = null;
    if (socket) closeQuietly(socket);
  }

  close(): Promise<void> {
    const socket = this.socket;
    this.socket = null;
    if (!socket) return Promise.resolve();
    return new Promise((resolve) => {
      try { socket.close(() => resolve()); } catch { resolve(); }
    });
  }

  private open(): DatagramSocket {
    // A host name is resolved as IPv4; an IPv6-only receiver is configured by its address.
    const socket = createSocket(isIPv6(this.dest.host) ? 'udp6' : 'udp4');
    socket.on('error', () => {
      if (this.socket === socket) this.socket = null;
      closeQuietly(socket);
    });
    this.socket = socket;
    return socket;
  }
}

function closeQuietly(socket: DatagramSocket): void {
  try { socket.close(); } catch { /* already closed */ }
}

/** TCP or TLS: one persistent connection, opened on the first send and again after it ends. */
class StreamChannel implements Channel {
  private socket: Socket | null = null;
  /** the connection being opened, shared by the sends that wait for it (in their order) */
  private connecting: Promise<Socket> | null = null;
  private opening: Socket | null = null;

  constructor(private readonly dest: SyslogDestination) {}

  async write(bytes: Buffer): Promise<void> {
    const socket = this.socket ?? await this.connect();
    await new Promise<void>((resolve, reject) => {
      socket.write(bytes, (err) => (err ? reject(err) : resolve()));
    });
  }

  abort(): void {
    this.opening?.destroy();
    this.opening = null;
    this.socket?.destroy();
    this.socket = null;
  }

  async close(): Promise<void> {
    this.opening?.destroy();
    this.opening = null;
    const socket = this.socket;
    this.socket = null;
    if (!socket || socket.destroyed) return;
    // end() sends what is buffered, then our FIN; a receiver that never closes its side is cut off.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => { socket.destroy(); resolve(); }, this.dest.delivery.timeoutMs);
      socket.once('close', () => { clearTimeout(timer); resolve(); });
      socket.end();
    });
  }

  private connect(): Promise<Socket> {
    this.connecting ??= this.open().finally(() => { this.connecting = null; });
    return this.connecting;
  }

  private open(): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const { host, port, protocol, caFile } = this.dest;
      let socket: Socket;
      try {
        socket = protocol === 'tls'
          ? connectTls({
            host, port,
            // SNI carries host names only (RFC 6066 §3); an address is checked against the certificate's IP SANs.
            servername: isIP(host) === 0 ? host : undefined,
            // The CA file replaces the system store: only certificates it vouches for are accepted.
            ca: caFile === null ? undefined : readFileSync(caFile),
            minVersion: 'TLSv1.2',
          })
          : connectTcp({ host, port });
      } catch (err) {
        reject(err);
        return;
      }
      this.opening = socket;
      const fail = (err: Error) => {
        if (this.opening === socket) this.opening = null;
        socket.destroy();
        reject(err);
      };
      // Stays attached for the socket's life: once connected, reject() is a no-op and adopt()'s
      // own listener forgets the connection.
      socket.on('error', fail);
      socket.once('close', () => fail(new Error('the connection closed before it was established')));
      socket.once(protocol === 'tls' ? 'secureConnect' : 'connect', () => {
        if (this.opening !== socket) return; // aborted meanwhile
        this.opening = null;
        this.adopt(socket);
        resolve(socket);
      });
    });
  }

  private adopt(socket: Socket): void {
    socket.setNoDelay(true);
    socket.setKeepAlive(true, KEEPALIVE_DELAY_MS);
    // Receivers never answer, but reading is how their FIN ('end') reaches us.
    socket.resume();
    const forget = () => {
      if (this.socket === socket) this.socket = null;
      socket.destroy();
    };
    socket.on('end', forget).on('close', forget).on('error', forget);
    this.socket = socket;
  }
}
