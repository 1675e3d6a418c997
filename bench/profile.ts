/**
 * Where `voipwatch analyze` spends its time: runs it under `node --cpu-prof` and ranks the
 * functions by self time, each with the TypeScript file:line it was compiled from.
 *
 * The child gets a TMPDIR of its own, so tsx's transform cache there holds exactly the code
 * (and source maps) the profile refers to; see source-map.ts.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTsxCache, originalLine, type LoadedModule } from './source-map.ts';

interface CallFrame { functionName: string; url: string; lineNumber: number; columnNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame; hitCount?: number }
interface CpuProfile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

export interface HotFunction {
  rank: number;
  functionName: string;
  /** 'parsers/sip.ts:412', 'node:internal/...', or a V8 pseudo-frame such as '(garbage collector)' */
  location: string;
  selfMs: number;
  selfPct: number;
}

export interface ProfileResult {
  wallSec: number;
  sampledMs: number;
  profilePath: string;
  top: HotFunction[];
}

const REPO = fileURLToPath(new URL('../', import.meta.url));

/**
 * Profiles `args` run by node (e.g. ['bin/voipwatch.js', 'analyze', ...]), stdout discarded,
 * prefixed by `pin` (e.g. taskset). `warmup`, run first without the profiler in the same
 * TMPDIR, fills tsx's cache so the profile shows the analysis rather than TypeScript compiling.
 */
export function profileRun(args: string[], outDir: string, topN = 12, pin: string[] = [], warmup: string[] | null = null): ProfileResult {
  mkdirSync(outDir, { recursive: true });
  const tmp = mkdtempSync(join(outDir, 'tsx-tmp-'));
  const profDir = join(outDir, 'profile');
  rmSync(profDir, { recursive: true, force: true });
  if (warmup) spawnSync(process.execPath, warmup, { cwd: REPO, env: { ...process.env, TMPDIR: tmp }, stdio: 'ignore' });
  const t0 = process.hrtime.bigint();
  const cmd = [...pin, process.execPath, '--cpu-prof', `--cpu-prof-dir=${profDir}`, ...args];
  const r = spawnSync(cmd[0], cmd.slice(1), { cwd: REPO, env: { ...process.env, TMPDIR: tmp }, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  const wallSec = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`profiled run failed (${r.status}): ${r.stderr?.toString().slice(0, 2000)}`);
  const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error('no .cpuprofile written');
  const profilePath = join(profDir, file);
  const profile = JSON.parse(readFileSync(profilePath, 'utf8')) as CpuProfile;
  const modules = loadTsxCache(tmp);
  const top = rankSelfTime(profile, modules, topN);
  rmSync(tmp, { recursive: true, force: true });
  const sampledMs = profile.timeDeltas.reduce((a, b) => a + b, 0) / 1000;
  return { wallSec, sampledMs, profilePath, top };
}

/** Self time per function (samples attributed to the leaf frame), merged across identical frames. */
export function rankSelfTime(profile: CpuProfile, modules: Map<string, LoadedModule>, topN: number): HotFunction[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length; i++) {
    // The delta after a sample is the time it stands for (the next sample's timeDelta).
    const dt = i + 1 < timeDeltas.length ? timeDeltas[i + 1] : 0;
    selfUs.set(samples[i], (selfUs.get(samples[i]) ?? 0) + Math.max(0, dt));
  }
  const merged = new Map<string, { fn: string; location: string; us: number }>();
  let total = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const cf = node.callFrame;
    if (cf.functionName === '(idle)') continue;
    total += us;
    const location = locate(cf, modules);
    const fn = cf.functionName || '(anonymous)';
    const key = `${fn}|${location}`;
    const m = merged.get(key) ?? { fn, location, us: 0 };
    m.us += us;
    merged.set(key, m);
  }
  return [...merged.values()].sort((a, b) => b.us - a.us).slice(0, topN).map((m, i) => ({
    rank: i + 1, functionName: m.fn, location: m.location,
    selfMs: Math.round(m.us / 100) / 10, selfPct: Math.round((m.us / total) * 1000) / 10,
  }));
}

function locate(cf: CallFrame, modules: Map<string, LoadedModule>): string {
  if (!cf.url) return cf.functionName.startsWith('(') ? 'V8' : '(native)';
  if (!cf.url.startsWith('file://')) return `${cf.url}:${cf.lineNumber + 1}`;
  const path = fileURLToPath(cf.url);
  const rel = relative(REPO, path);
  const m = modules.get(path);
  if (m) {
    const line = originalLine(m, cf.lineNumber, cf.columnNumber);
    if (line >= 0) return `${rel}:${line + 1}`;
  }
  return `${rel}:${findDeclaration(path, cf.functionName) ?? `?(generated ${cf.lineNumber + 1}:${cf.columnNumber + 1})`}`;
}

/** Fallback without a source map: the line declaring a function or method of that name. */
function findDeclaration(path: string, name: string): number | null {
  if (!name || name.startsWith('(')) return null;
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch { return null; }
  const lines = text.split('\n');
  const decl = new RegExp(`(?:function\\s+${name}\\b|\\b${name}\\s*(?:=|\\())`);
  const i = lines.findIndex((l) => decl.test(l));
  return i < 0 ? null : i + 1;
}
