/**
 * sip-scan (medium) — one source sends SIP requests to many addresses or extensions, or uses
 * a known scanner User-Agent (friendly-scanner, sipvicious, sipcli, VaxSIPUserAgent ...).
 * Seed 000: no exposure.
 *
 * Tunables (DetectConfig.sipScan): minTargets distinct addresses, or minExtensions distinct
 * To users on one address, within windowSec. Device: the scanner; peer: the target when all
 * its requests went to one host, else none. Count = requests.
 */
import type { Rule } from '../rule.ts';
import { isKnownScannerUserAgent } from '../../src/inventory/fingerprint.ts';
import { parseSipUri } from '../../parsers/sip.ts';

const MAX_SOURCES = 50_000;
/** Distinct targets/extensions remembered per source: enough to pass any sane threshold. */
const MAX_DISTINCT = 256;

interface Source {
  windowStart: number;
  targets: Set<string>;
  extensions: Map<string, Set<string>>;
  first: number; last: number; requests: number;
  allTargets: Set<string>;
  scannerAgent: string | null;
  triggered: 'targets' | 'extensions' | 'user-agent' | null;
}

export function createSipScanRule(): Rule {
  const sources = new Map<string, Source>();
  return {
    id: 'sip-scan',
    defaultSeverity: 'medium',
    onSipMessage(ev, ctx) {
      if (!ev.msg.isRequest || ev.msg.vias.length > 1) return;
      let s = sources.get(ev.src.ip);
      if (!s) {
        if (sources.size >= MAX_SOURCES) return;
        s = { windowStart: ev.ts, targets: new Set(), extensions: new Map(), first: ev.ts, last: ev.ts, requests: 0, allTargets: new Set(), scannerAgent: null, triggered: null };
        sources.set(ev.src.ip, s);
      }
      const { sipScan } = ctx.config;
      if (ev.ts - s.windowStart > sipScan.windowSec) { s.windowStart = ev.ts; s.targets.clear(); s.extensions.clear(); }
      s.requests++;
      s.last = ev.ts;
      if (s.allTargets.size < MAX_DISTINCT) s.allTargets.add(ev.dst.ip);
      if (s.targets.size < MAX_DISTINCT) s.targets.add(ev.dst.ip);
      const user = parseSipUri(ev.msg.to)?.user ?? '';
      let ext = s.extensions.get(ev.dst.ip);
      if (!ext && s.extensions.size < MAX_DISTINCT) { ext = new Set(); s.extensions.set(ev.dst.ip, ext); }
      if (ext && user && ext.size < MAX_DISTINCT) ext.add(user);
      if (!s.scannerAgent && ev.msg.userAgent && isKnownScannerUserAgent(ev.msg.userAgent)) s.scannerAgent = ev.msg.userAgent.slice(0, 128);
      if (!s.triggered) {
        if (s.scannerAgent) s.triggered = 'user-agent';
        else if (s.targets.size >= sipScan.minTargets) s.triggered = 'targets';
        else if (ext && ext.size >= sipScan.minExtensions) s.triggered = 'extensions';
        if (s.triggered) ctx.devices.touch(ev.src.ip, ev.ts).roles.add('scanner');
      }
    },
    finish(ctx) {
      for (const [ip, s] of sources) {
        if (!s.triggered) continue;
        let maxExtensions = 0;
        for (const e of s.extensions.values()) maxExtensions = Math.max(maxExtensions, e.size);
        ctx.report({
          rule: 'sip-scan', severity: 'medium', ts: s.first, lastTs: s.last, count: s.requests,
          deviceIp: ip, peerIp: s.allTargets.size === 1 ? [...s.allTargets][0] : null,
          summary: s.triggered === 'user-agent' ? `SIP scanner (${s.scannerAgent}) probing ${s.allTargets.size} address(es)`
            : s.triggered === 'targets' ? `SIP requests to ${s.allTargets.size} addresses from one source`
            : `SIP requests to ${maxExtensions} extensions of one host`,
          evidence: { trigger: s.triggered, user_agent: s.scannerAgent, targets: s.allTargets.size, requests: s.requests },
        });
      }
    },
  };
}
