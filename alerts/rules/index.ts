/** Every rule of the findings catalog, in catalog order. */
import type { Rule } from '../rule.ts';
import { createPlaintextSipRule } from './plaintext-sip.ts';
import { createUnencryptedRtpRule } from './unencrypted-rtp.ts';
import { createSrtpKeysExposedRule } from './srtp-keys-exposed.ts';
import { createWeakTlsRule } from './weak-tls.ts';
import { createWebUiInternetExposedRule } from './webui-internet-exposed.ts';
import { createSipInternetExposedRule } from './sip-internet-exposed.ts';
import { createWebUiPlaintextHttpRule } from './webui-plaintext-http.ts';
import { createWebUiNoAuthRule } from './webui-no-auth.ts';
import { createDefaultCredentialsRule } from './default-credentials.ts';
import { createWeakSipPasswordRule } from './weak-sip-password.ts';
import { createCleartextCredentialsRule } from './cleartext-credentials.ts';
import { createSharedSipCredentialsRule } from './shared-sip-credentials.ts';
import { createSipScanRule } from './sip-scan.ts';
import { createCredentialBruteForceRule } from './credential-brute-force.ts';
import { createOutdatedFirmwareRule } from './outdated-firmware.ts';
import { createPlaintextProvisioningRule } from './plaintext-provisioning.ts';

export const ALL_RULES: readonly (() => Rule)[] = Object.freeze([
  createPlaintextSipRule,
  createUnencryptedRtpRule,
  createSrtpKeysExposedRule,
  createWeakTlsRule,
  createWebUiInternetExposedRule,
  createSipInternetExposedRule,
  createWebUiPlaintextHttpRule,
  createWebUiNoAuthRule,
  createDefaultCredentialsRule,
  createWeakSipPasswordRule,
  createCleartextCredentialsRule,
  createSharedSipCredentialsRule,
  createSipScanRule,
  createCredentialBruteForceRule,
  createOutdatedFirmwareRule,
  createPlaintextProvisioningRule,
]);

export const RULE_IDS: readonly string[] = Object.freeze([
  'plaintext-sip', 'unencrypted-rtp', 'srtp-keys-exposed', 'weak-tls', 'webui-internet-exposed',
  'sip-internet-exposed', 'webui-plaintext-http', 'webui-no-auth', 'default-credentials',
  'weak-sip-password', 'cleartext-credentials', 'shared-sip-credentials', 'sip-scan',
  'credential-brute-force', 'outdated-firmware', 'plaintext-provisioning',
]);
