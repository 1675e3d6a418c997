import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { IpDefragmenter, type DefragOptions, type Reassembled } from '../src/net/ip-defrag.ts';
import { decodeIPv4, decodeIPv6, IpProto, type IPv4Packet, type IPv6Packet } from '../parsers/ip.ts';
import { ipv4, ipv6, fragmentHeaderBody } from './support/frames.ts';

/** A datagram payload with recognizable bytes. */
const datagram = (n: number, seed = 0) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff));

function frag4(payload: Buffer, start: number, end: number, o: { id?: number; src?: string; last?: boolean } = {}): Buffer {
  const more = !(o.last ?? end >= payload.length);
  return ipv4(payload.subarray(start, end), { protocol: 17, id: o.id ?? 7, src: o.src, fragmentOffset: start, moreFragments: more });
}

function frag6(payload: Buffer, start: number, end: number, id = 99, nextHeader = 17): Buffer {
  const more = end < payload.length;
  return ipv6(payload.subarray(start, end), { nextHeader, ext: [[IpProto.FRAGMENT, fragmentHeaderBody(start, more, id)]] });
}

function harness(opts: DefragOptions = {}) {
  const anomalies: Record<string, number> = {};
  const d = new IpDefragmenter(opts, (code) => { anomalies[code] = (anomalies[code] ?? 0) + 1; });
  const add4 = (pkt: Buffer, ts = 0): Reassembled | null => d.addIPv4(pkt, decodeIPv4(pkt, 0) as IPv4Packet, ts);
  const add6 = (pkt: Buffer, ts = 0): Reassembled | null => d.addIPv6(pkt, decodeIPv6(pkt, 0) as IPv6Packet, ts);
  return { d, anomalies, add4, add6 };
}

const v4 = suite('IpDefragmenter: IPv4');

v4('reassembles a datagram split in two in-order fragments', () => {
  const { d, add4 } = harness();
  const p = datagram(3000);
  assert.is(add4(frag4(p, 0, 1480)), null);
  const r = add4(frag4(p, 1480, 3000));
  assert.ok(r);
  assert.equal([r.protocol, r.fragments, r.payload.equals(p)], [17, 2, true]);
  assert.equal([d.counters.fragments, d.counters.reassembled, d.counters.datagramsHeld, d.counters.bytesHeld], [2, 1, 0, 0]);
});

v4('reassembles fragments arriving in any order', () => {
  const p = datagram(4000, 3);
  const pieces = [[0, 1000], [1000, 2000], [2000, 3000], [3000, 4000]];
  for (const order of [[3, 2, 1, 0], [1, 3, 0, 2], [2, 0, 3, 1]]) {
    const { add4 } = harness();
    let r: Reassembled | null = null;
    for (const i of order) r = add4(frag4(p, pieces[i][0], pieces[i][1]));
    assert.ok(r?.payload.equals(p), String(order));
  }
});

v4('keeps datagrams with different ids, sources or protocols apart', () => {
  const { add4, d } = harness();
  const a = datagram(2000, 1), b = datagram(2000, 2);
  assert.is(add4(frag4(a, 0, 1000, { id: 1 })), null);
  assert.is(add4(frag4(b, 0, 1000, { id: 2 })), null);
  assert.is(add4(frag4(b, 0, 1000, { id: 1, src: '10.9.9.9' })), null);
  assert.ok(add4(frag4(b, 1000, 2000, { id: 2 }))?.payload.equals(b));
  assert.ok(add4(frag4(a, 1000, 2000, { id: 1 }))?.payload.equals(a));
  assert.is(d.counters.datagramsHeld, 1);
});

v4('counts an exact repeat of a fragment as a duplicate, not an anomaly', () => {
  const { add4, d, anomalies } = harness();
  const p = datagram(2000);
  add4(frag4(p, 0, 1000));
  add4(frag4(p, 0, 1000));
  assert.ok(add4(frag4(p, 1000, 2000))?.payload.equals(p));
  assert.equal([d.counters.duplicates, anomalies], [1, {}]);
});

v4('resolves a consistent partial overlap and counts it', () => {
  const { add4, d, anomalies } = harness();
  const p = datagram(2400);
  add4(frag4(p, 0, 1200));
  add4(frag4(p, 800, 2000));
  assert.ok(add4(frag4(p, 1600, 2400))?.payload.equals(p));
  assert.equal([d.counters.overlaps, anomalies.ip_fragment_overlap], [2, 2]);
});

v4('keeps the first bytes when an overlap disagrees (first wins) and flags the conflict', () => {
  const { add4, d, anomalies } = harness();
  const p = datagram(2000);
  const forged = Buffer.alloc(2000, 0x41);
  add4(frag4(p, 0, 1200));
  add4(frag4(forged, 800, 1600, { last: false }));
  const r = add4(frag4(p, 1600, 2000));
  assert.ok(r);
  assert.ok(r.payload.subarray(0, 1200).equals(p.subarray(0, 1200)), 'first fragment bytes kept');
  assert.ok(r.payload.subarray(1200, 1600).equals(forged.subarray(1200, 1600)), 'hole filled by the later fragment');
  assert.equal([d.counters.conflicts, anomalies.ip_fragment_overlap_conflict], [1, 1]);
});

v4('drops a non-final fragment whose length is not a multiple of 8', () => {
  const { add4, anomalies } = harness();
  const p = datagram(2000);
  assert.is(add4(frag4(p, 0, 1001, { last: false })), null);
  assert.is(anomalies.ip_fragment_bad_length, 1);
});

v4('drops a datagram that would exceed maxDatagramBytes (ping of death)', () => {
  const { add4, d, anomalies } = harness();
  const p = datagram(65_600);
  add4(frag4(p, 0, 1480));
  assert.is(add4(frag4(p, 65_000, 65_600)), null);
  assert.equal([d.counters.droppedTooLarge, anomalies.ip_fragment_too_large, d.counters.datagramsHeld], [1, 1, 0]);
});

v4('drops a datagram whose last fragment disagrees about its length', () => {
  const { add4, anomalies, d } = harness();
  const p = datagram(3000);
  add4(frag4(p, 1600, 3000));
  assert.is(add4(frag4(p, 0, 2000, { last: true })), null);
  assert.equal([anomalies.ip_fragment_inconsistent_length, d.counters.datagramsHeld], [1, 0]);
});

v4('times out an incomplete datagram after timeoutSec of capture time', () => {
  const { add4, d, anomalies } = harness({ timeoutSec: 30 });
  const p = datagram(2000);
  add4(frag4(p, 0, 1000), 100);
  assert.is(add4(frag4(p, 1000, 2000, { id: 8 }), 120), null);
  add4(frag4(datagram(16), 0, 8, { id: 50, last: false }), 131);
  assert.equal([d.counters.timedOut, anomalies.ip_fragments_timed_out], [1, 1]);
  assert.is(add4(frag4(p, 1000, 2000), 131), null, 'the rest of the timed-out datagram starts a new one');
});

v4('evicts the oldest datagram beyond maxDatagrams and counts it', () => {
  const { add4, d, anomalies } = harness({ maxDatagrams: 2 });
  const p = datagram(2000);
  add4(frag4(p, 0, 1000, { id: 1 }));
  add4(frag4(p, 0, 1000, { id: 2 }));
  add4(frag4(p, 0, 1000, { id: 3 }));
  assert.equal([d.counters.evictedCap, anomalies.ip_fragments_evicted, d.counters.datagramsHeld], [1, 1, 2]);
  assert.is(add4(frag4(p, 1000, 2000, { id: 1 })), null, 'datagram 1 was evicted');
  assert.ok(add4(frag4(p, 1000, 2000, { id: 3 }))?.payload.equals(p));
});

v4('evicts the oldest datagrams to stay under maxTotalBytes', () => {
  const { add4, d } = harness({ maxTotalBytes: 2500 });
  const p = datagram(4000);
  add4(frag4(p, 0, 1000, { id: 1 }));
  add4(frag4(p, 0, 1000, { id: 2 }));
  add4(frag4(p, 0, 1000, { id: 3 }));
  assert.equal([d.counters.evictedCap, d.counters.datagramsHeld, d.counters.bytesHeld], [1, 2, 2000]);
});

v4('drops a datagram of more than maxFragmentsPerDatagram fragments', () => {
  const { add4, anomalies, d } = harness({ maxFragmentsPerDatagram: 4 });
  const p = datagram(80);
  for (let i = 0; i < 5; i++) add4(frag4(p, i * 8, i * 8 + 8, { last: false }));
  assert.equal([anomalies.ip_fragment_too_many, d.counters.datagramsHeld], [1, 0]);
});

v4('counts datagrams still incomplete at flush as timed out', () => {
  const { add4, d } = harness();
  add4(frag4(datagram(2000), 0, 1000));
  d.flush();
  assert.equal([d.counters.timedOut, d.counters.datagramsHeld, d.counters.bytesHeld], [1, 0, 0]);
});

v4('rejects option values that are not positive numbers, and ignores undefined ones', () => {
  assert.throws(() => new IpDefragmenter({ timeoutSec: 0 }), /timeoutSec must be a positive number/);
  assert.throws(() => new IpDefragmenter({ maxDatagrams: Number.NaN }), /maxDatagrams/);
  const { add4 } = harness({ timeoutSec: undefined });
  const p = datagram(2000);
  add4(frag4(p, 0, 1000), 0);
  assert.ok(add4(frag4(p, 1000, 2000), 29)?.payload.equals(p), 'the default 30 s timeout applies');
});

const v6 = suite('IpDefragmenter: IPv6');

v6('reassembles IPv6 fragments out of order and takes the protocol from the first fragment', () => {
  const { add6 } = harness();
  const p = datagram(3000, 9);
  assert.is(add6(frag6(p, 1232, 2464)), null);
  assert.is(add6(frag6(p, 2464, 3000, 99, 0)), null); // RFC 8200: only offset 0's next header counts
  const r = add6(frag6(p, 0, 1232));
  assert.ok(r);
  assert.equal([r.protocol, r.fragments, r.payload.equals(p)], [17, 3, true]);
});

v6('keeps IPv6 datagrams with different identifications apart', () => {
  const { add6 } = harness();
  const a = datagram(2000, 1), b = datagram(2000, 2);
  add6(frag6(a, 0, 1000, 1));
  add6(frag6(b, 0, 1000, 2));
  assert.ok(add6(frag6(a, 1000, 2000, 1))?.payload.equals(a));
  assert.ok(add6(frag6(b, 1000, 2000, 2))?.payload.equals(b));
});

v4.run();
v6.run();
