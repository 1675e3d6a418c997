/**
 * The web UI / HTTP / TLS / provisioning captures made by scripts/capture-lab/http/: each is a
 * small classic pcap of Ethernet frames, its .expected.json follows the golden-capture contract,
 * and every expected finding names hosts that really talk in the capture. What the analyzer
 * reports for them is checked by captures.test.ts.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../', import.meta.url).pathname;
const dir = join(root, 'captures');
const GENERATOR = 'scripts/capture-lab/http/make-http-captures.sh';
const CAPTURES = [
  'webui-default-basic-internet', 'webui-digest-default', 'webui-no-auth', 'webui-form-login',
  'webui-https-clean', 'tls-weak', 'provisioning-plaintext', 'webui-bruteforce',
] as const;
const MAX_CAPTURE_BYTES = 500 * 1024;
const LINKTYPE_ETHERNET = 1;

/** Severities the findings catalog allows per rule (docs/findings.md). */
const SEVERITIES: Readonly<Record<string, readonly string[]>> = {
  'weak-tls': ['medium'],
  'webui-internet-exposed': ['high', 'critical'],
  'webui-plaintext-http': ['medium'],
  'webui-no-auth': ['high'],
  'default-credentials': ['high', 'critical'],
  'cleartext-credentials': ['high'],
  'credential-brute-force': ['high'],
  'plaintext-provisioning': ['high'],
  'outdated-firmware': ['low'],
};

interface ExpectedFinding { rule: string; severity: string; device_ip: string; peer_ip?: string; evidence?: Record<string, unknown> }
interface Expected {
  capture: string; description: string; generator: string;
  truth: Record<string, unknown>; findings: ExpectedFinding[]; not_expected?: string[];
}

/*
 * Classic pcap (libpcap file format):
 *   global header 24 bytes: magic u32 | version 2+2 | thiszone 4 | sigfigs 4 | snaplen 4 | linktype 4
 *   per record 16 bytes:    ts_sec 4 | ts_frac 4 | incl_len 4 | orig_len 4, then incl_len bytes
 * Ethernet II: dst 6 | src 6 | ethertype 2 (0x0800 IPv4); IPv4: src at 12, dst at 16.
 */
interface PcapSummary { linktype: number; frames: number; ipv4Hosts: Set<string> }

function readPcap(buf: Buffer): PcapSummary | null {
  if (buf.length < 24) return null;
  const magic = buf.readUInt32LE(0);
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  const be = magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1;
  if (!le && !be) return null;
  const u32 = (off: number): number => (le ? buf.readUInt32LE(off) : buf.readUInt32BE(off));
  const linktype = u32(20);
  const ipv4Hosts = new Set<string>();
  let frames = 0;
  let off = 24;
  while (buf.length - off >= 16) {
    const len = u32(off + 8);
    const start = off + 16;
    if (buf.length - start < len) return null;
    const frame = buf.subarray(start, start + len);
    if (frame.length >= 34 && frame.readUInt16BE(12) === 0x0800) {
      ipv4Hosts.add(frame.subarray(26, 30).join('.'));
      ipv4Hosts.add(frame.subarray(30, 34).join('.'));
    }
    frames++;
    off = start + len;
  }
  return off === buf.length ? { linktype, frames, ipv4Hosts } : null;
}

/** Every string value anywhere under `v` (passwords in the truth block are lab data). */
function strings(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) strings(x, out);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) strings(x, out);
  return out;
}

const test = suite('http lab captures');

if (!existsSync(dir)) console.warn(`SKIPPED: ${dir} is missing; the HTTP lab captures were not checked`);

for (const name of existsSync(dir) ? CAPTURES : []) {
  const pcapPath = join(dir, `${name}.pcap`);
  const expPath = join(dir, `${name}.expected.json`);

  test(`${name}.pcap is a small classic pcap of Ethernet frames`, () => {
    assert.ok(existsSync(pcapPath), `${pcapPath} is missing`);
    assert.ok(statSync(pcapPath).size < MAX_CAPTURE_BYTES, 'capture over 500 KB');
    const pcap = readPcap(readFileSync(pcapPath));
    assert.ok(pcap, 'not a well-formed classic pcap');
    assert.is(pcap.linktype, LINKTYPE_ETHERNET);
    assert.ok(pcap.frames > 0);
  });

  test(`${name}.expected.json names its capture and generator and uses catalog severities`, () => {
    const exp = JSON.parse(readFileSync(expPath, 'utf8')) as Expected;
    assert.is(exp.capture, `${name}.pcap`);
    assert.is(exp.generator, GENERATOR);
    assert.ok(existsSync(join(root, exp.generator)), 'generator script missing');
    assert.ok(exp.description.length > 0);
    assert.type(exp.truth.tshark, 'object', 'truth has no tshark summary of the final capture');
    const seen = new Set<string>();
    for (const f of exp.findings) {
      assert.ok(SEVERITIES[f.rule]?.includes(f.severity), `${f.rule} with severity ${f.severity}`);
      const key = `${f.rule} ${f.device_ip} ${f.peer_ip ?? '-'}`;
      assert.not.ok(seen.has(key), `two findings for ${key}`);
      seen.add(key);
      assert.not.ok(exp.not_expected?.includes(f.rule), `${f.rule} both expected and not expected`);
    }
  });

  test(`${name}: every expected finding names hosts that talk in the capture`, () => {
    const exp = JSON.parse(readFileSync(expPath, 'utf8')) as Expected;
    const pcap = readPcap(readFileSync(pcapPath));
    assert.ok(pcap);
    for (const f of exp.findings) {
      assert.ok(pcap.ipv4Hosts.has(f.device_ip), `${f.rule}: device ${f.device_ip} not in the capture`);
      if (f.peer_ip) assert.ok(pcap.ipv4Hosts.has(f.peer_ip), `${f.rule}: peer ${f.peer_ip} not in the capture`);
    }
  });

  test(`${name}: expected evidence never carries a password from the truth block`, () => {
    const exp = JSON.parse(readFileSync(expPath, 'utf8')) as Expected;
    const t = exp.truth as { logins?: { password?: string }[] };
    const passwords = (t.logins ?? []).map((l) => l.password).filter((p): p is string => !!p);
    const evidence = strings(exp.findings.map((f) => f.evidence ?? {}));
    for (const p of passwords) assert.not.ok(evidence.includes(p), `password ${p} in expected evidence`);
  });
}

test('the clean HTTPS capture expects no finding at all', () => {
  const exp = JSON.parse(readFileSync(join(dir, 'webui-https-clean.expected.json'), 'utf8')) as Expected;
  assert.equal(exp.findings, []);
});

test('the Digest capture checks its digests offline against the final bytes', () => {
  const exp = JSON.parse(readFileSync(join(dir, 'webui-digest-default.expected.json'), 'utf8')) as Expected;
  const check = (exp.truth.tshark as { http_digest_offline_check?: Record<string, number> }).http_digest_offline_check ?? {};
  const lines = Object.keys(check);
  assert.ok(lines.some((l) => l.includes('10.20.0.31') && l.endsWith("verifies with 'adminpass'")), 'Panasonic default not verified');
  assert.ok(lines.some((l) => l.includes('10.20.0.22') && l.endsWith("verifies with '0000'")), 'rejected snom default not verified');
  assert.not.ok(lines.some((l) => l.endsWith('none of the candidates')), 'a digest verifies with no known password');
});

test.run();
