/**
 * Detector tunables: one frozen defaults object, units in the comments. The config issue
 * will load overrides from a file; unknown keys are rejected there, not silently ignored.
 */
import { DEFAULT_FIRMWARE_POLICY, type FirmwarePolicy } from '../src/inventory/firmware-policy.ts';

export interface DetectConfig {
  /** TCP ports where phones serve their web UI. */
  webUiPorts: readonly number[];
  /** TCP ports of plain-HTTP web UIs (the rest of webUiPorts speak TLS). */
  sipScan: { minTargets: number; minExtensions: number; windowSec: number };
  bruteForce: { minFailures: number; windowSec: number };
  /** Digest candidates verified per source and minute; a cap so a flood cannot pin the CPU. */
  maxVerificationsPerSourcePerMinute: number;
  firmwarePolicy: FirmwarePolicy;
}

export const DEFAULT_DETECT_CONFIG: DetectConfig = Object.freeze({
  webUiPorts: Object.freeze([80, 443, 8080, 8443, 8000, 8888, 81]),
  sipScan: Object.freeze({
    /** distinct destination addresses probed by one source */
    minTargets: 10,
    /** distinct extensions (To users) probed on one target */
    minExtensions: 10,
    /** seconds over which both are counted */
    windowSec: 300,
  }),
  bruteForce: Object.freeze({
    /** failed authentications (401/403/407 to a request carrying credentials) */
    minFailures: 10,
    /** seconds over which they are counted */
    windowSec: 60,
  }),
  maxVerificationsPerSourcePerMinute: 120,
  firmwarePolicy: DEFAULT_FIRMWARE_POLICY,
}) as DetectConfig;
