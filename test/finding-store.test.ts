import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { FindingStore, findingId } from '../alerts/finding-store.ts';

const test = suite('FindingStore');
const base = { rule: 'default-credentials', ts: 100, deviceIp: '10.0.0.5', peerIp: '203.0.113.7', summary: 'tried', evidence: { result: 'rejected' } };

test('deduplicates sightings per rule, device and peer, counting them with first and last seen', () => {
  const s = new FindingStore();
  s.report({ ...base, severity: 'high' });
  s.report({ ...base, severity: 'high', ts: 50 });
  s.report({ ...base, severity: 'high', ts: 300 });
  s.report({ ...base, severity: 'high', peerIp: '198.51.100.1' });
  const all = s.all();
  assert.is(all.length, 2);
  const first = all.find((f) => f.peerIp === '203.0.113.7')!;
  assert.is(first.count, 3);
  assert.is(first.firstSeen, 50);
  assert.is(first.lastSeen, 300);
});

test('raises the severity and keeps the stronger evidence when a default credential is later accepted', () => {
  const s = new FindingStore();
  s.report({ ...base, severity: 'high' });
  s.report({ ...base, severity: 'critical', summary: 'accepted', evidence: { result: 'accepted' } });
  s.report({ ...base, severity: 'high' });
  const [f] = s.all();
  assert.is(f.severity, 'critical');
  assert.is(f.evidence.result, 'accepted');
  assert.is(f.count, 3);
});

test('gives a finding an id that is stable across runs and differs per peer', () => {
  assert.is(findingId('a', '1.1.1.1', null), findingId('a', '1.1.1.1', null));
  assert.is.not(findingId('a', '1.1.1.1', '2.2.2.2'), findingId('a', '1.1.1.1', null));
  assert.match(findingId('a', '1.1.1.1', null), /^[0-9a-f]{16}$/);
});

test.run();
