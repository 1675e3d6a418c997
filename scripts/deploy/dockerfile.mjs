// A Dockerfile read into stages and instructions (with dockerfile-ast, the parser of the
// Docker language server), and .dockerignore matching. Shared by lint-dockerfile.mjs and
// run-dockerfile.mjs, so the linter and the runner see the same instructions.
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { DockerfileParser } = require('dockerfile-ast');

/** A RUN preceded by `# dockerfile-commands-check: skip <why>` is not executed by the runner. */
const SKIP_DIRECTIVE = /^dockerfile-commands-check:\s*skip\s+(.+)$/;

/**
 * @typedef {{ line: number, keyword: string, args: string[], text: string,
 *   flags: Record<string, string | null>, properties: [string, string | null][],
 *   json: string[] | null, skip: string | null }} Instruction
 * @typedef {{ name: string, index: number, image: string, from: Instruction,
 *   instructions: Instruction[] }} Stage
 */

/** Parses a Dockerfile. `line` is 1-based; `text` is the argument text as /bin/sh -c gets it. */
export function parseDockerfile(path) {
  const content = readFileSync(path, 'utf8');
  const doc = DockerfileParser.parse(content);
  const skips = new Map();
  for (const c of doc.getComments()) {
    const m = SKIP_DIRECTIVE.exec(c.getContent().trim());
    if (m) skips.set(c.getRange().start.line + 1, m[1].trim());
  }
  /** @type {Instruction[]} */
  const instructions = doc.getInstructions().map((i) => {
    const line = i.getRange().start.line + 1;
    const flags = {};
    for (const f of i.getFlags?.() ?? []) flags[f.getName()] = f.getValue();
    return {
      line,
      keyword: i.getKeyword(),
      args: i.getArguments().map((a) => a.getValue()),
      text: (i.getArgumentsContent() ?? '').replace(/ {2,}/g, ' ').trim(),
      flags,
      properties: (i.getProperties?.() ?? []).map((p) => [p.getName(), p.getValue()]),
      json: i.getJSONStrings ? i.getJSONStrings().map((s) => s.getJSONValue()) : null,
      skip: skips.get(line - 1) ?? null,
    };
  });
  /** @type {Instruction[]} */
  const globalArgs = [];
  /** @type {Stage[]} */
  const stages = [];
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      const asAt = ins.args.findIndex((a) => a.toUpperCase() === 'AS');
      stages.push({ name: asAt >= 0 ? ins.args[asAt + 1] : String(stages.length), index: stages.length, image: ins.args[0], from: ins, instructions: [] });
    } else if (stages.length === 0) {
      globalArgs.push(ins);
    } else {
      stages[stages.length - 1].instructions.push(ins);
    }
  }
  return { path, content, instructions, globalArgs, stages };
}

/** ${NAME}, ${NAME:-default}, $NAME expanded from `vars` (Dockerfile ARG/ENV substitution). */
export function substitute(text, vars) {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::([-+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_, a, op, word, b) => {
    const v = vars[a ?? b];
    if (op === '-') return v ? v : word;
    if (op === '+') return v ? word : '';
    return v ?? '';
  });
}

/** The JSON array of a HEALTHCHECK CMD [...] (exec form), or null for the shell form. */
export function healthcheckCommand(ins) {
  const m = /(?:^|\s)CMD\s+(\[.*\])\s*$/s.exec(ins.text);
  if (!m) return null;
  try { return JSON.parse(m[1]); } catch { return null; }
}

/**
 * .dockerignore as Docker applies it: each line a pattern (Go filepath.Match syntax, `**` for
 * any depth), `!` re-includes, the last matching line wins, and a path is excluded with its
 * parent directory. Returns (relative path) => whether the build context leaves it out.
 */
export function dockerignore(contextDir) {
  const file = `${contextDir}/.dockerignore`;
  if (!existsSync(file)) return () => false;
  const rules = readFileSync(file, 'utf8').split('\n')
    .map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const negate = l.startsWith('!');
      const pattern = (negate ? l.slice(1) : l).replace(/^\/+|\/+$/g, '');
      const re = new RegExp(`^${pattern.split('/').map((seg) => seg === '**' ? '.*'
        : seg.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')).join('/')}$`);
      return { negate, re };
    });
  return (path) => {
    const parts = path.replace(/^\.?\/+/, '').replace(/\/+$/, '').split('/');
    let excluded = false;
    for (const { negate, re } of rules) {
      for (let n = 1; n <= parts.length; n++) {
        if (re.test(parts.slice(0, n).join('/'))) { excluded = !negate; break; }
      }
    }
    return excluded;
  };
}
