import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultDataDir, resolveStoreConfig } from '../src/store/store-config.ts';

const codeAndMessage = (fn: () => unknown): string => {
  try { fn(); } catch (e) { return `${(e as { code: string }).code} ${(e as Error).message}`; }
  return 'no error';
};

const test = suite('resolveStoreConfig');

test('embeds the store under XDG_DATA_HOME when nothing is configured', () => {
  const c = resolveStoreConfig({}, { XDG_DATA_HOME: '/srv/data' });
  assert.is(c.dataDir, '/srv/data/voipwatch');
  assert.is(c.url, null);
  assert.is(c.spoolDir, '/srv/data/voipwatch/spool');
  assert.is(defaultDataDir({ XDG_DATA_HOME: 'relative' }).endsWith('/.local/share/voipwatch'), true);
});

test('lets --data-dir win over VOIPWATCH_DATA_DIR', () => {
  assert.is(resolveStoreConfig({}, { VOIPWATCH_DATA_DIR: '/a' }).dataDir, '/a');
  assert.is(resolveStoreConfig({ dataDir: '/b' }, { VOIPWATCH_DATA_DIR: '/a' }).dataDir, '/b');
});

test('reads the server, credentials, sensor, site and per-table TTL from the environment', () => {
  const c = resolveStoreConfig({}, {
    VOIPWATCH_CLICKHOUSE_URL: 'https://ch.example:8443', VOIPWATCH_CLICKHOUSE_USER: 'voip', VOIPWATCH_CLICKHOUSE_PASSWORD: 'pw',
    VOIPWATCH_CLICKHOUSE_CLUSTER: 'voip_cluster', VOIPWATCH_SENSOR: 'hq-span-1', VOIPWATCH_SITE: 'hq', VOIPWATCH_TTL_DAYS_SIP_MESSAGES: '7',
  });
  assert.equal([c.url, c.user, c.password, c.cluster, c.sensor, c.site, c.ttlDays.sip_messages, c.ttlDays.findings],
    ['https://ch.example:8443', 'voip', 'pw', 'voip_cluster', 'hq-span-1', 'hq', 7, 365]);
});

test('names the variable of every bad value', () => {
  assert.match(codeAndMessage(() => resolveStoreConfig({}, { VOIPWATCH_CLICKHOUSE_URL: 'ftp://x' })), /^ERR_STORE_CONFIG VOIPWATCH_CLICKHOUSE_URL must be http/);
  assert.match(codeAndMessage(() => resolveStoreConfig({ url: 'not a url' }, {})), /^ERR_STORE_CONFIG .*not a URL/);
  assert.match(codeAndMessage(() => resolveStoreConfig({}, { VOIPWATCH_TTL_DAYS_CALLS: 'ten' })), /VOIPWATCH_TTL_DAYS_CALLS must be an integer/);
  assert.match(codeAndMessage(() => resolveStoreConfig({}, { VOIPWATCH_CLICKHOUSE_DATABASE: 'voip; DROP TABLE x' })), /VOIPWATCH_CLICKHOUSE_DATABASE must be a plain identifier/);
  assert.match(codeAndMessage(() => resolveStoreConfig({}, { VOIPWATCH_SENSOR: 'a b' })), /VOIPWATCH_SENSOR must be/);
  assert.match(codeAndMessage(() => resolveStoreConfig({}, { VOIPWATCH_SIP_MESSAGES: 'maybe' })), /VOIPWATCH_SIP_MESSAGES must be true or false/);
});

test('refuses a cluster without a server', () => {
  assert.match(codeAndMessage(() => resolveStoreConfig({}, { VOIPWATCH_CLICKHOUSE_CLUSTER: 'c' })), /needs a server/);
});

test('returns a frozen configuration', () => {
  assert.ok(Object.isFrozen(resolveStoreConfig({}, {})));
});

test.run();
