#!/usr/bin/env node
// What a schema cannot see in docker-compose.yml (dclint checks the schema and style):
//   - every variable it reads is documented in deploy/.env.example, and every one documented
//     there is read;
//   - with .env.example's values interpolated: the sensor runs on the host network with
//     NET_RAW and NET_ADMIN, without no-new-privileges (the image's file capabilities need
//     both), with at least the unit's 60 s to flush at stop; ports are published on loopback
//     only; depends_on names services with a healthcheck; bind-mount sources and the build
//     context exist;
//   - the sensor's environment and mounted config load with the sensor's own loader.
// Run with tsx (it imports the TypeScript config loader):
//   node --import tsx scripts/deploy/check-compose.mjs [docker-compose.yml] [deploy/.env.example]
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { loadSensorConfig } from '../../src/sensor/sensor-config.ts';

const composeFile = resolve(process.argv[2] ?? 'docker-compose.yml');
const envFile = resolve(process.argv[3] ?? 'deploy/.env.example');
const projectDir = dirname(composeFile);
const SENSOR = 'sensor';
const CAPTURE_CAPS = ['NET_RAW', 'NET_ADMIN'];
/** The systemd unit's TimeoutStopSec: the sensor flushes to the store on SIGTERM. */
const MIN_STOP_GRACE_SEC = 60;

const problems = [];
const where = (s) => relative(process.cwd(), s) || s;

/** NAME=value lines (no export, no quotes needed), as compose reads a .env file. */
function readEnvFile(path) {
  const vars = {};
  for (const [n, raw] of readFileSync(path, 'utf8').split('\n').entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) { problems.push(`${where(path)}:${n + 1}: not NAME=value: ${line}`); continue; }
    vars[m[1]] = m[2].replace(/^(['"])(.*)\1$/, '$2');
  }
  return vars;
}

/** Compose interpolation: ${V}, ${V:-d}, ${V-d}, ${V:?msg}, ${V?msg}, $V, and $$ for a literal $. */
function interpolate(text, vars, onMissing) {
  return text.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (all, name, op, word, bare) => {
    if (all === '$$') return '$';
    const n = name ?? bare;
    const v = vars[n];
    const unset = op?.startsWith(':') ? !v : v === undefined;
    if (op?.endsWith('-')) return unset ? word : v;
    if (op?.endsWith('?') && unset) { onMissing(n, word); return ''; }
    return v ?? '';
  });
}

const durationSec = (d) => {
  if (d === undefined) return 10; // Docker's default
  let total = 0;
  for (const [, n, unit] of String(d).matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us|ns)/g)) total += Number(n) * { h: 3600, m: 60, s: 1, ms: 1e-3, us: 1e-6, ns: 1e-9 }[unit];
  return total;
};

const text = readFileSync(composeFile, 'utf8');
const documented = readEnvFile(envFile);
const read = new Set([...text.replace(/\$\$/g, '').matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)|\$([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1] ?? m[2]));
for (const v of read) if (!(v in documented)) problems.push(`${where(composeFile)} reads \${${v}}, which ${where(envFile)} does not document`);
for (const v of Object.keys(documented)) if (!read.has(v)) problems.push(`${where(envFile)} documents ${v}, which ${where(composeFile)} does not read`);

const doc = parseYaml(interpolate(text, documented, (n, msg) => problems.push(`\${${n}} is required (${msg}) and ${where(envFile)} leaves it empty`)));
const services = doc?.services ?? {};
const sensor = services[SENSOR];
if (!sensor) problems.push(`no service named ${SENSOR}`);

for (const [name, svc] of Object.entries(services)) {
  for (const p of svc.ports ?? []) {
    const spec = typeof p === 'object' ? `${p.host_ip ?? ''}:${p.published ?? ''}:${p.target}` : String(p);
    const hostIp = typeof p === 'object' ? p.host_ip : (/^(\[[^\]]+\]|[\d.]+):\d+(-\d+)?:\d+/.exec(spec)?.[1]);
    if (hostIp !== '127.0.0.1' && hostIp !== '[::1]') problems.push(`${name}: port ${spec} is published on every address; bind it to 127.0.0.1`);
  }
  const deps = Array.isArray(svc.depends_on) ? Object.fromEntries(svc.depends_on.map((d) => [d, {}])) : svc.depends_on ?? {};
  for (const [dep, how] of Object.entries(deps)) {
    if (!services[dep]) problems.push(`${name}: depends_on ${dep}, which is no service here`);
    else if (how.condition === 'service_healthy' && !services[dep].healthcheck) problems.push(`${name}: waits for ${dep} to be healthy, but ${dep} has no healthcheck`);
  }
  for (const v of svc.volumes ?? []) {
    const source = typeof v === 'object' ? (v.type === 'bind' ? v.source : null) : String(v).split(':')[0];
    if (source && (source.startsWith('.') || isAbsolute(source)) && !existsSync(resolve(projectDir, source))) problems.push(`${name}: bind-mount source ${source} does not exist`);
    if (source && !source.startsWith('.') && !isAbsolute(source) && !(doc.volumes && source in doc.volumes)) problems.push(`${name}: volume ${source} is not declared under volumes:`);
  }
  if (svc.build) {
    const ctx = resolve(projectDir, typeof svc.build === 'string' ? svc.build : svc.build.context ?? '.');
    const dockerfile = typeof svc.build === 'object' && svc.build.dockerfile ? svc.build.dockerfile : 'Dockerfile';
    if (!existsSync(resolve(ctx, dockerfile))) problems.push(`${name}: build context ${where(ctx)} has no ${dockerfile}`);
  }
}

if (sensor) {
  if (sensor.network_mode !== 'host') problems.push(`${SENSOR}: network_mode must be host, to capture on the host's interfaces (is ${sensor.network_mode})`);
  if (sensor.ports) problems.push(`${SENSOR}: ports mean nothing with host networking`);
  const caps = (sensor.cap_add ?? []).map((c) => String(c).replace(/^CAP_/, ''));
  for (const c of CAPTURE_CAPS) if (!caps.includes(c)) problems.push(`${SENSOR}: cap_add lacks ${c} (the image's node binary needs it in the bounding set to start)`);
  if ((sensor.security_opt ?? []).some((o) => /no-new-privileges(:true)?$/.test(o))) problems.push(`${SENSOR}: no-new-privileges disables the file capabilities capture relies on`);
  if (durationSec(sensor.stop_grace_period) < MIN_STOP_GRACE_SEC) problems.push(`${SENSOR}: stop_grace_period ${sensor.stop_grace_period ?? '10s (default)'} is shorter than the ${MIN_STOP_GRACE_SEC} s the sensor may need to flush`);
  if (sensor.restart !== 'unless-stopped' && sensor.restart !== 'always') problems.push(`${SENSOR}: restart should be unless-stopped`);

  // The sensor's own loader, with the environment and the config file the service gets.
  const env = Array.isArray(sensor.environment)
    ? Object.fromEntries(sensor.environment.map((e) => { const i = e.indexOf('='); return [e.slice(0, i), e.slice(i + 1)]; }))
    : Object.fromEntries(Object.entries(sensor.environment ?? {}).map(([k, v]) => [k, String(v ?? '')]));
  const command = Array.isArray(sensor.command) ? sensor.command : String(sensor.command ?? 'sensor').split(/\s+/);
  const configAt = command.indexOf('--config');
  let config;
  if (configAt >= 0) {
    const target = command[configAt + 1];
    const mount = (sensor.volumes ?? []).map(String).find((v) => v.split(':')[1] === target);
    if (!mount) problems.push(`${SENSOR}: --config ${target} is not mounted`);
    else config = resolve(projectDir, mount.split(':')[0]);
  }
  try {
    const c = loadSensorConfig({ config }, env);
    console.log(`${SENSOR}: the sensor's loader takes its environment${config ? ` and ${where(config)}` : ''}: interfaces ${c.interfaces.join(',')}, store ${c.store?.url ?? c.store?.dataDir}, http ${c.http.host}:${c.http.port}`);
  } catch (e) {
    problems.push(`${SENSOR}: the sensor rejects its settings: ${e.code ?? ''} ${e.message}`);
  }
}

for (const p of problems) console.log(p);
if (!problems.length) console.log(`${where(composeFile)}: ${Object.keys(services).length} services (${Object.keys(services).join(', ')}), ${read.size} variables, all documented in ${where(envFile)}`);
process.exit(problems.length ? 1 : 0);
