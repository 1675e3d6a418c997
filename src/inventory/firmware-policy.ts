/**
 * Minimum firmware per vendor (optionally per model prefix), for the outdated-firmware rule.
 *
 * The defaults are EXAMPLES an operator must tune to the releases their vendor currently
 * supports: vendors publish no machine-readable "minimum safe version", so any shipped number
 * ages. Each default names why it was chosen.
 */

export interface FirmwareRule {
  /** Vendor id as the fingerprinter names it ('snom', 'yealink', 'cisco', ...). */
  vendor: string;
  /** Applies only to models starting with this (case-insensitive); the longest match wins. */
  modelPrefix?: string;
  /** Versions older than this are outdated. */
  minimum: string;
  /** Why this minimum: shown to operators reading the config, never in findings. */
  reason?: string;
}

export type FirmwarePolicy = readonly FirmwareRule[];

export const DEFAULT_FIRMWARE_POLICY: FirmwarePolicy = Object.freeze([
  Object.freeze({
    vendor: 'snom',
    minimum: '10.1.185.0',
    reason: 'first release without the published admin-mode password 0000 (docs/default-credentials.md); snom 3xx cannot reach it and is end of life',
  }),
  Object.freeze({
    vendor: 'cisco',
    modelPrefix: 'SPA5',
    minimum: '7.6.2',
    reason: 'last release line of the end-of-life SPA500 phones',
  }),
  Object.freeze({
    vendor: 'cisco',
    modelPrefix: 'SPA3',
    minimum: '7.6.2',
    reason: 'last release line of the end-of-life SPA300 phones',
  }),
]);

/** Firmware strings are clipped to this many characters before comparing (hostile headers). */
const MAX_FIRMWARE_LENGTH = 64;

/**
 * Splits a version into runs of digits and runs of letters, dropping separators:
 * '7.6.2c' → ['7','6','2','c'], 'R11.2.2' → ['11','2','2'] (a leading v/V/r/R before a digit
 * is a release marker, not part of the version).
 */
function tokens(version: string): string[] {
  const s = version.slice(0, MAX_FIRMWARE_LENGTH).replace(/^[vr](?=\d)/i, '');
  return s.match(/\d+|[a-z]+/gi) ?? [];
}

const isDigits = (t: string): boolean => t.charCodeAt(0) >= 0x30 && t.charCodeAt(0) <= 0x39;

/** Compares digit runs of any length without converting to Number (Gigaset uses 12-digit builds). */
function compareNumeric(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, '');
  const y = b.replace(/^0+(?=\d)/, '');
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Orders dotted versions: numeric parts numerically; a missing numeric part counts as 0
 * (10.1 = 10.1.0); a letter suffix is a later build (7.6.2 < 7.6.2a < 7.6.2c, Cisco's scheme);
 * where one side has letters and the other digits, letters sort first. Returns -1, 0 or 1.
 */
export function compareFirmware(a: string, b: string): -1 | 0 | 1 {
  const ta = tokens(a);
  const tb = tokens(b);
  const n = Math.max(ta.length, tb.length);
  for (let i = 0; i < n; i++) {
    const x = ta[i];
    const y = tb[i];
    let c: number;
    if (x === undefined) c = isDigits(y!) ? compareNumeric('0', y!) : -1;
    else if (y === undefined) c = isDigits(x) ? compareNumeric(x, '0') : 1;
    else if (isDigits(x) && isDigits(y)) c = compareNumeric(x, y);
    else if (isDigits(x) !== isDigits(y)) c = isDigits(x) ? 1 : -1;
    else {
      const lx = x.toLowerCase();
      const ly = y.toLowerCase();
      c = lx < ly ? -1 : lx > ly ? 1 : 0;
    }
    if (c !== 0) return c < 0 ? -1 : 1;
  }
  return 0;
}

/** The rule for this device: the longest matching model prefix, else the vendor-wide rule. */
function ruleFor(vendor: string, model: string | null, policy: FirmwarePolicy): FirmwareRule | null {
  const v = vendor.toLowerCase();
  const m = model?.toLowerCase() ?? null;
  let best: FirmwareRule | null = null;
  let bestLength = -1;
  for (const rule of policy) {
    if (rule.vendor.toLowerCase() !== v) continue;
    const prefix = rule.modelPrefix?.toLowerCase() ?? '';
    if (prefix && (m === null || !m.startsWith(prefix))) continue;
    if (prefix.length > bestLength) { best = rule; bestLength = prefix.length; }
  }
  return best;
}

/**
 * Whether this firmware is older than the policy's minimum for the vendor/model. A firmware
 * string without any digit (a build name such as 'release 1103m' parsed badly) is not judged.
 */
export function isOutdated(vendor: string, model: string | null, firmware: string, policy: FirmwarePolicy): { minimum: string } | null {
  if (!/\d/.test(firmware.slice(0, MAX_FIRMWARE_LENGTH))) return null;
  const rule = ruleFor(vendor, model, policy);
  if (!rule) return null;
  return compareFirmware(firmware, rule.minimum) < 0 ? { minimum: rule.minimum } : null;
}
