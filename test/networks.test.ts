import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { NetworkClassifier } from '../src/net/networks.ts';
import { isVoipwatchError } from '../src/errors.ts';

const test = suite('NetworkClassifier');

test('treats the catalog default private ranges as internal and the rest as the internet', () => {
  const n = new NetworkClassifier();
  for (const ip of ['10.20.0.21', '172.16.5.1', '172.31.255.255', '192.168.1.1', '100.64.0.1', '127.0.0.1', '169.254.1.1', 'fd00::1', 'fe80::1', '::1']) {
    assert.ok(n.isInternal(ip), ip);
  }
  for (const ip of ['203.0.113.7', '172.32.0.1', '8.8.8.8', '2001:db8::1', '100.128.0.1']) assert.not.ok(n.isInternal(ip), ip);
});

test('classifies an IPv4-mapped IPv6 address by its IPv4 address', () => {
  const n = new NetworkClassifier();
  assert.ok(n.isInternal('::ffff:10.1.2.3'));
  assert.not.ok(n.isInternal('::ffff:203.0.113.9'));
});

test('uses the configured networks instead of the defaults', () => {
  const n = new NetworkClassifier(['203.0.113.0/24', '2001:db8::/32']);
  assert.ok(n.isInternal('203.0.113.200'));
  assert.ok(n.isInternal('2001:db8:1::5'));
  assert.not.ok(n.isInternal('10.0.0.1'));
});

test('rejects a malformed network with a coded error naming it', () => {
  try {
    new NetworkClassifier(['10.0.0.0/8', '300.1.2.0/24']);
    assert.unreachable('should have thrown');
  } catch (e) {
    assert.ok(isVoipwatchError(e));
    assert.is((e as { code: string }).code, 'ERR_CONFIG_CIDR');
    assert.match((e as Error).message, /300\.1\.2\.0\/24/);
  }
});

test('answers false for text that is not an address', () => {
  assert.not.ok(new NetworkClassifier().isInternal('not-an-ip'));
});

test('gives dotted quads the same verdict as ipaddr.js, edge octets and other spellings included', () => {
  const n = new NetworkClassifier(['10.0.0.0/8', '172.16.0.0/12', '0.0.0.0/32', '255.255.255.255/32']);
  for (const ip of ['10.0.0.0', '10.255.255.255', '172.31.255.255', '0.0.0.0', '255.255.255.255']) assert.ok(n.isInternal(ip), ip);
  for (const ip of ['11.0.0.0', '9.255.255.255', '172.32.0.0', '0.0.0.1', '255.255.255.254', '256.1.1.1', '10.1.2.3.4', '1..2.3']) {
    assert.not.ok(n.isInternal(ip), ip);
  }
  // Leading zeros are octal to ipaddr.js (012 = 10) and three parts a shortened form: such spellings take its path.
  assert.ok(n.isInternal('012.1.2.3'));
  assert.ok(n.isInternal('10.1.2'));
  assert.not.ok(n.isInternal('10.1.2.3 '));
});

test.run();
