import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { buildSensorHttp } from '../src/sensor/sensor-http.ts';
import { createSensorMetrics, type SensorReadings } from '../src/sensor/sensor-metrics.ts';

const readings = (over: Partial<SensorReadings> = {}): SensorReadings => ({
  packets: 1000, bytes: 200_000, drops: { kernel: 0, interface: 0, queue: 0 }, queuePackets: 3, queueHighWater: 40,
  activeCalls: 2, activeStreams: 4, anomalies: { sip_invalid_content_length: 2 },
  findings: [{ rule: 'plaintext-sip', severity: 'medium', count: 2 }],
  store: { rowsWritten: 10, rowsBuffered: 5, spoolBatches: 0, spoolBytes: 0, rowsDropped: 0, insertFailures: 0 },
  alerts: { fired: 3, escalated: 1, refired: 0, suppressed: 2, updated: 9, forgotten: 0 },
  deliveries: [{ destination: 'soc', pending: 4, delivered: 7, retries: 2, rejected: 0, deadLettered: 1, oldestPendingSec: 12 }],
  ...over,
});

const test = suite('sensor HTTP: /metrics and /healthz');

test('serves Prometheus text with every sensor metric, drops at zero included', async () => {
  let current = readings();
  const app = buildSensorHttp(createSensorMetrics(() => current), () => ({ ok: true, detail: {} }));
  const res = await app.inject({ method: 'GET', url: '/metrics' });
  assert.is(res.statusCode, 200);
  assert.match(res.headers['content-type'] as string, /^text\/plain/);
  const body = res.body;
  for (const line of ['voipwatch_packets_total 1000', 'voipwatch_drops_total{cause="queue"} 0', 'voipwatch_drops_total{cause="kernel"} 0',
    'voipwatch_decode_anomalies_total{name="sip_invalid_content_length"} 2', 'voipwatch_active_calls 2', 'voipwatch_active_rtp_streams 4',
    'voipwatch_findings{rule="plaintext-sip",severity="medium"} 2', 'voipwatch_store_queue_rows 5', 'voipwatch_store_spool_bytes 0',
    'voipwatch_alerts_fired_total{kind="new"} 3', 'voipwatch_alerts_fired_total{kind="escalated"} 1', 'voipwatch_alerts_suppressed_total 2',
    'voipwatch_alert_queue_pending{destination="soc"} 4', 'voipwatch_alert_queue_oldest_seconds{destination="soc"} 12',
    'voipwatch_alert_deliveries_total{destination="soc",outcome="delivered"} 7', 'voipwatch_alert_deliveries_total{destination="soc",outcome="dead-letter"} 1']) {
    assert.ok(body.split('\n').includes(line), `missing: ${line}`);
  }
  current = readings({ packets: 1500, drops: { kernel: 7, interface: 0, queue: 3 } });
  const next = (await app.inject({ method: 'GET', url: '/metrics' })).body.split('\n');
  assert.ok(next.includes('voipwatch_packets_total 1500'), 'counters follow the absolute readings');
  assert.ok(next.includes('voipwatch_drops_total{cause="kernel"} 7'));
  await app.close();
});

test('answers 200 while healthy and 503 with the reason when not', async () => {
  let healthy = true;
  const app = buildSensorHttp(createSensorMetrics(() => readings()), () => ({ ok: healthy, detail: { capturing: healthy } }));
  const ok = await app.inject({ method: 'GET', url: '/healthz' });
  assert.equal([ok.statusCode, ok.json()], [200, { status: 'ok', capturing: true }]);
  healthy = false;
  const bad = await app.inject({ method: 'GET', url: '/healthz' });
  assert.equal([bad.statusCode, bad.json()], [503, { status: 'unhealthy', capturing: false }]);
  await app.close();
});

test.run();
