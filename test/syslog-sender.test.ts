import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server as TlsServer, createServer as createTlsServer } from 'node:tls';
import { ALERT_SCHEMA, type AlertEvent, type SyslogDestination } from '../alerts/alert-event.ts';
import { SyslogSender } from '../alerts/delivery/syslog-sender.ts';

const LOOPBACK = '127.0.0.1';

function alertEvent(n = 1): AlertEvent {
  return {
    schema: ALERT_SCHEMA, event_id: `event-${n}`, kind: 'new', alert_id: '9c1e5b2a7d3f4e60', fire_count: 1,
    fired_at: '2026-11-02T09:05:00.250Z', previous_severity: null, sensor: 'sensor-hq-1', site: 'hq', dashboard_url: null,
    finding: {
      id: '9c1e5b2a7d3f4e60', rule: 'default-credentials', severity: 'critical',
      device: { ip: '10.20.0.21', mac: null, vendor: 'snom', model: 'D785', firmware: '10.1.33.33', user_agent: 'snomD785/10.1.33.33 ünïcode' },
      peer: { ip: '203.0.113.7', internal: false },
      first_seen: '2026-11-02T09:00:00.000Z', last_seen: '2026-11-02T09:04:59.500Z', count: 3,
      summary: 'web UI login with the vendor default credential for admin was accepted',
      evidence: { scheme: 'basic', username: 'admin', matched: 'vendor-default:snom', result: 'accepted', transport: 'http' },
    },
  };
}

const destination = (protocol: SyslogDestination['protocol'], port: number, over: Partial<SyslogDestination> = {}): SyslogDestination => ({
  name: 'siem', type: 'syslog', format: 'cef', host: LOOPBACK, port, protocol, caFile: null, facility: 10, appName: 'voipwatch',
  filter: { minSeverity: 'low', rules: null, sites: null },
  delivery: { timeoutMs: 3000, initialBackoffMs: 1000, maxBackoffMs: 60_000, giveUpAfterSec: 3600, ratePerSec: 5, burst: 10 },
  ...over,
});

const listen = (server: Server): Promise<number> => new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(0, LOOPBACK, () => resolve((server.address() as AddressInfo).port));
});

/** Closes the server and cuts every connection it still has. */
function shutDown(server: Server, sockets: Set<Socket>): Promise<void> {
  for (const s of sockets) s.destroy();
  return new Promise((resolve) => server.close(() => resolve()));
}

async function until(condition: () => boolean, what: string, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * A syslog receiver over TCP or TLS that parses octet-counted frames (RFC 6587 §3.4.1) per
 * connection; `onFrame` may act on the connection (close it, say).
 */
function frameReceiver(server: Server, onFrame: (socket: Socket, frame: string) => void = () => {}) {
  const acceptedEvent = server instanceof TlsServer ? 'secureConnection' : 'connection';
  const frames: Array<{ connection: number; message: string }> = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  const closed: number[] = [];
  const handle = (socket: Socket) => {
    const connection = ++connections;
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => { sockets.delete(socket); closed.push(connection); });
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        const sp = pending.indexOf(0x20);
        if (sp === -1) return;
        const len = Number(pending.subarray(0, sp).toString('ascii'));
        if (!Number.isInteger(len) || len <= 0) { socket.destroy(new Error('bad MSG-LEN')); return; }
        if (pending.length < sp + 1 + len) return;
        const message = pending.subarray(sp + 1, sp + 1 + len).toString('utf8');
        pending = pending.subarray(sp + 1 + len);
        frames.push({ connection, message });
        onFrame(socket, message);
      }
    });
  };
  server.on(acceptedEvent, handle);
  return { frames, sockets, closed, connections: () => connections };
}

const eventIdOf = (message: string) => /event_id="([^"]+)"/.exec(message)?.[1];

// ---------------------------------------------------------------------------------------------

const test = suite('SyslogSender');

let tmp = '';
let keyFile = '';
let certFile = '';

test.before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'voipwatch-syslog-'));
  keyFile = join(tmp, 'key.pem');
  certFile = join(tmp, 'cert.pem');
  // A throw-away self-signed certificate for 127.0.0.1 and localhost, valid for a day.
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-keyout', keyFile, '-out', certFile,
  ], { stdio: 'ignore' });
});

test.after(() => {
  rmSync(tmp, { recursive: true, force: true });
});

test('should send one RFC 5424 message with a CEF payload per UDP datagram', async () => {
  const receiver = createSocket('udp4');
  const datagrams: Buffer[] = [];
  receiver.on('message', (msg) => datagrams.push(msg));
  await new Promise<void>((resolve) => receiver.bind(0, LOOPBACK, () => resolve()));
  const sender = new SyslogSender(destination('udp', receiver.address().port), { hostname: 'sensor-hq-1' });
  try {
    const result = await sender.send(alertEvent());
    assert.equal(result, { ok: true, status: null, body: '' });
    await until(() => datagrams.length === 1, 'the datagram');
    const text = datagrams[0].toString('utf8');
    assert.match(text, /^<82>1 2026-11-02T09:05:00\.250Z sensor-hq-1 voipwatch - default-credentials \[voipwatch@32473 /);
    assert.ok(text.includes('\uFEFFCEF:0|voipwatch|voipwatch|'));
    assert.match(text, /\|default-credentials\|web UI login with the vendor default credential for admin was accepted\|10\|/);
    assert.ok(text.includes('src=203.0.113.7 dst=10.20.0.21'));
  } finally {
    await sender.close();
    receiver.close();
  }
});

test('should send three alerts over one TCP connection, each whole and in order', async () => {
  const server = createTcpServer();
  const receiver = frameReceiver(server);
  const port = await listen(server);
  const sender = new SyslogSender(destination('tcp', port), { hostname: 'sensor-hq-1' });
  try {
    const results = await Promise.all([1, 2, 3].map((n) => sender.send(alertEvent(n))));
    for (const r of results) assert.ok(r.ok, JSON.stringify(r));
    await until(() => receiver.frames.length === 3, 'three frames');
    assert.equal(receiver.frames.map((f) => eventIdOf(f.message)), ['event-1', 'event-2', 'event-3']);
    assert.is(receiver.connections(), 1);
    for (const f of receiver.frames) {
      assert.match(f.message, /^<82>1 /);
      assert.ok(f.message.includes('snomD785/10.1.33.33 ünïcode'), 'UTF-8 survives the octet count');
    }
  } finally {
    await sender.close();
    await shutDown(server, receiver.sockets);
  }
});

test('should end its connection on close and refuse to send afterwards', async () => {
  const server = createTcpServer();
  const receiver = frameReceiver(server);
  const port = await listen(server);
  const sender = new SyslogSender(destination('tcp', port));
  try {
    assert.ok((await sender.send(alertEvent())).ok);
    await sender.close();
    await until(() => receiver.closed.length === 1, 'the receiver to see the connection end');
    const after = await sender.send(alertEvent(2));
    assert.is(after.ok, false);
    assert.is(!after.ok && after.retry, false);
  } finally {
    await shutDown(server, receiver.sockets);
  }
});

test('should fail fast with retry when nothing listens on the TCP port', async () => {
  const probe = createTcpServer();
  const port = await listen(probe);
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const sender = new SyslogSender(destination('tcp', port));
  try {
    const started = Date.now();
    const result = await sender.send(alertEvent());
    assert.is(result.ok, false);
    if (!result.ok) {
      assert.is(result.retry, true);
      assert.is(result.status, null);
      assert.match(result.error, /ECONNREFUSED/);
    }
    assert.ok(Date.now() - started < 1000, 'refused, not timed out');
  } finally {
    await sender.close();
  }
});

test('should reconnect on the next send after the receiver closed the connection', async () => {
  const server = createTcpServer();
  // This receiver hangs up after every message.
  const receiver = frameReceiver(server, (socket) => socket.end());
  const port = await listen(server);
  const sender = new SyslogSender(destination('tcp', port));
  try {
    assert.ok((await sender.send(alertEvent(1))).ok);
    await until(() => receiver.closed.length === 1, 'the first connection to close');
    const second = await sender.send(alertEvent(2));
    assert.ok(second.ok, JSON.stringify(second));
    await until(() => receiver.frames.length === 2, 'the second frame');
    assert.equal(receiver.frames.map((f) => [f.connection, eventIdOf(f.message)]), [[1, 'event-1'], [2, 'event-2']]);
  } finally {
    await sender.close();
    await shutDown(server, receiver.sockets);
  }
});

test('should deliver over TLS to a receiver whose certificate the CA file vouches for', async () => {
  const server = createTlsServer({ key: readFileSync(keyFile), cert: readFileSync(certFile) });
  server.on('tlsClientError', () => {});
  const receiver = frameReceiver(server);
  const port = await listen(server);
  const sender = new SyslogSender(destination('tls', port, { caFile: certFile }), { hostname: 'sensor-hq-1' });
  try {
    const results = [await sender.send(alertEvent(1)), await sender.send(alertEvent(2))];
    for (const r of results) assert.ok(r.ok, JSON.stringify(r));
    await until(() => receiver.frames.length === 2, 'two frames over TLS');
    assert.equal(receiver.frames.map((f) => eventIdOf(f.message)), ['event-1', 'event-2']);
    assert.is(receiver.connections(), 1);
  } finally {
    await sender.close();
    await shutDown(server, receiver.sockets);
  }
});

test('should refuse a self-signed TLS receiver when no CA file vouches for it', async () => {
  const server = createTlsServer({ key: readFileSync(keyFile), cert: readFileSync(certFile) });
  server.on('tlsClientError', () => {});
  const receiver = frameReceiver(server);
  const port = await listen(server);
  const sender = new SyslogSender(destination('tls', port));
  try {
    const result = await sender.send(alertEvent());
    assert.is(result.ok, false);
    if (!result.ok) assert.match(result.error, /self[- ]signed|certificate/i);
    assert.is(receiver.frames.length, 0);
  } finally {
    await sender.close();
    await shutDown(server, receiver.sockets);
  }
});

test('should give up at the timeout when a receiver never completes the TLS handshake', async () => {
  // A plain TCP listener: it accepts and then says nothing, so no ServerHello ever comes.
  const server = createTcpServer();
  const sockets = new Set<Socket>();
  server.on('connection', (s) => { sockets.add(s); s.on('error', () => {}); s.on('close', () => sockets.delete(s)); });
  const port = await listen(server);
  const sender = new SyslogSender(destination('tls', port, { caFile: certFile, delivery: { ...destination('tls', 0).delivery, timeoutMs: 300 } }));
  try {
    const started = Date.now();
    const result = await sender.send(alertEvent());
    const elapsed = Date.now() - started;
    assert.is(result.ok, false);
    if (!result.ok) {
      assert.is(result.retry, true);
      assert.match(result.error, /300 ms/);
    }
    assert.ok(elapsed >= 250 && elapsed < 1500, `gave up after ${elapsed} ms`);
  } finally {
    await sender.close();
    await shutDown(server, sockets);
  }
});

test.run();
