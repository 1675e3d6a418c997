/**
 * What each rule stands for in the hardening guides (../shared/seeds/, mapped in the findings
 * catalog): the report prints it next to the open findings, so a reader sees what to do.
 */
export const RULE_RECOMMENDATIONS: Readonly<Record<string, { seed: string; recommendation: string }>> = Object.freeze({
  'plaintext-sip': { seed: '000', recommendation: 'Use SIPS (SIP over TLS) instead of SIP for session setup.' },
  'unencrypted-rtp': { seed: '000', recommendation: 'Use SRTP instead of RTP for the voice.' },
  'srtp-keys-exposed': { seed: '000', recommendation: 'Use the best available encryption: SDES keys only inside TLS-protected signaling.' },
  'weak-tls': { seed: '000', recommendation: 'Use the best available encryption: TLS 1.2 or later with strong ciphers.' },
  'webui-internet-exposed': { seed: '000', recommendation: 'Keep phones behind a firewall: no direct reachability from the internet.' },
  'sip-internet-exposed': { seed: '000', recommendation: 'Keep phones behind a firewall: no direct reachability from the internet.' },
  'webui-plaintext-http': { seed: '003', recommendation: 'Serve the web UI over HTTPS only.' },
  'webui-no-auth': { seed: '003', recommendation: 'Set a web UI user and password.' },
  'default-credentials': { seed: '000, 003', recommendation: 'Change the default admin password (identical on all devices; snom: 0000).' },
  'weak-sip-password': { seed: '000', recommendation: 'Choose passwords that cannot be guessed.' },
  'cleartext-credentials': { seed: '003', recommendation: 'Use Digest authentication and HTTPS only.' },
  'shared-sip-credentials': { seed: '000', recommendation: 'Give every user personal SIP credentials.' },
  'sip-scan': { seed: '000', recommendation: 'Do not expose SIP: block scanners at the edge.' },
  'credential-brute-force': { seed: '000', recommendation: 'Choose passwords that cannot be guessed; block repeated failures.' },
  'outdated-firmware': { seed: '000', recommendation: 'Install updates automatically.' },
  'plaintext-provisioning': { seed: '000', recommendation: 'Use the best available encryption: provision over HTTPS.' },
  sensor_health: { seed: '—', recommendation: 'The sensor dropped packets: give it more capacity so findings are complete.' },
});
