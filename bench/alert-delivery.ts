/**
 * The alert stage of `npm run bench`: how fast alerts leave the sensor, and how long after
 * the packet that caused them they reach a receiver.
 *
 * 1. Throughput: N alerts enqueued into the durable outbox (one signed `json` webhook
 *    destination) and delivered to a local fastify receiver in another process, which checks
 *    every signature. The peer, measured in the same run against the same receiver, is a bare
 *    keep-alive HTTP client posting the same signed bodies one after another with nothing
 *    written to disk: the ceiling for in-order delivery to that receiver.
 * 2. Latency: the sensor's path without the capture device — packets into the Analyzer, the
 *    alert tick every `evaluateIntervalMs` (the sensor's default 500 ms), the outbox, the
 *    receiver. Each "attack" is the bundled capture of a default-credential login to a snom
 *    web UI from the internet, replayed with a fresh phone address; latency is receipt time
 *    minus the time its packets were analyzed.
 *
 *   node --import tsx bench/alert-delivery.ts [--events N] [--attacks-per-sec R] [--seconds S]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Outbox } from '../alerts/delivery/outbox.ts';
import { createSender } from '../alerts/delivery/senders.ts';
import { signBody } from '../alerts/delivery/signature.ts';
import { AlertPipeline } from '../alerts/alert-pipeline.ts';
import { DEFAULT_ALERTS_CONFIG } from '../alerts/alerts-config.ts';
import { Analyzer } from '../src/analyze.ts';
import { readCaptureFile } from '../src/capture/file-source.ts';
import { findingsJson } from '../src/report/json-report.ts';
import { sampleAlert } from '../src/cli/alerts-command.ts';
import type { AlertEvent, WebhookDestination } from '../alerts/alert-event.ts';
import type { CapturedPacket } from '../parsers/capture-file.ts';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const SECRET = 'bench-secret-0123456789';
const ATTACK_CAPTURE = join(REPO, 'captures/webui-default-basic-internet.pcap');
const PHONE = [10, 20, 0, 21];

export interface AlertBenchResult {
  events: number;
  alertsPerSec: number;
  enqueuePerSec: number;
  peerPerSec: number;
  /** ours / peer */
  ratio: number;
  latency: { alerts: number; attacks: number; p50Ms: number; p99Ms: number; maxMs: number; evaluateIntervalMs: number };
  receiverRejected: number;
}

const silent = { info() {}, warn() {}, error() {} };
const wallMs = () => performance.timeOrigin + performance.now();

function destination(port: number): WebhookDestination {
  return {
    name: 'bench', type: 'webhook', format: 'json', url: `http://127.0.0.1:${port}/hook`, secret: SECRET, token: null, sourcetype: 'voipwatch:alert',
    index: null, headers: {}, caFile: null, filter: { minSeverity: 'low', rules: null, sites: null },
    delivery: { timeoutMs: 10_000, initialBackoffMs: 50, maxBackoffMs: 1_000, giveUpAfterSec: 3_600, ratePerSec: 1_000_000, burst: 1_000_000 },
  };
}

async function startReceiver(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'bench/webhook-receiver.ts'), SECRET], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => { out += c; const m = /listening (\d+)/.exec(out); if (m) resolve(Number(m[1])); });
    child.on('exit', (code) => reject(new Error(`receiver exited (${code}) before listening`)));
  });
  return { child, port };
}

function httpJson(port: number, method: string, path: string, agent?: Agent): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c) => { body += c; }).on('end', () => resolve(body ? JSON.parse(body) : null));
    });
    req.on('error', reject);
    req.end();
  });
}

const received = async (port: number) => (await httpJson(port, 'GET', '/received')) as { received: [string, string, string, number][]; rejected: number };

function events(n: number): AlertEvent[] {
  const now = Date.now() / 1000;
  return Array.from({ length: n }, (_, i) => {
    const e = sampleAlert('bench', 'hq', null, now);
    const id = i.toString(16).padStart(16, '0');
    return { ...e, event_id: `bench-${id}`, alert_id: id, finding: { ...e.finding, id } };
  });
}

async function throughput(port: number, n: number): Promise<{ alertsPerSec: number; enqueuePerSec: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'voipwatch-bench-outbox-'));
  try {
    const batch = events(n);
    const outbox = Outbox.open({ dir, destinations: [destination(port)], senderFor: createSender, log: silent });
    const t0 = performance.now();
    for (const e of batch) outbox.enqueue(e);
    const tEnqueued = performance.now();
    const done = await outbox.flush(300_000);
    const t1 = performance.now();
    await outbox.close();
    const got = (await received(port)).received.length;
    if (!done || got < n) throw new Error(`throughput stage: ${got} of ${n} alerts received`);
    return { alertsPerSec: n / ((t1 - t0) / 1000), enqueuePerSec: n / ((tEnqueued - t0) / 1000) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The peer: the same signed bodies, posted in order over one keep-alive connection, no disk. */
async function peer(port: number, n: number): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const batch = events(n);
  const t0 = performance.now();
  for (const e of batch) {
    const body = JSON.stringify(e);
    const ts = Math.floor(Date.now() / 1000);
    await new Promise<void>((resolve, reject) => {
      const req = request({
        host: '127.0.0.1', port, method: 'POST', path: '/hook', agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-voipwatch-timestamp': String(ts), 'x-voipwatch-signature': signBody(SECRET, ts, body), 'idempotency-key': e.event_id },
      }, (res) => { res.resume().on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`peer got ${res.statusCode}`)))); });
      req.on('error', reject);
      req.end(body);
    });
  }
  const t1 = performance.now();
  agent.destroy();
  return n / ((t1 - t0) / 1000);
}

function attackPackets(): CapturedPacket[] {
  const packets: CapturedPacket[] = [];
  readCaptureFile(ATTACK_CAPTURE, (p) => packets.push({ ts: p.ts, linkType: p.linkType, interfaceId: p.interfaceId, origLen: p.origLen, data: Buffer.from(p.data) }));
  return packets;
}

/** The attack with the phone at a fresh address (IPv4 header and ARP), timed from now. */
function retarget(packets: readonly CapturedPacket[], ip: number[], now: number): CapturedPacket[] {
  const t0 = packets[0].ts;
  const isPhone = (b: Buffer, at: number) => b[at] === PHONE[0] && b[at + 1] === PHONE[1] && b[at + 2] === PHONE[2] && b[at + 3] === PHONE[3];
  return packets.map((p) => {
    const data = Buffer.from(p.data);
    const type = data.readUInt16BE(12);
    const spots = type === 0x0800 ? [26, 30] : type === 0x0806 ? [28, 38] : [];
    for (const at of spots) if (isPhone(data, at)) data.set(ip, at);
    return { ...p, data, ts: now + (p.ts - t0) };
  });
}

async function latency(port: number, attacksPerSec: number, seconds: number) {
  await httpJson(port, 'POST', '/reset');
  const dir = mkdtempSync(join(tmpdir(), 'voipwatch-bench-latency-'));
  const analyzer = new Analyzer();
  const config = { ...DEFAULT_ALERTS_CONFIG, destinations: [destination(port)], queueDir: dir };
  const pipeline = await AlertPipeline.open({ config, sensor: 'bench', site: 'hq', store: null, defaultQueueDir: dir, log: silent });
  const tick = setInterval(() => {
    pipeline.observe(findingsJson(analyzer.currentFindings(), analyzer.devices, analyzer.networks), Date.now() / 1000);
  }, config.evaluateIntervalMs);
  const template = attackPackets();
  const analyzedAt = new Map<string, number>();
  const attacks = Math.max(1, Math.round(attacksPerSec * seconds));
  try {
    for (let i = 1; i <= attacks; i++) {
      const ip = [10, 100 + (i >> 16), (i >> 8) & 255, i & 255];
      for (const p of retarget(template, ip, Date.now() / 1000)) analyzer.processPacket(p);
      analyzedAt.set(ip.join('.'), wallMs());
      await new Promise((r) => setTimeout(r, 1000 / attacksPerSec));
    }
    await new Promise((r) => setTimeout(r, config.evaluateIntervalMs * 2));
  } finally {
    clearInterval(tick);
    await pipeline.close(60_000);
    rmSync(dir, { recursive: true, force: true });
  }
  const got = (await received(port)).received;
  const samples: number[] = [];
  for (const [, , device, at] of got) {
    const fed = analyzedAt.get(device);
    if (fed !== undefined) samples.push(at - fed);
  }
  samples.sort((a, b) => a - b);
  const pct = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? NaN;
  return { alerts: samples.length, attacks, p50Ms: pct(0.5), p99Ms: pct(0.99), maxMs: samples.at(-1) ?? NaN, evaluateIntervalMs: config.evaluateIntervalMs };
}

export async function runAlertBench(opts: { events?: number; attacksPerSec?: number; seconds?: number } = {}): Promise<AlertBenchResult> {
  const n = opts.events ?? 20_000;
  const { child, port } = await startReceiver();
  try {
    await peer(port, Math.min(n, 2_000)); // warm both ends
    await httpJson(port, 'POST', '/reset');
    const peerPerSec = await peer(port, n);
    await httpJson(port, 'POST', '/reset');
    const ours = await throughput(port, n);
    const lat = await latency(port, opts.attacksPerSec ?? 50, opts.seconds ?? 10);
    const { rejected } = await received(port);
    return { events: n, ...ours, peerPerSec, ratio: ours.alertsPerSec / peerPerSec, latency: lat, receiverRejected: rejected };
  } finally {
    child.kill('SIGTERM');
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { events: { type: 'string' }, 'attacks-per-sec': { type: 'string' }, seconds: { type: 'string' } } });
  const r = await runAlertBench({
    events: values.events ? Number(values.events) : undefined,
    attacksPerSec: values['attacks-per-sec'] ? Number(values['attacks-per-sec']) : undefined,
    seconds: values.seconds ? Number(values.seconds) : undefined,
  });
  console.log(JSON.stringify(r, null, 2));
}
