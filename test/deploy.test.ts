/**
 * The deployment files: scripts/check-deploy.sh (linters, schema, systemd-analyze, the sensor's
 * own config loader) must pass, and the Dockerfile, the example config, the systemd unit and
 * the container health probe keep the properties the deployment relies on. The Dockerfile is
 * read here with a parser of its own (continuations joined, comments dropped), not the one the
 * checks use, so the two cannot share a blind spot.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { DEFAULT_FILTER, loadSensorConfig } from '../src/sensor/sensor-config.ts';
import { parseAlertsConfig } from '../alerts/alerts-config.ts';
// @ts-expect-error: a plain .mjs module without types
import { healthUrl } from '../deploy/healthcheck.mjs';

const root = new URL('..', import.meta.url).pathname;
const read = (path: string) => readFileSync(join(root, path), 'utf8');

interface Instruction { keyword: string; args: string; line: number }
interface Stage { from: string; name: string | null; instructions: Instruction[] }

/** Instructions per stage: `\` continuations joined, comment lines dropped. */
function readDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i + 1;
    let line = lines[i];
    if (/^\s*(#|$)/.test(line)) continue;
    while (/\\\s*$/.test(line) && i + 1 < lines.length) {
      line = line.replace(/\\\s*$/, ' ');
      i++;
      if (!/^\s*#/.test(lines[i])) line += lines[i];
    }
    const m = /^\s*([A-Za-z]+)\s+(.*)$/s.exec(line);
    if (!m) continue;
    const keyword = m[1].toUpperCase();
    const args = m[2].replace(/\s+/g, ' ').trim();
    if (keyword === 'FROM') {
      const f = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args)!;
      stages.push({ from: f[1], name: f[2] ?? null, instructions: [] });
    } else if (stages.length) {
      stages.at(-1)!.instructions.push({ keyword, args, line: start });
    }
  }
  return stages;
}

const stages = readDockerfile(read('Dockerfile'));
const runtime = stages.at(-1)!;
const all = stages.flatMap((s) => s.instructions);
const runs = all.filter((i) => i.keyword === 'RUN');
const only = (stage: Stage, keyword: string) => stage.instructions.filter((i) => i.keyword === keyword);

const checks = suite('scripts/check-deploy.sh');

checks('should pass every deployment check', () => {
  const r = spawnSync('bash', [join(root, 'scripts/check-deploy.sh')], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  const out = `${r.stdout}${r.stderr}`;
  assert.ok(r.status === 0 && out.includes('deployment checks passed'), `check-deploy.sh exited ${r.status}:\n${out}`);
  for (const check of ['dockerfile-utils', 'shellcheck on RUN lines', 'dclint', 'systemd-analyze verify', 'systemd-analyze security', 'BPF filters']) {
    assert.match(out, new RegExp(`ok   .*${check}`), `the ${check} check did not run:\n${out}`);
  }
});

checks.run();

const dockerfile = suite('Dockerfile');

dockerfile('should build in a node:22 bookworm stage and run from a slim one', () => {
  assert.ok(stages.length >= 2, `${stages.length} stage(s)`);
  assert.is(stages[0].name, 'build');
  assert.match(stages[0].from, /^node:(\$\{NODE_MAJOR\}|22)-bookworm$/);
  assert.match(runtime.from, /^node:(\$\{NODE_MAJOR\}|22)-bookworm-slim$/);
  assert.match(read('Dockerfile'), /^ARG NODE_MAJOR=22$/m);
});

dockerfile('should run as a fixed, non-root, numeric user', () => {
  const users = only(runtime, 'USER');
  assert.ok(users.length > 0, 'no USER in the runtime stage');
  const user = users.at(-1)!.args.replace(/\$\{SENSOR_UID\}/g, /^ARG SENSOR_UID=(\d+)$/m.exec(read('Dockerfile'))?.[1] ?? '?');
  assert.match(user, /^[1-9]\d*:[1-9]\d*$/);
  assert.match(runs.map((r) => r.args).join('\n'), /useradd --system --uid "\$\{SENSOR_UID\}"/);
});

dockerfile('should have a HEALTHCHECK that probes /healthz with node', () => {
  const hc = only(runtime, 'HEALTHCHECK');
  assert.is(hc.length, 1);
  assert.match(hc[0].args, /CMD \["node", "\/opt\/voipwatch\/deploy\/healthcheck\.mjs"\]$/);
  assert.match(read('deploy/healthcheck.mjs'), /127\.0\.0\.1:9310/);
  assert.ok(only(runtime, 'COPY').some((c) => c.args === 'deploy/healthcheck.mjs ./deploy/healthcheck.mjs'), 'the probe is not copied in');
});

dockerfile('should install npm packages only from the lockfile', () => {
  const npm = runs.map((r) => r.args).join(' && ');
  assert.not.match(npm, /\bnpm (install|i)\b/);
  assert.match(npm, /\bnpm ci\b/);
  const build = stages[0].instructions;
  const lock = build.findIndex((i) => i.keyword === 'COPY' && i.args.includes('package-lock.json'));
  const ci = build.findIndex((i) => i.keyword === 'RUN' && /\bnpm ci\b/.test(i.args));
  assert.ok(lock >= 0 && lock < ci, 'npm ci runs before package-lock.json is copied');
  assert.match(npm, /npm rebuild pcap/, 'pcap\'s native build is not run');
  assert.match(npm, /npm prune --omit=dev/);
});

dockerfile('should keep every apt-get install minimal and clean its lists', () => {
  const apt = runs.filter((r) => /apt-get install/.test(r.args));
  assert.is(apt.length, 2, 'one apt-get RUN per stage');
  for (const r of apt) {
    assert.match(r.args, /^apt-get update && apt-get install -y --no-install-recommends [^&]+&& rm -rf \/var\/lib\/apt\/lists\/\*$/, `line ${r.line}: ${r.args}`);
  }
  assert.not.match(runs.map((r) => r.args).join('\n'), /\bapt (install|update)\b/);
});

dockerfile('should leave compilers out of the runtime stage', () => {
  const installed = only(runtime, 'RUN').map((r) => r.args).join(' ');
  assert.match(installed, /\blibpcap0\.8\b/);
  assert.not.match(installed, /\b(g\+\+|gcc|make|python3|[a-z0-9.]+-dev)\b/);
});

dockerfile('should expose 9310, keep data in a volume and run the sensor by default', () => {
  assert.ok(only(runtime, 'EXPOSE').some((e) => e.args === '9310'));
  assert.ok(only(runtime, 'VOLUME').some((v) => v.args === '/var/lib/voipwatch'));
  assert.is(only(runtime, 'ENTRYPOINT').at(-1)!.args, '["node", "/opt/voipwatch/bin/voipwatch.js"]');
  assert.is(only(runtime, 'CMD').at(-1)!.args, '["sensor"]');
});

dockerfile('should give capture rights through file capabilities, explained', () => {
  assert.match(read('Dockerfile'), /^ARG CAPTURE_CAPS=cap_net_raw,cap_net_admin\+eip$/m);
  assert.match(runs.map((r) => r.args).join('\n'), /setcap "\$\{CAPTURE_CAPS\}"/);
  assert.match(read('Dockerfile'), /--cap-add NET_RAW --cap-add NET_ADMIN/);
});

dockerfile.run();

const example = suite('deploy/voipwatch.example.yaml');

example('should load with the sensor\'s loader and show its defaults', () => {
  const fromFile = loadSensorConfig({ config: join(root, 'deploy/voipwatch.example.yaml') }, {});
  const defaults = loadSensorConfig({ interfaces: ['eth1'], noStore: true }, {});
  assert.equal(fromFile.capture, defaults.capture);
  assert.is(fromFile.capture.filter, DEFAULT_FILTER);
  assert.equal(fromFile.queue, defaults.queue);
  assert.equal(fromFile.health, defaults.health);
  assert.equal(fromFile.http, defaults.http);
  assert.equal([...fromFile.networks.internal].sort(), [...defaults.networks.internal].sort());
  assert.equal([fromFile.snapshotIntervalSec, fromFile.settleSec, fromFile.log, fromFile.allowRoot],
    [defaults.snapshotIntervalSec, defaults.settleSec, defaults.log, defaults.allowRoot]);
  assert.is(fromFile.store?.dataDir, '/var/lib/voipwatch');
  assert.equal([fromFile.alerts.destinations.length, fromFile.alerts.allowlist.length], [0, 0], 'nothing is sent anywhere until configured');
  assert.is(fromFile.alerts.quietPeriodSec, 24 * 3600);
});

/** The commented example block of the alerts section, uncommented: what a user gets by removing the "# ". */
function alertExamples(): unknown {
  const lines = read('deploy/voipwatch.example.yaml').split('\n');
  const from = lines.findIndex((l) => l.startsWith('  # Examples, checked by test/deploy.test.ts'));
  const rest = lines.slice(from + 2);
  const end = rest.findIndex((l) => !l.startsWith('  #'));
  const block = rest.slice(0, end < 0 ? rest.length : end).map((l) => l.slice(4));
  return parseYaml(block.join('\n'));
}

example('should accept its commented alert examples once uncommented, secrets from the variables they name', () => {
  const alerts = parseAlertsConfig(alertExamples(), { SOC_WEBHOOK_SECRET: 's3cret', SPLUNK_HEC_TOKEN: 'hec-token' });
  assert.equal(alerts.destinations.map((d) => `${d.name}:${d.type}:${d.format}`),
    ['soc:webhook:json', 'slack-voice-team:webhook:slack', 'splunk:webhook:splunk-hec', 'siem-syslog:syslog:cef']);
  const soc = alerts.destinations[0];
  assert.is(soc.type === 'webhook' && soc.secret, 's3cret', 'the secret comes from the variable the file names');
  assert.is(alerts.allowlist.length, 1);
  assert.throws(() => parseAlertsConfig(alertExamples(), { SPLUNK_HEC_TOKEN: 'x' }),
    /alerts\.destinations\[0\]\.secretEnv: the environment variable SOC_WEBHOOK_SECRET is not set/);
});

example.run();

const unit = suite('deploy/voipwatch.service');

unit('should run unprivileged with capture capabilities only, and flush at stop', () => {
  const text = read('deploy/voipwatch.service');
  const settings = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (m) settings.set(m[1], [...settings.get(m[1]) ?? [], m[2]]);
  }
  const one = (key: string) => settings.get(key)?.at(-1);
  assert.is(one('User'), 'voipwatch');
  assert.is(one('AmbientCapabilities'), 'CAP_NET_RAW CAP_NET_ADMIN');
  assert.is(one('CapabilityBoundingSet'), 'CAP_NET_RAW CAP_NET_ADMIN');
  assert.is(one('NoNewPrivileges'), 'yes');
  assert.is(one('ProtectSystem'), 'strict');
  assert.is(one('ReadWritePaths'), '/var/lib/voipwatch');
  assert.is(one('StateDirectory'), 'voipwatch');
  assert.is(one('RestrictAddressFamilies'), 'AF_UNIX AF_INET AF_INET6 AF_PACKET AF_NETLINK');
  assert.is(one('KillSignal'), 'SIGTERM');
  assert.is(one('TimeoutStopSec'), '60');
  assert.is(one('ExecReload'), '/bin/kill -HUP $MAINPID');
  assert.is(one('EnvironmentFile'), '-/etc/voipwatch/voipwatch.env');
  assert.is(one('ExecStart'), '/usr/bin/node /opt/voipwatch/bin/voipwatch.js sensor --config /etc/voipwatch/voipwatch.yaml');
  assert.not.ok(settings.has('MemoryDenyWriteExecute'), 'V8 needs W+X memory');
  assert.not.ok(settings.has('PrivateUsers'), 'capabilities in a user namespace do not reach the host\'s interfaces');
});

unit.run();

const compose = suite('docker-compose.yml');

compose('should run the sensor on the host network with capture capabilities, ClickHouse on loopback', () => {
  const doc = parseYaml(read('docker-compose.yml'));
  const { sensor, clickhouse } = doc.services;
  assert.is(sensor.network_mode, 'host');
  assert.equal([...sensor.cap_add].sort(), ['NET_ADMIN', 'NET_RAW']);
  assert.is(sensor.depends_on.clickhouse.condition, 'service_healthy');
  assert.is(sensor.restart, 'unless-stopped');
  assert.is(sensor.environment.VOIPWATCH_CLICKHOUSE_URL, 'http://127.0.0.1:${CLICKHOUSE_HTTP_PORT:-8123}');
  assert.ok(sensor.volumes.includes('voipwatch-data:/var/lib/voipwatch'));
  assert.match(clickhouse.image, /^clickhouse\/clickhouse-server:\d+\.\d+$/);
  for (const p of clickhouse.ports) assert.match(p, /^127\.0\.0\.1:/);
  assert.ok(clickhouse.healthcheck.test.join(' ').includes('clickhouse-client'));
});

compose.run();

const probe = suite('deploy/healthcheck.mjs');

async function probeExit(listen: string, status: number | null): Promise<number | null> {
  const server = createServer((_req, res) => { res.writeHead(status ?? 500); res.end('{}'); });
  let env = listen;
  if (status !== null) {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    env = listen.replace('PORT', String((server.address() as AddressInfo).port));
  }
  try {
    return await new Promise((resolve) => {
      const child = spawn(process.execPath, [join(root, 'deploy/healthcheck.mjs')], { env: { ...process.env, VOIPWATCH_HTTP_LISTEN: env }, stdio: 'ignore' });
      child.on('close', resolve);
    });
  } finally {
    server.close();
  }
}

probe('should map the sensor\'s listen address to the URL it probes', () => {
  assert.is(healthUrl(), 'http://127.0.0.1:9310/healthz');
  assert.is(healthUrl('0.0.0.0:9310'), 'http://127.0.0.1:9310/healthz');
  assert.is(healthUrl('[::]:9400'), 'http://[::1]:9400/healthz');
  assert.is(healthUrl('[fd00::5]:9310'), 'http://[fd00::5]:9310/healthz');
  assert.is(healthUrl('sensor.local:80'), 'http://sensor.local:80/healthz');
  assert.is(healthUrl('9310'), null);
});

probe('should exit 0 only when /healthz answers 200', async () => {
  assert.is(await probeExit('127.0.0.1:PORT', 200), 0);
  assert.is(await probeExit('0.0.0.0:PORT', 200), 0);
  assert.is(await probeExit('127.0.0.1:PORT', 503), 1);
  assert.is(await probeExit('not an address', null), 1);
});

probe('should exit 1 when nothing listens', async () => {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  assert.is(await probeExit(`127.0.0.1:${port}`, null), 1);
});

probe.run();
