/**
 * What HTTP and TLS tell the inventory: a web server's Server header, Digest/Basic realm and
 * page title name the phone behind it; a client's User-Agent names a phone fetching its
 * configuration; a TLS session to a SIP port is encrypted signaling.
 */
import { parseAuthParams } from '../../parsers/auth-header.ts';
import { fingerprintHeader, fingerprintWebUi, isPhoneMakerMac, vendorFromMac } from '../inventory/fingerprint.ts';
import { applyFingerprint, clipHeader, type DeviceTable } from '../inventory/device-table.ts';
import type { HttpExchangeEvent, TlsSessionEvent } from './events.ts';

/** SIP over TLS: 5061 (RFC 3261 §26.2.2) and the next port some PBXs use for a second listener. */
export const SIP_TLS_PORTS: ReadonlySet<number> = new Set([5061, 5063]);

export class WebObserver {
  /** TLS sessions to SIP servers: encrypted signaling sessions for coverage. */
  tlsSipSessions = 0;

  constructor(private readonly devices: DeviceTable) {}

  observe(ev: HttpExchangeEvent): void {
    const server = this.devices.touch(ev.server.ip, ev.ts);
    const res = ev.response;
    if (res) {
      const realm = res.wwwAuthenticate ? (parseAuthParams(res.wwwAuthenticate).params.realm ?? null) : null;
      const fp = fingerprintWebUi({ server: res.server || null, realm, title: ev.title });
      if (res.server) server.server = clipHeader(res.server);
      if (fp.vendor) {
        applyFingerprint(server, fp);
        server.roles.add('web-ui');
        if (fp.kind === 'phone') server.roles.add('phone');
        if (fp.kind === 'pbx') server.roles.add('pbx');
      }
    }
    const ua = ev.request.userAgent;
    if (ua) {
      const fp = fingerprintHeader(ua);
      if (fp.vendor && (fp.kind === 'phone')) {
        const client = this.devices.touch(ev.client.ip, ev.ts);
        client.userAgent = clipHeader(ua);
        applyFingerprint(client, fp);
        client.roles.add('phone');
      }
    }
  }

  observeTls(ev: TlsSessionEvent): void {
    // Inside TLS a phone says nothing readable about itself; a phone maker's MAC still names it.
    for (const [end, isServer] of [[ev.client, false], [ev.server, true]] as const) {
      const d = this.devices.get(end.ip);
      if (!d || d.mac === null || !isPhoneMakerMac(d.mac) || d.roles.has('pbx')) continue;
      d.roles.add('phone');
      d.vendor ??= vendorFromMac(d.mac);
      if (isServer && !SIP_TLS_PORTS.has(end.port)) d.roles.add('web-ui');
    }
    if (!SIP_TLS_PORTS.has(ev.server.port)) return;
    this.tlsSipSessions++;
    const client = this.devices.touch(ev.client.ip, ev.ts);
    client.signaling.add('tls');
    if (!client.roles.has('pbx')) client.roles.add('phone');
    const server = this.devices.touch(ev.server.ip, ev.ts);
    server.signaling.add('tls');
    server.roles.add('pbx');
  }
}
