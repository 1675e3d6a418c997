import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ALERT_SCHEMA, type AlertEvent, type SyslogDestination, type WebhookDestination } from '../alerts/alert-event.ts';
import type { FindingJson } from '../src/report/json-report.ts';
import { SEVERITY_NUMBERS, renderCef } from '../alerts/formats/cef.ts';
import { ECS_VERSION, SLACK_LIMITS, renderWebhookBody } from '../alerts/formats/webhook-body.ts';
import { MAX_SYSLOG_MESSAGE_BYTES, SD_ID, frameForDatagram, frameForStream, renderSyslog5424 } from '../alerts/formats/syslog-5424.ts';

// ---------------------------------------------------------------------------------------------
// A default credential accepted on a Snom phone's web UI, logged into from the internet.

function alertEvent(finding: Partial<FindingJson> = {}, rest: Partial<AlertEvent> = {}): AlertEvent {
  return {
    schema: ALERT_SCHEMA,
    event_id: '6f1c0a52-2d7e-4b8e-9a51-3c2f0d9e7a10',
    kind: 'escalated',
    alert_id: '9c1e5b2a7d3f4e60',
    fire_count: 2,
    fired_at: '2026-11-02T09:05:00.250Z',
    previous_severity: 'high',
    sensor: 'sensor-hq-1',
    site: 'hq',
    dashboard_url: 'https://voipwatch.example.net/alerts/9c1e5b2a7d3f4e60',
    finding: {
      id: '9c1e5b2a7d3f4e60',
      rule: 'default-credentials',
      severity: 'critical',
      device: { ip: '10.20.0.21', mac: '00:04:13:aa:bb:cc', vendor: 'snom', model: 'D785', firmware: '10.1.33.33', user_agent: 'snomD785/10.1.33.33' },
      peer: { ip: '203.0.113.7', internal: false },
      first_seen: '2026-11-02T09:00:00.000Z',
      last_seen: '2026-11-02T09:04:59.500Z',
      count: 3,
      summary: 'web UI login with the vendor default credential for admin was accepted',
      evidence: { scheme: 'basic', username: 'admin', matched: 'vendor-default:snom', result: 'accepted', transport: 'http' },
      ...finding,
    },
    ...rest,
  };
}

const HOSTILE_AGENT = 'snomD785/10.1.33.33 <script>alert(1)</script> <!channel> <https://evil.example|click> a|b c=d e\\f\r\nCEF:0|forged|x|1|y|z|10|src=6.6.6.6\u0000\u001b[31m';
const hostileEvent = (): AlertEvent => alertEvent({
  device: { ip: '10.20.0.21', mac: null, vendor: 'snom', model: 'D785<@U0001>', firmware: null, user_agent: HOSTILE_AGENT },
  summary: `login as <!here> & ${'x'.repeat(100 * 1024)}`,
  evidence: { scheme: 'basic', username: 'adm|n=\\<!channel>\n', matched: 'vendor-default:snom', result: 'accepted', transport: 'http' },
});

const webhook = (format: WebhookDestination['format'], over: Partial<WebhookDestination> = {}): WebhookDestination => ({
  name: `to-${format}`, type: 'webhook', format, url: 'https://127.0.0.1:8088/hook', secret: null, token: null,
  sourcetype: 'voipwatch:alert', index: null, headers: {}, caFile: null,
  filter: { minSeverity: 'low', rules: null, sites: null },
  delivery: { timeoutMs: 5000, initialBackoffMs: 1000, maxBackoffMs: 60_000, giveUpAfterSec: 3600, ratePerSec: 5, burst: 10 },
  ...over,
});

const syslogDest = (over: Partial<SyslogDestination> = {}): SyslogDestination => ({
  name: 'siem', type: 'syslog', format: 'cef', host: '127.0.0.1', port: 6514, protocol: 'tls', caFile: null,
  facility: 10, appName: 'voipwatch',
  filter: { minSeverity: 'low', rules: null, sites: null },
  delivery: { timeoutMs: 5000, initialBackoffMs: 1000, maxBackoffMs: 60_000, giveUpAfterSec: 3600, ratePerSec: 5, burst: 10 },
  ...over,
});

// ---------------------------------------------------------------------------------------------
// Parsers of what we render, written from the specs rather than from the renderers.

/** CEF header fields split on unescaped pipes (unescaped), then the raw extension. */
function splitCef(line: string): string[] {
  const fields: string[] = [];
  let current = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (fields.length < 7 && c === '\\') { current += line[++i]; continue; }
    if (fields.length < 7 && c === '|') { fields.push(current); current = ''; continue; }
    current += c;
  }
  fields.push(current);
  return fields;
}

/** key=value pairs: a key is a word after a space whose `=` is not escaped; values are unescaped. */
function parseCefExtension(extension: string): Map<string, string> {
  const keys = [...extension.matchAll(/(?:^| )([A-Za-z0-9_]+)=/g)];
  const out = new Map<string, string>();
  keys.forEach((m, i) => {
    const valueStart = m.index! + m[0].length;
    const valueEnd = i + 1 < keys.length ? keys[i + 1].index! : extension.length;
    const raw = extension.slice(valueStart, valueEnd);
    out.set(m[1], raw.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c)));
  });
  return out;
}

interface Syslog5424 { pri: number; version: string; timestamp: string; hostname: string; appName: string; procId: string; msgId: string; sdId: string; params: Map<string, string>; msg: string }

function parseSyslog5424(message: string): Syslog5424 {
  const head = /^<(\d{1,3})>(\d) (\S+) (\S+) (\S+) (\S+) (\S+) \[/.exec(message);
  if (!head) throw new Error(`not an RFC 5424 header: ${message.slice(0, 120)}`);
  let i = head[0].length;
  let element = '';
  for (; message[i] !== ']'; i++) {
    if (i >= message.length) throw new Error('unterminated SD-ELEMENT');
    if (message[i] === '\\') element += message[i++];
    element += message[i];
  }
  assert.is(message[i + 1], ' ', 'SP between STRUCTURED-DATA and MSG');
  const [sdId] = element.split(' ', 1);
  const params = new Map<string, string>();
  for (const m of element.slice(sdId.length).matchAll(/ ([^= \]"]{1,32})="((?:[^"\\]|\\.)*)"/g)) {
    params.set(m[1], m[2].replace(/\\(["\\\]])/g, '$1'));
  }
  return {
    pri: Number(head[1]), version: head[2], timestamp: head[3], hostname: head[4], appName: head[5], procId: head[6], msgId: head[7],
    sdId, params, msg: message.slice(i + 2),
  };
}

/** Octet-counted frames (RFC 6587 §3.4.1) out of a byte stream. */
function parseOctetCounted(stream: Buffer): string[] {
  const out: string[] = [];
  let off = 0;
  while (off < stream.length) {
    const sp = stream.indexOf(0x20, off);
    const len = Number(stream.subarray(off, sp).toString('ascii'));
    assert.ok(Number.isInteger(len) && len > 0, 'MSG-LEN is a positive decimal');
    out.push(stream.subarray(sp + 1, sp + 1 + len).toString('utf8'));
    off = sp + 1 + len;
  }
  assert.is(off, stream.length, 'frames end exactly at the end of the stream');
  return out;
}

const isMrkdwnText = (node: unknown): node is { type: 'mrkdwn'; text: string } =>
  typeof node === 'object' && node !== null && (node as { type?: unknown }).type === 'mrkdwn';

/** Every text object of a Slack message, wherever it sits. */
function slackTexts(node: unknown, out: Array<{ type: string; text: string }> = []): Array<{ type: string; text: string }> {
  if (Array.isArray(node)) for (const n of node) slackTexts(n, out);
  else if (typeof node === 'object' && node !== null) {
    const o = node as Record<string, unknown>;
    if ((o.type === 'mrkdwn' || o.type === 'plain_text') && typeof o.text === 'string') out.push({ type: o.type, text: o.text });
    else for (const v of Object.values(o)) slackTexts(v, out);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

const json = suite('renderWebhookBody json');

json('should send the AlertEvent itself as JSON', () => {
  const event = alertEvent();
  const out = renderWebhookBody(webhook('json'), event);
  assert.is(out.contentType, 'application/json');
  assert.equal(JSON.parse(out.body), event);
  assert.equal(out.headers, {});
});

json('should keep hostile wire values intact and the body valid JSON', () => {
  const event = hostileEvent();
  assert.equal(JSON.parse(renderWebhookBody(webhook('json'), event).body), event);
});

json.run();

// ---------------------------------------------------------------------------------------------

const slack = suite('renderWebhookBody slack');

slack('should render a header with severity and rule, the fields, the summary and a dashboard button', () => {
  const out = renderWebhookBody(webhook('slack'), alertEvent());
  assert.is(out.contentType, 'application/json');
  const msg = JSON.parse(out.body);
  assert.match(msg.text, /CRITICAL/);
  assert.match(msg.text, /default-credentials on 10\.20\.0\.21 from 203\.0\.113\.7/);
  const [header, summary, fields] = msg.blocks;
  assert.is(header.type, 'header');
  assert.is(header.text.type, 'plain_text');
  assert.is(header.text.text, 'CRITICAL: default-credentials');
  assert.is(summary.text.text, 'web UI login with the vendor default credential for admin was accepted');
  const byLabel = new Map<string, string>(fields.fields.map((f: { text: string }) => {
    const [label, ...value] = f.text.split('\n');
    return [label.replace(/\*/g, ''), value.join('\n')];
  }));
  assert.equal([...byLabel.keys()], ['Severity', 'Rule', 'Device', 'Peer', 'Count', 'First seen', 'Last seen', 'Sensor / site']);
  assert.is(byLabel.get('Severity'), 'critical (was high)');
  assert.match(byLabel.get('Device')!, /^10\.20\.0\.21 \(snom D785 10\.1\.33\.33\)/);
  assert.is(byLabel.get('Peer'), '203.0.113.7 (internet)');
  assert.is(byLabel.get('Count'), '3');
  assert.is(byLabel.get('Sensor / site'), 'sensor-hq-1 / hq');
  const actions = msg.blocks.find((b: { type: string }) => b.type === 'actions');
  assert.is(actions.elements[0].text.text, 'Open in voipwatch');
  assert.is(actions.elements[0].url, 'https://voipwatch.example.net/alerts/9c1e5b2a7d3f4e60');
  assert.is(msg.unfurl_links, false);
});

slack('should leave out the button when no dashboard URL is configured', () => {
  const msg = JSON.parse(renderWebhookBody(webhook('slack'), alertEvent({}, { dashboard_url: null })).body);
  assert.not.ok(msg.blocks.some((b: { type: string }) => b.type === 'actions'));
});

slack('should escape &, < and > in every wire value so no mention or link can be forged', () => {
  const body = renderWebhookBody(webhook('slack'), hostileEvent()).body;
  const msg = JSON.parse(body);
  const texts = [{ type: 'mrkdwn', text: msg.text as string }, ...slackTexts(msg.blocks)];
  for (const t of texts.filter((x) => x.type === 'mrkdwn')) {
    assert.not.match(t.text, /[<>]/, `raw angle bracket in ${t.text.slice(0, 80)}`);
    assert.not.match(t.text, /&(?!amp;|lt;|gt;)/, 'every & starts an entity');
  }
  assert.not.ok(body.includes('<!channel>') || body.includes('<!here>') || body.includes('<@U0001>'));
  assert.ok(body.includes('&lt;!channel&gt;'), 'the mention is shown, as text');
  assert.ok(body.includes('&lt;script&gt;'));
});

slack('should cut a 100 KB summary to Slack limits without breaking an entity', () => {
  const msg = JSON.parse(renderWebhookBody(webhook('slack'), hostileEvent()).body);
  assert.ok(msg.text.length <= SLACK_LIMITS.text);
  assert.ok(msg.blocks[0].text.text.length <= SLACK_LIMITS.header);
  for (const block of msg.blocks) {
    if (block.type === 'section' && block.text) assert.ok(block.text.text.length <= SLACK_LIMITS.sectionText);
    for (const f of block.fields ?? []) assert.ok(f.text.length <= SLACK_LIMITS.field);
  }
  assert.ok(msg.blocks[1].text.text.endsWith('…'));

  // An entity straddling the limit is dropped whole.
  const edge = alertEvent({ summary: `${'a'.repeat(SLACK_LIMITS.sectionText - 3)}<b` });
  const text: string = JSON.parse(renderWebhookBody(webhook('slack'), edge).body).blocks[1].text.text;
  assert.is(text, `${'a'.repeat(SLACK_LIMITS.sectionText - 3)}…`);
  assert.ok(slackTexts(JSON.parse(renderWebhookBody(webhook('slack'), edge).body).blocks).every((t) => !isMrkdwnText(t) || !/&(?!amp;|lt;|gt;)/.test(t.text)));
});

slack.run();

// ---------------------------------------------------------------------------------------------

const splunk = suite('renderWebhookBody splunk-hec');

splunk('should wrap the event for the HTTP Event Collector with time, host, source and sourcetype', () => {
  const event = alertEvent();
  const out = renderWebhookBody(webhook('splunk-hec', { token: '11111111-2222-3333-4444-555555555555', index: 'voip' }), event);
  const hec = JSON.parse(out.body);
  assert.is(hec.time, Date.parse('2026-11-02T09:05:00.250Z') / 1000);
  assert.is(hec.time % 1, 0.25);
  assert.is(hec.host, 'sensor-hq-1');
  assert.is(hec.source, 'voipwatch');
  assert.is(hec.sourcetype, 'voipwatch:alert');
  assert.is(hec.index, 'voip');
  assert.equal(hec.event, event);
  assert.is(out.contentType, 'application/json');
});

splunk('should send Authorization: Splunk <token> only when a token is set, and an index only when one is set', () => {
  const withToken = renderWebhookBody(webhook('splunk-hec', { token: 'abc-123' }), alertEvent());
  assert.equal(withToken.headers, { Authorization: 'Splunk abc-123' });
  const without = renderWebhookBody(webhook('splunk-hec'), alertEvent());
  assert.equal(without.headers, {});
  assert.not.ok('index' in JSON.parse(without.body));
});

splunk.run();

// ---------------------------------------------------------------------------------------------

const ecs = suite('renderWebhookBody ecs');

ecs('should map the alert to ECS field names', () => {
  const doc = JSON.parse(renderWebhookBody(webhook('ecs'), alertEvent()).body);
  assert.is(doc['@timestamp'], '2026-11-02T09:05:00.250Z');
  assert.is(doc.ecs.version, ECS_VERSION);
  assert.match(doc.ecs.version, /^8\./);
  assert.is(doc.message, 'web UI login with the vendor default credential for admin was accepted');
  assert.is(doc.event.kind, 'alert');
  assert.ok(doc.event.category.includes('network') && doc.event.category.includes('intrusion_detection'));
  assert.equal(doc.event.type, ['info']);
  assert.is(doc.event.id, '6f1c0a52-2d7e-4b8e-9a51-3c2f0d9e7a10');
  assert.is(doc.event.dataset, 'voipwatch.alert');
  assert.is(doc.event.module, 'voipwatch');
  assert.is(doc.event.severity, SEVERITY_NUMBERS.critical.ecsSeverity);
  assert.is(doc.event.risk_score, 99);
  assert.is(doc.event.start, '2026-11-02T09:00:00.000Z');
  assert.is(doc.event.end, '2026-11-02T09:04:59.500Z');
  assert.is(doc.event.url, 'https://voipwatch.example.net/alerts/9c1e5b2a7d3f4e60');
  assert.equal(doc.rule, { id: 'default-credentials', name: 'default-credentials', ruleset: 'voipwatch', category: 'credentials' });
  assert.equal(doc.host.ip, ['10.20.0.21']);
  assert.equal(doc.host.mac, ['00-04-13-AA-BB-CC']);
  assert.is(doc.source.ip, '203.0.113.7');
  assert.is(doc.destination.ip, '10.20.0.21');
  assert.equal(doc.observer, { name: 'sensor-hq-1', type: 'sensor', vendor: 'voipwatch', product: 'voipwatch', version: doc.observer.version });
  assert.equal(doc.labels, { site: 'hq' });
  assert.equal(doc.related.ip, ['10.20.0.21', '203.0.113.7']);
  assert.is(doc.user.name, 'admin');
  assert.is(doc.voipwatch.alert_id, '9c1e5b2a7d3f4e60');
  assert.is(doc.voipwatch.kind, 'escalated');
  assert.is(doc.voipwatch.fire_count, 2);
  assert.is(doc.voipwatch.count, 3);
  assert.equal(doc.voipwatch.evidence, alertEvent().finding.evidence);
});

ecs('should make the device the source when the device opens the traffic (brute force)', () => {
  const doc = JSON.parse(renderWebhookBody(webhook('ecs'), alertEvent({
    rule: 'credential-brute-force', severity: 'high', device: { ip: '198.51.100.9', mac: null, vendor: null, model: null, firmware: null, user_agent: null },
    peer: { ip: '10.20.0.5', internal: true }, evidence: { protocol: 'sip', threshold: 10, window_sec: 60 },
  })).body);
  assert.is(doc.source.ip, '198.51.100.9');
  assert.is(doc.destination.ip, '10.20.0.5');
  assert.is(doc.event.risk_score, 73);
  assert.not.ok('user' in doc);
});

ecs('should put an evidence path in url.path and leave out peer fields when there is no peer', () => {
  const doc = JSON.parse(renderWebhookBody(webhook('ecs'), alertEvent({
    rule: 'webui-no-auth', severity: 'high', peer: null, evidence: { first_path: '/admin/settings.htm', pages: 4 },
  })).body);
  assert.equal(doc.url, { path: '/admin/settings.htm' });
  assert.not.ok('source' in doc);
  assert.is(doc.destination.ip, '10.20.0.21');
  assert.equal(doc.related.ip, ['10.20.0.21']);
});

ecs('should stay valid JSON with hostile wire values', () => {
  const event = hostileEvent();
  const doc = JSON.parse(renderWebhookBody(webhook('ecs'), event).body);
  assert.is(doc.voipwatch.device.user_agent, HOSTILE_AGENT);
  assert.is(doc.user.name, event.finding.evidence.username);
});

ecs.run();

// ---------------------------------------------------------------------------------------------

const cef = suite('renderCef');

cef('should render the eight CEF fields with rule, summary and severity in the header', () => {
  const fields = splitCef(renderCef(alertEvent()));
  assert.is(fields.length, 8);
  assert.equal(fields.slice(0, 3), ['CEF:0', 'voipwatch', 'voipwatch']);
  assert.match(fields[3], /^\d+\.\d+\.\d+$/);
  assert.is(fields[4], 'default-credentials');
  assert.is(fields[5], 'web UI login with the vendor default credential for admin was accepted');
  assert.is(fields[6], '10');
});

cef('should carry the standard extension keys for addresses, times, ids and the user', () => {
  const ext = parseCefExtension(splitCef(renderCef(alertEvent()))[7]);
  assert.is(ext.get('src'), '203.0.113.7');
  assert.is(ext.get('dst'), '10.20.0.21');
  assert.is(ext.get('rt'), String(Date.parse('2026-11-02T09:05:00.250Z')));
  assert.is(ext.get('start'), String(Date.parse('2026-11-02T09:00:00.000Z')));
  assert.is(ext.get('end'), String(Date.parse('2026-11-02T09:04:59.500Z')));
  assert.is(ext.get('externalId'), '6f1c0a52-2d7e-4b8e-9a51-3c2f0d9e7a10');
  assert.is(ext.get('cat'), 'default-credentials');
  assert.is(ext.get('act'), 'escalated');
  assert.is(ext.get('cs1Label'), 'alertId');
  assert.is(ext.get('cs1'), '9c1e5b2a7d3f4e60');
  assert.is(ext.get('cs2Label'), 'site');
  assert.is(ext.get('cs2'), 'hq');
  assert.is(ext.get('cnt'), '3');
  assert.is(ext.get('cn1'), '2');
  assert.is(ext.get('deviceExternalId'), 'sensor-hq-1');
  assert.is(ext.get('duser'), 'admin');
  assert.is(ext.get('dmac'), '00:04:13:aa:bb:cc');
  assert.is(ext.get('msg'), 'web UI login with the vendor default credential for admin was accepted');
  assert.equal(JSON.parse(ext.get('cs5')!), alertEvent().finding.evidence);
});

cef('should escape pipes and backslashes in the header and =, \\ and newlines in extension values', () => {
  const event = hostileEvent();
  event.finding.summary = 'a|b\\c\nd=e';
  const line = renderCef(event);
  assert.not.match(line, /[\r\n\u0000\u001b]/, 'one line, no control characters');
  const fields = splitCef(line);
  assert.is(fields.length, 8, 'forged pipes do not add header fields');
  assert.is(fields[5], 'a|b\\c d=e');
  assert.is(fields[6], '10');
  const ext = parseCefExtension(fields[7]);
  assert.is(ext.get('cs6'), HOSTILE_AGENT.replace(/[\u0000\u001b]/g, ' '));
  assert.is(ext.get('src'), '203.0.113.7', 'a forged src= in a value is not a key');
  assert.is(ext.get('duser'), 'adm|n=\\<!channel>\n');
  assert.is(ext.get('msg'), 'a|b\\c\nd=e');
});

cef('should cut a 100 KB summary to the CEF field lengths', () => {
  const fields = splitCef(renderCef(hostileEvent()));
  assert.is(fields.length, 8);
  assert.ok(fields[5].length <= 512);
  assert.ok(fields[5].endsWith('…'));
  assert.ok(parseCefExtension(fields[7]).get('msg')!.length <= 1023);
});

cef('should put IPv6 addresses in c6a2/c6a3 and the user on the source side when the device registers', () => {
  const ext = parseCefExtension(splitCef(renderCef(alertEvent({
    rule: 'weak-sip-password', severity: 'high', device: { ip: '2001:db8::21', mac: null, vendor: null, model: null, firmware: null, user_agent: null },
    peer: { ip: '2001:db8::1', internal: true }, evidence: { username: '1001', realm: 'pbx', matched: 'weak:extension', method: 'REGISTER', transport: 'udp' },
  })))[7]);
  assert.is(ext.get('c6a2'), '2001:db8::21');
  assert.is(ext.get('c6a2Label'), 'Source IPv6 Address');
  assert.is(ext.get('c6a3'), '2001:db8::1');
  assert.not.ok(ext.has('src') || ext.has('dst'));
  assert.is(ext.get('suser'), '1001');
});

cef('should never cut the event id, the idempotency key, even past externalId\'s 40 characters', () => {
  const id = `${'e'.repeat(60)}-long`;
  assert.is(parseCefExtension(splitCef(renderCef(alertEvent({}, { event_id: id })))[7]).get('externalId'), id);
});

cef('should map our severities to CEF 0-10', () => {
  const severity = (s: FindingJson['severity']) => splitCef(renderCef(alertEvent({ severity: s })))[6];
  assert.equal(['low', 'medium', 'high', 'critical'].map((s) => severity(s as FindingJson['severity'])), ['3', '5', '8', '10']);
});

cef.run();

// ---------------------------------------------------------------------------------------------

const syslog = suite('renderSyslog5424');

syslog('should render PRI, version, timestamp, hostname, app-name, procid and msgid', () => {
  const m = parseSyslog5424(renderSyslog5424(syslogDest(), alertEvent(), 'sensor-hq-1.example.net'));
  assert.is(m.pri, 10 * 8 + 2, 'facility 10, critical -> 2');
  assert.is(m.version, '1');
  assert.is(m.timestamp, '2026-11-02T09:05:00.250Z');
  assert.is(m.hostname, 'sensor-hq-1.example.net');
  assert.is(m.appName, 'voipwatch');
  assert.is(m.procId, '-');
  assert.is(m.msgId, 'default-credentials');
});

syslog('should map severities to syslog severities within the facility', () => {
  const pri = (s: FindingJson['severity']) => parseSyslog5424(renderSyslog5424(syslogDest({ facility: 4 }), alertEvent({ severity: s }), 'h')).pri;
  assert.equal([pri('critical'), pri('high'), pri('medium'), pri('low')], [34, 35, 36, 37]);
});

syslog('should carry the structured data element with escaped parameter values', () => {
  const m = parseSyslog5424(renderSyslog5424(syslogDest(), alertEvent({}, { site: 'hq "main"] \\ 2' }), 'h'));
  assert.is(m.sdId, SD_ID);
  assert.is(m.params.get('alert_id'), '9c1e5b2a7d3f4e60');
  assert.is(m.params.get('event_id'), '6f1c0a52-2d7e-4b8e-9a51-3c2f0d9e7a10');
  assert.is(m.params.get('rule'), 'default-credentials');
  assert.is(m.params.get('severity'), 'critical');
  assert.is(m.params.get('site'), 'hq "main"] \\ 2');
});

syslog('should send the CEF line as a UTF-8 MSG that starts with a BOM', () => {
  const event = alertEvent();
  const m = parseSyslog5424(renderSyslog5424(syslogDest(), event, 'h'));
  assert.is(m.msg, `\uFEFF${renderCef(event)}`);
  const bytes = Buffer.from(renderSyslog5424(syslogDest(), event, 'h'), 'utf8');
  assert.ok(bytes.includes(Buffer.from([0xef, 0xbb, 0xbf, 0x43, 0x45, 0x46])), 'EF BB BF before "CEF"');
});

syslog('should keep header fields to PRINTUSASCII within their lengths', () => {
  const m = parseSyslog5424(renderSyslog5424(syslogDest({ appName: `voip watch ${'a'.repeat(100)}` }), alertEvent(), `sensör hq\n${'h'.repeat(300)}`));
  assert.match(m.hostname, /^[\x21-\x7e]{255}$/);
  assert.match(m.appName, /^[\x21-\x7e]{48}$/);
  assert.is(parseSyslog5424(renderSyslog5424(syslogDest(), alertEvent(), '')).hostname, '-');
});

syslog('should keep a hostile alert one line whose fields parse back', () => {
  const message = renderSyslog5424(syslogDest(), hostileEvent(), 'h');
  assert.not.match(message, /[\r\n\u0000]/);
  const m = parseSyslog5424(message);
  assert.is(m.msgId, 'default-credentials');
  assert.is(splitCef(m.msg.slice(1)).length, 8);
});

syslog('should refuse a facility outside 0-23', () => {
  assert.throws(() => renderSyslog5424(syslogDest({ facility: 24 }), alertEvent(), 'h'), RangeError);
});

syslog.run();

// ---------------------------------------------------------------------------------------------

const stream = suite('frameForStream');

stream('should prefix the message with its length in octets and a space', () => {
  const frame = frameForStream('<82>1 - - - - - - ünïcode €');
  const body = Buffer.from('<82>1 - - - - - - ünïcode €', 'utf8');
  assert.is(frame.toString('utf8'), `${body.length} <82>1 - - - - - - ünïcode €`);
  assert.equal(parseOctetCounted(Buffer.concat([frame, frame])), ['<82>1 - - - - - - ünïcode €', '<82>1 - - - - - - ünïcode €']);
});

stream('should cap a message at the maximum without splitting a UTF-8 character', () => {
  const frame = frameForStream(`x${'€'.repeat(5000)}`);
  const [message] = parseOctetCounted(frame);
  assert.ok(Buffer.byteLength(message) <= MAX_SYSLOG_MESSAGE_BYTES);
  assert.not.ok(message.includes('\uFFFD'));
});

stream.run();

const datagram = suite('frameForDatagram');

datagram('should send the message unframed, cut at the maximum on a character boundary', () => {
  assert.is(frameForDatagram('<82>1 short').toString(), '<82>1 short');
  const bytes = frameForDatagram(`xy${'€'.repeat(5000)}`);
  assert.ok(bytes.length <= MAX_SYSLOG_MESSAGE_BYTES && bytes.length > MAX_SYSLOG_MESSAGE_BYTES - 3);
  assert.not.ok(bytes.toString('utf8').includes('\uFFFD'));
});

datagram.run();
