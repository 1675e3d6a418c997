#!/usr/bin/env node
// Lints a Dockerfile: dockerfile-utils' validator (syntax, flags, durations, stage names —
// every finding an error), then this project's rules, most of them hadolint's (codes cited).
// With --run-bodies DIR, writes each RUN's shell text to DIR/run-<line>.sh for shellcheck
// (the RUN shell is Debian's /bin/sh, dash).
//
//   node scripts/deploy/lint-dockerfile.mjs [--run-bodies DIR] [Dockerfile]
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, posix, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { dockerignore, healthcheckCommand, parseDockerfile, substitute } from './dockerfile.mjs';

const require = createRequire(import.meta.url);
const { validate, ValidationSeverity } = require('dockerfile-utils');

const { values, positionals } = parseArgs({ options: { 'run-bodies': { type: 'string' } }, allowPositionals: true });
const file = resolve(positionals[0] ?? 'Dockerfile');
const context = dirname(file);
const df = parseDockerfile(file);
const problems = [];
const problem = (line, msg) => problems.push(`${posix.basename(file)}:${line}: ${msg}`);

// 1. dockerfile-utils, with every optional rule raised to an error.
const E = ValidationSeverity.ERROR;
for (const d of validate(df.content, {
  deprecatedMaintainer: E, directiveCasing: E, emptyContinuationLine: E, instructionCasing: E,
  instructionCmdMultiple: E, instructionEntrypointMultiple: E, instructionHealthcheckMultiple: E,
  instructionJSONInSingleQuotes: E, instructionWorkdirRelative: E,
})) problem(d.range.start.line + 1, `dockerfile-utils: ${d.message}`);

// 2. The project's rules.
const globals = Object.fromEntries(df.globalArgs.flatMap((i) => i.properties));
const final = df.stages.at(-1);
if (df.stages.length < 2) problem(1, 'expected a multi-stage build (a build stage and a runtime stage)');

const stageNames = new Set();
for (const stage of df.stages) {
  const image = substitute(stage.image, globals);
  // DL3006 / DL3007: a tagged base image, never :latest.
  if (!/^[^:@]+[:@].+/.test(image) || /:latest$/.test(image)) problem(stage.from.line, `base image ${image} needs an explicit tag other than latest (DL3006/DL3007)`);

  const vars = { ...globals };
  let lockCopied = false;
  for (const ins of stage.instructions) {
    if (ins.keyword === 'ARG' || ins.keyword === 'ENV') for (const [k, v] of ins.properties) vars[k] = v ?? vars[k] ?? '';
    if (ins.keyword === 'ADD') problem(ins.line, 'use COPY, not ADD (DL3020)');
    if (ins.keyword === 'MAINTAINER') problem(ins.line, 'MAINTAINER is deprecated (DL4000)');
    if (ins.keyword === 'COPY') {
      const from = ins.flags.from;
      const sources = ins.args.slice(0, -1);
      if (from !== undefined) {
        if (!stageNames.has(from)) problem(ins.line, `COPY --from=${from} names no earlier stage (DL3022)`);
      } else {
        const ignored = dockerignore(context);
        for (const src of sources) {
          if (!existsSync(resolve(context, src))) problem(ins.line, `COPY source ${src} does not exist in the build context`);
          else if (ignored(src)) problem(ins.line, `COPY source ${src} is excluded by .dockerignore`);
          if (/(^|\/)package-lock\.json$/.test(src)) lockCopied = true;
        }
      }
    }
    if (ins.keyword === 'RUN') lintRun(ins, lockCopied);
    if (ins.keyword === 'SHELL' && !ins.text.includes('pipefail')) problem(ins.line, 'a SHELL should set -o pipefail (DL4006)');
  }
  stageNames.add(stage.name);

  if (stage === final) {
    // DL3002: the image must not run as root; numeric so Kubernetes' runAsNonRoot can check it.
    const users = stage.instructions.filter((i) => i.keyword === 'USER');
    const user = users.length ? substitute(users.at(-1).args[0], vars) : 'root';
    if (!users.length) problem(stage.from.line, 'the runtime stage has no USER: it would run as root (DL3002)');
    else if (/^(root|0)(:|$)/.test(user)) problem(users.at(-1).line, `the last USER is root (${user}) (DL3002)`);
    else if (!/^[1-9][0-9]*(:[0-9]+)?$/.test(user)) problem(users.at(-1).line, `USER ${user}: use a numeric UID so runAsNonRoot can verify it`);

    const hcs = stage.instructions.filter((i) => i.keyword === 'HEALTHCHECK');
    if (hcs.length !== 1) problem(stage.from.line, `the runtime stage needs exactly one HEALTHCHECK, has ${hcs.length}`);
    for (const hc of hcs) {
      const cmd = healthcheckCommand(hc);
      if (!cmd) problem(hc.line, 'HEALTHCHECK CMD should be in exec (JSON) form');
      else if (!/^(node|\/usr\/local\/bin\/node)$/.test(cmd[0])) problem(hc.line, `HEALTHCHECK runs ${cmd[0]}: the slim image has node, not curl or wget`);
      else if (cmd[1]?.startsWith('/') && !copiedInto(stage, cmd[1])) problem(hc.line, `HEALTHCHECK script ${cmd[1]} is not copied into the runtime stage`);
    }
    for (const kw of ['ENTRYPOINT', 'CMD']) {
      const ins = stage.instructions.filter((i) => i.keyword === kw).at(-1);
      if (!ins) problem(stage.from.line, `the runtime stage has no ${kw}`);
      else if (!ins.json?.length) problem(ins.line, `${kw} should be in exec (JSON) form, so signals reach node (DL3025)`);
    }
    if (!stage.instructions.some((i) => i.keyword === 'VOLUME')) problem(stage.from.line, 'the runtime stage declares no VOLUME for the data directory');
  }
}

function lintRun(ins, lockCopied) {
  const sh = ins.text;
  const commands = sh.split(/&&|\|\||;|\n/).map((c) => c.trim());
  if (/(^|[\s;&|])sudo\s/.test(sh)) problem(ins.line, 'do not use sudo (DL3004)');
  if (/(^|[\s;&|])cd\s/.test(sh)) problem(ins.line, 'use WORKDIR, not cd (DL3003)');
  if (/[^|]\|[^|]/.test(sh.replace(/'[^']*'|"[^"]*"/g, '')) && !df.instructions.some((i) => i.keyword === 'SHELL' && i.line < ins.line && i.text.includes('pipefail'))) {
    problem(ins.line, 'a pipe in RUN without SHELL ["/bin/bash", "-o", "pipefail", "-c"] hides failures (DL4006)');
  }
  const installs = commands.filter((c) => /^apt-get\s+(.*\s)?install\s/.test(c));
  if (commands.some((c) => /^apt\s/.test(c))) problem(ins.line, 'use apt-get, not apt, in scripts (DL3027)');
  if (commands.some((c) => /^apt-get\s+(.*\s)?(upgrade|dist-upgrade)\b/.test(c))) problem(ins.line, 'do not upgrade the base image in place (DL3005): pull a newer base');
  for (const c of installs) {
    if (!/\s(-y|--yes|-[a-z]*y[a-z]*|--assume-yes)(\s|$)/.test(c)) problem(ins.line, 'apt-get install needs -y (DL3014)');
    if (!/\s--no-install-recommends(\s|$)/.test(c)) problem(ins.line, 'apt-get install needs --no-install-recommends (DL3015)');
  }
  if (installs.length) {
    const update = commands.findIndex((c) => /^apt-get\s+(.*\s)?update(\s|$)/.test(c));
    const install = commands.findIndex((c) => /^apt-get\s+(.*\s)?install\s/.test(c));
    if (update < 0 || update > install) problem(ins.line, 'apt-get update belongs in the same RUN, before apt-get install (a cached update serves stale lists)');
    if (!/rm -rf \/var\/lib\/apt\/lists\/\*\s*$/.test(sh)) problem(ins.line, 'a RUN with apt-get install must end with rm -rf /var/lib/apt/lists/* (DL3009)');
  }
  for (const c of commands) {
    if (/^(npm|yarn|pnpm)\s+(install|i|add)(\s|$)/.test(c)) problem(ins.line, `${c.split(/\s/).slice(0, 2).join(' ')}: use npm ci, which installs exactly the lockfile (DL3016)`);
    if (/^npm\s+ci(\s|$)/.test(c) && !lockCopied) problem(ins.line, 'npm ci before package-lock.json is copied in');
  }
  if (values['run-bodies']) {
    mkdirSync(values['run-bodies'], { recursive: true });
    writeFileSync(`${values['run-bodies']}/run-${ins.line}.sh`, `#!/bin/sh\n# shellcheck shell=dash\n# ${posix.basename(file)} line ${ins.line}\n${sh}\n`);
  }
}

/** Whether an absolute path in the stage is a COPY destination (or inside one). */
function copiedInto(stage, path) {
  let workdir = '/';
  for (const ins of stage.instructions) {
    if (ins.keyword === 'WORKDIR') workdir = posix.resolve(workdir, ins.args[0]);
    if (ins.keyword === 'COPY') {
      const dest = posix.resolve(workdir, ins.args.at(-1));
      if (path === dest || path.startsWith(`${dest}/`)) return true;
    }
  }
  return false;
}

const runs = df.instructions.filter((i) => i.keyword === 'RUN').length;
if (problems.length) {
  for (const p of problems) console.log(p);
  console.log(`${posix.basename(file)}: ${problems.length} problem(s)`);
  process.exit(1);
}
console.log(`${posix.basename(file)}: ${df.stages.length} stages (${df.stages.map((s) => s.name).join(', ')}), ${df.instructions.length} instructions, ${runs} RUN: no problems`);
