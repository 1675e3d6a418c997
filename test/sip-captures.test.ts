import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

// Checks the committed SIP lab captures against their ground-truth files: the shape the
// golden tests rely on, not the analyzer's output (that is the analyzer tests' job).

const CAPTURES = fileURLToPath(new URL('../captures/', import.meta.url));
const GENERATOR = 'scripts/capture-lab/make-sip-captures.sh';
const MAX_CAPTURE_BYTES = 1024 * 1024;
const PCAP_MAGICS = new Set([0xa1b2c3d4, 0xa1b23c4d]);
const LINKTYPE_ETHERNET = 1;

/** Rule ids and allowed severities from docs/findings.md. */
const SEVERITIES: Readonly<Record<string, readonly string[]>> = {
  'plaintext-sip': ['medium'], 'unencrypted-rtp': ['high'], 'srtp-keys-exposed': ['critical'],
  'weak-tls': ['medium'], 'webui-internet-exposed': ['high', 'critical'], 'sip-internet-exposed': ['high'],
  'webui-plaintext-http': ['medium'], 'webui-no-auth': ['high'], 'default-credentials': ['high', 'critical'],
  'weak-sip-password': ['high'], 'cleartext-credentials': ['high'], 'shared-sip-credentials': ['medium'],
  'sip-scan': ['medium'], 'credential-brute-force': ['high'], 'outdated-firmware': ['low'],
  'plaintext-provisioning': ['high'],
};

interface ExpectedFinding { rule: string; severity: string; device_ip: string; peer_ip?: string }
interface Expected {
  capture: string; description: string; generator: string;
  truth: { tshark: { frames: number } };
  findings: ExpectedFinding[]; not_expected?: string[];
}

const expectedFiles = readdirSync(CAPTURES)
  .filter((f) => f.startsWith('sip-') && f.endsWith('.expected.json'));
const load = (f: string): Expected => JSON.parse(readFileSync(join(CAPTURES, f), 'utf8')) as Expected;

const captures = suite('sip lab captures');

captures('covers every SIP scenario of the lab', () => {
  for (const name of ['sip-udp-call', 'sip-sdes-exposed', 'sip-weak-password', 'sip-shared-credentials',
    'sip-scan', 'sip-bruteforce', 'sip-tls-srtp-clean', 'sip-zrtp', 'sip-ipv4-fragmented',
    'sip-outdated-firmware', 'sip-internet-exposed']) {
    assert.ok(expectedFiles.includes(`${name}.expected.json`), `${name}.expected.json missing`);
  }
});

for (const file of expectedFiles) {
  captures(`${file} names its generator and a small Ethernet pcap next to it`, () => {
    const exp = load(file);
    assert.is(exp.generator, GENERATOR);
    assert.is(exp.capture, file.replace('.expected.json', '.pcap'));
    const pcapPath = join(CAPTURES, exp.capture);
    assert.ok(statSync(pcapPath).size < MAX_CAPTURE_BYTES, `${exp.capture} is over 1 MiB`);
    const head = readFileSync(pcapPath).subarray(0, 24);
    assert.ok(PCAP_MAGICS.has(head.readUInt32LE(0)), 'little-endian pcap magic');
    assert.is(head.readUInt32LE(20), LINKTYPE_ETHERNET);
    assert.ok(exp.truth.tshark.frames > 0);
  });

  captures(`${file} lists catalog rules once per rule, device and peer`, () => {
    const exp = load(file);
    const seen = new Set<string>();
    for (const f of exp.findings) {
      assert.ok(SEVERITIES[f.rule]?.includes(f.severity), `${f.rule}/${f.severity} not in the catalog`);
      const key = `${f.rule}|${f.device_ip}|${f.peer_ip ?? ''}`;
      assert.not.ok(seen.has(key), `duplicate ${key}`);
      seen.add(key);
      assert.not.ok(exp.not_expected?.includes(f.rule), `${f.rule} both expected and not expected`);
    }
  });
}

captures('expects no finding at all for the SIP-TLS + SRTP clean call', () => {
  assert.equal(load('sip-tls-srtp-clean.expected.json').findings, []);
});

captures.run();
