#!/usr/bin/env node
// Executes a Dockerfile's instructions on this machine, without a Docker engine, so a typo in
// a RUN line fails CI instead of the next image build. Meant for a Debian machine of the base
// images' release (bookworm), as root: apt-get runs for real on the host, exactly as written.
//
// Each stage gets a scratch root (<scratch>/<stage>); WORKDIR and COPY destinations land inside
// it, COPY reads the build context (honouring .dockerignore) or an earlier stage's root, and
// each RUN runs as `/bin/sh -c` in the mapped WORKDIR with the stage's ARG and ENV values.
// A RUN marked `# dockerfile-commands-check: skip <why>` is reported, not run; as a non-root
// user, apt-get RUNs are not run either, but their packages must already be installed.
// Absolute paths inside RUN text still mean the host: keep them to apt and to skipped RUNs.
// (The apt RUNs end by deleting /var/lib/apt/lists/*; the runner fetches the lists again.)
//
// Then the final stage's layout is smoke-tested: its ENTRYPOINT with `help` and with its CMD
// and --help, the pcap binding loading from the copied node_modules, no devDependency left,
// the bundle fresh (so the image never falls back to compiling TypeScript at start), and the
// HEALTHCHECK command against a stub /healthz.
//
//   node scripts/deploy/run-dockerfile.mjs [--keep] [Dockerfile]     # --keep: leave the scratch stages
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, dirname, join, posix, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { dockerignore, healthcheckCommand, parseDockerfile, substitute } from './dockerfile.mjs';

const { values, positionals } = parseArgs({
  options: { keep: { type: 'boolean', default: false } },
  allowPositionals: true,
});
const file = resolve(positionals[0] ?? 'Dockerfile');
const context = dirname(file);
const df = parseDockerfile(file);
const isRoot = process.getuid?.() === 0;
const scratch = mkdtempSync(join(tmpdir(), 'dockerfile-run-'));
const ignored = dockerignore(context);
const globals = Object.fromEntries(df.globalArgs.flatMap((i) => i.properties.map(([k, v]) => [k, v ?? ''])));
// apt waits for another apt/dpkg (a concurrent install) instead of failing on its lock.
const aptConfig = join(scratch, 'apt.conf');
writeFileSync(aptConfig, 'DPkg::Lock::Timeout "300";\n');

const failures = [];
const skipped = [];
let aptRan = false;
const fail = (msg) => { failures.push(msg); console.log(`FAIL ${msg}`); };
const seconds = (t0) => ((performance.now() - t0) / 1000).toFixed(1);

/** The host path of a path inside a stage. */
const inStage = (stageRoot, p) => join(stageRoot, p);

function checkRelease() {
  const osRelease = existsSync('/etc/os-release') ? readFileSync('/etc/os-release', 'utf8') : '';
  const codename = /^VERSION_CODENAME=(.*)$/m.exec(osRelease)?.[1]?.replace(/"/g, '');
  const suites = new Set(df.stages.map((s) => /-(bookworm|trixie|bullseye|buster)(-|$)/.exec(substitute(s.image, globals))?.[1]).filter(Boolean));
  if (!codename || !suites.has(codename)) {
    console.log(`note: this machine is ${codename ?? 'not Debian'}, the images are ${[...suites].join(', ')}: package names may differ`);
  }
}

function aptPackages(sh) {
  const pkgs = [];
  for (const cmd of sh.split(/&&|\|\||;/)) {
    const words = cmd.trim().split(/\s+/);
    if (words[0] === 'apt-get' && words.includes('install')) pkgs.push(...words.slice(words.indexOf('install') + 1).filter((w) => !w.startsWith('-')));
  }
  return pkgs;
}

/**
 * What can be checked of a RUN that is not run: the shell parses it, and every command it
 * names exists here (the runtime image is the same Debian release, with the packages the
 * stage's earlier RUNs installed).
 */
function checkUnrun(label, sh) {
  const syntax = spawnSync('/bin/sh', ['-n', '-c', sh], { encoding: 'utf8' });
  if (syntax.status !== 0) { fail(`${label}: /bin/sh cannot parse it: ${syntax.stderr.trim()}`); return false; }
  const names = new Set();
  for (const segment of sh.split(/&&|\|\||;|\|/)) {
    const words = segment.trim().split(/\s+/);
    while (/^(if|then|else|elif|do|while|until|!|\{)$/.test(words[0] ?? '')) words.shift();
    while (/^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0] ?? '')) words.shift();
    const cmd = words[0];
    if (cmd && !/^(\[|fi|done|\})$/.test(cmd) && /^[A-Za-z0-9_./-]+$/.test(cmd)) names.add(cmd);
  }
  const path = `${process.env.PATH ?? ''}:/usr/local/sbin:/usr/sbin:/sbin`;
  const missing = [...names].filter((n) => spawnSync('/bin/sh', ['-c', 'command -v "$1"', 'sh', n], { env: { ...process.env, PATH: path } }).status !== 0);
  if (missing.length) { fail(`${label}: not run, and names commands this machine lacks: ${missing.join(', ')}`); return false; }
  console.log(`     parses; its commands exist here: ${[...names].join(', ')}`);
  return true;
}

function run(label, sh, cwd, env) {
  console.log(`---- ${label}: ${sh}`);
  const t0 = performance.now();
  const r = spawnSync('/bin/sh', ['-c', sh], { cwd, env, stdio: ['ignore', 'inherit', 'inherit'] });
  const ok = r.status === 0;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${label} (${seconds(t0)} s${ok ? '' : `, exit ${r.status ?? r.signal}`})`);
  if (!ok) failures.push(`${label}: exit ${r.status ?? r.signal}`);
  return ok;
}

function copy(ins, stage, stageRoots, cwd) {
  const from = ins.flags.from;
  const [sources, dest] = [ins.args.slice(0, -1), ins.args.at(-1)];
  const destPath = posix.resolve(cwd, dest);
  for (const src of sources) {
    let srcPath;
    if (from !== undefined) {
      if (!stageRoots.has(from)) return fail(`line ${ins.line}: COPY --from=${from}: no such earlier stage`);
      srcPath = inStage(stageRoots.get(from), src);
    } else {
      if (ignored(src)) return fail(`line ${ins.line}: COPY ${src}: excluded by .dockerignore, so the build would not find it`);
      srcPath = resolve(context, src);
    }
    if (!existsSync(srcPath)) return fail(`line ${ins.line}: COPY ${src}: not found (${srcPath})`);
    // Docker: a directory's contents go into dest; a file goes to dest, or into dest/ when it
    // ends with / or there are several sources.
    const isDir = statSync(srcPath).isDirectory();
    const target = !isDir && (dest.endsWith('/') || sources.length > 1) ? posix.join(destPath, basename(src)) : destPath;
    mkdirSync(dirname(inStage(stage.root, target)), { recursive: true });
    cpSync(srcPath, inStage(stage.root, target), { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
  }
  return true;
}

function runStage(stage, stageRoots) {
  console.log(`==== stage ${stage.name} (FROM ${substitute(stage.image, globals)}), root ${stage.root}`);
  mkdirSync(stage.root, { recursive: true });
  const vars = {};
  let cwd = '/';
  for (const ins of stage.instructions) {
    switch (ins.keyword) {
      case 'ARG':
        for (const [k, v] of ins.properties) vars[k] = v ?? globals[k] ?? '';
        break;
      case 'ENV':
        for (const [k, v] of ins.properties) vars[k] = substitute(v ?? '', vars);
        break;
      case 'WORKDIR':
        cwd = posix.resolve(cwd, substitute(ins.args[0], vars));
        mkdirSync(inStage(stage.root, cwd), { recursive: true });
        break;
      case 'COPY':
        if (!copy(ins, stage, stageRoots, cwd)) return false;
        break;
      case 'RUN': {
        const label = `${stage.name} line ${ins.line}`;
        if (ins.skip) {
          skipped.push(`${label}: ${ins.skip}`);
          console.log(`skip ${label} (${ins.skip}): ${ins.text}`);
          if (!checkUnrun(label, ins.text)) return false;
          break;
        }
        const pkgs = aptPackages(ins.text);
        if (pkgs.length && !isRoot) {
          const q = spawnSync('dpkg-query', ['-W', '-f=${Status}\n', ...pkgs], { encoding: 'utf8' });
          const missing = q.status !== 0 || (q.stdout.match(/install ok installed/g) ?? []).length !== pkgs.length;
          if (missing) { fail(`${label}: not root, so apt-get cannot run, and not all of ${pkgs.join(' ')} are installed`); return false; }
          skipped.push(`${label}: not root; ${pkgs.join(' ')} already installed`);
          console.log(`skip ${label}: not root; its packages (${pkgs.join(' ')}) are installed`);
          break;
        }
        if (pkgs.length) aptRan = true;
        const env = { ...process.env, ...vars, DEBIAN_FRONTEND: 'noninteractive', APT_CONFIG: aptConfig };
        if (!run(label, ins.text, inStage(stage.root, cwd), env)) return false;
        break;
      }
      case 'USER': case 'VOLUME': case 'EXPOSE': case 'HEALTHCHECK': case 'ENTRYPOINT': case 'CMD':
      case 'STOPSIGNAL': case 'LABEL': case 'SHELL':
        break; // image metadata: checked by lint-dockerfile.mjs and the smoke tests below
      default:
        fail(`line ${ins.line}: ${ins.keyword} is not supported by this runner`);
        return false;
    }
  }
  stage.vars = vars;
  stage.workdir = cwd;
  return true;
}

function newestSource(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

async function smokeTest(stage) {
  console.log(`==== smoke test of the ${stage.name} stage's layout`);
  const last = (kw) => stage.instructions.filter((i) => i.keyword === kw).at(-1);
  const mapArg = (a) => (a.startsWith('/') && existsSync(inStage(stage.root, a)) ? inStage(stage.root, a) : a);
  const appDir = inStage(stage.root, stage.workdir);
  const env = { ...process.env, ...stage.vars, VOIPWATCH_DATA_DIR: join(scratch, 'data') };
  const check = (label, ok, detail = '') => {
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${label}${detail ? `: ${detail}` : ''}`);
    if (!ok) failures.push(label);
  };
  const exec = (argv) => spawnSync(argv[0], argv.slice(1), { cwd: appDir, env, encoding: 'utf8', timeout: 60_000 });

  const entrypoint = last('ENTRYPOINT')?.json ?? [];
  const cmd = last('CMD')?.json ?? [];
  for (const args of [['help'], [...cmd, '--help']]) {
    const argv = [...entrypoint, ...args].map(mapArg);
    const r = exec(argv);
    check(`ENTRYPOINT ${[...entrypoint, ...args].join(' ')}`, r.status === 0, r.status === 0 ? `${r.stdout.split('\n')[0]}` : `exit ${r.status}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  }

  const pkg = JSON.parse(readFileSync(join(appDir, 'package.json'), 'utf8'));
  if (pkg.dependencies?.pcap) {
    const r = exec(['node', '-e', "const p = require('pcap'); console.log(p.lib_version)"]);
    check('the pcap binding loads from the copied node_modules', r.status === 0, (r.stdout || r.stderr).trim().split('\n')[0]);
  }
  const leftovers = Object.keys(pkg.devDependencies ?? {}).filter((d) => existsSync(join(appDir, 'node_modules', d)));
  check('no devDependency in the runtime node_modules', leftovers.length === 0, leftovers.join(', '));

  const bundle = join(appDir, 'dist', 'voipwatch.mjs');
  const sources = ['src', 'parsers', 'alerts'].map((d) => join(appDir, d));
  const fresh = existsSync(bundle) && sources.every((d) => existsSync(d) && newestSource(d) <= statSync(bundle).mtimeMs);
  check('the bundle is newer than every source (bin/voipwatch.js runs it, not tsx)', fresh);

  const hc = last('HEALTHCHECK');
  const hcCmd = hc ? healthcheckCommand(hc) : null;
  if (hcCmd) {
    for (const [status, want] of [[200, 0], [503, 1]]) {
      const server = createServer((_req, res) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end('{"status":"stub"}'); });
      await new Promise((r) => server.listen(0, '127.0.0.1', r));
      const { port } = server.address();
      const code = await new Promise((r) => {
        const child = spawn(hcCmd[0], hcCmd.slice(1).map(mapArg), { cwd: appDir, env: { ...env, VOIPWATCH_HTTP_LISTEN: `127.0.0.1:${port}` }, stdio: 'ignore' });
        child.on('close', r);
      });
      server.close();
      check(`HEALTHCHECK exits ${want} when /healthz answers ${status}`, code === want, `exit ${code}`);
    }
  }
}

const t0 = performance.now();
checkRelease();
if (!isRoot) console.log('note: not root: apt-get RUNs are not executed; their packages must be installed already');
const stageRoots = new Map();
let completed = true;
for (const stage of df.stages) {
  stage.root = join(scratch, stage.name);
  if (!runStage(stage, stageRoots)) { completed = false; break; }
  stageRoots.set(stage.name, stage.root);
}
if (completed) await smokeTest(df.stages.at(-1));

// The RUN lines end with `rm -rf /var/lib/apt/lists/*`, which on this machine removed the
// host's package lists: fetch them again, so apt-get install keeps working here.
// Not a failure of the Dockerfile when it cannot.
if (aptRan) {
  const r = spawnSync('apt-get', ['update', '-qq'], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive', APT_CONFIG: aptConfig }, stdio: ['ignore', 'inherit', 'inherit'] });
  console.log(r.status === 0 ? 'note: package lists fetched again (the RUN lines removed them)' : 'note: apt-get update failed: run it before the next apt-get install here');
}

console.log('====');
for (const s of skipped) console.log(`skipped ${s}`);
if (!values.keep) rmSync(scratch, { recursive: true, force: true });
else console.log(`scratch kept: ${scratch}`);
const runs = df.instructions.filter((i) => i.keyword === 'RUN').length;
if (failures.length || !completed) {
  console.log(`dockerfile commands: FAILED (${failures.join('; ')}) after ${seconds(t0)} s`);
  process.exit(1);
}
console.log(`dockerfile commands: ${runs - skipped.length} of ${runs} RUN executed, ${skipped.length} skipped, smoke tests passed, ${seconds(t0)} s`);
