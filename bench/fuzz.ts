/**
 * Mutation fuzzing of every decoder in parsers/ and of the whole pipeline, shared by
 * test/fuzz.test.ts (a short run) and `npm run bench` (at least 1,000,000 inputs).
 *
 * The claim it checks is the one CONTRACTS.md makes: no decoder throws on hostile input, and
 * none loops. Inputs are real packets from the bundled captures (captures/*.pcap) and the
 * public captures (../shared/captures/public), mutated; a few are random bytes.
 *
 *   failure kinds
 *     throw     a decoder (or the pipeline) threw
 *     contract  a result broke the decoder's own contract (a view past the buffer, a stream
 *               framer asking to skip 0 bytes, which makes its caller loop)
 *     slow      one input took longer than `maxInputMs` three times in a row
 *     hang      the worker stopped making progress for `hangMs` (see runFuzzIsolated)
 *
 * Every input is a pure function of (corpus, seed, index): `caseAt` rebuilds any of them, so
 * a failure is reported with its seed and index and reproduces with
 * `node --import tsx bench/fuzz.ts --seed S --index I`. The pipeline target keeps one
 * Analyzer across a window of PIPELINE_WINDOW inputs (state is what the trackers are about);
 * its failures name that window.
 */
import { existsSync, readdirSync, readFileSync, statSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CaptureFileParser, detectCaptureFormat, type CapturedPacket } from '../parsers/capture-file.ts';
import { decodeLink, decodeEthernet, formatMac, EtherType, LinkType } from '../parsers/link.ts';
import {
  decodeIPv4, decodeIPv6, skipIPv6Extensions, ipv4ToString, ipv6ToString, isIPv4Fragment, IpProto,
} from '../parsers/ip.ts';
import { decodeUdp, decodeTcp } from '../parsers/transport.ts';
import { looksLikeSip, findSipStart, parseSipMessage, parseSipUri, frameSipStream } from '../parsers/sip.ts';
import { parseSdp, redactCryptoLine, mediaAddress, isSecureProfile } from '../parsers/sdp.ts';
import { demuxMediaPacket, decodeRtp, decodeRtpInto, createRtpHeader, decodeRtcp, isLikelySrtcp, decodeStun } from '../parsers/rtp.ts';
import { readTlsHello, decodeTlsRecordHeader, decodeDtlsRecordKind, tlsVersionName, cipherSuiteName } from '../parsers/tls.ts';
import {
  looksLikeHttp, frameHttpHead, parseHttpHead, frameHttpBody, extractTitle, parseFormFields, findPasswordField, findUserField,
} from '../parsers/http.ts';
import { parseAuthParams, parseBasicCredentials } from '../parsers/auth-header.ts';
import { decodeTftpRequest } from '../parsers/tftp.ts';
import { frameWebSocket, unmaskInto } from '../parsers/websocket.ts';
import { PacketDecoder } from '../src/net/packet-decoder.ts';
import {
  ethernet, ipv4, ipv6, udp, tcp, pcapFile, shb, idb, epb, spb, opb, pcapngBlock, fragmentHeaderBody,
} from '../test/support/frames.ts';
import { Analyzer } from '../src/analyze.ts';

// ---------------------------------------------------------------------------------------
// Deterministic randomness

/** murmur3's 32-bit finalizer: a bijective mix, so (seed, index) pairs never collide. */
function fmix32(h: number): number {
  h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** sfc32 (Chris Doty-Humphrey's Small Fast Counting generator): 128 bits of state, passes PractRand. */
export class Rng {
  private a: number; private b: number; private c: number; private d: number;
  constructor(seed: number, stream = 0) {
    this.a = fmix32(seed ^ 0x9e3779b9);
    this.b = fmix32(Math.imul(stream, 0x85ebca6b) ^ seed ^ 0x243f6a88);
    this.c = fmix32(this.a ^ fmix32(stream + 0x6a09e667));
    this.d = 1;
    for (let i = 0; i < 12; i++) this.u32();
  }
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }
  /** integer in [0, n) */
  int(n: number): number { return n <= 0 ? 0 : Math.floor((this.u32() / 4294967296) * n); }
  chance(p: number): boolean { return this.u32() / 4294967296 < p; }
  pick<T>(a: readonly T[]): T { return a[this.int(a.length)]; }
}

// ---------------------------------------------------------------------------------------
// Targets and the schedule

export const TARGETS = [
  'capture-file', 'link', 'ip', 'transport', 'sip', 'sdp', 'rtp', 'tls', 'http', 'auth-header', 'tftp', 'websocket', 'pipeline',
] as const;
export type Target = typeof TARGETS[number];

/** Share of inputs per target, out of SCHEDULE_CYCLE. Text protocols get more: they have more paths. */
const WEIGHTS: Readonly<Record<Target, number>> = Object.freeze({
  'capture-file': 4, link: 6, ip: 6, transport: 5, sip: 16, sdp: 8, rtp: 10, tls: 8, http: 9, 'auth-header': 5, tftp: 3, websocket: 4, pipeline: 16,
});
const SCHEDULE_CYCLE = 100;

/** Smooth weighted round-robin (nginx's): each target's slots spread evenly over the cycle. */
const SCHEDULE: readonly Target[] = (() => {
  const current = new Map<Target, number>(TARGETS.map((t) => [t, 0]));
  const out: Target[] = [];
  for (let i = 0; i < SCHEDULE_CYCLE; i++) {
    let best: Target = TARGETS[0];
    for (const t of TARGETS) {
      current.set(t, current.get(t)! + WEIGHTS[t]);
      if (current.get(t)! > current.get(best)!) best = t;
    }
    current.set(best, current.get(best)! - SCHEDULE_CYCLE);
    out.push(best);
  }
  return out;
})();
const PIPELINE_PER_CYCLE = WEIGHTS.pipeline;
/** pipeline slots before position k of the cycle */
const PIPELINE_PREFIX: readonly number[] = (() => {
  const p: number[] = [];
  let n = 0;
  for (const t of SCHEDULE) { p.push(n); if (t === 'pipeline') n++; }
  return p;
})();

/** Consecutive frames of one capture fed to the pipeline, so trackers build real state between corrupt packets. */
const PIPELINE_SEQUENCE = 48;
/** Pipeline inputs one Analyzer sees before it is finished and replaced (bounds state and replay). */
export const PIPELINE_WINDOW = 512;

export const targetAt = (index: number): Target => SCHEDULE[index % SCHEDULE_CYCLE];
export const pipelineOrdinal = (index: number): number =>
  Math.floor(index / SCHEDULE_CYCLE) * PIPELINE_PER_CYCLE + PIPELINE_PREFIX[index % SCHEDULE_CYCLE];

/** Index of the pipeline input with ordinal `p` (inverse of pipelineOrdinal). */
function pipelineIndex(p: number): number {
  const cycle = Math.floor(p / PIPELINE_PER_CYCLE);
  let want = p % PIPELINE_PER_CYCLE;
  for (let k = 0; k < SCHEDULE_CYCLE; k++) {
    if (SCHEDULE[k] === 'pipeline' && want-- === 0) return cycle * SCHEDULE_CYCLE + k;
  }
  return -1;
}

// ---------------------------------------------------------------------------------------
// Corpus

export interface Seed {
  data: Buffer;
  /** link type (link, pipeline), EtherType (ip), IP protocol (transport); 0 otherwise */
  aux: number;
  ts: number;
}

type Pool = Exclude<Target, 'pipeline'>;

export interface Corpus {
  /** capture files read, with their packet counts */
  files: Array<{ path: string; packets: number }>;
  /** seed directories that do not exist */
  missing: string[];
  pools: Record<Pool, Seed[]>;
  /** hand-made seeds and RFC 4475 messages, drawn more often than their number alone would give */
  extras: Record<Pool, Seed[]>;
  /** frames of each capture in file order, for the pipeline */
  sequences: Seed[][];
}

/** Seeds kept per pool and per capture file; RTP would otherwise crowd out everything else. */
const MAX_SEEDS_PER_POOL = 6000;
const MAX_SEEDS_PER_FILE = 400;
/** Capture files are fuzzed as their first bytes: enough for headers and a few dozen records. */
const CAPTURE_PREFIX_BYTES = 24 * 1024;
/** Frames per capture kept for pipeline sequences. */
const MAX_SEQUENCE_FRAMES = 4000;
/** Files larger than this are not read as seeds. */
const MAX_SEED_FILE_BYTES = 32 * 1024 * 1024;

const REPO = new URL('../', import.meta.url);
/** captures/ of this repository and the public captures beside it. */
export const DEFAULT_SEED_DIRS: readonly string[] = Object.freeze([
  fileURLToPath(new URL('captures/', REPO)),
  fileURLToPath(new URL('../shared/captures/public/', REPO)),
]);

function captureFilesUnder(dir: string, out: string[]): void {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) captureFilesUnder(p, out);
    else if (/\.(pcap|pcapng|cap)$/i.test(name) && st.size <= MAX_SEED_FILE_BYTES) out.push(p);
  }
}

/** RFC 4475 torture messages: folded lines, escapes, odd separators the captures lack. */
const TORTURE_DIR = fileURLToPath(new URL('test/fixtures/rfc4475/', REPO));

/** Hand-made seeds, so every pool has inputs even without any capture. */
const SYNTHETIC: Partial<Record<Pool, string[]>> = {
  'auth-header': [
    'Digest username="1001", realm="pbx.example.com", nonce="5f1c2a", uri="sip:pbx.example.com", response="0123456789abcdef0123456789abcdef", algorithm=MD5, qop=auth, nc=00000001, cnonce="abc"',
    'Digest realm="pbx.example.com", nonce="5f1c2a", qop="auth,auth-int", algorithm=SHA-256, stale=FALSE, opaque=""',
    'Basic YWRtaW46MDAwMA==', 'Basic  dXNlcjpwYXNz:', 'Bearer abc.def.ghi', 'Digest a="\\"q\\\\", b=c,,,d', 'Basic realm="x", Digest realm="y"',
  ],
  tftp: ['\x00\x01SEP001122334455.cnf.xml\x00octet\x00', '\x00\x02y000000000000.cfg\x00netascii\x00', '\x00\x01a\x00mail\x00blksize\x00512\x00'],
  sdp: [
    'v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/SAVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20|1:32\r\na=rtcp:4001 IN IP4 10.0.0.1\r\na=sendrecv\r\n',
  ],
};

/**
 * Hand-made binary seeds for layouts the captures do not have: pcapng simple and obsolete
 * packet blocks, interface options, big-endian and Kuznetsov pcap; SNAP, MPLS, PPPoE and
 * cooked link headers; STUN addresses of both families; every DTLS content type.
 */
function syntheticBinarySeeds(): Partial<Record<Pool, Array<[Buffer, number]>>> {
  const sipUdp = udp(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\n\r\n'), 5060, 5060);
  const ip4 = ipv4(sipUdp, { protocol: IpProto.UDP, options: Buffer.from([1, 1, 1, 0]) });
  const ip6 = ipv6(sipUdp, { src: '::ffff:192.0.2.1', nextHeader: IpProto.UDP, ext: [[IpProto.HOP_BY_HOP, Buffer.alloc(7)], [IpProto.FRAGMENT, fragmentHeaderBody(0, false, 7)]] });
  const frame = ethernet(ip4, EtherType.IPV4);
  const u32 = (v: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(v >>> 0); return b; };
  const kuznetsov = (() => {
    const head = pcapFile(LinkType.ETHERNET, []);
    head.writeUInt32LE(0xa1b2cd34, 0);
    const rec = Buffer.alloc(24);
    rec.writeUInt32LE(frame.length, 8); rec.writeUInt32LE(frame.length, 12);
    return Buffer.concat([head, rec, frame]);
  })();
  const stunAttr = (type: number, value: Buffer) => {
    const h = Buffer.alloc(4); h.writeUInt16BE(type, 0); h.writeUInt16BE(value.length, 2);
    return Buffer.concat([h, value, Buffer.alloc((4 - (value.length % 4)) % 4)]);
  };
  const stun = (attrs: Buffer[]) => {
    const body = Buffer.concat(attrs);
    const h = Buffer.alloc(20); h.writeUInt16BE(0x0101, 0); h.writeUInt16BE(body.length, 2); h.writeUInt32BE(0x2112a442, 4);
    return Buffer.concat([h, body]);
  };
  const addr6 = Buffer.concat([Buffer.from([0, 2, 0x12, 0x34]), Buffer.from('20010db8000000000000000000000001', 'hex')]);
  const addr4 = Buffer.from([0, 1, 0x12, 0x34, 192, 0, 2, 1]);
  const dtls = (type: number, body: Buffer) => {
    const h = Buffer.alloc(13); h[0] = type; h.writeUInt16BE(0xfefd, 1); h.writeUInt16BE(1, 3); h.writeUInt16BE(body.length, 11);
    return Buffer.concat([h, body]);
  };
  const sll = Buffer.concat([Buffer.from('0000000100060011223344550000', 'hex'), Buffer.from([0x08, 0x00]), ip4]);
  const sll2 = Buffer.concat([Buffer.from([0x08, 0x00, 0, 0, 0, 0, 0, 1, 0, 1, 0, 6]), Buffer.from('0011223344550000', 'hex'), ip4]);
  return {
    'capture-file': [
      [pcapFile(LinkType.ETHERNET, [{ ts: 1.5, data: frame }], { bigEndian: true }), 0],
      [pcapFile(LinkType.RAW, [{ ts: 2.25, data: ip4 }, { ts: 3, data: ip6 }], { nanos: true }), 0],
      [kuznetsov, 0],
      [Buffer.concat([shb(), idb(LinkType.ETHERNET, { tsresol: 0x89, tsoffset: -5, snaplen: 64 }), epb(0, 123456789n, frame), spb(frame), opb(0, 5n, frame), pcapngBlock(5, Buffer.alloc(8))]), 0],
      [Buffer.concat([shb(true), idb(LinkType.RAW, { tsresol: 9, be: true }), epb(0, 1n, ip4, { be: true })]), 0],
    ],
    link: [
      [Buffer.concat([Buffer.alloc(12, 1), Buffer.from([0x00, 0x40, 0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00]), ip4]), LinkType.ETHERNET],
      [ethernet(Buffer.concat([u32(0x00001100), u32(0x00002140), ip4]), EtherType.MPLS_UNICAST), LinkType.ETHERNET],
      [ethernet(Buffer.concat([Buffer.from([0x11, 0, 0, 1, 0, 0, 0x00, 0x21]), ip4]), EtherType.PPPOE_SESSION), LinkType.ETHERNET],
      [ethernet(ip4, EtherType.IPV4, { vlans: [[0x88a8, 10], [0x8100, 20]] }), LinkType.ETHERNET],
      [sll, LinkType.LINUX_SLL], [sll2, LinkType.LINUX_SLL2],
      [Buffer.concat([Buffer.from([2, 0, 0, 0]), ip4]), LinkType.NULL], [Buffer.concat([Buffer.from([0, 0, 0, 30]), ip6]), LinkType.LOOP],
    ],
    ip: [[ip4, EtherType.IPV4], [ip6, EtherType.IPV6]],
    transport: [[tcp(Buffer.from('GET / HTTP/1.1\r\n\r\n'), { srcPort: 40000, dstPort: 80, flags: 0x18, options: Buffer.from([2, 4, 5, 0xb4]) }), IpProto.TCP]],
    rtp: [
      [stun([stunAttr(0x0020, addr6), stunAttr(0x0020, addr4), stunAttr(0x0001, addr6), stunAttr(0x0001, addr4), stunAttr(0x0006, Buffer.from('a:b')),
        stunAttr(0x8022, Buffer.from('sw')), stunAttr(0x0014, Buffer.from('realm')), stunAttr(0x0009, Buffer.from([0, 0, 4, 1])),
        stunAttr(0x0024, u32(7)), stunAttr(0x0025, Buffer.alloc(0)), stunAttr(0x8029, Buffer.alloc(8)), stunAttr(0x802a, Buffer.alloc(8)),
        stunAttr(0x0008, Buffer.alloc(20)), stunAttr(0x8028, u32(1))]), 0],
      [Buffer.concat([Buffer.from([0x3c, 0x01, 0x00, 0x04]), Buffer.alloc(4)]), 0],
      [Buffer.concat([Buffer.from([0x40, 0x00, 0x00, 0x04]), Buffer.alloc(4)]), 0],
      [Buffer.concat([Buffer.from([0x10, 0, 0, 1]), u32(0x5a525450), Buffer.alloc(8)]), 0],
    ],
    tls: [20, 21, 22, 23, 24, 25, 26].map((t) => [dtls(t, Buffer.alloc(4, 1)), 0] as [Buffer, number]),
    http: [
      [Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: gzip, chunked\r\n\r\n1a;x=y\r\n<title>A &#x41; &amp;&#65;&nbsp;&bogus; \u00e9</title>\r\n0\r\nX: y\r\n\r\n', 'latin1'), 0],
      [Buffer.from('POST /login HTTP/1.1\r\nHost: p\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 35\r\n\r\nuser=admin&password=%41%zz+1&Login=Login', 'latin1'), 0],
    ],
    sip: [[Buffer.from('MESSAGE tel:+1-555;ext=1 SIP/2.0\r\nTo: <sips:[2001:db8::1]:5061;transport=tls>\r\nFrom: "A \\"q\\"" <sip:%61b:pw@h:65536>;tag=1\r\n\r\n', 'latin1'), 0]],
    websocket: [
      [wsFrame(0x81, true, Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nCall-ID: c\r\n\r\n')), 0],
      [Buffer.concat([wsFrame(0x01, true, Buffer.alloc(200, 0x41)), wsFrame(0x89, false, Buffer.from('ping')), wsFrame(0x80, true, Buffer.alloc(70000, 0x42))]), 0],
      [wsFrame(0x88, true, Buffer.from([0x03, 0xe8])), 1],
    ],
    sdp: [[Buffer.from('v=0\r\nc=IN IP4 10.0.0.1\r\na=encryption:required\r\nk=base64:secret\r\nm=audio 4000 RTP/AVP 0\r\na=encryption:optional\r\nk=prompt\r\na=rtcp:4001\r\n', 'latin1'), 0]],
  };
}

/** One WebSocket frame: `b0` is FIN|RSV|opcode, the length in its shortest form (RFC 6455 §5.2). */
function wsFrame(b0: number, masked: boolean, payload: Buffer): Buffer {
  const n = payload.length;
  const len = n < 126 ? Buffer.from([n]) : n < 0x10000 ? Buffer.from([126, n >> 8, n & 0xff]) : Buffer.from([127, 0, 0, 0, 0, n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
  len[0] |= masked ? 0x80 : 0;
  const key = masked ? Buffer.from([0x12, 0x34, 0x56, 0x78]) : Buffer.alloc(0);
  const body = Buffer.from(payload);
  if (masked) for (let i = 0; i < n; i++) body[i] ^= key[i & 3];
  return Buffer.concat([Buffer.from([b0]), len, key, body]);
}

function emptyPools(): Record<Pool, Seed[]> {
  return {
    'capture-file': [], link: [], ip: [], transport: [], sip: [], sdp: [], rtp: [], tls: [], http: [], 'auth-header': [], tftp: [], websocket: [],
  };
}

/**
 * Reads every capture under `dirs` with the real reader and decoders and sorts copies of its
 * packets, at every layer, into the seed pools of the targets.
 */
export function loadCorpus(dirs: readonly string[] = DEFAULT_SEED_DIRS): Corpus {
  const corpus: Corpus = { files: [], missing: [], pools: emptyPools(), extras: emptyPools(), sequences: [] };
  const paths: string[] = [];
  for (const d of dirs) {
    if (existsSync(d)) captureFilesUnder(d, paths);
    else corpus.missing.push(d);
  }
  for (const path of paths) addCaptureFile(corpus, path);
  for (const [pool, texts] of Object.entries(SYNTHETIC) as Array<[Pool, string[]]>) {
    for (const t of texts) corpus.extras[pool].push({ data: Buffer.from(t, 'latin1'), aux: 0, ts: 0 });
  }
  for (const [pool, seeds] of Object.entries(syntheticBinarySeeds()) as Array<[Pool, Array<[Buffer, number]>]>) {
    for (const [data, aux] of seeds) corpus.extras[pool].push({ data, aux, ts: 0 });
  }
  if (existsSync(TORTURE_DIR)) {
    for (const name of readdirSync(TORTURE_DIR).sort()) {
      if (name.endsWith('.dat')) corpus.extras.sip.push({ data: readFileSync(join(TORTURE_DIR, name)), aux: 0, ts: 0 });
    }
  } else corpus.missing.push(TORTURE_DIR);
  return corpus;
}

function addCaptureFile(corpus: Corpus, path: string): void {
  const file = readFileSync(path);
  const perFile = new Map<Pool, number>();
  const add = (pool: Pool, data: Buffer, aux = 0, ts = 0): void => {
    const n = perFile.get(pool) ?? 0;
    if (n >= MAX_SEEDS_PER_FILE || corpus.pools[pool].length >= MAX_SEEDS_PER_POOL) return;
    perFile.set(pool, n + 1);
    corpus.pools[pool].push({ data: Buffer.from(data), aux, ts });
  };
  add('capture-file', file.subarray(0, CAPTURE_PREFIX_BYTES));

  const frames: Seed[] = [];
  const decoder = new PacketDecoder();
  const parser = new CaptureFileParser();
  const onPacket = (p: CapturedPacket): void => {
    if (frames.length < MAX_SEQUENCE_FRAMES) frames.push({ data: Buffer.from(p.data), aux: p.linkType, ts: p.ts });
    add('link', p.data, p.linkType, p.ts);
    const link = decodeLink(p.linkType, p.data);
    if (link && (link.etherType === EtherType.IPV4 || link.etherType === EtherType.IPV6)) {
      const l3 = p.data.subarray(link.l3Offset);
      add('ip', l3, link.etherType);
      const ip = link.etherType === EtherType.IPV4 ? decodeIPv4(l3, 0) : decodeIPv6(l3, 0);
      if (typeof ip !== 'string' && (ip.protocol === IpProto.UDP || ip.protocol === IpProto.TCP)) {
        add('transport', l3.subarray(ip.payloadOffset, ip.payloadEnd), ip.protocol);
      }
    }
    decoder.decode(p, (tp) => {
      const pl = tp.payload;
      if (pl.length === 0) return;
      if (looksLikeSip(pl)) {
        add('sip', pl);
        const r = parseSipMessage(pl, { stream: tp.transport === 'tcp' });
        if (r.ok) {
          if (r.message.body.length > 0) add('sdp', r.message.body);
          for (const h of ['authorization', 'proxy-authorization', 'www-authenticate', 'proxy-authenticate']) {
            const v = r.message.header(h);
            if (v !== null) add('auth-header', Buffer.from(v, 'latin1'));
          }
        }
        return;
      }
      if (tp.transport === 'tcp') {
        if (pl[0] === 0x16) add('tls', pl);
        else if (frameWebSocket(pl).kind === 'frame') add('websocket', pl);
        else if (looksLikeHttp(pl)) {
          add('http', pl);
          const head = parseHttpHead(pl);
          if (head) {
            for (const h of ['authorization', 'www-authenticate', 'proxy-authorization']) {
              for (const v of head.headerValues(h)) add('auth-header', Buffer.from(v, 'latin1'));
            }
          }
        }
        return;
      }
      if (tp.srcPort === 69 || tp.dstPort === 69) add('tftp', pl);
      const kind = demuxMediaPacket(pl);
      if (kind !== 'unknown') add('rtp', pl);
      if (kind === 'dtls') add('tls', pl);
    });
  };
  const err = parser.push(file, onPacket) ?? parser.finish();
  void err; // a damaged public capture still gave its packets before the damage
  if (frames.length > 0) corpus.sequences.push(frames);
  corpus.files.push({ path, packets: parser.packetsParsed });
}

export function corpusSummary(c: Corpus): string {
  const pools = (Object.keys(c.pools) as Pool[]).map((p) => `${p} ${c.pools[p].length}+${c.extras[p].length}`).join(', ');
  const frames = c.sequences.reduce((n, s) => n + s.length, 0);
  return `${c.files.length} capture files (${c.files.reduce((n, f) => n + f.packets, 0)} packets); seeds: ${pools}; pipeline frames ${frames}` +
    (c.missing.length ? `; MISSING seed dirs: ${c.missing.join(', ')}` : '');
}

// ---------------------------------------------------------------------------------------
// Mutations

/** Inputs never grow past this: a UDP datagram is at most 64 KiB, and a TCP segment less. */
const MAX_INPUT_BYTES = 96 * 1024;
const INTERESTING_BYTES = [0x00, 0xff, 0x7f, 0x80] as const;
const INTERESTING_16 = [0x0000, 0x0001, 0x007f, 0x0080, 0x00ff, 0x0100, 0x7fff, 0x8000, 0xfffe, 0xffff] as const;
const INTERESTING_32 = [0, 1, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, 0x0000ffff, 0x00010000, 0x10000000] as const;
const INTERESTING_DECIMALS = ['0', '-1', '65535', '65536', '2147483647', '2147483648', '4294967295', '4294967296', '99999999999999999999', '1e9', '00000000000000000000001'] as const;
/** Tokens of the text protocols, spliced in whole: separators, folds, and the headers that frame bodies. */
const TOKENS = [
  '\r\n', '\r\n\r\n', '\n', '\r', ' ', '\t', '\r\n ', ';', ',', ':', '=', '"', '\\', '<', '>', '[', ']', '%', '%0', '&', '/', '?', '@', '\x00',
  'SIP/2.0', 'SIP/2.0 200 OK\r\n', 'INVITE sip:a@b SIP/2.0\r\n', 'HTTP/1.1', 'HTTP/1.1 200 OK\r\n', 'GET / HTTP/1.1\r\n',
  'Content-Length: 99999\r\n', 'l: 4294967296\r\n', 'Transfer-Encoding: chunked\r\n', 'Via: SIP/2.0/UDP [::1]:5060;branch=z9hG4bK;rport\r\n',
  'Authorization: Digest username="a", realm="b", nonce="c", response="d"\r\n', 'Authorization: Basic YTpi\r\n',
  'v=0\r\n', 'm=audio 0 RTP/AVP 0\r\n', 'm=audio 65536/0 RTP/SAVP\r\n', 'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:AAAA|2^20|1:32\r\n',
  'a=rtpmap:96 opus/48000/2\r\n', 'c=IN IP4 10.0.0.1/127/3\r\n', 'ffffffff\r\n', '0\r\n\r\n', '<title>', '</title>', '&#x10ffff;', '&amp;',
] as const;

const RUN_BYTES = [0x20, 0x09, 0x0d, 0x0a, 0x2c, 0x3b, 0x22, 0x3c, 0x3d, 0x25, 0x30, 0x61, 0x00, 0xff] as const;

const isTextPool = (t: Target): boolean => t === 'sip' || t === 'sdp' || t === 'http' || t === 'auth-header' || t === 'tftp';

type Mutator = (rng: Rng, b: Buffer, pool: readonly Seed[], text: boolean) => Buffer;

/** Offsets where binary length fields live more often than not: the first header bytes. */
const headerBiasedOffset = (rng: Rng, len: number): number => (rng.chance(0.6) ? rng.int(Math.min(len, 64)) : rng.int(len));

const MUTATORS: readonly Mutator[] = [
  // bit flips
  (rng, b) => {
    if (b.length === 0) return b;
    for (let n = 1 + rng.int(4); n > 0; n--) { const i = headerBiasedOffset(rng, b.length); b[i] ^= 1 << rng.int(8); }
    return b;
  },
  // a byte set to 0x00 / 0xff / 0x7f / 0x80
  (rng, b) => {
    if (b.length === 0) return b;
    for (let n = 1 + rng.int(3); n > 0; n--) b[headerBiasedOffset(rng, b.length)] = rng.pick(INTERESTING_BYTES);
    return b;
  },
  // truncation
  (rng, b) => b.subarray(0, rng.chance(0.5) ? rng.int(b.length + 1) : Math.max(0, b.length - 1 - rng.int(16))),
  // length-field inflation: a 16/32-bit field overwritten (either byte order), or a decimal in text
  (rng, b, _pool, text) => {
    if (text && rng.chance(0.7)) return inflateDecimal(rng, b);
    if (b.length < 2) return b;
    const wide = b.length >= 4 && rng.chance(0.4);
    const at = headerBiasedOffset(rng, b.length - (wide ? 3 : 1));
    const le = rng.chance(0.25);
    if (wide) {
      const cur = b.readUInt32BE(at);
      const v = rng.chance(0.7) ? rng.pick(INTERESTING_32) : (cur + 1 + rng.int(b.length * 2 + 1)) >>> 0;
      if (le) b.writeUInt32LE(v, at); else b.writeUInt32BE(v, at);
    } else {
      const cur = b.readUInt16BE(at);
      const v = rng.chance(0.6) ? rng.pick(INTERESTING_16) : (cur + 1 + rng.int(b.length * 2 + 1)) & 0xffff;
      if (le) b.writeUInt16LE(v, at); else b.writeUInt16BE(v, at);
    }
    return b;
  },
  // splicing with another seed of the same pool
  (rng, b, pool) => {
    const other = pool.length ? pool[rng.int(pool.length)].data : b;
    const i = rng.int(b.length + 1), j = rng.int(other.length + 1);
    return rng.chance(0.5)
      ? Buffer.concat([b.subarray(0, i), other.subarray(j)])
      : Buffer.concat([b.subarray(0, i), other.subarray(j, j + 1 + rng.int(256)), b.subarray(i)]);
  },
  // random bytes: overwritten or inserted
  (rng, b) => {
    const n = 1 + rng.int(32);
    const r = randomBytes(rng, n);
    const i = rng.int(b.length + 1);
    if (rng.chance(0.5) && b.length > 0) { r.copy(b, Math.min(i, b.length - 1)); return b; }
    return Buffer.concat([b.subarray(0, i), r, b.subarray(i)]);
  },
  // a range deleted
  (rng, b) => {
    const i = rng.int(b.length + 1), n = 1 + rng.int(64);
    return Buffer.concat([b.subarray(0, i), b.subarray(i + n)]);
  },
  // a range repeated (long headers, many separators: the inputs that find quadratic loops)
  (rng, b) => {
    if (b.length === 0) return b;
    const i = rng.int(b.length), n = 1 + rng.int(Math.min(64, b.length - i));
    const times = 1 + rng.int(rng.chance(0.1) ? 2000 : 16);
    const chunk = b.subarray(i, i + n);
    return Buffer.concat([b.subarray(0, i), ...Array<Buffer>(times).fill(chunk), b.subarray(i)]);
  },
  // a run of one byte: long runs of spaces, separators or digits are what quadratic scans and
  // backtracking regular expressions choke on
  (rng, b) => {
    const i = rng.int(b.length + 1);
    const byte = rng.chance(0.5) && b.length > 0 ? b[Math.min(i, b.length - 1)] : rng.pick(RUN_BYTES);
    const n = 1 + rng.int(rng.chance(0.3) ? 20_000 : 256);
    return Buffer.concat([b.subarray(0, i), Buffer.alloc(n, byte), b.subarray(i)]);
  },
  // a protocol token inserted or overwriting
  (rng, b) => {
    const t = Buffer.from(rng.pick(TOKENS), 'latin1');
    const i = rng.int(b.length + 1);
    return rng.chance(0.7) ? Buffer.concat([b.subarray(0, i), t, b.subarray(i)]) : Buffer.concat([b.subarray(0, i), t, b.subarray(i + t.length)]);
  },
];

function randomBytes(rng: Rng, n: number): Buffer {
  const r = Buffer.allocUnsafe(n);
  for (let k = 0; k < n; k += 4) {
    const v = rng.u32();
    r[k] = v; if (k + 1 < n) r[k + 1] = v >>> 8; if (k + 2 < n) r[k + 2] = v >>> 16; if (k + 3 < n) r[k + 3] = v >>> 24;
  }
  return r;
}

/** A run of ASCII digits (Content-Length, a port, a chunk size) replaced by an extreme number. */
function inflateDecimal(rng: Rng, b: Buffer): Buffer {
  const starts: number[] = [];
  for (let i = 0; i < b.length && starts.length < 64; i++) {
    if (b[i] >= 0x30 && b[i] <= 0x39 && (i === 0 || b[i - 1] < 0x30 || b[i - 1] > 0x39)) starts.push(i);
  }
  if (starts.length === 0) return b;
  const s = rng.pick(starts);
  let e = s;
  while (e < b.length && b[e] >= 0x30 && b[e] <= 0x39) e++;
  const v = rng.chance(0.8) ? rng.pick(INTERESTING_DECIMALS) : String(b.length + rng.int(3) - 1);
  return Buffer.concat([b.subarray(0, s), Buffer.from(v, 'latin1'), b.subarray(e)]);
}

/** One to five stacked mutations of a copy of `seed`. */
export function mutate(rng: Rng, seed: Buffer, pool: readonly Seed[], text: boolean): Buffer {
  let b: Buffer = Buffer.from(seed);
  const n = 1 + (rng.chance(0.5) ? 0 : rng.chance(0.5) ? 1 : 2 + rng.int(3));
  for (let k = 0; k < n; k++) {
    b = rng.pick(MUTATORS)(rng, b, pool, text);
    if (b.length > MAX_INPUT_BYTES) b = b.subarray(0, MAX_INPUT_BYTES);
  }
  return b;
}

// ---------------------------------------------------------------------------------------
// Cases

export interface FuzzCase {
  index: number;
  target: Target;
  data: Buffer;
  /** see Seed.aux; for capture-file the seed of its chunk split */
  aux: number;
  ts: number;
  /** where the seed came from, for the report ('random' for random bytes) */
  origin: string;
}

/** Share of inputs that are random bytes rather than a mutated seed. */
const RANDOM_SHARE = 0.04;
/** Share of inputs drawn from the hand-made seeds. */
const EXTRA_SHARE = 0.05;
/** Share of pipeline frames passed through unmutated, so state keeps building between corrupt ones. */
const PIPELINE_CLEAN_SHARE = 0.4;
const SUPPORTED_LINKS = Object.values(LinkType);

/** Input `index` of the run with `seed`: a pure function of (corpus, seed, index). */
export function caseAt(corpus: Corpus, seed: number, index: number): FuzzCase {
  const target = targetAt(index);
  const rng = new Rng(seed, index);
  if (target === 'pipeline') return pipelineCase(corpus, seed, index, rng);
  const extra = corpus.extras[target].length > 0 && (corpus.pools[target].length === 0 || rng.chance(EXTRA_SHARE));
  const pool = extra ? corpus.extras[target] : corpus.pools[target];
  if (pool.length === 0 || rng.chance(RANDOM_SHARE)) {
    return { index, target, data: randomBytes(rng, rng.int(rng.chance(0.8) ? 1600 : 9000)), aux: randomAux(rng, target), ts: 0, origin: 'random' };
  }
  const si = rng.int(pool.length);
  const s = pool[si];
  let aux = s.aux;
  if (target === 'link' && rng.chance(0.1)) aux = rng.pick(SUPPORTED_LINKS);
  if (target === 'ip' && rng.chance(0.1)) aux = aux === EtherType.IPV4 ? EtherType.IPV6 : EtherType.IPV4;
  if (target === 'transport' && rng.chance(0.1)) aux = aux === IpProto.UDP ? IpProto.TCP : IpProto.UDP;
  if (target === 'capture-file') aux = rng.u32();
  const data = target === 'capture-file' ? mutateCapture(rng, s.data, pool) : mutate(rng, s.data, pool, isTextPool(target));
  return { index, target, data, aux, ts: s.ts, origin: `${extra ? 'extra' : 'seed'} ${target}#${si}` };
}

function randomAux(rng: Rng, target: Target): number {
  switch (target) {
    case 'link': return rng.pick(SUPPORTED_LINKS);
    case 'ip': return rng.chance(0.5) ? EtherType.IPV4 : EtherType.IPV6;
    case 'transport': return rng.chance(0.5) ? IpProto.UDP : IpProto.TCP;
    default: return rng.u32();
  }
}

/** Capture files get more mutations (they are large) and keep their magic most of the time. */
function mutateCapture(rng: Rng, seed: Buffer, pool: readonly Seed[]): Buffer {
  let b = mutate(rng, seed, pool, false);
  for (let n = rng.int(6); n > 0; n--) b = mutate(rng, b, pool, false);
  if (rng.chance(0.7) && b.length >= 4 && seed.length >= 4 && detectCaptureFormat(b) === null) seed.copy(b, 0, 0, 4);
  return b;
}

function pipelineCase(corpus: Corpus, seed: number, index: number, rng: Rng): FuzzCase {
  const p = pipelineOrdinal(index);
  if (corpus.sequences.length === 0 || rng.chance(RANDOM_SHARE)) {
    return { index, target: 'pipeline', data: randomBytes(rng, rng.int(1600)), aux: rng.chance(0.7) ? LinkType.ETHERNET : rng.pick(SUPPORTED_LINKS), ts: rng.int(2e9), origin: 'random' };
  }
  // The block picks a capture and a start; its PIPELINE_SEQUENCE inputs walk consecutive frames.
  const block = new Rng(seed ^ 0x5e9e9ce5, Math.floor(p / PIPELINE_SEQUENCE));
  const si = block.int(corpus.sequences.length);
  const seq = corpus.sequences[si];
  const fi = (block.int(seq.length) + (p % PIPELINE_SEQUENCE)) % seq.length;
  const frame = seq[fi];
  const data = rng.chance(PIPELINE_CLEAN_SHARE) ? frame.data : mutate(rng, frame.data, seq, false);
  // Timestamps come from the reader as any finite number, negative with a pcapng if_tsoffset.
  const ts = rng.chance(0.03) ? rng.pick([0, -1, 1e12, frame.ts + 3600, frame.ts - 86400]) : frame.ts;
  return { index, target: 'pipeline', data, aux: frame.aux, ts, origin: `sequence#${si}:${fi}` };
}

// ---------------------------------------------------------------------------------------
// Running one case

export class ContractViolation extends Error {
  override readonly name = 'ContractViolation';
}

const check = (ok: boolean, what: string): void => { if (!ok) throw new ContractViolation(what); };

/** State that outlives one case: the pipeline's Analyzer. */
export class FuzzState {
  analyzer: Analyzer | null = null;
  /** pipeline ordinal of the first input the current analyzer saw */
  analyzerStart = 0;
  /** pipeline ordinals of the analyzer being fed */
  window(p: number): [number, number] { return [this.analyzerStart, p]; }
}

const sink = { n: 0 };
const use = (v: unknown): void => { if (v !== null && v !== undefined) sink.n++; };

/** Runs every decoder of the case's target on its input; throws what they throw. */
export function runCase(c: FuzzCase, state: FuzzState): void {
  const b = c.data;
  switch (c.target) {
    case 'capture-file': return runCaptureFile(b, c.aux);
    case 'link': {
      const r = decodeLink(c.aux, b);
      if (r) {
        check(r.l3Offset >= 0 && r.l3Offset <= b.length, `decodeLink l3Offset ${r.l3Offset} outside a ${b.length}-byte frame`);
        if (r.macOffset >= 0) { check(r.macOffset + 12 <= b.length, 'decodeLink macOffset without 12 bytes of MACs'); use(formatMac(b, r.macOffset + 6)); }
        if (r.srcMacOffset >= 0) check(r.srcMacOffset + 6 <= b.length, 'decodeLink srcMacOffset without 6 bytes');
      }
      use(decodeEthernet(b, c.aux & 3));
      return;
    }
    case 'ip': {
      const r = c.aux === EtherType.IPV6 ? decodeIPv6(b, 0) : decodeIPv4(b, 0);
      if (typeof r !== 'string') {
        check(r.payloadOffset <= r.payloadEnd && r.payloadEnd <= b.length, `IP payload [${r.payloadOffset}, ${r.payloadEnd}) outside ${b.length} bytes`);
        if ('headerLength' in r) { use(isIPv4Fragment(r)); use(ipv4ToString(b, r.srcOffset)); }
        else {
          use(ipv6ToString(b, r.srcOffset));
          const up = skipIPv6Extensions(b, r.payloadOffset, r.payloadEnd, r.protocol, { protocol: 0, offset: 0 });
          if (typeof up !== 'string') check(up.offset <= r.payloadEnd, 'skipIPv6Extensions offset past the end');
        }
      }
      use(skipIPv6Extensions(b, 0, b.length, b.length > 0 ? b[0] % 64 : 0, { protocol: 0, offset: 0 }));
      return;
    }
    case 'transport': {
      const end = b.length - (c.aux & 0x100 ? 1 : 0);
      const r = c.aux === IpProto.TCP ? decodeTcp(b, 0, Math.max(0, end)) : decodeUdp(b, 0, Math.max(0, end));
      if (typeof r !== 'string') check(r.payloadOffset <= r.payloadEnd && r.payloadEnd <= b.length, 'transport payload outside the buffer');
      return;
    }
    case 'sip': return runSip(b);
    case 'sdp': {
      const sdp = parseSdp(b);
      use(parseSdp(b.toString('latin1')));
      if (sdp) for (const m of sdp.media) { use(mediaAddress(sdp, m)); use(isSecureProfile(m.proto)); }
      const text = b.toString('latin1');
      for (const line of text.split('\n')) if (line.startsWith('a=crypto')) use(redactCryptoLine(line));
      return;
    }
    case 'rtp': {
      use(demuxMediaPacket(b));
      const h = decodeRtp(b);
      if (h) check(h.payloadOffset + h.payloadLength + h.paddingLength <= b.length && h.payloadLength >= 0, 'decodeRtp payload outside the packet');
      use(decodeRtpInto(b, createRtpHeader()));
      const r = decodeRtcp(b);
      if (r) check(r.length + r.trailing === b.length && r.trailing >= 0, 'decodeRtcp length + trailing differs from the datagram');
      use(isLikelySrtcp(b));
      use(decodeStun(b));
      return;
    }
    case 'tls': {
      const r = readTlsHello(b);
      if (r.kind === 'hello') {
        check(r.consumed > 0 && r.consumed <= b.length, `readTlsHello consumed ${r.consumed} of ${b.length}`);
        use(tlsVersionName(r.hello.version));
        if (r.hello.cipherSuite !== undefined) use(cipherSuiteName(r.hello.cipherSuite));
      }
      use(decodeTlsRecordHeader(b));
      use(decodeDtlsRecordKind(b));
      return;
    }
    case 'http': return runHttp(b);
    case 'auth-header': {
      for (const s of [b.toString('latin1'), b.toString('utf8')]) {
        use(parseAuthParams(s));
        use(parseBasicCredentials(s));
      }
      return;
    }
    case 'tftp': use(decodeTftpRequest(b)); return;
    case 'websocket': return runWebSocket(b, c.aux);
    case 'pipeline': {
      const p = pipelineOrdinal(c.index);
      if (state.analyzer === null || p - state.analyzerStart >= PIPELINE_WINDOW || p < state.analyzerStart) {
        state.analyzer = new Analyzer();
        state.analyzerStart = p;
      }
      state.analyzer.processPacket({ ts: c.ts, linkType: c.aux, interfaceId: 0, data: b, origLen: b.length });
      // The last input of a window also ends the analysis: flushing and the report are fuzzed too.
      if (p - state.analyzerStart === PIPELINE_WINDOW - 1) {
        const a = state.analyzer;
        state.analyzer = null;
        use(a.finish());
      }
      return;
    }
  }
}

/** The file pushed in random chunks (records split anywhere), as the file reader does with 4 MiB reads. */
function runCaptureFile(b: Buffer, splitSeed: number): void {
  use(detectCaptureFormat(b));
  const rng = new Rng(splitSeed, 0xcafe);
  const parser = new CaptureFileParser();
  let packets = 0;
  const onPacket = (p: CapturedPacket): void => {
    packets++;
    check(p.data.length <= b.length, 'capture packet larger than the file');
    check(Number.isFinite(p.ts), `capture timestamp ${p.ts} is not finite`);
  };
  let off = 0;
  while (off < b.length) {
    const n = rng.chance(0.3) ? b.length - off : 1 + rng.int(rng.chance(0.5) ? 64 : 4096);
    // The reader reuses its chunk buffer after push returns (CaptureFileParser copies what it
    // keeps): so does this, scribbling over it.
    const chunk = Buffer.from(b.subarray(off, off + n));
    const err = parser.push(chunk, onPacket);
    chunk.fill(0xa5);
    off += n;
    if (err) break;
  }
  use(parser.finish());
  check(packets === parser.packetsParsed, 'packetsParsed differs from the packets delivered');
}

function runSip(b: Buffer): void {
  use(looksLikeSip(b));
  use(findSipStart(b));
  for (const stream of [false, true]) {
    const r = parseSipMessage(b, { stream });
    if (!r.ok) continue;
    const m = r.message;
    check(m.body.length <= b.length, 'SIP body longer than the message');
    use(m.header('via')); use(m.headerValues('contact')); use(m.header('l'));
    for (const u of [m.requestUri, m.from, m.to, m.contact]) use(parseSipUri(u));
  }
  // Consume the buffer as a TCP stream would: each step must advance or wait.
  let off = 0;
  for (let steps = 0; off < b.length; steps++) {
    check(steps <= b.length, 'frameSipStream did not advance');
    const view = b.subarray(off);
    const f = frameSipStream(view);
    if (f.kind === 'need') { check(f.consumed <= view.length && f.needed >= 1, `frameSipStream need consumed ${f.consumed} needed ${f.needed} of ${view.length}`); break; }
    if (f.kind === 'malformed') { check(f.skip >= 1 && f.skip <= view.length, `frameSipStream skip ${f.skip} of ${view.length}`); off += f.skip; continue; }
    check(f.length >= 1 && f.length <= view.length, `frameSipStream message length ${f.length} of ${view.length}`);
    use(parseSipMessage(view.subarray(0, f.length), { stream: true }));
    off += f.length;
  }
}

/** Frames consumed as the TCP reader does: each frame must lie inside the buffer and advance. */
function runWebSocket(b: Buffer, aux: number): void {
  let off = 0;
  const maxPayload = aux & 1 ? 1024 : undefined;
  for (let steps = 0; off < b.length; steps++) {
    check(steps <= b.length, 'frameWebSocket did not advance');
    const view = b.subarray(off);
    const f = maxPayload === undefined ? frameWebSocket(view) : frameWebSocket(view, maxPayload);
    if (f.kind !== 'frame') { if (f.kind === 'need') check(f.needed >= 1, `frameWebSocket need ${f.needed}`); break; }
    check(f.length > 0 && f.length <= view.length && f.headerLength + f.payloadLength === f.length, `frameWebSocket frame ${f.headerLength}+${f.payloadLength} of ${view.length}`);
    const out = Buffer.alloc(f.payloadLength);
    unmaskInto(view.subarray(f.headerLength, f.length), f.maskKey, out);
    off += f.length;
  }
}

function runHttp(b: Buffer): void {
  use(looksLikeHttp(b));
  const f = frameHttpHead(b);
  if (f.kind === 'head') check(f.headerLength >= 1 && f.headerLength <= b.length, `frameHttpHead head ${f.headerLength} of ${b.length}`);
  const head = parseHttpHead(b);
  if (head) {
    use(head.header('host')); use(head.headerValues('www-authenticate'));
    for (const method of ['', 'HEAD', 'CONNECT']) {
      const body = frameHttpBody(head, b, head.headerBytes, method);
      if (body.kind === 'body') check(body.length >= 0, 'frameHttpBody negative length');
    }
  }
  use(extractTitle(b));
  const form = parseFormFields(b, 'application/x-www-form-urlencoded');
  if (form) { use(findPasswordField(form)); use(findUserField(form)); }
}

// ---------------------------------------------------------------------------------------
// A run

export interface FuzzFailure {
  kind: 'throw' | 'contract' | 'slow' | 'hang' | 'crash';
  target: Target;
  seed: number;
  index: number;
  origin: string;
  message: string;
  /** milliseconds, for 'slow' and 'hang' */
  ms: number;
  inputHex: string;
  inputLength: number;
  /** smallest input found that still fails the same way (fresh state), or null */
  minimizedHex: string | null;
  /** pipeline: the ordinals fed to the analyzer up to the failure (the failure may need them all) */
  pipelineWindow: [number, number] | null;
  /** file holding the full input in hex */
  artifact: string | null;
}

export interface TargetStats { inputs: number; maxMs: number; maxIndex: number; totalMs: number }

export interface FuzzResult {
  seed: number;
  inputs: number;
  elapsedMs: number;
  corpus: string;
  missingSeedDirs: string[];
  perTarget: Record<Target, TargetStats>;
  failures: FuzzFailure[];
}

export interface FuzzOptions {
  seed: number;
  inputs: number;
  /** first index (a restarted or sharded run) */
  start?: number;
  /** one input slower than this, three times, is a failure */
  maxInputMs?: number;
  /** stop after this many distinct failures */
  maxFailures?: number;
  /** where full failing inputs are written as hex; none when null */
  artifactDir?: string | null;
  /** progress as the index about to run (a shared Int32Array slot for the watchdog) */
  progress?: Int32Array;
  onProgress?: (done: number) => void;
  /** each failure as soon as it is found (the worker forwards them, so a later hang loses none) */
  onFailure?: (f: FuzzFailure) => void;
}

export const DEFAULT_MAX_INPUT_MS = 50;
/** Failing inputs are shown in full up to this size; larger ones are cut (the artifact has them whole). */
const MAX_HEX_IN_MESSAGE = 4096;

export function runFuzz(corpus: Corpus, opts: FuzzOptions): FuzzResult {
  const maxMs = opts.maxInputMs ?? DEFAULT_MAX_INPUT_MS;
  const maxFailures = opts.maxFailures ?? 20;
  const start = opts.start ?? 0;
  const end = start + opts.inputs;
  const state = new FuzzState();
  const perTarget = Object.fromEntries(TARGETS.map((t) => [t, { inputs: 0, maxMs: 0, maxIndex: -1, totalMs: 0 }])) as Record<Target, TargetStats>;
  const failures: FuzzFailure[] = [];
  const seen = new Set<string>();
  const t0 = process.hrtime.bigint();
  for (let i = start; i < end && failures.length < maxFailures; i++) {
    if (opts.progress) Atomics.store(opts.progress, 0, i);
    if (opts.onProgress && (i - start) % 50_000 === 0 && i > start) opts.onProgress(i - start);
    const c = caseAt(corpus, opts.seed, i);
    let error: unknown = null;
    const s0 = process.hrtime.bigint();
    try { runCase(c, state); } catch (e) { error = e; }
    let ms = Number(process.hrtime.bigint() - s0) / 1e6;
    // Read after the run: the input may have started a new Analyzer.
    const window = c.target === 'pipeline' ? state.window(pipelineOrdinal(i)) : null;
    if (error !== null && c.target === 'pipeline') state.analyzer = null; // its state is suspect now
    if (error === null && ms > maxMs) {
      // A garbage collection can stall any one call; a slow input is slow every time.
      // The pipeline input runs again on the same Analyzer (its state is what made it slow, if anything).
      for (let k = 0; k < 2 && ms > maxMs; k++) {
        const r0 = process.hrtime.bigint();
        try { runCase(c, c.target === 'pipeline' ? state : new FuzzState()); } catch { /* timing only */ }
        ms = Math.min(ms, Number(process.hrtime.bigint() - r0) / 1e6);
      }
    }
    const st = perTarget[c.target];
    st.inputs++;
    st.totalMs += ms;
    if (ms > st.maxMs) { st.maxMs = ms; st.maxIndex = i; }
    if (error === null && ms <= maxMs) continue;
    const kind: FuzzFailure['kind'] = error === null ? 'slow' : error instanceof ContractViolation ? 'contract' : 'throw';
    const message = error === null ? `took ${ms.toFixed(1)} ms (limit ${maxMs} ms)` : describeError(error);
    const key = kind === 'slow' ? `${c.target}|slow` : `${c.target}|${kind}|${firstLine(message)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const failure = makeFailure(c, opts.seed, kind, message, ms, window, opts.artifactDir ?? null, maxMs);
    failures.push(failure);
    opts.onFailure?.(failure);
  }
  if (opts.progress) Atomics.store(opts.progress, 0, -1);
  return {
    seed: opts.seed, inputs: Object.values(perTarget).reduce((n, s) => n + s.inputs, 0),
    elapsedMs: Number(process.hrtime.bigint() - t0) / 1e6, corpus: corpusSummary(corpus),
    missingSeedDirs: corpus.missing, perTarget, failures,
  };
}

const firstLine = (s: string): string => s.split('\n')[0];

function describeError(e: unknown): string {
  if (!(e instanceof Error)) return `threw a non-error: ${String(e)}`;
  const frames = (e.stack ?? '').split('\n').slice(1, 5).map((l) => l.trim()).join('\n    ');
  return `${e.name}: ${e.message}\n    ${frames}`;
}

export function makeFailure(
  c: FuzzCase, seed: number, kind: FuzzFailure['kind'], message: string, ms: number,
  window: [number, number] | null, artifactDir: string | null, maxMs = DEFAULT_MAX_INPUT_MS,
): FuzzFailure {
  let minimized: Buffer | null = null;
  if (kind === 'throw' || kind === 'contract') minimized = minimize(c, (x) => failsLike(x, message));
  else if (kind === 'slow') minimized = minimize(c, (x) => timeOf(x) > maxMs, 200);
  let artifact: string | null = null;
  if (artifactDir) {
    mkdirSync(artifactDir, { recursive: true });
    artifact = join(artifactDir, `fuzz-${c.target}-${kind}-seed${seed}-index${c.index}.hex`);
    writeFileSync(artifact, `${c.data.toString('hex')}\n`);
  }
  return {
    kind, target: c.target, seed, index: c.index, origin: c.origin, message, ms,
    inputHex: c.data.toString('hex'), inputLength: c.data.length,
    minimizedHex: minimized ? minimized.toString('hex') : null,
    pipelineWindow: window, artifact,
  };
}

/** Does the case (fresh state) throw with the same first line? */
function failsLike(c: FuzzCase, message: string): boolean {
  try { runCase(c, new FuzzState()); return false; } catch (e) { return firstLine(describeError(e)) === firstLine(message); }
}

function timeOf(c: FuzzCase): number {
  const t = process.hrtime.bigint();
  try { runCase(c, new FuzzState()); } catch { /* timing only */ }
  return Number(process.hrtime.bigint() - t) / 1e6;
}

/**
 * Delta debugging by deletion (Zeller's ddmin, deletions only): remove ever smaller chunks
 * while the input still fails. Null when the failure needs state (it does not reproduce alone).
 */
export function minimize(c: FuzzCase, fails: (c: FuzzCase) => boolean, budget = 4000): Buffer | null {
  if (!fails(c)) return null;
  let cur = c.data;
  let tries = 0;
  for (let chunk = Math.max(1, cur.length >> 1); chunk >= 1 && tries < budget; chunk = chunk === 1 ? 0 : Math.max(1, chunk >> 1)) {
    for (let at = 0; at < cur.length && tries < budget;) {
      const cand = Buffer.concat([cur.subarray(0, at), cur.subarray(at + chunk)]);
      tries++;
      if (fails({ ...c, data: cand })) cur = cand; else at += chunk;
    }
  }
  return cur;
}

export function formatFailure(f: FuzzFailure): string {
  const hex = (h: string) => (h.length > MAX_HEX_IN_MESSAGE * 2 ? `${h.slice(0, MAX_HEX_IN_MESSAGE * 2)}... (cut; full input in the artifact)` : h);
  const lines = [
    `fuzz ${f.kind} in ${f.target}: seed=${f.seed} index=${f.index} (input from ${f.origin})`,
    `  ${f.message.split('\n').join('\n  ')}`,
    `  reproduce: node --import tsx bench/fuzz.ts --seed ${f.seed} --index ${f.index}`,
  ];
  if (f.pipelineWindow) {
    const from = pipelineIndex(f.pipelineWindow[0]);
    lines.push(`  pipeline state: one Analyzer was fed pipeline inputs ${f.pipelineWindow[0]}..${f.pipelineWindow[1]} (indices ${from}..${f.index}); ` +
      `replay them: node --import tsx bench/fuzz.ts --seed ${f.seed} --index ${f.index} --replay-from ${from}`);
  }
  lines.push(`  input (${f.inputLength} bytes) hex: ${hex(f.inputHex)}`);
  if (f.minimizedHex !== null) lines.push(`  minimized (${f.minimizedHex.length / 2} bytes) hex: ${f.minimizedHex}`);
  if (f.artifact) lines.push(`  artifact: ${relative(process.cwd(), f.artifact)}`);
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------
// Isolation: a worker with a watchdog, so a loop is reported instead of hanging the run

export interface IsolatedOptions extends Omit<FuzzOptions, 'progress' | 'onProgress' | 'onFailure'> {
  seedDirs?: readonly string[];
  /** no progress for this long is a hang */
  hangMs?: number;
  /** hangs after which the run stops; after each one a new worker carries on past the stuck input */
  maxHangs?: number;
  onProgress?: (done: number) => void;
  onCorpus?: (summary: string) => void;
}

type WorkerOutcome = { kind: 'result'; result: FuzzResult } | { kind: 'hang'; index: number; ms: number; failures: FuzzFailure[]; elapsedMs: number };

/**
 * Runs `runFuzz` in worker threads watched from this one. A worker that stops making progress
 * for `hangMs` is terminated, the input it was stuck on is reported as 'hang', and a new
 * worker carries on after it, so one loop does not hide the failures of the rest of the run.
 */
export async function runFuzzIsolated(opts: IsolatedOptions): Promise<FuzzResult> {
  const seedDirs = opts.seedDirs ?? DEFAULT_SEED_DIRS;
  const start = opts.start ?? 0;
  const end = start + opts.inputs;
  const maxHangs = opts.maxHangs ?? 3;
  const merged: FuzzResult = {
    seed: opts.seed, inputs: 0, elapsedMs: 0, corpus: '', missingSeedDirs: [],
    perTarget: Object.fromEntries(TARGETS.map((t) => [t, { inputs: 0, maxMs: 0, maxIndex: -1, totalMs: 0 }])) as Record<Target, TargetStats>,
    failures: [],
  };
  let from = start;
  let hangs = 0;
  let corpus: Corpus | null = null;
  while (from < end) {
    const outcome = await runWorker(opts, seedDirs, from, end - from, from - start);
    if (outcome.kind === 'result') {
      mergeResult(merged, outcome.result);
      break;
    }
    merged.failures.push(...outcome.failures);
    merged.elapsedMs += outcome.elapsedMs;
    merged.inputs += outcome.index - from;
    corpus ??= loadCorpus(seedDirs);
    merged.corpus = corpusSummary(corpus);
    merged.missingSeedDirs = corpus.missing;
    const c = caseAt(corpus, opts.seed, outcome.index);
    const p = c.target === 'pipeline' ? pipelineOrdinal(outcome.index) : -1;
    const f = makeFailure(c, opts.seed, 'hang', `no progress for ${outcome.ms} ms on this input (worker terminated)`, outcome.ms,
      p >= 0 ? [Math.floor(p / PIPELINE_WINDOW) * PIPELINE_WINDOW, p] : null, opts.artifactDir ?? null);
    merged.failures.push(f); // not minimized: that would run the loop again
    if (++hangs >= maxHangs) break;
    from = outcome.index + 1;
  }
  return merged;
}

function mergeResult(into: FuzzResult, r: FuzzResult): void {
  into.inputs += r.inputs;
  into.elapsedMs += r.elapsedMs;
  into.corpus = r.corpus;
  into.missingSeedDirs = r.missingSeedDirs;
  into.failures.push(...r.failures);
  for (const t of TARGETS) {
    const a = into.perTarget[t], b = r.perTarget[t];
    a.inputs += b.inputs; a.totalMs += b.totalMs;
    if (b.maxMs > a.maxMs) { a.maxMs = b.maxMs; a.maxIndex = b.maxIndex; }
  }
}

function runWorker(opts: IsolatedOptions, seedDirs: readonly string[], start: number, inputs: number, doneBefore: number): Promise<WorkerOutcome> {
  const hangMs = opts.hangMs ?? 10_000;
  const progress = new Int32Array(new SharedArrayBuffer(4));
  Atomics.store(progress, 0, -2);
  const api = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./fuzz-worker.ts', import.meta.url).href;
  // Worker threads do not inherit tsx's loader hooks on Node 20: register them first.
  const boot = `import(${JSON.stringify(api)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`;
  const run: Omit<FuzzOptions, 'progress' | 'onProgress' | 'onFailure'> = {
    seed: opts.seed, inputs, start, maxInputMs: opts.maxInputMs, maxFailures: opts.maxFailures, artifactDir: opts.artifactDir,
  };
  const worker = new Worker(boot, { eval: true, workerData: { run, seedDirs, progress } });
  const t0 = Date.now();
  const failures: FuzzFailure[] = [];
  return new Promise((resolve, reject) => {
    let last = -2;
    let lastChange = Date.now();
    let settled = false;
    const finish = (fn: () => void) => { if (!settled) { settled = true; clearInterval(timer); fn(); } };
    const timer = setInterval(() => {
      const now = Atomics.load(progress, 0);
      if (now !== last) { last = now; lastChange = Date.now(); return; }
      if (now < 0 || Date.now() - lastChange < hangMs) return;
      const stuckFor = Date.now() - lastChange;
      void worker.terminate();
      finish(() => resolve({ kind: 'hang', index: now, ms: stuckFor, failures, elapsedMs: Date.now() - t0 }));
    }, 100);
    worker.on('message', (m: { type: string; done?: number; summary?: string; result?: FuzzResult; failure?: FuzzFailure }) => {
      if (m.type === 'progress') opts.onProgress?.(doneBefore + m.done!);
      else if (m.type === 'corpus') opts.onCorpus?.(m.summary!);
      else if (m.type === 'failure') failures.push(m.failure!);
      else if (m.type === 'result') finish(() => { resolve({ kind: 'result', result: m.result! }); void worker.terminate(); });
    });
    worker.on('error', (e) => finish(() => reject(e)));
    worker.on('exit', (code) => finish(() => reject(new Error(`fuzz worker exited with code ${code} before reporting`))));
  });
}

/** A seed from FUZZ_SEED (decimal or 0x hex), else `fallback`. */
export function seedFromEnv(fallback: number): number {
  const v = process.env.FUZZ_SEED;
  if (!v) return fallback >>> 0;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new Error(`FUZZ_SEED must be an integer, got ${JSON.stringify(v)}`);
  return n >>> 0;
}

// ---------------------------------------------------------------------------------------
// CLI: reproduce one input, or run a few

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const arg = (name: string): string | undefined => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const seed = Number(arg('--seed') ?? 1) >>> 0;
  const corpus = loadCorpus();
  console.log(corpusSummary(corpus));
  const index = arg('--index');
  const replayFrom = arg('--replay-from');
  if (index !== undefined) {
    const c = caseAt(corpus, seed, Number(index));
    const state = new FuzzState();
    if (replayFrom !== undefined && c.target === 'pipeline') {
      // The pipeline inputs before this one, on the same Analyzer, in order.
      let n = 0;
      for (let i = Number(replayFrom); i < c.index; i++) {
        if (targetAt(i) !== 'pipeline') continue;
        runCase(caseAt(corpus, seed, i), state);
        n++;
      }
      console.log(`replayed ${n} pipeline inputs from index ${replayFrom}`);
    }
    console.log(`seed ${seed} index ${c.index}: ${c.target} from ${c.origin}, aux ${c.aux}, ts ${c.ts}, ${c.data.length} bytes`);
    console.log(c.data.toString('hex'));
    const t = process.hrtime.bigint();
    runCase(c, state);
    console.log(`ran in ${(Number(process.hrtime.bigint() - t) / 1e6).toFixed(3)} ms without throwing${replayFrom === undefined ? ' (fresh state)' : ''}`);
  } else {
    const r = runFuzz(corpus, { seed, inputs: Number(arg('--inputs') ?? 20_000), artifactDir: fileURLToPath(new URL('out/fuzz-failures/', import.meta.url)) });
    console.log(`${r.inputs} inputs in ${(r.elapsedMs / 1000).toFixed(1)} s, ${r.failures.length} failures`);
    for (const f of r.failures) console.log(formatFailure(f));
  }
}
