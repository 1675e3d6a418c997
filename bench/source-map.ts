/**
 * Positions in the code tsx actually ran mapped back to the TypeScript sources, for the CPU
 * profile and the fuzz coverage report. tsx transforms each file with esbuild (whitespace
 * minified: a whole module is one line) and caches the result with its source map in
 * `$TMPDIR/tsx-<uid>/`. A child run with its own empty TMPDIR leaves exactly one cache entry
 * per file it loaded, so there is no doubt which version of a file a position belongs to.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface RawMap { version: number; sources: string[]; mappings: string; sourcesContent?: Array<string | null> }

/** One decoded mapping: generated line/column to original line/column (all 0-based). */
interface Segment { genCol: number; srcLine: number; srcCol: number }

export interface LoadedModule {
  /** absolute path of the TypeScript source */
  source: string;
  code: string;
  /** per generated line, segments sorted by generated column */
  lines: Segment[][];
  /** offset of the start of each generated line in `code` */
  lineStarts: number[];
}

const B64 = new Map([...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].map((c, i) => [c, i]));

/** Source map v3 "mappings": base64 VLQ fields, ';' between generated lines, ',' between segments. */
function decodeMappings(mappings: string): Segment[][] {
  const lines: Segment[][] = [];
  let line: Segment[] = [];
  let genCol = 0, src = 0, srcLine = 0, srcCol = 0;
  let fields: number[] = [];
  let value = 0, shift = 0;
  const endSegment = () => {
    if (fields.length >= 4) {
      genCol += fields[0]; src += fields[1]; srcLine += fields[2]; srcCol += fields[3];
      line.push({ genCol, srcLine, srcCol });
    } else if (fields.length >= 1) genCol += fields[0];
    fields = [];
  };
  for (let i = 0; i < mappings.length; i++) {
    const ch = mappings[i];
    if (ch === ',') { endSegment(); continue; }
    if (ch === ';') { endSegment(); lines.push(line); line = []; genCol = 0; continue; }
    const digit = B64.get(ch);
    if (digit === undefined) continue;
    value += (digit & 31) << shift;
    if (digit & 32) { shift += 5; continue; }
    fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
    value = 0; shift = 0;
  }
  endSegment();
  lines.push(line);
  void src;
  for (const l of lines) l.sort((a, b) => a.genCol - b.genCol);
  return lines;
}

/** Every module in a tsx cache directory (`<tmpdir>/tsx-<uid>`), keyed by source path. */
export function loadTsxCache(tmpdir: string): Map<string, LoadedModule> {
  const out = new Map<string, LoadedModule>();
  if (!existsSync(tmpdir)) return out;
  for (const sub of readdirSync(tmpdir)) {
    if (!sub.startsWith('tsx-')) continue;
    const dir = join(tmpdir, sub);
    for (const name of readdirSync(dir)) {
      let entry: { code?: string; map?: RawMap | string };
      try { entry = JSON.parse(readFileSync(join(dir, name), 'utf8')); } catch { continue; }
      const map = typeof entry.map === 'string' ? JSON.parse(entry.map) as RawMap : entry.map;
      if (!entry.code || !map || map.sources.length !== 1) continue;
      const code = entry.code;
      const lineStarts = [0];
      for (let i = 0; i < code.length; i++) if (code.charCodeAt(i) === 10) lineStarts.push(i + 1);
      out.set(map.sources[0], { source: map.sources[0], code, lines: decodeMappings(map.mappings), lineStarts });
    }
  }
  return out;
}

/** Original 0-based line of a generated (line, column), 0-based; -1 when unmapped. */
export function originalLine(m: LoadedModule, genLine: number, genCol: number): number {
  const segs = m.lines[genLine];
  if (!segs || segs.length === 0) return -1;
  let lo = 0, hi = segs.length - 1, best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (segs[mid].genCol <= genCol) { best = mid; lo = mid + 1; } else hi = mid - 1;
  }
  return best < 0 ? segs[0].srcLine : segs[best].srcLine;
}

/** Original 0-based line of a character offset into the generated code. */
export function originalLineAtOffset(m: LoadedModule, offset: number): number {
  let lo = 0, hi = m.lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (m.lineStarts[mid] <= offset) lo = mid; else hi = mid - 1;
  }
  return originalLine(m, lo, offset - m.lineStarts[lo]);
}
