/**
 * Differential test against peers, on the public captures of other projects in
 * ../shared/captures/public/ (README there; MANIFEST.tsv says what each one holds):
 *
 * - tshark, run here on each capture, counts SIP requests per method and responses per status
 *   code (every message it decodes, over UDP, TCP, WebSocket, SCTP...) and RTP streams with its
 *   UDP heuristic on (`--enable-heuristic rtp_udp`); voipwatch's `analyzeCaptures` must find
 *   the same counts.
 * - Where a capture comes with a Zeek sip.log baseline, the request/response pairs Zeek logged
 *   must be the ones voipwatch's transaction log holds.
 *
 * Where they cannot agree, the difference is named below with the reason, and the test
 * asserts the differences seen are exactly the named ones: a new difference fails, and so does
 * one that went away (remove its entry). Nothing is cached; tshark runs at most
 * TSHARK_CONCURRENCY at a time. Without ../shared this suite says what did not run, and fails
 * under CI=true, where ../shared is always checked out beside the repository.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeCaptures, type AnalysisResult } from '../src/analyze.ts';
import type { SipTransactionRecord } from '../src/track/sip-tracker.ts';

const PUBLIC = fileURLToPath(new URL('../../shared/captures/public/', import.meta.url));
const SHOWN_PATH = '../shared/captures/public';
const IN_CI = process.env.CI === 'true';

/**
 * tshark processes at once. Each spends about 0.5 s of CPU just loading its dissectors, so the
 * suite is bound by CPUs: one process per CPU, at least 2, at most 4.
 */
const TSHARK_CONCURRENCY = Math.min(4, Math.max(2, availableParallelism()));
/** A capture here is at most a few MiB; a tshark run past this is stuck. */
const TSHARK_TIMEOUT_MS = 60_000;
/** The differences below were established with this tshark; another version is still compared. */
const CALIBRATED_TSHARK = '4.0';
/** Size of the set the differences were established on, for saying what did not run without it. */
const CALIBRATED_SET = { captures: 71, zeekSipLogs: 3 };

/** A difference from a peer that is understood: the exact lines the comparison reports, and why. */
interface NamedDifference { readonly differences: readonly string[]; readonly why: string }

/**
 * Captures tshark would dissect as another protocol by port before trying SIP or its RTP
 * heuristic: it is told what they carry ("Decode As"), so the counts can be compared at all.
 */
const TSHARK_DECODE_AS: Readonly<Record<string, { readonly args: readonly string[]; readonly why: string }>> = {
  'sipcapture__heplify/example__pcap__sip_ipv4_tcp_fragmented.pcap': {
    args: ['-d', 'tcp.port==6060,sip'],
    why: 'SIP over TCP port 6060, which tshark gives to X11 (its tcp.port 6000-6063 range) before any SIP heuristic: without this it decodes no SIP at all',
  },
  'sippy__rtpproxy/tests__rtp_analyze__DLT_NULL.a.rtp': {
    args: ['-d', 'udp.port==12344,rtp'],
    why: 'RTP from UDP ports 12002 and 12004, which tshark gives to LLC (its udp.port 12000-12004 range) before the rtp_udp heuristic is tried: without this it finds no stream',
  },
};

/** Differences from tshark's counts, per capture (lines as `compareWithTshark` prints them). */
const TSHARK_DIFFERENCES: Readonly<Record<string, readonly NamedDifference[]>> = {
  'arkime__arkime/tests__pcap__gtp-iphone.pcap': [{
    differences: [
      'ACK requests: tshark 1, voipwatch 0', 'BYE requests: tshark 1, voipwatch 0',
      'INVITE requests: tshark 1, voipwatch 0', 'MESSAGE requests: tshark 1, voipwatch 0',
      'REGISTER requests: tshark 3, voipwatch 0', 'SUBSCRIBE requests: tshark 1, voipwatch 0',
      '100 responses: tshark 1, voipwatch 0', '180 responses: tshark 1, voipwatch 0',
      '200 responses: tshark 4, voipwatch 0', '202 responses: tshark 1, voipwatch 0',
      '401 responses: tshark 1, voipwatch 0', '405 responses: tshark 1, voipwatch 0',
      'RTP streams: tshark 2, voipwatch 0',
    ],
    why: 'the VoLTE SIP (UDP and TCP over IPv6) and AMR RTP of this capture travel inside GTP-U tunnels (UDP 2152, 3GPP TS 29.281) '
      + "on a mobile operator's core link; tshark decapsulates GTP-U, voipwatch decodes the tunnels of an enterprise mirror port "
      + '(IP-in-IP, GRE, ERSPAN) and not GTP',
  }],
  'sipcapture__heplify/example__pcap__sip_sctp.pcap': [{
    differences: [
      'ACK requests: tshark 1, voipwatch 0', 'INVITE requests: tshark 1, voipwatch 0',
      '100 responses: tshark 1, voipwatch 0', '403 responses: tshark 1, voipwatch 0',
    ],
    why: 'SIP over SCTP (RFC 4168) between two core elements: tshark dissects SCTP DATA chunks, voipwatch decodes SIP over UDP, '
      + 'TCP and WebSocket only (phones and PBXs on a LAN do not use SCTP)',
  }],
};

/** Differences from Zeek's sip.log, per capture (lines as `compareWithZeek` prints them). */
const ZEEK_DIFFERENCES: Readonly<Record<string, readonly NamedDifference[]>> = {
  'zeek__zeek/testing__btest__Traces__sip__wireshark.pcap': [{
    differences: [
      'ACK 85216695-42dcdb1d@192.168.1.2 -> no final response: zeek 1, voipwatch 0',
      'ACK 24487391-449bf2a0@192.168.1.2 -> no final response: zeek 1, voipwatch 0',
    ],
    why: 'Zeek logs every request, ACK included, as a sip.log row; an ACK is never answered (RFC 3261 §17.1.1.3: the ACK '
      + "to a non-2xx final response belongs to the INVITE's transaction) and voipwatch logs request/response pairs only",
  }, {
    differences: [
      'INVITE 105090259-446faf7a@192.168.1.2 -> no final response: zeek 1, voipwatch 0',
      'INVITE 105090259-446faf7a@192.168.1.2 -> 408: zeek 0, voipwatch 1',
    ],
    why: "the first 408 (frame 26) carries \"CSeq: 1 INVITE\" and the INVITE's Via branch, so it answers the INVITE "
      + '(RFC 3261 §17.1.3 matches a response to its transaction by branch and CSeq method); Zeek pairs replies with the '
      + 'pending requests of a connection in arrival order and logs it against the CANCEL retransmitted meanwhile',
  }],
};

// ---------------------------------------------------------------------------------------------
// The captures

/** Every capture file in the per-project folders (not the baselines and summaries beside them). */
function listCaptures(root: string): string[] {
  const out: string[] = [];
  for (const dir of readdirSync(root).sort()) {
    if (!statSync(join(root, dir)).isDirectory()) continue;
    for (const f of readdirSync(join(root, dir)).sort()) {
      if (f.includes('.baseline.') || f.endsWith('.tshark-summary.txt')) continue;
      out.push(`${dir}/${f}`);
    }
  }
  return out;
}

/** Zeek sip.log baselines of a capture: `<capture>.baseline.zeek...sip.log`. */
function zeekSipLogs(root: string, capture: string): string[] {
  const [dir, file] = capture.split('/');
  return readdirSync(join(root, dir))
    .filter((f) => f.startsWith(`${file}.baseline.zeek`) && f.endsWith('sip.log'))
    .map((f) => `${dir}/${f}`);
}

const analyses = new Map<string, Promise<AnalysisResult>>();
const ours = (capture: string): Promise<AnalysisResult> => {
  let p = analyses.get(capture);
  if (!p) { p = analyzeCaptures([join(PUBLIC, capture)]); analyses.set(capture, p); }
  return p;
};

// ---------------------------------------------------------------------------------------------
// tshark

interface PeerCounts { requests: Record<string, number>; responses: Record<string, number>; rtpStreams: number }
type TsharkRun = { ok: true; counts: PeerCounts } | { ok: false; error: string };

/** `tshark --version`'s number, or null when tshark cannot be run. */
function tsharkVersion(): string | null {
  const r = spawnSync('tshark', ['--version'], { encoding: 'utf8', timeout: 10_000 });
  if (r.error || r.status !== 0) return null;
  return /TShark \(Wireshark\) (\d+\.\d+\.\d+)/.exec(r.stdout)?.[1] ?? 'unknown';
}

/**
 * One run per capture: a line of fields per frame (each SIP message's method or status code;
 * several messages in one frame are comma-separated), then the rtp,streams table. Fields, not
 * `-z sip,stat`: that tap is fed only once a message's dissection completes, so it leaves out
 * messages tshark does decode (PcapPlusPlus sip_reqs.pcap ends with a BYE cut off inside its
 * last header line, "Malformed Packet" to tshark, a BYE with sip_unterminated_headers to us).
 * An empty configuration directory keeps a developer's own Wireshark preferences out of it.
 */
function runTshark(capture: string): Promise<TsharkRun> {
  const args = [
    '-n', '-r', join(PUBLIC, capture), '--enable-heuristic', 'rtp_udp', ...(TSHARK_DECODE_AS[capture]?.args ?? []),
    '-T', 'fields', '-e', 'sip.Method', '-e', 'sip.Status-Code', '-E', 'occurrence=a', '-E', 'aggregator=,',
    '-z', 'rtp,streams',
  ];
  return new Promise((resolve) => {
    const child = spawn('tshark', args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, WIRESHARK_CONFIG_DIR: join(tmpdir(), `voipwatch-tshark-defaults-${process.pid}`) },
    });
    const out: Buffer[] = [];
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), TSHARK_TIMEOUT_MS);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => { if (err.length < 4096) err += b.toString(); });
    child.on('error', (e) => { clearTimeout(timer); resolve({ ok: false, error: `tshark could not run: ${e.message}` }); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const counts = parseTsharkOutput(Buffer.concat(out).toString('utf8'));
      // tshark exits 2 on a capture cut short mid-record and still reports what it read.
      if (counts) resolve({ ok: true, counts });
      else resolve({ ok: false, error: `tshark ${args.join(' ')} ended (${signal ?? code}) without an RTP streams table: ${err.trim()}` });
    });
  });
}

/** Field lines, then "=== RTP Streams ===", a column header, one line per stream, "===". */
function parseTsharkOutput(text: string): PeerCounts | null {
  const lines = text.split('\n');
  const table = lines.findIndex((l) => /^=+ RTP Streams =+$/.test(l.trim()));
  if (table < 0) return null;
  const requests: Record<string, number> = {};
  const responses: Record<string, number> = {};
  for (const line of lines.slice(0, table)) {
    const [methods = '', codes = ''] = line.split('\t');
    for (const m of methods.split(',')) if (m) requests[m] = (requests[m] ?? 0) + 1;
    for (const c of codes.split(',')) if (c) responses[c] = (responses[c] ?? 0) + 1;
  }
  let rtpStreams = 0;
  for (const line of lines.slice(table + 2)) {
    if (line.startsWith('=')) break;
    if (line.trim() !== '') rtpStreams++;
  }
  return { requests, responses, rtpStreams };
}

/** Runs `fn` for each item, at most `limit` at once, starting at once; each promise resolves on its own. */
function pooled<T>(items: readonly string[], limit: number, fn: (item: string) => Promise<T>): Map<string, Promise<T>> {
  let next = 0;
  const settle = new Map<string, (v: T) => void>();
  const results = new Map<string, Promise<T>>(items.map((i) => [i, new Promise<T>((r) => settle.set(i, r))]));
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++];
      settle.get(item)!(await fn(item));
    }
  };
  for (let w = 0; w < Math.min(limit, items.length); w++) void worker();
  return results;
}

function countLines(label: string, peer: Record<string, number>, mine: Record<string, number>, peerName: string): string[] {
  const out: string[] = [];
  for (const key of [...new Set([...Object.keys(peer), ...Object.keys(mine)])].sort()) {
    const a = peer[key] ?? 0, b = mine[key] ?? 0;
    if (a !== b) out.push(`${key} ${label}: ${peerName} ${a}, voipwatch ${b}`);
  }
  return out;
}

function compareWithTshark(peer: PeerCounts, mine: AnalysisResult): string[] {
  const out = [
    ...countLines('requests', peer.requests, mine.stats.sipRequests, 'tshark'),
    ...countLines('responses', peer.responses, mine.stats.sipResponses, 'tshark'),
  ];
  if (peer.rtpStreams !== mine.stats.rtpStreams) out.push(`RTP streams: tshark ${peer.rtpStreams}, voipwatch ${mine.stats.rtpStreams}`);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Zeek

/**
 * A Zeek TSV log: "#fields" names the columns (a btest baseline cut with zeek-cut has a plain
 * header line instead); "-" is unset. Rows as column → value.
 */
function parseZeekLog(text: string): Array<Record<string, string>> {
  let columns: string[] | null = null;
  const rows: Array<Record<string, string>> = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('###')) continue;
    if (line.startsWith('#fields\t')) { columns = line.split('\t').slice(1); continue; }
    if (line.startsWith('#')) continue;
    const values = line.split('\t');
    if (!columns) { columns = values; continue; }
    rows.push(Object.fromEntries(columns.map((c, i) => [c, values[i] ?? '-'])));
  }
  return rows;
}

const isFinal = (status: number): boolean => status >= 200;
const pairName = (method: string, callId: string | null, status: number): string =>
  `${method}${callId === null ? '' : ` ${callId || '-'}`} -> ${isFinal(status) ? status : 'no final response'}`;

/**
 * Zeek writes a row per response, provisional ones included, and one for a request left
 * without any; its `seq` column is the request's CSeq. Grouped by Call-ID and CSeq, the rows
 * give each transaction's final status, as voipwatch logs it. A log cut to a few columns
 * without call_id has one transaction per row.
 */
function zeekPairs(rows: ReadonlyArray<Record<string, string>>): { pairs: Map<string, number>; byCallId: boolean } {
  const byCallId = rows.length > 0 && 'call_id' in rows[0] && 'seq' in rows[0];
  const transactions = new Map<string, { method: string; callId: string | null; status: number }>();
  rows.forEach((row, i) => {
    const key = byCallId ? `${row.call_id}\0${row.seq}` : String(i);
    const status = Number(row.status_code) || 0;
    const t = transactions.get(key);
    if (!t) transactions.set(key, { method: row.method, callId: byCallId ? (row.call_id === '-' ? '' : row.call_id) : null, status });
    else if (!isFinal(t.status) && isFinal(status)) t.status = status;
  });
  const pairs = new Map<string, number>();
  for (const t of transactions.values()) {
    const name = pairName(t.method, t.callId, t.status);
    pairs.set(name, (pairs.get(name) ?? 0) + 1);
  }
  return { pairs, byCallId };
}

function ourPairs(log: readonly SipTransactionRecord[], byCallId: boolean): Map<string, number> {
  const pairs = new Map<string, number>();
  for (const t of log) {
    const name = pairName(t.method, byCallId ? t.callId : null, t.status);
    pairs.set(name, (pairs.get(name) ?? 0) + 1);
  }
  return pairs;
}

function compareWithZeek(zeek: Map<string, number>, mine: Map<string, number>): string[] {
  const out: string[] = [];
  for (const name of new Set([...zeek.keys(), ...mine.keys()])) {
    const a = zeek.get(name) ?? 0, b = mine.get(name) ?? 0;
    if (a !== b) out.push(`${name}: zeek ${a}, voipwatch ${b}`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Checking a comparison against its named differences

function assertOnlyNamed(observed: readonly string[], named: readonly NamedDifference[] | undefined, peer: string): void {
  const expected = (named ?? []).flatMap((n) => n.differences);
  const unexplained = observed.filter((d) => !expected.includes(d));
  const gone = expected.filter((d) => !observed.includes(d));
  const lines = [
    ...unexplained.map((d) => `  new, not named: ${d}`),
    ...gone.map((d) => `  named but not seen (remove it from the table): ${d}`),
  ];
  assert.ok(lines.length === 0, `differences from ${peer} are not the named ones:\n${lines.join('\n')}`);
  assert.is(observed.length, expected.length, `a named difference was seen twice or is listed twice (${peer})`);
}

const withNamed = (name: string, named: readonly NamedDifference[] | undefined): string => {
  const n = (named ?? []).reduce((sum, d) => sum + d.differences.length, 0);
  return n === 0 ? name : `${name} but for ${n} named difference${n === 1 ? '' : 's'}`;
};

// ---------------------------------------------------------------------------------------------
// Suites

const present = existsSync(join(PUBLIC, 'MANIFEST.tsv'));
const tables = suite('public captures: the named differences');
const vsTshark = suite('public captures vs tshark');
const vsZeek = suite('public captures vs Zeek sip.log');

if (!present) {
  const what = `${CALIBRATED_SET.captures} tshark comparisons and ${CALIBRATED_SET.zeekSipLogs} Zeek sip.log comparisons `
    + `(one per public capture and baseline, as of the last calibration) did not run: ${SHOWN_PATH} (${PUBLIC}) was not found`;
  console.warn(`SKIPPED: public-captures: ${what}`);
  if (IN_CI) tables(`public captures are present in ${SHOWN_PATH}`, () => assert.unreachable(what));
  else tables.skip(`public captures are present in ${SHOWN_PATH}`, () => {});
} else {
  const captures = listCaptures(PUBLIC);
  const version = tsharkVersion();

  tables('name only captures of the set, each difference with its reason', () => {
    for (const [table, entries] of [['TSHARK_DECODE_AS', TSHARK_DECODE_AS], ['TSHARK_DIFFERENCES', TSHARK_DIFFERENCES], ['ZEEK_DIFFERENCES', ZEEK_DIFFERENCES]] as const) {
      for (const [capture, entry] of Object.entries(entries)) {
        assert.ok(captures.includes(capture), `${table} names ${capture}, which is not in ${SHOWN_PATH}`);
        for (const e of Array.isArray(entry) ? entry : [entry]) assert.ok(e.why.length > 40, `${table}[${capture}] needs a reason`);
      }
    }
    for (const capture of Object.keys(ZEEK_DIFFERENCES)) {
      assert.ok(zeekSipLogs(PUBLIC, capture).length > 0, `ZEEK_DIFFERENCES names ${capture}, which has no Zeek sip.log`);
    }
  });

  tables('lists every capture of the set in MANIFEST.tsv', () => {
    const manifest = readFileSync(join(PUBLIC, 'MANIFEST.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t')[0]);
    assert.equal([...captures].sort(), [...manifest].sort());
  });

  if (version === null) {
    const what = `tshark is not installed (scripts/install-test-deps.sh installs it): the tshark comparison of ${captures.length} public captures did not run`;
    console.warn(`SKIPPED: public-captures: ${what}`);
    if (IN_CI) vsTshark('tshark, the peer, is installed', () => assert.unreachable(what));
    else vsTshark.skip('tshark, the peer, is installed', () => {});
  } else {
    if (!version.startsWith(`${CALIBRATED_TSHARK}.`)) {
      console.warn(`public-captures: tshark ${version}; the named differences were established with tshark ${CALIBRATED_TSHARK}.x`);
    }
    let peers: Map<string, Promise<TsharkRun>> | null = null;
    const peer = (capture: string): Promise<TsharkRun> => {
      peers ??= pooled(captures, TSHARK_CONCURRENCY, runTshark);
      return peers.get(capture)!;
    };
    for (const capture of captures) {
      const named = TSHARK_DIFFERENCES[capture];
      vsTshark(withNamed(`SIP method and status counts and RTP stream count of ${capture} match tshark ${version}`, named), async () => {
        const run = await peer(capture);
        if (!run.ok) { assert.unreachable(run.error); return; }
        assertOnlyNamed(compareWithTshark(run.counts, await ours(capture)), named, `tshark ${version} on ${capture}`);
      });
    }
  }

  for (const capture of captures) {
    for (const log of zeekSipLogs(PUBLIC, capture)) {
      const named = ZEEK_DIFFERENCES[capture];
      vsZeek(withNamed(`SIP request/response pairs of ${capture} match its Zeek sip.log baseline`, named), async () => {
        const zeek = zeekPairs(parseZeekLog(readFileSync(join(PUBLIC, log), 'utf8')));
        assert.ok(zeek.pairs.size > 0, `${log} holds no SIP rows`);
        const mine = ourPairs((await ours(capture)).sipTransactions, zeek.byCallId);
        assertOnlyNamed(compareWithZeek(zeek.pairs, mine), named, `Zeek's ${log}`);
      });
    }
  }
}

tables.run();
vsTshark.run();
vsZeek.run();
