import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compareFirmware, isOutdated, DEFAULT_FIRMWARE_POLICY, type FirmwarePolicy } from '../src/inventory/firmware-policy.ts';

const compare = suite('compareFirmware');

compare('orders dotted versions numerically, not as text', () => {
  assert.is(compareFirmware('10.1.33.33', '10.1.185.0'), -1);
  assert.is(compareFirmware('10.1.185.0', '10.1.33.33'), 1);
  assert.is(compareFirmware('8.7.3.25', '10.1.185.0'), -1);
  assert.is(compareFirmware('28.81.0.110', '28.81.0.110'), 0);
});

compare('treats a missing trailing part as zero', () => {
  assert.is(compareFirmware('10.1', '10.1.0.0'), 0);
  assert.is(compareFirmware('10.1', '10.1.0.1'), -1);
});

compare('orders letter suffixes after the plain release (Cisco 7.6.2 < 7.6.2a < 7.6.2c)', () => {
  assert.is(compareFirmware('7.6.2', '7.6.2a'), -1);
  assert.is(compareFirmware('7.6.2a', '7.6.2c'), -1);
  assert.is(compareFirmware('7.6.2c', '7.6.2'), 1);
  assert.is(compareFirmware('7.6.2C', '7.6.2c'), 0);
  assert.is(compareFirmware('7.6.2c', '7.6.3'), -1);
});

compare('ignores a leading release marker and leading zeros, and handles long build numbers', () => {
  assert.is(compareFirmware('R11.2.2', '11.3'), -1);
  assert.is(compareFirmware('V4.2.0.0', '4.2'), 0);
  assert.is(compareFirmware('3.1.2.0392', '3.1.2.392'), 0);
  assert.is(compareFirmware('021020000000', '021250000000'), -1);
  assert.is(compareFirmware('99999999999999999999', '100000000000000000000'), -1);
});

compare.run();

const outdated = suite('isOutdated');

outdated('flags Snom firmware older than the default minimum 10.1.185.0', () => {
  assert.equal(isOutdated('snom', 'D785', '10.1.33.33', DEFAULT_FIRMWARE_POLICY), { minimum: '10.1.185.0' });
  assert.equal(isOutdated('snom', '320', '8.7.3.25', DEFAULT_FIRMWARE_POLICY), { minimum: '10.1.185.0' });
  assert.is(isOutdated('snom', 'D785', '10.1.185.0', DEFAULT_FIRMWARE_POLICY), null);
  assert.is(isOutdated('Snom', 'D785', '10.1.200.5', DEFAULT_FIRMWARE_POLICY), null);
});

outdated('applies model-prefix rules only to matching models', () => {
  assert.equal(isOutdated('cisco', 'SPA504G', '7.5.5', DEFAULT_FIRMWARE_POLICY), { minimum: '7.6.2' });
  assert.is(isOutdated('cisco', 'SPA504G', '7.6.2c', DEFAULT_FIRMWARE_POLICY), null);
  assert.is(isOutdated('cisco', 'CP8845', '11.3.7', DEFAULT_FIRMWARE_POLICY), null);
  assert.is(isOutdated('cisco', null, '1.0', DEFAULT_FIRMWARE_POLICY), null);
});

outdated('prefers the longest matching model prefix over the vendor-wide rule', () => {
  const policy: FirmwarePolicy = [
    { vendor: 'yealink', minimum: '80.0' },
    { vendor: 'yealink', modelPrefix: 'T4', minimum: '66.0' },
    { vendor: 'yealink', modelPrefix: 'T46', minimum: '28.83' },
  ];
  assert.equal(isOutdated('yealink', 'T46G', '28.81.0.110', policy), { minimum: '28.83' });
  assert.is(isOutdated('yealink', 'T48G', '70.1', policy), null);
  assert.equal(isOutdated('yealink', 'T54W', '70.1', policy), { minimum: '80.0' });
});

outdated('does not judge vendors without a rule or versions without digits', () => {
  assert.is(isOutdated('fanvil', 'X4', '0.0.1', DEFAULT_FIRMWARE_POLICY), null);
  assert.is(isOutdated('snom', 'D785', 'unknown', DEFAULT_FIRMWARE_POLICY), null);
});

outdated('ships a frozen default policy with a reason for each rule', () => {
  assert.ok(Object.isFrozen(DEFAULT_FIRMWARE_POLICY));
  for (const rule of DEFAULT_FIRMWARE_POLICY) assert.ok(rule.reason && rule.reason.length > 10, rule.vendor);
});

outdated.run();
