import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_FILTER, loadSensorConfig } from '../src/sensor/sensor-config.ts';

const dir = mkdtempSync(join(tmpdir(), 'voipwatch-config-'));
const file = (name: string, text: string): string => { const p = join(dir, name); writeFileSync(p, text); return p; };
const errorOf = (fn: () => unknown): string => {
  try { fn(); } catch (e) { return `${(e as { code: string }).code} ${(e as Error).message}`; }
  return 'no error';
};

const test = suite('loadSensorConfig');

test('takes defaults, then the file, then the environment, then flags', () => {
  const cfg = file('a.yaml', 'interfaces: [eth1]\ncapture:\n  snaplen: 1500\n  bufferSizeMiB: 32\nhttp:\n  listen: "127.0.0.1:9400"\n');
  const fromFile = loadSensorConfig({ config: cfg, noStore: true }, {});
  assert.equal([fromFile.interfaces, fromFile.capture.snaplen, fromFile.capture.bufferSizeMiB, fromFile.http], [['eth1'], 1500, 32, { host: '127.0.0.1', port: 9400 }]);
  assert.is(fromFile.capture.filter, DEFAULT_FILTER);
  const fromEnv = loadSensorConfig({ config: cfg, noStore: true }, { VOIPWATCH_SNAPLEN: '9000', VOIPWATCH_INTERFACES: 'eth2, eth3' });
  assert.equal([fromEnv.interfaces, fromEnv.capture.snaplen], [['eth2', 'eth3'], 9000]);
  const fromFlags = loadSensorConfig({ config: cfg, noStore: true, snaplen: '128', interfaces: ['mirror0'] }, { VOIPWATCH_SNAPLEN: '9000' });
  assert.equal([fromFlags.interfaces, fromFlags.capture.snaplen], [['mirror0'], 128]);
});

test('names the key or variable of every bad value', () => {
  assert.match(errorOf(() => loadSensorConfig({ interfaces: ['eth1'], noStore: true }, { VOIPWATCH_SNAPLEN: '10' })), /^ERR_CONFIG VOIPWATCH_SNAPLEN: must be a number from 64/);
  const cfg = file('b.yaml', 'interfaces: [eth1]\ncapture:\n  promiscuous: maybe\n');
  assert.match(errorOf(() => loadSensorConfig({ config: cfg, noStore: true }, {})), /^ERR_CONFIG capture\.promiscuous: must be true or false/);
  assert.match(errorOf(() => loadSensorConfig({ interfaces: ['eth1'], noStore: true, httpListen: 'nowhere' }, {})), /--http-listen: expected host:port/);
  assert.match(errorOf(() => loadSensorConfig({ interfaces: ['eth1'], noStore: true }, { VOIPWATCH_INTERNAL_NETWORKS: '10.0.0.0/33' })), /^ERR_CONFIG VOIPWATCH_INTERNAL_NETWORKS: not a network/);
  assert.match(errorOf(() => loadSensorConfig({ interfaces: ['eth1'] }, { VOIPWATCH_CLICKHOUSE_URL: 'ftp://x' })), /^ERR_CONFIG store: VOIPWATCH_CLICKHOUSE_URL must be http/);
});

test('refuses unknown keys, so a typo never keeps a default silently', () => {
  const cfg = file('c.yaml', 'interfaces: [eth1]\ncapture:\n  snaplenn: 1500\n');
  assert.match(errorOf(() => loadSensorConfig({ config: cfg, noStore: true }, {})), /capture\.snaplenn: unknown setting/);
  const top = file('d.yaml', 'interface: eth1\n');
  assert.match(errorOf(() => loadSensorConfig({ config: top, noStore: true }, {})), /interface: unknown setting/);
});

test('needs at least one interface and a readable, valid YAML file', () => {
  assert.match(errorOf(() => loadSensorConfig({ noStore: true }, {})), /no capture interface/);
  assert.match(errorOf(() => loadSensorConfig({ config: join(dir, 'missing.yaml') }, {})), /cannot read the config file/);
  assert.match(errorOf(() => loadSensorConfig({ config: file('e.yaml', 'capture: [unclosed\n') }, {})), /is not valid YAML/);
  assert.match(errorOf(() => loadSensorConfig({ interfaces: ['eth1;rm -rf /'], noStore: true }, {})), /not an interface name/);
});

test('maps the store section onto the store settings, with variables winning', () => {
  const cfg = file('f.yaml', 'interfaces: [eth1]\nstore:\n  dataDir: /var/lib/vw\n  sensor: span-1\n  site: hq\n');
  const c = loadSensorConfig({ config: cfg }, { VOIPWATCH_SITE: 'branch' });
  assert.equal([c.store?.dataDir, c.store?.sensor, c.store?.site], ['/var/lib/vw', 'span-1', 'branch']);
  assert.is(loadSensorConfig({ config: cfg, noStore: true }, {}).store, null);
});

test('returns a frozen configuration', () => {
  const c = loadSensorConfig({ interfaces: ['eth1'], noStore: true }, {});
  assert.ok(Object.isFrozen(c) && Object.isFrozen(c.capture) && Object.isFrozen(c.interfaces));
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
