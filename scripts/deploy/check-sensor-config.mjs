#!/usr/bin/env node
// Checks the deployment's sensor settings against the sensor itself (run with tsx, since it
// imports the TypeScript sources):
//   1. deploy/voipwatch.example.yaml loads with the sensor's own loader (unknown keys and bad
//      values are errors there);
//   2. every VOIPWATCH_* variable named in the deployment files is one the sources read, so a
//      misspelt variable (silently ignored by the sensor) fails here;
//   3. with BPF_COMPILE set (the path of scripts/deploy/bpf-compile.c, built), the example's
//      capture filter and the sensor's default filter compile with libpcap for Ethernet.
//
//   node --import tsx scripts/deploy/check-sensor-config.mjs
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULT_FILTER, loadSensorConfig } from '../../src/sensor/sensor-config.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const EXAMPLE = 'deploy/voipwatch.example.yaml';
const DEPLOY_FILES = ['Dockerfile', 'docker-compose.yml', 'deploy/.env.example', 'deploy/voipwatch.service', EXAMPLE, 'deploy/healthcheck.mjs'];
/** Variables read under a prefix (the table name follows). */
const PREFIXES = ['VOIPWATCH_TTL_DAYS_'];
const LINKTYPE_ETHERNET = 1;

const problems = new Set();

// 1. The example configuration, through the sensor's loader, with no variables to mask it.
let config;
try {
  config = loadSensorConfig({ config: `${root}${EXAMPLE}` }, {});
  console.log(`${EXAMPLE}: loads (interfaces ${config.interfaces.join(',')}, store ${config.store?.url ?? config.store?.dataDir}, http ${config.http.host}:${config.http.port})`);
} catch (e) {
  problems.add(`${EXAMPLE}: ${e.code ?? ''} ${e.message}`);
}

// 2. Variable names: those the sources read, against those the deployment files name.
const known = new Set();
const walk = (dir) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory()) walk(path);
    else if (e.name.endsWith('.ts')) for (const m of readFileSync(path, 'utf8').matchAll(/VOIPWATCH_[A-Z0-9_]*[A-Z0-9]/g)) known.add(m[0]);
  }
};
walk(`${root}src`);
let named = 0;
for (const file of DEPLOY_FILES) {
  const text = readFileSync(`${root}${file}`, 'utf8');
  for (const [name] of text.matchAll(/VOIPWATCH_[A-Z0-9_]*[A-Z0-9]/g)) {
    named++;
    if (!known.has(name) && !PREFIXES.some((p) => name.startsWith(p))) problems.add(`${file}: ${name} is read nowhere in src/ (misspelt, or not implemented)`);
  }
}
console.log(`variables: ${named} mentions in ${DEPLOY_FILES.length} files, checked against ${known.size} names in src/`);

// 3. Capture filters, compiled by libpcap for the link type of a mirror port.
if (process.env.BPF_COMPILE) {
  const filters = [['the default filter (src/sensor/sensor-config.ts)', DEFAULT_FILTER]];
  if (config) filters.push([`${EXAMPLE} capture.filter`, config.capture.filter]);
  for (const [what, filter] of filters) {
    try {
      const insns = execFileSync(process.env.BPF_COMPILE, [String(LINKTYPE_ETHERNET), String(config?.capture.snaplen ?? 262_144), filter], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
      console.log(`${what}: compiles for Ethernet (${insns} BPF instructions)`);
    } catch (e) {
      problems.add(`${what} does not compile: ${String(e.stderr ?? e.message).trim()}`);
    }
  }
}

for (const p of problems) console.log(p);
process.exit(problems.size ? 1 : 0);
