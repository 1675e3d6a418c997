/**
 * Golden captures: every capture in captures/ was made with real software by the scripts in
 * scripts/capture-lab/, and its .expected.json lists the findings it must produce — no more,
 * no fewer (rule, device, peer, severity), with the evidence fields given there.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeCaptures } from '../src/analyze.ts';

interface ExpectedFinding { rule: string; severity: string; device_ip: string; peer_ip?: string | null; evidence?: Record<string, unknown> }
interface MayAlso { rule: string; note: string }
interface Expected { capture: string; findings: ExpectedFinding[]; internal?: string[]; may_also?: MayAlso[]; not_expected?: string[] }

const dir = new URL('../captures/', import.meta.url).pathname;
const expectations = readdirSync(dir).filter((f) => f.endsWith('.expected.json')).sort();

const test = suite('bundled captures');

test('the bundled captures cover every rule of the catalog and a clean case', async () => {
  const { RULE_IDS } = await import('../alerts/rules/index.ts');
  const covered = new Set<string>();
  let clean = 0;
  for (const file of expectations) {
    const exp = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Expected;
    for (const f of exp.findings) covered.add(f.rule);
    if (exp.findings.length === 0) clean++;
  }
  const missing = RULE_IDS.filter((r) => !covered.has(r));
  assert.equal(missing, [], `rules without a capture: ${missing.join(', ')}`);
  assert.ok(clean >= 1, 'no clean capture (one whose expected findings are empty)');
});

for (const file of expectations) {
  const exp = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Expected;
  test(`${exp.capture} produces exactly its expected findings`, async () => {
    const { report } = await analyzeCaptures([join(dir, exp.capture)], exp.internal ? { internalNetworks: exp.internal } : {});
    const key = (rule: string, severity: string, device: string, peer: string | null | undefined) => `${rule} ${severity} ${device} -> ${peer ?? '-'}`;
    const got = report.findings.map((f) => key(f.rule, f.severity, f.device.ip, f.peer?.ip)).sort();
    const want = exp.findings.map((f) => key(f.rule, f.severity, f.device_ip, f.peer_ip)).sort();
    // Findings the ground truth allows but does not require (each with a note saying why).
    const optional = new Set((exp.may_also ?? []).map((m) => m.rule));
    const required = new Set(want);
    assert.equal(got.filter((g) => required.has(g) || !optional.has(g.split(' ')[0])), want);
    for (const rule of exp.not_expected ?? []) {
      assert.not.ok(report.findings.some((f) => f.rule === rule), `${rule} must stay silent on ${exp.capture}`);
    }
    for (const f of exp.findings) {
      if (!f.evidence) continue;
      const match = report.findings.find((g) => g.rule === f.rule && g.device.ip === f.device_ip && (g.peer?.ip ?? null) === (f.peer_ip ?? null));
      for (const [k, v] of Object.entries(f.evidence)) assert.equal(match?.evidence[k], v, `${f.rule} evidence.${k}`);
    }
    // The catalog's promise: no password or SDES key ever appears in the output.
    const text = JSON.stringify(report);
    assert.not.match(text, /inline:[A-Za-z0-9+/]{20,}/, 'an SDES key leaked into the report');
  });
}

test.run();
