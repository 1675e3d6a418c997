/**
 * `npm run bench`: throughput, memory and robustness of `voipwatch analyze`, against the
 * targets of the sensor's spec, on this machine:
 *
 *   metric                                   target
 *   packets/s end to end (read, decode,       >= 1,500,000 on one core
 *     track, detect), one process
 *   speed-up over `tshark -r FILE -q          >= 20x
 *     -z sip,stat -z rtp,streams`
 *   peak RSS of the analysis                  < 400 MB
 *   memory per active RTP stream at 100,000   < 1 KB
 *   fuzz inputs without a failure             >= 1,000,000, 0 failures
 *   rows/s into the embedded store            >= 200,000 (findings, streams, calls)
 *   analyze throughput cost of the store      < 15% (store on versus --no-store)
 *   live capture: highest rate with zero      >= 500,000 on one core
 *     kernel and queue drops
 *   live sensor RSS over a soak               flat (~0 MB/min)
 *   alerts delivered/s to a local receiver    >= 2,000 (bench/alert-delivery.ts; the peer is a
 *     (durable queue, signed, in order)         bare HTTP client posting the same bodies)
 *   packet → webhook latency, p99             < 1 s
 *   API list and coverage queries, p99 with   < 300 ms (bench/api-latency.ts; the peer is the
 *     10 M findings and 10 M streams stored      route's main SQL run directly)
 *   dashboard first load (Chromium)           < 1 s
 *   weekly report, 1 M calls, 5,000 devices   < 5 s (bench/weekly-report.ts)
 *
 * Stages: the capture (bench/make-capture.ts, built once into bench/out/ and reused), a tiny
 * analysis for the fixed start-up cost, RUNS timed analyses of the capture, tshark on the same
 * file, the per-stream memory stage (bench/stream-memory.ts), the fuzz stage (bench/fuzz.ts)
 * a CPU profile of one more analysis (bench/profile.ts) and the live capture stage
 * (bench/live-rate.ts: tcpreplay at rising rates into a veth, then a soak). Both analyzers run pinned to one
 * CPU with taskset when it exists, and are measured with GNU time (-v) when it exists, else by
 * polling VmHWM in /proc. Results go to stdout and bench/out/results.json.
 *
 *   npm run bench -- [--runs N] [--fuzz-inputs N] [--fuzz-seed S] [--streams N]
 *                    [--skip-tshark] [--skip-fuzz] [--skip-profile] [--skip-store] [--skip-alerts] [--skip-api] [--skip-weekly]
 *                    [--live | --skip-live] [--soak-sec S]
 *
 * The live stage runs by default when it can (root, ip, tcpreplay); --live makes it required.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, release, loadavg, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureCapture, OUT_DIR, type CaptureInfo } from './make-capture.ts';
import { runFuzzIsolated, formatFailure, TARGETS, type FuzzResult } from './fuzz.ts';
import { profileRun, type ProfileResult } from './profile.ts';
import type { StreamMemoryResult } from './stream-memory.ts';
import type { StoreWriteResult } from './store-write.ts';
import { DEFAULT_LIVE, liveMissing, runLive, type LiveResult } from './live-rate.ts';
import type { AlertBenchResult } from './alert-delivery.ts';
import type { ApiBenchResult } from './api-latency.ts';
import type { WeeklyBenchResult } from './weekly-report.ts';

import type { AnalysisReport } from '../src/report/json-report.ts';

const REPO = fileURLToPath(new URL('../', import.meta.url));

const TARGET = Object.freeze({
  packetsPerSec: 1_500_000,
  tsharkRatio: 20,
  peakRssMB: 400,
  bytesPerStream: 1024,
  fuzzInputs: 1_000_000,
  concurrentCalls: 500,
  capturePackets: 1_000_000,
  streams: 100_000,
  storeRowsPerSec: 200_000,
  storeOverheadPct: 15,
  livePacketsPerSec: 500_000,
  alertsPerSec: 2_000,
  alertP99Ms: 1_000,
  apiP99Ms: 300,
  dashboardFirstLoadMs: 1_000,
  weeklyReportMs: 5_000,
});

interface Args { runs: number; fuzzInputs: number; fuzzSeed: number; streams: number; skipTshark: boolean; skipFuzz: boolean; skipProfile: boolean; skipStore: boolean; skipAlerts: boolean; skipApi: boolean; skipWeekly: boolean; live: 'auto' | 'on' | 'off'; soakSec: number }

function parseArgs(argv: string[]): Args {
  const val = (name: string, dflt: number): number => {
    const i = argv.indexOf(name);
    if (i < 0) return dflt;
    const n = Number(argv[i + 1]);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${name} needs a number`);
    return n;
  };
  return {
    runs: Math.max(1, val('--runs', 3)),
    fuzzInputs: val('--fuzz-inputs', TARGET.fuzzInputs),
    fuzzSeed: val('--fuzz-seed', Number(process.env.FUZZ_SEED ?? 0xbe9c)) >>> 0,
    streams: val('--streams', TARGET.streams),
    skipTshark: argv.includes('--skip-tshark'),
    skipFuzz: argv.includes('--skip-fuzz'),
    skipProfile: argv.includes('--skip-profile'),
    skipStore: argv.includes('--skip-store'),
    skipAlerts: argv.includes('--skip-alerts'),
    skipApi: argv.includes('--skip-api'),
    skipWeekly: argv.includes('--skip-weekly'),
    live: argv.includes('--skip-live') ? 'off' : argv.includes('--live') ? 'on' : 'auto',
    soakSec: val('--soak-sec', DEFAULT_LIVE.soakSec),
  };
}

// ---------------------------------------------------------------------------------------
// Running and measuring a child

interface Timed { wallSec: number; userSec: number; sysSec: number; maxRssMB: number; status: number | null; stdout: string; stderr: string; how: string }

const HAVE_GNU_TIME = existsSync('/usr/bin/time') && spawnSync('/usr/bin/time', ['-v', 'true']).status === 0;
const HAVE_TASKSET = spawnSync('taskset', ['-c', '0', 'true']).status === 0;
const PIN = HAVE_TASKSET ? ['taskset', '-c', '0'] : [];

/** Runs `cmd` (pinned to CPU 0 when possible) and measures wall, CPU and peak RSS. */
async function timed(cmd: string[], opts: { cwd?: string } = {}): Promise<Timed> {
  const full = [...(HAVE_GNU_TIME ? ['/usr/bin/time', '-v'] : []), ...PIN, ...cmd];
  const t0 = process.hrtime.bigint();
  const child = spawn(full[0], full.slice(1), { cwd: opts.cwd ?? REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [], err: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => out.push(b));
  child.stderr.on('data', (b: Buffer) => err.push(b));
  // Without GNU time: the high-water mark of the process's resident set, polled.
  let hwmKB = 0;
  const poll = HAVE_GNU_TIME ? null : setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) hwmKB = Math.max(hwmKB, Number(m[1]));
    } catch { /* exited */ }
  }, 20);
  const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  if (poll) clearInterval(poll);
  const wallSec = Number(process.hrtime.bigint() - t0) / 1e9;
  const stderr = Buffer.concat(err).toString('utf8');
  let userSec = NaN, sysSec = NaN, maxRssMB = hwmKB / 1024;
  if (HAVE_GNU_TIME) {
    const num = (label: string) => Number((new RegExp(`${label}:\\s*([\\d.]+)`).exec(stderr) ?? [])[1]);
    userSec = num('User time \\(seconds\\)');
    sysSec = num('System time \\(seconds\\)');
    maxRssMB = num('Maximum resident set size \\(kbytes\\)') / 1024;
  }
  return { wallSec, userSec, sysSec, maxRssMB, status, stdout: Buffer.concat(out).toString('utf8'), stderr, how: HAVE_GNU_TIME ? 'GNU time -v' : '/proc VmHWM' };
}

// ---------------------------------------------------------------------------------------
// Stages

function machine(): Record<string, string | number> {
  let cpu = cpus()[0]?.model ?? 'unknown';
  try { cpu = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpu; } catch { /* not Linux */ }
  const tshark = spawnSync('tshark', ['--version'], { encoding: 'utf8' });
  return {
    cpu, cores: cpus().length, memoryGB: Math.round(totalmem() / 2 ** 30), node: process.version, kernel: release(),
    tshark: tshark.status === 0 ? tshark.stdout.split('\n')[0].trim() : 'not installed',
    pinning: HAVE_TASKSET ? 'taskset -c 0 (both analyzers on one CPU)' : 'none (taskset missing)',
    measuredWith: HAVE_GNU_TIME ? '/usr/bin/time -v' : 'VmHWM polled from /proc',
    loadAverage: loadavg().map((l) => l.toFixed(2)).join(' '),
  };
}

interface Check { what: string; expected: number | string; got: number | string; ok: boolean }

/** Did the analysis see what the capture holds? */
function sanity(report: AnalysisReport, info: CaptureInfo): Check[] {
  const calls = report.calls.filter((c) => c.call_id !== null);
  const streams = report.calls.flatMap((c) => c.streams);
  const rtp = streams.reduce((n, s) => n + s.packets, 0);
  const check = (what: string, expected: number, got: number): Check => ({ what, expected, got, ok: expected === got });
  return [
    check('packets read', info.packets, report.packets),
    check('calls (SIP dialogs with a Call-ID)', info.calls, calls.length),
    check('calls with 2 RTP streams', info.calls, calls.filter((c) => c.streams.length === 2).length),
    check('RTP streams', info.rtpStreams, report.coverage.media.streams),
    check('RTP packets in streams', info.rtpPackets, rtp),
    check('encrypted streams (SRTP by SDP)', info.srtpStreams, report.coverage.media.encrypted),
    check('media without signaling', 0, report.calls.length - calls.length),
  ];
}

/** Rows of tshark's "RTP Streams" table. */
const tsharkStreams = (out: string): number => out.split('\n').filter((l) => /^\s+[\d.]+\s+[\d.]+\s+\S+\s+\d+\s+\S+\s+\d+\s+0x[0-9A-F]+/i.test(l)).length;

async function streamMemory(streams: number): Promise<StreamMemoryResult> {
  const r = await timed([process.execPath, '--expose-gc', '--import', 'tsx', 'bench/stream-memory.ts', '--streams', String(streams)]);
  if (r.status !== 0) throw new Error(`stream memory stage failed: ${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as StreamMemoryResult;
}

// ---------------------------------------------------------------------------------------
// Output

const liveDrops = (r: LiveResult['rows'][number]): string => `${fmt(r.kernelDrops + r.interfaceDrops + r.queueDrops + r.vethRxDrops)} (kernel ${fmt(r.kernelDrops)}, interface ${fmt(r.interfaceDrops)}, queue ${fmt(r.queueDrops)}, veth ${fmt(r.vethRxDrops)}) of ${fmt(r.sent)}`;

const fmt = (n: number, digits = 0): string => Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a';
const log = (s = ''): void => { process.stdout.write(`${s}\n`); };

interface Row { metric: string; value: string; target: string; pass: boolean | null }

function table(rows: Row[]): string {
  const head: Row = { metric: 'metric', value: 'value', target: 'target', pass: null };
  const w = [0, 0, 0];
  for (const r of [head, ...rows]) { w[0] = Math.max(w[0], r.metric.length); w[1] = Math.max(w[1], r.value.length); w[2] = Math.max(w[2], r.target.length); }
  const line = (r: Row, res: string) => `| ${r.metric.padEnd(w[0])} | ${r.value.padStart(w[1])} | ${r.target.padEnd(w[2])} | ${res.padEnd(6)} |`;
  const sep = `|${'-'.repeat(w[0] + 2)}|${'-'.repeat(w[1] + 2)}|${'-'.repeat(w[2] + 2)}|--------|`;
  return [line(head, 'result'), sep, ...rows.map((r) => line(r, r.pass === null ? '-' : r.pass ? 'PASS' : 'FAIL'))].join('\n');
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const started = process.hrtime.bigint();
  mkdirSync(OUT_DIR, { recursive: true });
  const m = machine();
  log('voipwatch benchmark');
  for (const [k, v] of Object.entries(m)) log(`  ${k.padEnd(13)} ${v}`);
  log();

  log('[1/13] capture');
  const capture = ensureCapture();
  log(`  ${relative(REPO, capture.path)}: ${fmt(capture.packets)} packets, ${fmt(capture.bytes / 2 ** 20, 1)} MiB, ${capture.durationSec} s of traffic` +
    (capture.reused ? ' (reused)' : ` (built in ${fmt(capture.generatedInSec ?? 0, 1)} s)`));
  log(`  ${capture.calls} calls (${capture.maxConcurrentCalls} concurrent), ${capture.rtpStreams} RTP streams (${capture.srtpStreams} SRTP), ` +
    `${fmt(capture.rtpPackets)} RTP + ${fmt(capture.rtcpPackets)} RTCP, ${fmt(capture.sipMessages)} SIP, ${capture.httpExchanges} HTTP exchanges, ${capture.tlsSessions} TLS sessions (${fmt(capture.tcpPackets)} TCP packets)`);

  const analyzeCmd = (file: string) => [process.execPath, 'bin/voipwatch.js', 'analyze', '--no-store', '--format', 'json', file];
  log('[2/13] start-up cost (analysis of a 7-packet capture)');
  const tiny = await timed(analyzeCmd('captures/provisioning-plaintext.pcap'));
  log(`  ${fmt(tiny.wallSec, 2)} s wall, ${fmt(tiny.maxRssMB, 0)} MB RSS`);

  log(`[3/13] voipwatch analyze, ${args.runs} run(s)`);
  const runs: Timed[] = [];
  let checks: Check[] = [];
  for (let i = 0; i < args.runs; i++) {
    const r = await timed(analyzeCmd(capture.path));
    if (r.status !== 0) throw new Error(`voipwatch analyze failed (${r.status}): ${r.stderr.slice(-3000)}`);
    runs.push(r);
    log(`  run ${i + 1}: ${fmt(r.wallSec, 2)} s wall, ${fmt(r.userSec + r.sysSec, 2)} s CPU (user ${fmt(r.userSec, 2)}, sys ${fmt(r.sysSec, 2)}), peak RSS ${fmt(r.maxRssMB, 0)} MB, ${fmt(capture.packets / r.wallSec)} packets/s`);
    if (i === 0) {
      checks = sanity(JSON.parse(r.stdout) as AnalysisReport, capture);
      for (const c of checks) log(`  check ${c.ok ? 'ok  ' : 'FAIL'} ${c.what}: expected ${c.expected}, got ${c.got}`);
    }
  }
  const best = runs.reduce((a, b) => (b.wallSec < a.wallSec ? b : a));
  const peakRss = Math.max(...runs.map((r) => r.maxRssMB));

  let tshark: (Timed & { streams: number }) | null = null;
  if (!args.skipTshark && String(m.tshark) !== 'not installed') {
    log('[4/13] tshark -r FILE -q -z sip,stat -z rtp,streams');
    const r = await timed(['tshark', '-r', capture.path, '-q', '-z', 'sip,stat', '-z', 'rtp,streams']);
    tshark = { ...r, streams: tsharkStreams(r.stdout) };
    log(`  ${fmt(r.wallSec, 2)} s wall, ${fmt(r.userSec + r.sysSec, 2)} s CPU, peak RSS ${fmt(r.maxRssMB, 0)} MB, ${tshark.streams} RTP streams listed, exit ${r.status}`);
  } else log('[4/13] tshark skipped');

  log(`[5/13] memory per active RTP stream (${fmt(args.streams)} concurrent, in process)`);
  const mem = await streamMemory(args.streams);
  log(`  ${fmt(mem.activeStreams)} active streams: heap +${mem.heapDeltaMB} MB = ${mem.heapBytesPerStream} B/stream, RSS +${mem.rssDeltaMB} MB = ${mem.rssBytesPerStream} B/stream`);
  log(`  caps: MEDIA_LIMITS.maxStreams ${fmt(mem.caps.maxStreams)}, maxCandidates ${fmt(mem.caps.maxCandidates)}, idle timeout ${mem.caps.idleTimeoutSec} s (${mem.note})`);

  let fuzz: FuzzResult | null = null;
  if (!args.skipFuzz) {
    log(`[6/13] fuzz: ${fmt(args.fuzzInputs)} inputs, seed ${args.fuzzSeed}`);
    fuzz = await runFuzzIsolated({
      seed: args.fuzzSeed, inputs: args.fuzzInputs, artifactDir: join(OUT_DIR, 'fuzz-failures'),
      onCorpus: (s) => log(`  corpus: ${s}`),
      onProgress: (n) => { if (n % 200_000 === 0) log(`  ${fmt(n)} inputs`); },
    });
    log(`  ${fmt(fuzz.inputs)} inputs in ${fmt(fuzz.elapsedMs / 1000, 1)} s = ${fmt(fuzz.inputs / (fuzz.elapsedMs / 1000))} inputs/s, ${fuzz.failures.length} failures`);
    log(`  per target (inputs, slowest input ms): ${TARGETS.map((t) => `${t} ${fmt(fuzz!.perTarget[t].inputs)}/${fmt(fuzz!.perTarget[t].maxMs, 1)}`).join(', ')}`);
    for (const f of fuzz.failures) log(formatFailure(f).split('\n').map((l) => `  ${l}`).join('\n'));
  } else log('[6/13] fuzz skipped');

  let profile: ProfileResult | null = null;
  if (!args.skipProfile) {
    log('[7/13] CPU profile of one more analysis (node --cpu-prof), self time');
    // A first run fills the child's own tsx cache, so module compilation stays out of the profile.
    profile = profileRun(analyzeCmd(capture.path).slice(1), OUT_DIR, 12, PIN, analyzeCmd('captures/sip-udp-call.pcap').slice(1));
    log(`  profiled run ${fmt(profile.wallSec, 2)} s, ${fmt(profile.sampledMs / 1000, 2)} s sampled; ${relative(REPO, profile.profilePath)}`);
    log(`  ${'#'.padStart(3)} ${'self %'.padStart(6)} ${'self ms'.padStart(8)}  function @ file:line`);
    for (const h of profile.top) log(`  ${String(h.rank).padStart(3)} ${fmt(h.selfPct, 1).padStart(6)} ${fmt(h.selfMs, 0).padStart(8)}  ${h.functionName} @ ${h.location}`);
  } else log('[7/13] profile skipped');

  let storeWrite: StoreWriteResult | null = null;
  const storeRuns: Timed[] = [];
  if (!args.skipStore) {
    log('[8/13] rows/s into the embedded store (row builders → batched writer → chDB), 200,000 rows per table');
    const r = await timed([process.execPath, '--import', 'tsx', 'bench/store-write.ts', '--rows', '200000']);
    if (r.status !== 0) throw new Error(`store stage failed: ${r.stderr.slice(-2000)}`);
    storeWrite = JSON.parse(r.stdout.trim().split('\n').pop()!) as StoreWriteResult;
    for (const t of storeWrite.tables) log(`  ${t.table.padEnd(12)} ${fmt(t.rows)} rows in ${fmt(t.seconds, 2)} s = ${fmt(t.rowsPerSec)} rows/s`);
    log(`  all tables: ${fmt(storeWrite.overallRowsPerSec)} rows/s (batches of ${fmt(storeWrite.batchRows)})`);
    log(`[9/13] voipwatch analyze with the store (a new embedded data directory each run), ${args.runs} run(s)`);
    for (let i = 0; i < args.runs; i++) {
      const dir = mkdtempSync(join(tmpdir(), 'voipwatch-bench-analyze-'));
      try {
        const run = await timed([process.execPath, 'bin/voipwatch.js', 'analyze', '--format', 'json', '--data-dir', dir, capture.path]);
        if (run.status !== 0) throw new Error(`voipwatch analyze with the store failed (${run.status}): ${run.stderr.slice(-3000)}`);
        storeRuns.push(run);
        log(`  run ${i + 1}: ${fmt(run.wallSec, 2)} s wall, ${fmt(run.userSec + run.sysSec, 2)} s CPU, peak RSS ${fmt(run.maxRssMB, 0)} MB, ${fmt(capture.packets / run.wallSec)} packets/s; ${run.stderr.trim().split('\n').pop()}`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  } else log('[8/13] store skipped');
  let live: LiveResult | null = null;
  let liveNote = 'skipped';
  const missing = liveMissing();
  if (args.live === 'off') log('[10/13] live capture skipped (--skip-live)');
  else if (missing.length > 0) {
    if (args.live === 'on') throw new Error(`--live needs ${missing.join(', ')}`);
    liveNote = `not run: missing ${missing.join(', ')}`;
    log(`[10/13] live capture ${liveNote}`);
  } else {
    log(`[10/13] live capture: tcpreplay at rising rates into a veth between two namespaces, voipwatch sensor on the other end; soak ${args.soakSec} s`);
    live = await runLive({ soakSec: args.soakSec, log });
    const t = live.topSpeed;
    log(`  highest rate with zero drops ${fmt(live.highestZeroDropPps)} packets/s; sensor ${fmt(live.cpuUsPerPacket, 2)} µs CPU/packet = ${fmt(live.oneCorePps)} packets/s on one core` +
      ` (analyze from a file: ${fmt(((best.userSec + best.sysSec) / capture.packets) * 1e6, 2)} µs)` + (t ? `; at top speed ${fmt(t.achievedPps)} packets/s: ${liveDrops(t)} drops` : ''));
  }
  let alerts: AlertBenchResult | null = null;
  if (!args.skipAlerts) {
    log('[11/13] alerts: 20,000 through the durable outbox to a signature-checking receiver; packet → webhook latency over 10 s of attacks');
    const r = await timed([process.execPath, '--import', 'tsx', 'bench/alert-delivery.ts']);
    if (r.status !== 0) throw new Error(`alert stage failed: ${r.stderr.slice(-2000)}`);
    alerts = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as AlertBenchResult;
    log(`  ${fmt(alerts.alertsPerSec)} alerts/s delivered (queued at ${fmt(alerts.enqueuePerSec)}/s); peer (bare keep-alive client, no disk) ${fmt(alerts.peerPerSec)}/s = ${fmt(alerts.ratio, 2)}x`);
    log(`  latency packet → webhook over ${fmt(alerts.latency.alerts)} alerts of ${fmt(alerts.latency.attacks)} attacks: p50 ${fmt(alerts.latency.p50Ms, 0)} ms, p99 ${fmt(alerts.latency.p99Ms, 0)} ms, max ${fmt(alerts.latency.maxMs, 0)} ms (alert tick every ${alerts.latency.evaluateIntervalMs} ms)`);
  } else log('[11/13] alerts skipped');
  let apiBench: ApiBenchResult | null = null;
  if (!args.skipApi) {
    log('[12/13] API: 10 M findings + 10 M streams + 1 M calls in a new embedded store; p50/p99 of the main routes; dashboard first load in Chromium');
    const r = await timed([process.execPath, '--import', 'tsx', 'bench/api-latency.ts']);
    if (r.status !== 0) throw new Error(`API stage failed: ${r.stderr.slice(-2000)}`);
    apiBench = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as ApiBenchResult;
    log(`  filled in ${fmt(apiBench.fillSeconds, 1)} s`);
    for (const x of apiBench.routes) log(`  ${x.route.padEnd(34)} p50 ${fmt(x.p50Ms, 0).padStart(5)} ms  p99 ${fmt(x.p99Ms, 0).padStart(5)} ms${x.sqlP50Ms !== null ? `  (its SQL alone: p50 ${fmt(x.sqlP50Ms, 0)} ms)` : ''}`);
    log(`  dashboard first load: ${apiBench.firstLoadMs !== null ? `${fmt(apiBench.firstLoadMs, 0)} ms` : '—'} (${apiBench.firstLoadNote})`);
  } else log('[12/13] API skipped');
  let weekly: WeeklyBenchResult | null = null;
  if (!args.skipWeekly) {
    log('[13/13] weekly report: one week of 1,000,000 calls, 2,000,000 streams, 5,000 phones; compute + render HTML');
    const r = await timed([process.execPath, '--import', 'tsx', 'bench/weekly-report.ts']);
    if (r.status !== 0) throw new Error(`weekly stage failed: ${r.stderr.slice(-2000)}`);
    weekly = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as WeeklyBenchResult;
    log(`  filled in ${fmt(weekly.fillSeconds, 1)} s; runs ${weekly.runs.map((x) => `${fmt(x.totalMs, 0)} ms (compute ${fmt(x.computeMs, 0)}, HTML ${fmt(x.renderMs, 0)})`).join(', ')}; peer: one count over the week ${fmt(weekly.peerCountMs, 0)} ms`);
  } else log('[13/13] weekly report skipped');
  const apiWorstP99 = apiBench ? Math.max(...apiBench.routes.filter((x) => !x.route.startsWith('overview')).map((x) => x.p99Ms)) : NaN;
  const bestStored = storeRuns.length ? storeRuns.reduce((a, b) => (b.wallSec < a.wallSec ? b : a)) : null;
  const storeCostPct = bestStored ? (1 - best.wallSec / bestStored.wallSec) * 100 : NaN;

  const pps = capture.packets / best.wallSec;
  const ppsCpu = capture.packets / (best.userSec + best.sysSec);
  const ppsNoStartup = capture.packets / Math.max(1e-3, best.wallSec - tiny.wallSec);
  const ratio = tshark ? tshark.wallSec / best.wallSec : NaN;
  const rows: Row[] = [
    { metric: 'capture packets', value: fmt(capture.packets), target: `>= ${fmt(TARGET.capturePackets)}`, pass: capture.packets >= TARGET.capturePackets },
    { metric: 'concurrent G.711 calls (20 ms)', value: fmt(capture.maxConcurrentCalls), target: `>= ${TARGET.concurrentCalls}`, pass: capture.maxConcurrentCalls >= TARGET.concurrentCalls },
    { metric: 'analysis sanity (calls, streams, packets)', value: `${checks.filter((c) => c.ok).length}/${checks.length} ok`, target: 'all', pass: checks.every((c) => c.ok) },
    { metric: 'packets/s end to end (best wall, 1 CPU)', value: fmt(pps), target: `>= ${fmt(TARGET.packetsPerSec)}`, pass: pps >= TARGET.packetsPerSec },
    { metric: 'packets/s per CPU second (user+sys)', value: fmt(ppsCpu), target: '(info)', pass: null },
    { metric: `packets/s without start-up (${fmt(tiny.wallSec, 2)} s)`, value: fmt(ppsNoStartup), target: '(info)', pass: null },
    { metric: 'analysis wall time, best of runs (s)', value: fmt(best.wallSec, 2), target: '(info)', pass: null },
    { metric: 'tshark wall time (s)', value: tshark ? fmt(tshark.wallSec, 2) : 'skipped', target: '(info)', pass: null },
    { metric: 'speed-up over tshark (wall)', value: tshark ? `${fmt(ratio, 2)}x` : 'skipped', target: `>= ${TARGET.tsharkRatio}x`, pass: tshark ? ratio >= TARGET.tsharkRatio : null },
    { metric: 'peak RSS of the analysis (MB)', value: fmt(peakRss, 0), target: `< ${TARGET.peakRssMB}`, pass: peakRss < TARGET.peakRssMB },
    { metric: 'tshark peak RSS (MB)', value: tshark ? fmt(tshark.maxRssMB, 0) : 'skipped', target: '(info)', pass: null },
    { metric: `heap per active RTP stream @ ${fmt(mem.activeStreams)} (B)`, value: fmt(mem.heapBytesPerStream), target: `< ${TARGET.bytesPerStream}`, pass: mem.activeStreams >= args.streams && mem.heapBytesPerStream < TARGET.bytesPerStream },
    { metric: `RSS per active RTP stream @ ${fmt(mem.activeStreams)} (B)`, value: fmt(mem.rssBytesPerStream), target: `< ${TARGET.bytesPerStream}`, pass: mem.activeStreams >= args.streams && mem.rssBytesPerStream < TARGET.bytesPerStream },
    { metric: 'fuzz inputs', value: fuzz ? fmt(fuzz.inputs) : 'skipped', target: `>= ${fmt(TARGET.fuzzInputs)}`, pass: fuzz ? fuzz.inputs >= TARGET.fuzzInputs : null },
    { metric: 'fuzz inputs/s', value: fuzz ? fmt(fuzz.inputs / (fuzz.elapsedMs / 1000)) : 'skipped', target: '(info)', pass: null },
    { metric: 'fuzz failures (throw, contract, >50 ms, hang)', value: fuzz ? String(fuzz.failures.length) : 'skipped', target: '0', pass: fuzz ? fuzz.failures.length === 0 : null },
    { metric: 'rows/s into the embedded store', value: storeWrite ? fmt(storeWrite.overallRowsPerSec) : 'skipped', target: `>= ${fmt(TARGET.storeRowsPerSec)}`, pass: storeWrite ? storeWrite.overallRowsPerSec >= TARGET.storeRowsPerSec : null },
    { metric: 'packets/s end to end with the store', value: bestStored ? fmt(capture.packets / bestStored.wallSec) : 'skipped', target: '(info)', pass: null },
    { metric: 'throughput cost of the store (%)', value: bestStored ? fmt(storeCostPct, 1) : 'skipped', target: `< ${TARGET.storeOverheadPct}`, pass: bestStored ? storeCostPct < TARGET.storeOverheadPct : null },
    { metric: 'live: highest rate with zero drops (packets/s)', value: live ? fmt(live.highestZeroDropPps) : liveNote, target: `>= ${fmt(TARGET.livePacketsPerSec)}`, pass: live ? live.highestZeroDropPps >= TARGET.livePacketsPerSec : null },
    { metric: 'live: sensor CPU per packet (µs)', value: live ? fmt(live.cpuUsPerPacket, 2) : liveNote, target: '(info)', pass: null },
    { metric: 'live: one-core capacity (packets/s)', value: live ? fmt(live.oneCorePps) : liveNote, target: '(info)', pass: null },
    { metric: 'live: drops at top speed', value: live?.topSpeed ? `${fmt(live.topSpeed.kernelDrops + live.topSpeed.interfaceDrops + live.topSpeed.queueDrops + live.topSpeed.vethRxDrops)} @ ${fmt(live.topSpeed.achievedPps)}/s` : liveNote, target: '(info)', pass: null },
    { metric: `live: RSS growth over ${live?.soak ? fmt(live.soak.seconds) : args.soakSec} s soak (MB/min)`, value: live?.soak ? fmt(live.soak.slopeMBPerMin, 2) : liveNote, target: '~0 (< 1)', pass: live?.soak ? Math.abs(live.soak.slopeMBPerMin) < 1 : null },
    { metric: 'alerts delivered/s (durable, signed, in order)', value: alerts ? fmt(alerts.alertsPerSec) : 'skipped', target: `>= ${fmt(TARGET.alertsPerSec)}`, pass: alerts ? alerts.alertsPerSec >= TARGET.alertsPerSec : null },
    { metric: 'alerts/s relative to a bare HTTP client', value: alerts ? `${fmt(alerts.ratio, 2)}x` : 'skipped', target: '(info)', pass: null },
    { metric: 'packet → webhook latency p50 (ms)', value: alerts ? fmt(alerts.latency.p50Ms, 0) : 'skipped', target: '(info)', pass: null },
    { metric: 'packet → webhook latency p99 (ms)', value: alerts ? fmt(alerts.latency.p99Ms, 0) : 'skipped', target: `< ${fmt(TARGET.alertP99Ms)}`, pass: alerts ? alerts.latency.p99Ms < TARGET.alertP99Ms : null },
    { metric: 'API list/coverage queries, worst p99 (ms)', value: apiBench ? fmt(apiWorstP99, 0) : 'skipped', target: `< ${fmt(TARGET.apiP99Ms)}`, pass: apiBench ? apiWorstP99 < TARGET.apiP99Ms : null },
    { metric: 'dashboard first load (ms)', value: apiBench?.firstLoadMs != null ? fmt(apiBench.firstLoadMs, 0) : (apiBench ? apiBench.firstLoadNote : 'skipped'), target: `< ${fmt(TARGET.dashboardFirstLoadMs)}`, pass: apiBench?.firstLoadMs != null ? apiBench.firstLoadMs < TARGET.dashboardFirstLoadMs : null },
    { metric: 'weekly report, 1 M calls / 5,000 devices (ms)', value: weekly ? fmt(weekly.bestTotalMs, 0) : 'skipped', target: `< ${fmt(TARGET.weeklyReportMs)}`, pass: weekly ? weekly.bestTotalMs < TARGET.weeklyReportMs : null },
  ];
  const totalSec = Number(process.hrtime.bigint() - started) / 1e9;
  const loadEnd = loadavg()[0];
  log();
  log(`results (${fmt(totalSec, 0)} s in all; load average ${m.loadAverage} at the start, ${loadEnd.toFixed(2)} at the end, ${cpus().length} CPUs)`);
  if (loadEnd > cpus().length * 0.75) log('note: other processes were competing for the CPUs; times are slower than on an idle machine');
  log(table(rows));

  const results = {
    date: new Date().toISOString(), machine: m, targets: TARGET, args,
    capture,
    startup: { wallSec: tiny.wallSec, maxRssMB: tiny.maxRssMB },
    voipwatch: {
      runs: runs.map((r) => ({ wallSec: r.wallSec, userSec: r.userSec, sysSec: r.sysSec, maxRssMB: r.maxRssMB })),
      bestWallSec: best.wallSec, packetsPerSec: pps, packetsPerCpuSec: ppsCpu, packetsPerSecWithoutStartup: ppsNoStartup, peakRssMB: peakRss, checks,
    },
    tshark: tshark ? { wallSec: tshark.wallSec, userSec: tshark.userSec, sysSec: tshark.sysSec, maxRssMB: tshark.maxRssMB, streams: tshark.streams, status: tshark.status, ratio } : null,
    streamMemory: mem,
    fuzz: fuzz ? { seed: fuzz.seed, inputs: fuzz.inputs, elapsedMs: fuzz.elapsedMs, inputsPerSec: fuzz.inputs / (fuzz.elapsedMs / 1000), corpus: fuzz.corpus, perTarget: fuzz.perTarget, failures: fuzz.failures.map((f) => ({ ...f, inputHex: f.inputHex.slice(0, 8192) })) } : null,
    profile,
    store: storeWrite ? { write: storeWrite, analyzeRuns: storeRuns.map((r) => ({ wallSec: r.wallSec, userSec: r.userSec, sysSec: r.sysSec, maxRssMB: r.maxRssMB })), costPct: storeCostPct } : null,
    live,
    alerts,
    api: apiBench,
    weekly,
    table: rows,
    totalSec,
    loadAverageEnd: loadavg(),
  };
  const resultsPath = join(OUT_DIR, 'results.json');
  writeFileSync(resultsPath, `${JSON.stringify(results, null, 2)}\n`);
  log(`\nwritten: ${relative(REPO, resultsPath)}`);
  return 0;
}

process.exitCode = await main();
