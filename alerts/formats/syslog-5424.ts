/**
 * An alert as one RFC 5424 syslog message with the CEF line as its MSG, and the framing of that
 * message for each transport.
 *
 *   SYSLOG-MSG = HEADER SP STRUCTURED-DATA SP MSG
 *   HEADER     = "<" PRIVAL ">" "1" SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID
 *   PRIVAL     = facility * 8 + severity                      (§6.2.1)
 *   HOSTNAME   = NILVALUE / 1*255PRINTUSASCII                 (§6.2.4)
 *   APP-NAME   = NILVALUE / 1*48PRINTUSASCII                  (§6.2.5)
 *   PROCID     = NILVALUE / 1*128PRINTUSASCII                 (§6.2.6)
 *   MSGID      = NILVALUE / 1*32PRINTUSASCII                  (§6.2.7)
 *   SD-ELEMENT = "[" SD-ID *(SP PARAM-NAME "=" %d34 PARAM-VALUE %d34) "]"
 *   MSG-UTF8   = BOM UTF-8-STRING                             (§6.4)
 *
 * PRINTUSASCII is %d33-126; NILVALUE is "-".
 */
import type { AlertEvent, SyslogDestination } from '../alert-event.ts';
import { SEVERITY_NUMBERS, renderCef } from './cef.ts';

/**
 * Our SD-ID. 32473 is the private enterprise number RFC 5612 reserves for documentation;
 * receivers accept it, but a registered number belongs here once there is one.
 */
export const SD_ID = 'voipwatch@32473';

/**
 * Largest message sent, in octets. RFC 5424 §6.1 and RFC 5425 §4.3.1 ask every receiver to
 * accept 2048 octets and advise 8192, which is also rsyslog's default maximum; the CEF line
 * puts addresses and ids first, so a cut loses only the tail of the long wire values.
 */
export const MAX_SYSLOG_MESSAGE_BYTES = 8192;

/** Byte order mark: §6.4 says a UTF-8 MSG starts with it. */
const BOM = '\uFEFF';

// RFC 5424 §6.2.3: FULL-DATE "T" FULL-TIME with at most six fraction digits and Z or an offset.
const RFC5424_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/;

const isFacility = (n: number) => Number.isInteger(n) && n >= 0 && n <= 23;

/** A header field as 1..max PRINTUSASCII characters, or NILVALUE when nothing is left. */
function toHeaderField(text: string, max: number): string {
  const printable = text.replace(/[^\x21-\x7e]/g, '_').slice(0, max);
  return printable === '' ? '-' : printable;
}

function toTimestamp(iso: string): string {
  if (RFC5424_TIMESTAMP.test(iso)) return iso;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? '-' : new Date(ms).toISOString();
}

/**
 * §6.3.3: inside PARAM-VALUE, '"', '\' and ']' MUST be escaped with a backslash. Control
 * characters become spaces: a newline would end the message for line-based receivers.
 */
export const escapeSdParamValue = (text: string): string =>
  text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ').replace(/["\\\]]/g, (c) => `\\${c}`);

export function renderSyslog5424(dest: SyslogDestination, event: AlertEvent, hostname: string): string {
  if (!isFacility(dest.facility)) throw new RangeError(`syslog facility must be an integer 0-23, not ${dest.facility}`);
  const f = event.finding;
  const pri = dest.facility * 8 + SEVERITY_NUMBERS[f.severity].syslog;
  const header = [
    `<${pri}>1`,
    toTimestamp(event.fired_at),
    toHeaderField(hostname, 255),
    toHeaderField(dest.appName, 48),
    '-',
    toHeaderField(f.rule, 32),
  ].join(' ');
  const params: Array<[string, string]> = [
    ['event_id', event.event_id],
    ['alert_id', event.alert_id],
    ['rule', f.rule],
    ['severity', f.severity],
    ['kind', event.kind],
    ['site', event.site],
  ];
  const sd = `[${SD_ID} ${params.map(([name, value]) => `${name}="${escapeSdParamValue(value)}"`).join(' ')}]`;
  return `${header} ${sd} ${BOM}${renderCef(event)}`;
}

/** The message's UTF-8 bytes, cut to the maximum at a character boundary. */
function toCappedBytes(message: string): Buffer {
  const bytes = Buffer.from(message, 'utf8');
  if (bytes.length <= MAX_SYSLOG_MESSAGE_BYTES) return bytes;
  let cut = MAX_SYSLOG_MESSAGE_BYTES;
  // 10xxxxxx is a continuation byte: the character starting before it would be split.
  while (cut > 0 && (bytes[cut] & 0xc0) === 0x80) cut--;
  return bytes.subarray(0, cut);
}

/**
 * TCP and TLS (RFC 6587 §3.4.1, RFC 5425 §4.3): octet counting, `MSG-LEN SP SYSLOG-MSG`, with
 * MSG-LEN the message's length in octets. Unlike a trailing newline it survives any byte in
 * the message.
 */
export function frameForStream(message: string): Buffer {
  const bytes = toCappedBytes(message);
  return Buffer.concat([Buffer.from(`${bytes.length} `, 'ascii'), bytes]);
}

/** UDP (RFC 5426 §3.1): one message per datagram, no framing. */
export const frameForDatagram = (message: string): Buffer => toCappedBytes(message);
