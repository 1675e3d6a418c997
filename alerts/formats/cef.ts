/**
 * An alert as one ArcSight Common Event Format line, the payload of the syslog destination:
 *
 *   CEF:0|voipwatch|voipwatch|<version>|<rule>|<summary>|<severity 0-10>|<key=value ...>
 *
 * Escaping follows the CEF implementation standard: in the header `\` and `|` are escaped with
 * a backslash and newlines are not allowed; in extension values `\` and `=` are escaped and a
 * newline is written as `\n` (`\r` as `\r`), the only multi-line form CEF has. Everything from
 * the wire (user agents, user names, summaries, evidence) also loses its other control
 * characters, so no value can end the line or forge a field.
 *
 * This file also holds the two facts every alert format shares: the severity numbers and which
 * end of the traffic the finding's device is.
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { Severity } from '../finding-store.ts';
import type { FindingJson } from '../../src/report/json-report.ts';
import type { AlertEvent } from '../alert-event.ts';

import { VOIPWATCH_VERSION } from '../../src/version.ts';

export { VOIPWATCH_VERSION };

/**
 * Every number a format needs for our four severities, in one place:
 * - cef: CEF Severity 0-10 (0-3 Low, 4-6 Medium, 7-8 High, 9-10 Very-High);
 * - syslog: RFC 5424 §6.2.1 severity (2 critical, 3 error, 4 warning, 5 notice);
 * - ecsSeverity: ECS event.severity, rising with severity like SEVERITY_RANK;
 * - riskScore: ECS event.risk_score 0-100, Elastic Security's default rule risk scores.
 */
export const SEVERITY_NUMBERS: Readonly<Record<Severity, Readonly<{ cef: number; syslog: number; ecsSeverity: number; riskScore: number }>>> = Object.freeze({
  low: Object.freeze({ cef: 3, syslog: 5, ecsSeverity: 1, riskScore: 21 }),
  medium: Object.freeze({ cef: 5, syslog: 4, ecsSeverity: 2, riskScore: 47 }),
  high: Object.freeze({ cef: 8, syslog: 3, ecsSeverity: 3, riskScore: 73 }),
  critical: Object.freeze({ cef: 10, syslog: 2, ecsSeverity: 4, riskScore: 99 }),
});

/**
 * Rules whose device opens the traffic (each rule file names its device and peer): the
 * attacker of credential-brute-force, the scanner, the phone that registers, fetches its
 * configuration or sends the media. In every other rule the device is the side that answers
 * (its web UI, its SIP port) or the direction is not recorded (plaintext-sip, weak-tls), and
 * the device is then written as the destination. SIEM playbooks act on source addresses, so
 * the brute-forcer must be the source, never the PBX it hammered.
 */
const DEVICE_INITIATES: ReadonlySet<string> = new Set([
  'credential-brute-force', 'plaintext-provisioning', 'shared-sip-credentials', 'sip-scan',
  'srtp-keys-exposed', 'unencrypted-rtp', 'weak-sip-password',
]);

/** default-credentials is a web UI login (the device answers) or a SIP UA authenticating (the device asks). */
export const isDeviceInitiator = (finding: FindingJson): boolean =>
  finding.rule === 'default-credentials' ? finding.evidence.transport !== 'http' : DEVICE_INITIATES.has(finding.rule);

export interface TrafficEnds { source: string | null; destination: string | null }

export function trafficEnds(finding: FindingJson): TrafficEnds {
  const peer = finding.peer?.ip ?? null;
  return isDeviceInitiator(finding)
    ? { source: finding.device.ip, destination: peer }
    : { source: peer, destination: finding.device.ip };
}

/** Field lengths of the CEF standard's dictionary; longer values are cut (with an ellipsis). */
const CEF_MAX_CHARS = {
  eventClassId: 1023, name: 512, act: 63, cat: 1023, msg: 1023, customString: 4000, customLabel: 1023,
  deviceExternalId: 255, user: 1023, flexString: 1023,
} as const;

const NEVER_CUT = Number.POSITIVE_INFINITY;

// C0 controls but \n and \r, DEL, C1 controls, and the Unicode line and paragraph separators
// some log viewers break lines on.
const CONTROL_CHARS = /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/g;
const HEADER_CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

const EXTENSION_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '=': '\\=', '\n': '\\n', '\r': '\\r' };

export const escapeCefHeader = (text: string): string =>
  text.replace(HEADER_CONTROL_CHARS, ' ').replace(/[\\|]/g, (c) => `\\${c}`);

export const escapeCefExtensionValue = (text: string): string =>
  text.replace(CONTROL_CHARS, ' ').replace(/[\\=\n\r]/g, (c) => EXTENSION_ESCAPES[c]);

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

/** Cut to at most `max` UTF-16 units, never between the halves of a surrogate pair. */
function truncateChars(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = max - 1;
  if (isHighSurrogate(text.charCodeAt(cut - 1))) cut--;
  return `${text.slice(0, cut)}…`;
}

const epochMs = (iso: string): number | null => {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
};

export function renderCef(event: AlertEvent): string {
  const f = event.finding;
  const header = [
    'CEF:0', 'voipwatch', 'voipwatch', VOIPWATCH_VERSION,
    escapeCefHeader(truncateChars(f.rule, CEF_MAX_CHARS.eventClassId)),
    escapeCefHeader(truncateChars(f.summary, CEF_MAX_CHARS.name)),
    String(SEVERITY_NUMBERS[f.severity].cef),
  ].join('|');

  // Ordered by importance: a datagram cut at the size limit loses the long wire values at
  // the end, never the addresses, times and ids.
  const ext: Array<[string, string | number | null]> = [];
  const add = (key: string, value: string | number | null, max: number = CEF_MAX_CHARS.customString) =>
    ext.push([key, typeof value === 'string' ? truncateChars(value, max) : value]);
  add('rt', epochMs(event.fired_at));
  add('start', epochMs(f.first_seen));
  add('end', epochMs(f.last_seen));
  add('cat', f.rule, CEF_MAX_CHARS.cat);
  // What the sensor did: raised a new alert, escalated it, or raised it again.
  add('act', event.kind, CEF_MAX_CHARS.act);
  // ArcSight stores 40 characters of externalId, but an id cut short is another id: sent whole.
  add('externalId', event.event_id, NEVER_CUT);
  add('cs1Label', 'alertId', CEF_MAX_CHARS.customLabel);
  add('cs1', event.alert_id, NEVER_CUT);
  const ends = trafficEnds(f);
  addAddress(add, 'source', ends.source);
  addAddress(add, 'destination', ends.destination);
  const deviceSide = isDeviceInitiator(f) ? 's' : 'd';
  if (f.device.mac !== null) add(`${deviceSide}mac`, f.device.mac, 17);
  add('deviceExternalId', event.sensor, CEF_MAX_CHARS.deviceExternalId);
  add('cs2Label', 'site', CEF_MAX_CHARS.customLabel);
  add('cs2', event.site);
  add('cnt', f.count);
  add('cn1Label', 'fireCount', CEF_MAX_CHARS.customLabel);
  add('cn1', event.fire_count);
  if (event.previous_severity !== null) {
    add('cs3Label', 'previousSeverity', CEF_MAX_CHARS.customLabel);
    add('cs3', event.previous_severity);
  }
  if (event.dashboard_url !== null) {
    add('cs4Label', 'dashboardUrl', CEF_MAX_CHARS.customLabel);
    add('cs4', event.dashboard_url);
  }
  // The user name is an account of the device: the phone's admin login, or the SIP user the
  // phone registers as; so it is the user of the device's side.
  const username = f.evidence.username;
  if (typeof username === 'string' && username !== '') add(`${deviceSide}user`, username, CEF_MAX_CHARS.user);
  const model = [f.device.vendor, f.device.model, f.device.firmware].filter((p) => p !== null).join(' ');
  if (model !== '') {
    add('flexString1Label', 'deviceModel', CEF_MAX_CHARS.customLabel);
    add('flexString1', model, CEF_MAX_CHARS.flexString);
  }
  if (f.device.user_agent !== null) {
    add('cs6Label', 'deviceUserAgent', CEF_MAX_CHARS.customLabel);
    add('cs6', f.device.user_agent);
  }
  add('msg', f.summary, CEF_MAX_CHARS.msg);
  add('cs5Label', 'evidence', CEF_MAX_CHARS.customLabel);
  add('cs5', JSON.stringify(f.evidence));

  const extension = ext
    .filter(([, value]) => value !== null)
    .map(([key, value]) => `${key}=${typeof value === 'number' ? String(value) : escapeCefExtensionValue(value as string)}`)
    .join(' ');
  return `${header}|${extension}`;
}

/** src/dst hold IPv4 only; IPv6 goes to the dictionary's c6a2 (source) and c6a3 (destination). */
function addAddress(add: (key: string, value: string) => void, side: 'source' | 'destination', ip: string | null): void {
  if (ip === null) return;
  if (isIPv4(ip)) add(side === 'source' ? 'src' : 'dst', ip);
  else if (isIPv6(ip)) {
    const key = side === 'source' ? 'c6a2' : 'c6a3';
    add(`${key}Label`, side === 'source' ? 'Source IPv6 Address' : 'Destination IPv6 Address');
    add(key, ip);
  }
}
