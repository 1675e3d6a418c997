/**
 * outdated-firmware (low) — a User-Agent / Server header reveals a firmware version older
 * than the configured minimum for that vendor/model (DetectConfig.firmwarePolicy).
 * Seed 000: install updates.
 *
 * Device: the device; no peer. Decided at the end, on the inventory's last word per device.
 */
import type { Rule } from '../rule.ts';
import { isOutdated } from '../../src/inventory/firmware-policy.ts';

export function createOutdatedFirmwareRule(): Rule {
  return {
    id: 'outdated-firmware',
    defaultSeverity: 'low',
    finish(ctx) {
      for (const d of ctx.devices.all()) {
        if (!d.vendor || !d.firmware) continue;
        const old = isOutdated(d.vendor, d.model, d.firmware, ctx.config.firmwarePolicy);
        if (!old) continue;
        ctx.report({
          rule: 'outdated-firmware', severity: 'low', ts: d.firstSeen, lastTs: d.lastSeen,
          deviceIp: d.ip, peerIp: null,
          summary: `${d.vendor}${d.model ? ` ${d.model}` : ''} runs firmware ${d.firmware}, older than ${old.minimum}`,
          evidence: { vendor: d.vendor, model: d.model, firmware: d.firmware, minimum: old.minimum },
        });
      }
    },
  };
}
