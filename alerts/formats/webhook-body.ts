/**
 * The body of one webhook request, in the shape the destination's receiver parses: our own
 * AlertEvent (json), a Slack incoming-webhook message, a Splunk HTTP Event Collector event,
 * or an Elastic Common Schema document.
 *
 * `headers` holds only what the format itself requires (Splunk's Authorization); the sender
 * adds Content-Type, the destination's configured headers and the X-Voipwatch-Signature.
 */
import type { AlertEvent, WebhookDestination } from '../alert-event.ts';
import { SEVERITY_NUMBERS, VOIPWATCH_VERSION, isDeviceInitiator, trafficEnds } from './cef.ts';

export interface WebhookBody { body: string; contentType: string; headers: Record<string, string> }

const JSON_TYPE = 'application/json';

export function renderWebhookBody(dest: WebhookDestination, event: AlertEvent): WebhookBody {
  switch (dest.format) {
    case 'json': return { body: JSON.stringify(event), contentType: JSON_TYPE, headers: {} };
    case 'slack': return { body: JSON.stringify(toSlackMessage(event)), contentType: JSON_TYPE, headers: {} };
    case 'splunk-hec': return {
      body: JSON.stringify(toSplunkHecEvent(dest, event)),
      contentType: JSON_TYPE,
      headers: dest.token === null ? {} : { Authorization: `Splunk ${dest.token}` },
    };
    case 'ecs': return { body: JSON.stringify(toEcsDocument(event)), contentType: JSON_TYPE, headers: {} };
    default: {
      const unknown: never = dest.format;
      throw new TypeError(`unknown webhook format ${String(unknown)}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Slack

/** Block Kit limits (characters) past which Slack rejects the whole message. */
export const SLACK_LIMITS = Object.freeze({
  /** top-level fallback text: Slack truncates past 40 000 and advises staying near 4 000 */
  text: 3000, header: 150, sectionText: 3000, field: 2000, contextText: 2000, buttonUrl: 3000,
});

/** A line of a Slack field: a long user agent or summary must not crowd out the rest. */
const SLACK_VALUE_CHARS = 300;

const SLACK_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * Slack's control characters are `&`, `<` and `>`: `<!channel>`, `<@U123>` and `<url|text>`
 * only exist between angle brackets, so escaping the three leaves a hostile value plain text.
 */
export const escapeSlackText = (text: string): string => text.replace(/[&<>]/g, (c) => SLACK_ESCAPES[c]);

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

/**
 * Cut escaped mrkdwn to `max` characters without splitting an entity (`&amp;`) or a surrogate
 * pair, marking the cut with an ellipsis.
 */
export function truncateSlackText(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = max - 1;
  const amp = text.lastIndexOf('&', cut - 1);
  if (amp !== -1 && cut - amp < 5 && text.indexOf(';', amp) >= cut) cut = amp;
  if (isHighSurrogate(text.charCodeAt(cut - 1))) cut--;
  return `${text.slice(0, cut)}…`;
}

/** A value from the wire as one escaped line of at most `max` characters. */
const slackValue = (text: string, max = SLACK_VALUE_CHARS): string =>
  truncateSlackText(escapeSlackText(text.replace(/[\r\n\t]+/g, ' ')), max);

const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
const field = (label: string, value: string) => mrkdwn(truncateSlackText(`*${label}*\n${value}`, SLACK_LIMITS.field));

function toSlackMessage(event: AlertEvent): unknown {
  const f = event.finding;
  const severity = f.severity.toUpperCase();
  const deviceModel = [f.device.vendor, f.device.model, f.device.firmware].filter((p) => p !== null).join(' ');
  const device = [
    f.device.ip + (deviceModel === '' ? '' : ` (${deviceModel})`),
    f.device.user_agent,
  ].filter((line) => line !== null && line !== '').map((line) => slackValue(line as string)).join('\n');
  const peer = f.peer === null ? '—' : `${slackValue(f.peer.ip)} (${f.peer.internal ? 'internal' : 'internet'})`;
  const escalation = event.previous_severity === null ? '' : ` (was ${event.previous_severity})`;

  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: truncateSlackText(`${severity}: ${f.rule}`, SLACK_LIMITS.header) } },
    { type: 'section', text: mrkdwn(truncateSlackText(escapeSlackText(f.summary), SLACK_LIMITS.sectionText)) },
    {
      type: 'section',
      fields: [
        field('Severity', `${f.severity}${escalation}`),
        field('Rule', slackValue(f.rule)),
        field('Device', device),
        field('Peer', peer),
        field('Count', String(f.count)),
        field('First seen', slackValue(f.first_seen)),
        field('Last seen', slackValue(f.last_seen)),
        field('Sensor / site', `${slackValue(event.sensor)} / ${slackValue(event.site)}`),
      ],
    },
  ];
  const evidence = Object.entries(f.evidence)
    .map(([key, value]) => `• ${slackValue(key, 64)}: ${slackValue(Array.isArray(value) ? value.join(', ') : String(value))}`);
  if (evidence.length > 0) {
    blocks.push({ type: 'section', text: mrkdwn(truncateSlackText(`*Evidence*\n${evidence.join('\n')}`, SLACK_LIMITS.sectionText)) });
  }
  blocks.push({
    type: 'context',
    elements: [mrkdwn(truncateSlackText(`${event.kind} alert · fired ${slackValue(event.fired_at)} · event ${slackValue(event.event_id)} · alert ${slackValue(event.alert_id)}`, SLACK_LIMITS.contextText))],
  });
  // A URL Slack would refuse would fail the whole message, so it is left out instead.
  if (event.dashboard_url !== null && event.dashboard_url.length <= SLACK_LIMITS.buttonUrl) {
    blocks.push({
      type: 'actions',
      elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open in voipwatch' }, url: event.dashboard_url, action_id: 'open-in-voipwatch' }],
    });
  }

  const peerText = f.peer === null ? '' : ` from ${f.peer.ip}`;
  return {
    // The notification and screen-reader text when blocks are shown.
    text: truncateSlackText(escapeSlackText(`[${severity}] ${f.rule} on ${f.device.ip}${peerText}: ${f.summary}`), SLACK_LIMITS.text),
    blocks,
    // Slack must not fetch URLs an attacker put in a user agent or path.
    unfurl_links: false,
    unfurl_media: false,
  };
}

// ---------------------------------------------------------------------------------------------
// Splunk HTTP Event Collector (services/collector/event)

function toSplunkHecEvent(dest: WebhookDestination, event: AlertEvent): unknown {
  const ms = Date.parse(event.fired_at);
  return {
    // Epoch seconds with milliseconds as the fraction; without it HEC stamps the receipt time.
    ...(Number.isNaN(ms) ? {} : { time: ms / 1000 }),
    host: event.sensor,
    source: 'voipwatch',
    sourcetype: dest.sourcetype,
    ...(dest.index === null ? {} : { index: dest.index }),
    event,
  };
}

// ---------------------------------------------------------------------------------------------
// Elastic Common Schema

/**
 * ECS is the schema the most SIEM ingest pipelines already parse: Elastic Security natively,
 * OpenTelemetry's semantic conventions are merged with it, and the Splunk, QRadar and
 * Sentinel connectors map it. Field names are ECS 8.x; what ECS has no field for is under
 * `voipwatch.*` (evidence keys differ per rule: map `voipwatch.evidence` as `flattened`).
 */
export const ECS_VERSION = '8.17.0';

/** rule.category per rule; a rule not listed here is `voip-security`. */
const RULE_CATEGORY: Readonly<Record<string, string>> = Object.freeze({
  'plaintext-sip': 'encryption', 'unencrypted-rtp': 'encryption', 'srtp-keys-exposed': 'encryption',
  'weak-tls': 'encryption', 'webui-plaintext-http': 'encryption', 'plaintext-provisioning': 'encryption',
  'webui-internet-exposed': 'exposure', 'sip-internet-exposed': 'exposure', 'webui-no-auth': 'exposure',
  'default-credentials': 'credentials', 'weak-sip-password': 'credentials', 'cleartext-credentials': 'credentials',
  'shared-sip-credentials': 'credentials', 'credential-brute-force': 'credentials',
  'sip-scan': 'reconnaissance', 'outdated-firmware': 'patching',
});

/** ECS host.mac notation (RFC 7042): upper-case hex octets joined by hyphens. */
const toEcsMac = (mac: string): string | null =>
  /^[0-9a-f]{2}([:-][0-9a-f]{2}){5}$/i.test(mac) ? mac.replace(/:/g, '-').toUpperCase() : null;

const isoOrNull = (text: string): string | null => {
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
};

/** Evidence keys that hold a URL path, per rule (webui-no-auth: first_path; http provisioning: file). */
function urlPathOf(evidence: AlertEvent['finding']['evidence']): string | null {
  for (const key of ['path', 'first_path']) if (typeof evidence[key] === 'string') return evidence[key] as string;
  if (evidence.protocol === 'http' && typeof evidence.file === 'string') return evidence.file;
  return null;
}

/**
 * Addresses: host.* is the device the finding is about. source/destination follow the traffic
 * (trafficEnds in cef.ts): for most rules the peer opened it and is the source and the device
 * the destination; for rules whose device opens the traffic (brute-force, scan, provisioning,
 * registration, RTP sender) the device is the source. related.ip holds both for searches that
 * do not care about direction.
 */
function toEcsDocument(event: AlertEvent): unknown {
  const f = event.finding;
  const ends = trafficEnds(f);
  const mac = f.device.mac === null ? null : toEcsMac(f.device.mac);
  const username = typeof f.evidence.username === 'string' && f.evidence.username !== '' ? f.evidence.username : null;
  const urlPath = urlPathOf(f.evidence);
  const category = RULE_CATEGORY[f.rule] ?? 'voip-security';
  const created = isoOrNull(event.fired_at);
  const numbers = SEVERITY_NUMBERS[f.severity];
  const related = [f.device.ip, ...(f.peer === null ? [] : [f.peer.ip])];

  const doc: Record<string, unknown> = {
    '@timestamp': created ?? event.fired_at,
    ecs: { version: ECS_VERSION },
    message: f.summary,
    event: {
      kind: 'alert',
      // authentication for the credential rules; the expected event.type of all three is info.
      category: category === 'credentials' ? ['network', 'intrusion_detection', 'authentication'] : ['network', 'intrusion_detection'],
      type: ['info'],
      id: event.event_id,
      dataset: 'voipwatch.alert',
      module: 'voipwatch',
      severity: numbers.ecsSeverity,
      risk_score: numbers.riskScore,
      ...(created === null ? {} : { created }),
      ...optional('start', isoOrNull(f.first_seen)),
      ...optional('end', isoOrNull(f.last_seen)),
      ...optional('url', event.dashboard_url),
    },
    rule: { id: f.rule, name: f.rule, ruleset: 'voipwatch', category },
    host: { ip: [f.device.ip], ...(mac === null ? {} : { mac: [mac] }) },
    ...(ends.source === null ? {} : { source: { ip: ends.source } }),
    ...(ends.destination === null ? {} : { destination: { ip: ends.destination } }),
    observer: { name: event.sensor, type: 'sensor', vendor: 'voipwatch', product: 'voipwatch', version: VOIPWATCH_VERSION },
    labels: { site: event.site },
    related: { ip: [...new Set(related)], ...(username === null ? {} : { user: [username] }) },
    ...(username === null ? {} : { user: { name: username } }),
    ...(urlPath === null ? {} : { url: { path: urlPath } }),
    voipwatch: {
      schema: event.schema,
      alert_id: event.alert_id,
      kind: event.kind,
      fire_count: event.fire_count,
      previous_severity: event.previous_severity,
      severity: f.severity,
      count: f.count,
      device: { vendor: f.device.vendor, model: f.device.model, firmware: f.device.firmware, user_agent: f.device.user_agent, initiator: isDeviceInitiator(f) },
      peer: f.peer,
      evidence: f.evidence,
    },
  };
  return doc;
}

const optional = (key: string, value: string | null): Record<string, string> => (value === null ? {} : { [key]: value });
