import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DeviceTable, applyFingerprint } from '../src/inventory/device-table.ts';
import { fingerprintHeader } from '../src/inventory/fingerprint.ts';

const apply = suite('applyFingerprint');

apply('replaces vendor, model and firmware together when another vendor speaks', () => {
  const d = new DeviceTable().touch('10.20.0.23', 1);
  applyFingerprint(d, fingerprintHeader('snomD785/10.1.33.33'));
  applyFingerprint(d, fingerprintHeader('baresip v1.0.0 (x86_64/Linux)'));
  assert.equal([d.vendor, d.model, d.firmware], ['baresip', 'baresip', '1.0.0']);
});

apply('keeps what the same vendor said before when a header omits it', () => {
  const d = new DeviceTable().touch('10.20.0.21', 1);
  applyFingerprint(d, fingerprintHeader('snomD785/10.1.33.33'));
  applyFingerprint(d, fingerprintHeader('snom embedded'));
  assert.equal([d.vendor, d.model, d.firmware], ['snom', 'D785', '10.1.33.33']);
});

apply('ignores a header that names no vendor', () => {
  const d = new DeviceTable().touch('10.20.0.21', 1);
  applyFingerprint(d, fingerprintHeader('snomD785/10.1.33.33'));
  applyFingerprint(d, fingerprintHeader('curl/7.88.1'));
  assert.is(d.vendor, 'snom');
});

apply.run();

const macs = suite('DeviceTable.observeMac');

macs('keeps the MAC of a host that sources one address', () => {
  const t = new DeviceTable();
  t.observeMac('10.20.0.21', '00:04:13:aa:bb:cc', 1);
  assert.is(t.get('10.20.0.21')?.mac, '00:04:13:aa:bb:cc');
});

macs('drops the MAC once it sources a second address (a router)', () => {
  const t = new DeviceTable();
  t.observeMac('203.0.113.7', '00:0d:b9:4e:20:01', 1);
  t.observeMac('198.51.100.23', '00:0d:b9:4e:20:01', 2);
  assert.is(t.get('203.0.113.7')?.mac, null);
  assert.is(t.get('198.51.100.23'), undefined);
});

macs.run();
