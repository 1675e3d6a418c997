/**
 * Which decoder lines the fuzzer reaches: runs `bench/fuzz.ts` in a child with V8 block
 * coverage (NODE_V8_COVERAGE) and maps the counts back to parsers/*.ts through tsx's source
 * maps. A diagnostic for the fuzzer itself, not part of the benchmark:
 *
 *   node --import tsx bench/fuzz-coverage.ts [--inputs N] [--seed S] [--lines] [--all]
 *
 * --all adds src/ and alerts/ (what the pipeline target reaches).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { loadTsxCache, originalLineAtOffset } from './source-map.ts';

interface V8Range { startOffset: number; endOffset: number; count: number }
interface V8Script { url: string; functions: Array<{ ranges: V8Range[] }> }

const repo = fileURLToPath(new URL('../', import.meta.url));
const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
};

const dirs = process.argv.includes('--all') ? ['parsers/', 'src/', 'alerts/'] : ['parsers/'];
const work = mkdtempSync(join(tmpdir(), 'vw-cov-'));
const covDir = join(work, 'coverage');
const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/fuzz.ts', '--seed', arg('--seed', '1'), '--inputs', arg('--inputs', '200000')], {
  cwd: repo, stdio: 'inherit', env: { ...process.env, NODE_V8_COVERAGE: covDir, TMPDIR: work },
});
if (r.status !== 0) process.exit(r.status ?? 1);

const modules = loadTsxCache(work);
const perFile = new Map<string, { covered: Set<number>; seen: Set<number> }>();
for (const name of readdirSync(covDir)) {
  const { result } = JSON.parse(readFileSync(join(covDir, name), 'utf8')) as { result: V8Script[] };
  for (const script of result) {
    if (!script.url.startsWith('file://')) continue;
    const path = fileURLToPath(script.url);
    if (!dirs.some((d) => path.startsWith(join(repo, d)))) continue;
    const m = modules.get(path);
    if (!m) continue;
    // Innermost range wins: paint outer ranges first.
    const ranges = script.functions.flatMap((f) => f.ranges).sort((a, b) => a.startOffset - b.startOffset || b.endOffset - a.endOffset);
    const counts = new Int32Array(m.code.length);
    for (const rg of ranges) counts.fill(Math.min(rg.count, 1), rg.startOffset, Math.min(rg.endOffset, m.code.length));
    const f = perFile.get(path) ?? { covered: new Set<number>(), seen: new Set<number>() };
    for (let off = 0; off < m.code.length; off++) {
      const line = originalLineAtOffset(m, off);
      if (line < 0) continue;
      f.seen.add(line);
      if (counts[off] > 0) f.covered.add(line);
    }
    perFile.set(path, f);
  }
}
rmSync(work, { recursive: true, force: true });

const showLines = process.argv.includes('--lines');
let seenAll = 0, coveredAll = 0;
for (const [path, f] of [...perFile].sort()) {
  const missed = [...f.seen].filter((l) => !f.covered.has(l)).sort((a, b) => a - b);
  seenAll += f.seen.size; coveredAll += f.covered.size;
  console.log(`${relative(repo, path).padEnd(36)} ${((f.covered.size / f.seen.size) * 100).toFixed(1).padStart(5)}% of ${f.seen.size} lines` +
    (showLines && missed.length ? `\n  never reached: ${compress(missed.map((l) => l + 1))}` : ''));
}
console.log(`${`${dirs.join(' ')} total`.padEnd(24)} ${((coveredAll / seenAll) * 100).toFixed(1).padStart(5)}% of ${seenAll} lines`);

function compress(lines: number[]): string {
  const out: string[] = [];
  for (let i = 0; i < lines.length;) {
    let j = i;
    while (j + 1 < lines.length && lines[j + 1] === lines[j] + 1) j++;
    out.push(i === j ? `${lines[i]}` : `${lines[i]}-${lines[j]}`);
    i = j + 1;
  }
  return out.join(', ');
}
