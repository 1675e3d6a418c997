/**
 * Alerts as users meet them: `analyze --config` raising alerts into a real HTTP receiver (a
 * fastify server in the test acting as the SOC, checking every signature), then the
 * decisions of `voipwatch alerts` (acknowledge, allowlist, audit) in separate processes over
 * one embedded store.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundledCapture, voipwatch as cliRun } from './support/cli.ts';
import Fastify, { type FastifyInstance } from 'fastify';
import { verifySignature } from '../alerts/delivery/signature.ts';
import type { AlertEvent } from '../alerts/alert-event.ts';
import type { AnalysisReport } from '../src/report/json-report.ts';

const capture = bundledCapture;
const voipwatch = (args: string[]) => cliRun(args, { SOC_SECRET: 'the-soc-shared-secret' });

interface Receipt { event: AlertEvent; key: string }
let soc: FastifyInstance;
let port = 0;
const receipts: Receipt[] = [];
let badSignatures = 0;
let answer = 200;

const dirs: string[] = [];
const temp = (p: string) => { const d = mkdtempSync(join(tmpdir(), p)); dirs.push(d); return d; };
let dataDir = '';
let configFile = '';

const test = suite('alerts end to end');

test.before(async () => {
  soc = Fastify({ logger: false });
  soc.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  soc.post('/hook', async (req, reply) => {
    const body = req.body as string;
    const check = verifySignature({ secret: 'the-soc-shared-secret', timestamp: req.headers['x-voipwatch-timestamp'] as string, signature: req.headers['x-voipwatch-signature'] as string, body });
    if (!check.ok) { badSignatures++; return reply.code(401).send({ error: check.reason }); }
    if (answer !== 200) return reply.code(answer).send({ error: 'refused by the test' });
    receipts.push({ event: JSON.parse(body) as AlertEvent, key: req.headers['idempotency-key'] as string });
    return { accepted: true, ticket: `SOC-${receipts.length}` };
  });
  await soc.listen({ host: '127.0.0.1', port: 0 });
  port = (soc.server.address() as { port: number }).port;
  dataDir = temp('voipwatch-alerts-store-');
  configFile = join(temp('voipwatch-alerts-config-'), 'voipwatch.yaml');
  writeFileSync(configFile, [
    'alerts:',
    '  dashboardUrl: https://voipwatch.example.org',
    '  destinations:',
    '    - name: soc',
    '      type: webhook',
    '      format: json',
    `      url: http://127.0.0.1:${port}/hook`,
    '      secretEnv: SOC_SECRET',
    '      initialBackoffMs: 50',
    '',
  ].join('\n'));
});

test.after(async () => {
  await soc.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test('should deliver one signed alert per finding of an analysis, and none when the same capture is analyzed again', async () => {
  const res = await voipwatch(['analyze', '--format', 'json', '--config', configFile, '--data-dir', dataDir, capture('webui-default-basic-internet.pcap')]);
  assert.is(res.code, 0, res.stderr);
  const report = JSON.parse(res.stdout) as AnalysisReport;
  assert.ok(report.findings.length >= 3);
  assert.is(badSignatures, 0);
  assert.equal(receipts.map((r) => r.event.alert_id).sort(), report.findings.map((f) => f.id).sort());
  for (const r of receipts) {
    assert.is(r.key, r.event.event_id, 'the idempotency key is the event id');
    assert.is(r.event.schema, 'voipwatch.alert.v1');
    assert.is(r.event.kind, 'new');
    assert.is(r.event.dashboard_url, `https://voipwatch.example.org/#/alerts/${r.event.alert_id}`);
  }
  const critical = receipts.find((r) => r.event.finding.rule === 'default-credentials');
  assert.is(critical?.event.finding.severity, 'critical');
  assert.is(critical?.event.finding.evidence.matched, 'vendor-default:snom');
  assert.not.match(JSON.stringify(receipts), /0000"|YWRtaW46MDAwMA/, 'no password or Basic credentials in an alert');
  assert.match(res.stderr, new RegExp(`${report.findings.length} alerts fired, ${report.findings.length} deliveries made`));

  const again = await voipwatch(['analyze', '--config', configFile, '--data-dir', dataDir, capture('webui-default-basic-internet.pcap')]);
  assert.is(again.code, 0, again.stderr);
  assert.is(receipts.length, report.findings.length, 'the store remembers what fired');
  const status = JSON.parse((await voipwatch(['db', 'status', '--format', 'json', '--data-dir', dataDir])).stdout) as { rows: Record<string, number> };
  assert.is(status.rows.alert_deliveries, report.findings.length, 'one delivery log row per attempt');
  assert.ok(status.rows.alerts >= report.findings.length);
});

test('should acknowledge an alert and record who did it in the audit log', async () => {
  const list = JSON.parse((await voipwatch(['alerts', 'list', '--format', 'json', '--data-dir', dataDir])).stdout) as { alert_id: string; rule: string; status: string }[];
  const target = list.find((a) => a.rule === 'webui-plaintext-http');
  assert.ok(target, JSON.stringify(list));
  assert.is(target.status, 'open');
  const ack = await voipwatch(['alerts', 'ack', target.alert_id, '--reason', 'lab phone, HTTPS ordered', '--actor', 'ana', '--data-dir', dataDir]);
  assert.is(ack.code, 0, ack.stderr);
  const acked = JSON.parse((await voipwatch(['alerts', 'list', '--status', 'acknowledged', '--format', 'json', '--data-dir', dataDir])).stdout) as { alert_id: string }[];
  // The alert row changes when the next analysis or sensor snapshot applies the decision; the
  // acknowledgement itself is stored at once.
  const audit = JSON.parse((await voipwatch(['alerts', 'audit', '--format', 'json', '--data-dir', dataDir])).stdout) as { action: string; objectId: string; actor: string; reason: string }[];
  assert.ok(audit.some((a) => a.action === 'alert.acknowledge' && a.objectId === target.alert_id && a.actor === 'ana' && a.reason === 'lab phone, HTTPS ordered'), JSON.stringify(audit));
  assert.ok(Array.isArray(acked));
  const missing = await voipwatch(['alerts', 'ack', 'ffffffffffffffff', '--reason', 'x', '--data-dir', dataDir]);
  assert.is(missing.code, 2);
  assert.match(missing.stderr, /no alert "ffffffffffffffff" in the store/);
});

test('should suppress alerts an allowlist entry covers, store them as suppressed, and deliver the rest', async () => {
  const before = receipts.length;
  const allow = await voipwatch(['alerts', 'allow', '--rule', 'plaintext-sip', '--cidr', '10.0.0.0/8', '--expires', '30d', '--reason', 'lab network', '--actor', 'ana', '--format', 'json', '--data-dir', dataDir]);
  assert.is(allow.code, 0, allow.stderr);
  const entry = JSON.parse(allow.stdout) as { id: string };
  const listed = await voipwatch(['alerts', 'allowlist', '--data-dir', dataDir]);
  assert.match(listed.stdout, new RegExp(`${entry.id}  rule=plaintext-sip cidr=10.0.0.0/8`));

  const res = await voipwatch(['analyze', '--format', 'json', '--config', configFile, '--data-dir', dataDir, capture('sip-udp-call.pcap')]);
  assert.is(res.code, 0, res.stderr);
  const report = JSON.parse(res.stdout) as AnalysisReport;
  const plaintext = report.findings.filter((f) => f.rule === 'plaintext-sip');
  assert.ok(plaintext.length > 0, 'the capture has plaintext SIP findings');
  const fresh = receipts.slice(before).map((r) => r.event.finding.rule);
  assert.not.ok(fresh.includes('plaintext-sip'), 'an allowlisted finding is not delivered');
  assert.is(fresh.length, report.findings.length - plaintext.length);
  const suppressed = JSON.parse((await voipwatch(['alerts', 'list', '--status', 'suppressed', '--format', 'json', '--data-dir', dataDir])).stdout) as { rule: string }[];
  assert.is(suppressed.filter((a) => a.rule === 'plaintext-sip').length, plaintext.length);

  const removed = await voipwatch(['alerts', 'unallow', entry.id, '--reason', 'lab closed', '--data-dir', dataDir]);
  assert.is(removed.code, 0, removed.stderr);
  assert.match((await voipwatch(['alerts', 'allowlist', '--data-dir', dataDir])).stdout, /no allowlist entries in force/);
});

test('alerts test should print the receiver\'s answer, and fail plainly when the receiver refuses', async () => {
  const before = receipts.length;
  const ok = await voipwatch(['alerts', 'test', '--destination', 'soc', '--config', configFile, '--data-dir', dataDir]);
  assert.is(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, new RegExp(`soc: delivered to http://127.0.0.1:${port}/hook in \\d+ ms \\(HTTP 200\\)`));
  assert.match(ok.stdout, /answer: \{"accepted":true,"ticket":"SOC-\d+"\}/);
  assert.is(receipts.length, before + 1);
  assert.match(receipts.at(-1)!.event.finding.summary, /^TEST ALERT/);
  answer = 403;
  try {
    const refused = await voipwatch(['alerts', 'test', '--destination', 'soc', '--config', configFile]);
    assert.is(refused.code, 1);
    assert.match(refused.stdout, /soc: NOT delivered .*\(HTTP 403\); would not be retried/);
  } finally {
    answer = 200;
  }
  const unknown = await voipwatch(['alerts', 'test', '--destination', 'nope', '--config', configFile]);
  assert.is(unknown.code, 2);
  assert.match(unknown.stderr, /no destination "nope" in .* \(configured: soc\)/);
});

test.run();
