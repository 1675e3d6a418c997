/**
 * plaintext-provisioning (high) — a phone fetches its configuration over TFTP or plain HTTP
 * (such files often carry SIP passwords). Seed 000: best possible encryption.
 *
 * TFTP reads of configuration-like files count from any client (TFTP is provisioning on a
 * phone network); HTTP fetches count when the client is a phone. Device: the phone; peer:
 * the provisioning server. Count = fetches.
 */
import type { Rule } from '../rule.ts';
import { PairTally } from '../pair-tally.ts';

/** File names phones fetch at boot: vendor config files, MAC-named files, directories. */
const CONFIG_FILE = /\.(?:cfg|xml|ini|conf|boot|txt|json|prov|bin|cnf)$|(?:^|\/)(?:[0-9a-f]{12}|sep[0-9a-f]{12})(?:[.-]|$)/i;

interface Detail { protocol: 'tftp' | 'http'; file: string }

export function createPlaintextProvisioningRule(): Rule {
  const fetches = new PairTally<Detail>();
  return {
    id: 'plaintext-provisioning',
    defaultSeverity: 'high',
    onTftpRequest(ev) {
      if (ev.opcode !== 'read' || !CONFIG_FILE.test(ev.filename)) return;
      fetches.add(ev.client.ip, ev.server.ip, ev.ts, { protocol: 'tftp', file: ev.filename.slice(0, 128) });
    },
    onHttpExchange(ev) {
      if (ev.request.method !== 'GET' || !CONFIG_FILE.test(ev.request.path)) return;
      fetches.add(ev.client.ip, ev.server.ip, ev.ts, { protocol: 'http', file: ev.request.path.slice(0, 128) });
    },
    finish(ctx) {
      for (const f of fetches.values()) {
        if (f.detail.protocol === 'http' && !ctx.isPhone(f.a)) continue;
        ctx.report({
          rule: 'plaintext-provisioning', severity: 'high', ts: f.first, lastTs: f.last, count: f.count,
          deviceIp: f.a, peerIp: f.b,
          summary: `configuration fetched over ${f.detail.protocol.toUpperCase()} without encryption`,
          evidence: { protocol: f.detail.protocol, file: f.detail.file, fetches: f.count },
        });
      }
    },
  };
}
