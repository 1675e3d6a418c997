/**
 * No decoder throws or loops: a short run of bench/fuzz.ts (the benchmark runs at least
 * 1,000,000 inputs), random and mutated packets from captures/*.pcap and the public captures,
 * fed to every decoder in parsers/ and to the whole pipeline (Analyzer.processPacket).
 *
 * The run is deterministic: seed 0x5eed unless FUZZ_SEED is set, FUZZ_INPUTS inputs (default
 * 40,000). A failure names its seed and input index, shows the input (and a minimized one) in
 * hex and writes it to bench/out/fuzz-failures/; `node --import tsx bench/fuzz.ts --seed S --index I`
 * rebuilds and runs that one input. The run happens in a worker watched from here, so an input
 * that loops fails its target's test instead of hanging the suite.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  runFuzzIsolated, formatFailure, seedFromEnv, TARGETS, DEFAULT_MAX_INPUT_MS, type FuzzResult,
} from '../bench/fuzz.ts';

const BUNDLED = fileURLToPath(new URL('../captures/', import.meta.url));
const PUBLIC = fileURLToPath(new URL('../../shared/captures/public/', import.meta.url));
/** Outside test/: uvu would try to load files there whose names match its pattern. */
const ARTIFACTS = fileURLToPath(new URL('../bench/out/fuzz-failures/', import.meta.url));
const SEED = seedFromEnv(0x5eed);
const INPUTS = Number(process.env.FUZZ_INPUTS ?? 40_000);
/** An input that makes no progress this long is a loop (a slow one fails at DEFAULT_MAX_INPUT_MS). */
const HANG_MS = 10_000;

console.log(`fuzz: seed ${SEED} (set FUZZ_SEED to change), ${INPUTS} inputs (FUZZ_INPUTS)`);
if (!existsSync(PUBLIC)) console.warn(`fuzz: public captures missing at ${PUBLIC}: seeds come from captures/ only`);

const fuzz = suite('fuzz');
let result: FuzzResult | null = null;

fuzz.before(async () => {
  result = await runFuzzIsolated({ seed: SEED, inputs: INPUTS, seedDirs: [BUNDLED, PUBLIC], artifactDir: ARTIFACTS, hangMs: HANG_MS });
  const rate = result.elapsedMs > 0 ? Math.round(result.inputs / (result.elapsedMs / 1000)) : 0;
  console.log(`fuzz: ${result.corpus}`);
  console.log(`fuzz: ${result.inputs} inputs in ${(result.elapsedMs / 1000).toFixed(1)} s (${rate}/s), ${result.failures.length} failures`);
});

const failuresOf = (target: string): string =>
  (result?.failures ?? []).filter((f) => f.target === target).map(formatFailure).join('\n\n');

fuzz('seeds come from the bundled captures and the public captures', () => {
  assert.ok(result, 'the fuzz run did not report');
  assert.equal(result.missingSeedDirs, [], `seed directories missing (fuzzed with fewer seeds): ${result.missingSeedDirs.join(', ')}`);
});

for (const target of TARGETS) {
  fuzz(`${target}: no input throws, breaks a contract, loops or takes over ${DEFAULT_MAX_INPUT_MS} ms`, () => {
    assert.ok(result, 'the fuzz run did not report');
    const failed = failuresOf(target);
    assert.ok(failed === '', `\n${failed}\n`);
    assert.ok(result.perTarget[target].inputs > 0 || result.failures.some((f) => f.kind === 'hang'), `no input reached ${target}`);
  });
}

fuzz('every input ran to the end of the run', () => {
  assert.ok(result, 'the fuzz run did not report');
  const hang = result.failures.find((f) => f.kind === 'hang');
  assert.ok(hang === undefined, hang ? `\n${formatFailure(hang)}\n` : '');
  if (result.failures.length === 0) assert.is(result.inputs, INPUTS);
});

fuzz.run();
