/**
 * The live sensor on a real interface: two network namespaces made here, joined by a veth
 * pair whose ends both stay inside them (no route out of the machine). tcpreplay sends the
 * bundled captures into one end; `voipwatch sensor` captures on the other; its findings must
 * be those of `analyze` on the same files. Needs root, iproute2, tcpreplay and libpcap:
 * CI installs them (scripts/install-test-deps.sh); elsewhere the suite says what did not run.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeCaptures } from '../src/analyze.ts';
import type { AnalysisReport } from '../src/report/json-report.ts';

const root = new URL('..', import.meta.url).pathname;
const captures = readdirSync(join(root, 'captures')).filter((f) => f.endsWith('.pcap')).sort().map((f) => join(root, 'captures', f));
const tag = `vw${process.pid % 100_000}`;
const nsReplay = `${tag}r`, nsSensor = `${tag}s`;
const ifReplay = `${tag}r0`, ifSensor = `${tag}s0`;

const missing: string[] = [];
if (process.getuid?.() !== 0) missing.push('root (network namespaces)');
for (const tool of ['ip', 'tcpreplay']) if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) missing.push(tool);
try { execFileSync(process.execPath, ['-e', "require('pcap')"], { cwd: root, stdio: 'ignore' }); } catch { missing.push('the pcap native binding (npm ci with libpcap-dev)'); }

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
const inNs = (ns: string, cmd: string[]) => ['netns', 'exec', ns, ...cmd];

function findingKeys(r: AnalysisReport): string[] {
  return r.findings.map((f) => `${f.rule} ${f.severity} ${f.device.ip} -> ${f.peer?.ip ?? '-'}`).sort();
}

async function waitForHealth(ns: string, port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`sensor exited (${child.exitCode}): ${log()}`);
    const r = spawnSync('ip', inNs(ns, [process.execPath, '-e', `fetch('http://127.0.0.1:${port}/healthz').then(r=>process.exit(r.status===200?0:1),()=>process.exit(1))`]));
    if (r.status === 0) return;
    await new Promise((res) => setTimeout(res, 250));
  }
  throw new Error(`sensor not healthy within 30 s: ${log()}`);
}

const test = suite('live sensor on a veth pair');

if (missing.length > 0) {
  test('has what the live suite needs', () => {
    const message = `live sensor suite NOT RUN (${captures.length} captures not replayed): missing ${missing.join(', ')}`;
    if (process.env.CI === 'true') assert.unreachable(message);
    console.warn(message);
  });
} else {
  const dir = mkdtempSync(join(tmpdir(), 'voipwatch-live-'));
  test.before(() => {
    for (const ns of [nsReplay, nsSensor]) spawnSync('ip', ['netns', 'del', ns]);
    ip('netns', 'add', nsReplay);
    ip('netns', 'add', nsSensor);
    ip('link', 'add', ifReplay, 'netns', nsReplay, 'type', 'veth', 'peer', 'name', ifSensor, 'netns', nsSensor);
    for (const [ns, dev] of [[nsReplay, ifReplay], [nsSensor, ifSensor], [nsSensor, 'lo']]) ip('-n', ns, 'link', 'set', dev, 'up');
  });
  test.after(() => {
    for (const ns of [nsReplay, nsSensor]) spawnSync('ip', ['netns', 'del', ns]);
    rmSync(dir, { recursive: true, force: true });
  });

  test('finds in replayed traffic exactly what analyze finds in the same captures', async () => {
    const report = join(dir, 'live-report.json');
    const port = 19310;
    const child = spawn('ip', inNs(nsSensor, [process.execPath, join(root, 'bin/voipwatch.js'), 'sensor', '--interface', ifSensor, '--allow-root',
      '--data-dir', join(dir, 'store'), '--report', report, '--http-listen', `127.0.0.1:${port}`]), { stdio: ['ignore', 'pipe', 'pipe'] });
    // Listen for the exit from the start: a sensor that dies early must fail the test, not hang it.
    const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    let log = '';
    child.stdout!.on('data', (c) => { log += c; });
    child.stderr!.on('data', (c) => { log += c; });
    const progress = setInterval(() => { if (process.env.VOIPWATCH_TEST_DEBUG) console.error(`[live] ${log.slice(-300)}`); }, 5_000);
    await waitForHealth(nsSensor, port, child, () => log.slice(-2000));
    const debug = (m: string) => { if (process.env.VOIPWATCH_TEST_DEBUG) console.error(`[live] ${m}`); };
    debug('healthy');
    for (const file of captures) {
      debug(`replay ${file}`);
      // Original pacing would take minutes; the analysis does not depend on wire timing between captures.
      execFileSync('ip', inNs(nsReplay, ['tcpreplay', '-q', `--intf1=${ifReplay}`, '--topspeed', file]), { stdio: 'ignore' });
    }
    debug('replayed');
    await new Promise((r) => setTimeout(r, 1_000));
    const metrics = spawnSync('ip', inNs(nsSensor, [process.execPath, '-e', `fetch('http://127.0.0.1:${port}/metrics').then(r=>r.text()).then(t=>process.stdout.write(t))`])).stdout.toString();
    clearInterval(progress);
    child.kill('SIGTERM');
    debug('killed');
    const code = await exited;
    debug(`exited ${code}`);
    assert.is(code, 0, log.slice(-2000));

    const live = JSON.parse(readFileSync(report, 'utf8')) as AnalysisReport;
    const offline = (await analyzeCaptures(captures)).report;
    debug('offline done');
    assert.equal(findingKeys(live), findingKeys(offline));
    assert.match(metrics, /^voipwatch_drops_total\{cause="queue"\} 0$/m);
    assert.match(metrics, /^voipwatch_drops_total\{cause="kernel"\} 0$/m);
    const captured = Number(/^voipwatch_packets_total (\d+)$/m.exec(metrics)?.[1]);
    assert.ok(captured > 0.95 * offline.packets, `captured ${captured} of ${offline.packets} packets (the filter drops ARP and other non-IP frames)`);
    assert.match(log, /"msg":"store closed"/);
  });

  test('delivers every alert after being SIGKILLed with them queued and started again', async () => {
    const files = ['webui-default-basic-internet.pcap', 'sip-sdes-exposed.pcap', 'webui-bruteforce.pcap'].map((f) => join(root, 'captures', f));
    const expected = (await analyzeCaptures(files)).report.findings.map((f) => f.id).sort();
    const secret = 'live-soc-secret';
    const hookPort = 19400, healthPort = 19311;
    const config = join(dir, 'alerts.yaml');
    writeFileSync(config, ['alerts:', '  evaluateIntervalMs: 200', '  destinations:', '    - name: soc', '      type: webhook',
      `      url: http://127.0.0.1:${hookPort}/hook`, `      secret: ${secret}`, '      initialBackoffMs: 100', '      maxBackoffMs: 300', ''].join('\n'));
    const fetchIn = (url: string) => spawnSync('ip', inNs(nsSensor, [process.execPath, '-e', `fetch('${url}').then(r=>r.text()).then(t=>process.stdout.write(t),()=>process.exit(1))`])).stdout.toString();
    const startSensor = () => {
      const child = spawn('ip', inNs(nsSensor, [process.execPath, join(root, 'bin/voipwatch.js'), 'sensor', '--interface', ifSensor, '--allow-root',
        '--config', config, '--data-dir', join(dir, 'alerts-store'), '--http-listen', `127.0.0.1:${healthPort}`]), { stdio: ['ignore', 'pipe', 'pipe'] });
      const state = { log: '', exited: new Promise<number | null>((r) => child.on('exit', (c) => r(c))) };
      child.stdout!.on('data', (c) => { state.log += c; });
      child.stderr!.on('data', (c) => { state.log += c; });
      return { child, state };
    };
    const metric = (text: string, re: RegExp) => Number(re.exec(text)?.[1] ?? NaN);

    // 1. The receiver is down: everything fired waits in the queue on disk.
    const first = startSensor();
    await waitForHealth(nsSensor, healthPort, first.child, () => first.state.log.slice(-2000));
    for (const file of files) execFileSync('ip', inNs(nsReplay, ['tcpreplay', '-q', `--intf1=${ifReplay}`, '--topspeed', file]), { stdio: 'ignore' });
    let queued = 0;
    for (let i = 0; i < 100 && queued < expected.length; i++) {
      await new Promise((r) => setTimeout(r, 200));
      queued = metric(fetchIn(`http://127.0.0.1:${healthPort}/metrics`), /^voipwatch_alert_queue_pending\{destination="soc"\} (\d+)$/m);
    }
    assert.is(queued, expected.length, `queued ${queued} alerts: ${first.state.log.slice(-1500)}`);
    first.child.kill('SIGKILL');
    assert.is(await first.state.exited, null, 'killed, no clean exit');

    // 2. The receiver comes up; a new sensor delivers what the killed one queued.
    const receiver = spawn('ip', inNs(nsSensor, [process.execPath, '--import', 'tsx', join(root, 'bench/webhook-receiver.ts'), secret, String(hookPort)]), { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        receiver.stdout!.on('data', (c) => { if (/listening/.test(String(c))) resolve(); });
        receiver.on('exit', (c) => reject(new Error(`receiver exited ${c}`)));
      });
      const second = startSensor();
      await waitForHealth(nsSensor, healthPort, second.child, () => second.state.log.slice(-2000));
      let got: { received: [string, string, string, number][]; rejected: number } = { received: [], rejected: 0 };
      for (let i = 0; i < 100; i++) {
        got = JSON.parse(fetchIn(`http://127.0.0.1:${hookPort}/received`) || '{"received":[],"rejected":0}');
        if (new Set(got.received.map((r) => r[1])).size >= expected.length) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      second.child.kill('SIGTERM');
      assert.is(await second.state.exited, 0, second.state.log.slice(-2000));
      assert.is(got.rejected, 0, 'every request carried a valid signature');
      assert.equal([...new Set(got.received.map((r) => r[1]))].sort(), expected, 'every alert delivered');
      const perEvent = new Map<string, number>();
      for (const [eventId] of got.received) perEvent.set(eventId, (perEvent.get(eventId) ?? 0) + 1);
      assert.is(perEvent.size, expected.length, 'one event per alert: the restarted sensor fired nothing new');
      assert.ok(got.received.length - expected.length <= 1, `${got.received.length - expected.length} duplicates`);
    } finally {
      receiver.kill('SIGTERM');
    }
  });
}

test.run();
