import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseAlertsConfig, DEFAULT_DELIVERY } from '../alerts/alerts-config.ts';

const test = suite('parseAlertsConfig');
const NOW = Date.parse('2026-11-02T09:00:00Z') / 1000;
const hook = { name: 'soc', type: 'webhook', url: 'https://soc.example.org/hook' };

test('should give the documented defaults for a destination with only a name, type and URL', () => {
  const c = parseAlertsConfig({ destinations: [hook] }, {}, NOW);
  const [d] = c.destinations;
  assert.is(d.type, 'webhook');
  assert.is(d.format, 'json');
  assert.equal(d.filter, { minSeverity: 'low', rules: null, sites: null });
  assert.equal(d.delivery, DEFAULT_DELIVERY);
  assert.is(c.quietPeriodSec, 86_400);
  assert.ok(Object.isFrozen(c.destinations[0].delivery));
});

test('should name the bad key in every error', () => {
  const cases: [unknown, RegExp][] = [
    [{ quietPeriodHour: 3 }, /alerts\.quietPeriodHour: unknown setting/],
    [{ destinations: [{ ...hook, url: 'ftp://x' }] }, /alerts\.destinations\[0\]\.url: must be http/],
    [{ destinations: [{ ...hook, name: 'SOC team' }] }, /alerts\.destinations\[0\]\.name/],
    [{ destinations: [hook, hook] }, /alerts\.destinations\[1\]\.name: soc is used twice/],
    [{ destinations: [{ ...hook, format: 'xml' }] }, /alerts\.destinations\[0\]\.format: one of json, slack, splunk-hec, ecs/],
    [{ destinations: [{ ...hook, format: 'splunk-hec' }] }, /alerts\.destinations\[0\]\.token: a splunk-hec destination needs/],
    [{ destinations: [{ ...hook, minSeverity: 'urgent' }] }, /alerts\.destinations\[0\]\.minSeverity/],
    [{ destinations: [{ ...hook, timeoutMs: 5 }] }, /alerts\.destinations\[0\]\.timeoutMs: must be a number from 100/],
    [{ destinations: [{ ...hook, headers: { 'X-Key': 'a\r\nInjected: 1' } }] }, /alerts\.destinations\[0\]\.headers\.X-Key/],
    [{ destinations: [{ ...hook, secret: 'a', secretEnv: 'B' }] }, /alerts\.destinations\[0\]\.secret: set either/],
    [{ destinations: [{ name: 's', type: 'syslog', host: 'siem', protocol: 'quic' }] }, /alerts\.destinations\[0\]\.protocol: udp, tcp or tls/],
    [{ destinations: [{ name: 's', type: 'email' }] }, /alerts\.destinations\[0\]\.type: webhook or syslog/],
    [{ allowlist: [{ rule: 'plaintext-sip', expires: '30d' }] }, /alerts\.allowlist\[0\]\.reason: every allowlist entry needs a reason/],
    [{ allowlist: [{ rule: 'plaintext-sip', reason: 'x' }] }, /alerts\.allowlist\[0\]\.expires/],
    [{ allowlist: [{ cidr: '10.0.0.0/40', reason: 'x', expires: 'never' }] }, /alerts\.allowlist\[0\]: cidr/],
  ];
  for (const [section, message] of cases) {
    try {
      parseAlertsConfig(section, {}, NOW);
      assert.unreachable(`accepted ${JSON.stringify(section)}`);
    } catch (e) {
      assert.is((e as { code?: string }).code, 'ERR_CONFIG', JSON.stringify(section));
      assert.match((e as Error).message, message);
    }
  }
});

test('should read secrets from the named environment variables and keep config allowlist ids stable across restarts', () => {
  const section = {
    destinations: [{ ...hook, format: 'splunk-hec', tokenEnv: 'HEC', secretEnv: 'SIG' }],
    allowlist: [{ rule: 'plaintext-sip', cidr: '10.9.0.0/16', reason: 'DECT bases', expires: '2027-03-31' }],
  };
  const a = parseAlertsConfig(section, { HEC: 'tok', SIG: 'key' }, NOW);
  const b = parseAlertsConfig(section, { HEC: 'tok', SIG: 'key' }, NOW + 3600);
  const d = a.destinations[0];
  assert.ok(d.type === 'webhook' && d.token === 'tok' && d.secret === 'key');
  assert.is(a.allowlist[0].id, b.allowlist[0].id);
  assert.is(a.allowlist[0].expiresAt, Date.parse('2027-03-31T00:00:00Z') / 1000);
});

test('should default syslog over TLS to port 6514 and facility 10', () => {
  const [d] = parseAlertsConfig({ destinations: [{ name: 'siem', type: 'syslog', host: 'siem.example.org', protocol: 'tls' }] }, {}, NOW).destinations;
  assert.ok(d.type === 'syslog');
  assert.equal([d.port, d.facility, d.format, d.appName], [6514, 10, 'cef', 'voipwatch']);
});

test.run();

const version = suite('VOIPWATCH_VERSION');
version('should equal the version in package.json', async () => {
  const { VOIPWATCH_VERSION } = await import('../src/version.ts');
  const { readFileSync } = await import('node:fs');
  assert.is(VOIPWATCH_VERSION, JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version);
});
version.run();
