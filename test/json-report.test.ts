import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { buildCallsJson } from '../src/report/json-report.ts';
import { DeviceTable } from '../src/inventory/device-table.ts';
import type { RtpStreamRecord } from '../src/track/rtp-stream.ts';

const stream = (ssrc: number): RtpStreamRecord => ({
  src: { ip: '203.0.113.9', port: 40000 }, dst: { ip: '10.20.0.21', port: 4000 }, ssrc, payloadType: 0, codec: 'PCMU',
  packets: 2, lost: 0, jitterMs: 0, firstTs: 1000 + ssrc / 1e6, lastTs: 1001 + ssrc / 1e6, encrypted: false,
  classifiedBy: 'heuristic', protection: 'rtp', callId: null, keysExposed: false,
});

const test = suite('buildCallsJson');

test('groups 200,000 streams of one endpoint pair (SSRC churn) into one entry without overflowing', () => {
  const streams = Array.from({ length: 200_000 }, (_, i) => stream(i));
  const calls = buildCallsJson([], streams, new DeviceTable());
  assert.is(calls.length, 1);
  assert.is(calls[0].streams.length, 200_000);
  assert.is(calls[0].start, new Date(1_000_000).toISOString());
  assert.is(calls[0].end, new Date(Math.round((1001 + 199_999 / 1e6) * 1000)).toISOString());
});

test.run();
