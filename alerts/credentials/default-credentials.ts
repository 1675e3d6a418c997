/**
 * Published vendor default credentials of IP phone and PBX web UIs: data, not code. One row
 * per documented default, each citing where it is published (mirrors
 * docs/default-credentials.md; re-check against the vendor's current documentation).
 *
 * Not listed because there is no password to match: Cisco SPA / MPP 3PCC ship with no
 * password at all, and Snom from 10.1.185.0 on ships an empty admin-mode password; both show
 * as admin pages served without authentication (the webui-no-auth rule). The empty password
 * is also the weak-password class 'weak:empty'.
 *
 * Vendor ids are the fingerprinter's (src/inventory/fingerprint.ts), so a device's derived
 * vendor selects its rows.
 */
import { compareFirmware } from '../../src/inventory/firmware-policy.ts';

export type DefaultCredentialVendor =
  | 'snom' | 'yealink' | 'polycom' | 'grandstream' | 'gigaset' | 'fanvil' | 'panasonic' | 'avaya'
  | 'mitel' | 'unify' | 'alcatel-lucent' | 'auerswald' | 'trixbox' | 'freepbx';

export interface DefaultCredential {
  vendor: DefaultCredentialVendor;
  family: string;
  /** null = any user name: the credential is a bare password or PIN (Snom admin mode, Gigaset system PIN). */
  username: string | null;
  password: string;
  role: 'admin' | 'user';
  /** The default applies only to firmware older than this. */
  firmwareBefore?: string;
  /** Where the default is published. */
  source: string;
}

const row = (c: DefaultCredential): Readonly<DefaultCredential> => Object.freeze(c);

export const DEFAULT_CREDENTIALS: readonly Readonly<DefaultCredential>[] = Object.freeze([
  row({
    vendor: 'snom', family: 'Snom 3xx/7xx/D', username: null, password: '0000', role: 'admin', firmwareBefore: '10.1.185.0',
    source: 'Snom wiki: admin_mode_password; Snom "How do I secure my phone" (seed 003)',
  }),
  row({ vendor: 'yealink', family: 'Yealink SIP-T', username: 'admin', password: 'admin', role: 'admin', source: 'Yealink SIP-T46G user manual; CVE-2013-5755; Greenbone Yealink default-credentials check' }),
  row({ vendor: 'yealink', family: 'Yealink SIP-T', username: 'user', password: 'user', role: 'user', source: 'Yealink SIP-T46G user manual; Greenbone Yealink default-credentials check' }),
  row({ vendor: 'yealink', family: 'Yealink VC / CTP18', username: 'admin', password: '0000', role: 'admin', source: 'Yealink VC400 administrator guide; nuclei template yealink-default-login' }),
  row({ vendor: 'polycom', family: 'Polycom / Poly VVX, Trio, SoundPoint', username: 'Polycom', password: '456', role: 'admin', source: 'Poly Trio deployment guide "Administrator and User Passwords"; Greenbone Polycom checks' }),
  row({ vendor: 'polycom', family: 'Polycom / Poly VVX, Trio, SoundPoint', username: 'User', password: '123', role: 'user', source: 'Poly Trio deployment guide "Administrator and User Passwords"' }),
  row({ vendor: 'grandstream', family: 'Grandstream GXP', username: 'admin', password: 'admin', role: 'admin', source: 'Grandstream GXP administration guides; Greenbone and nuclei Grandstream checks' }),
  row({ vendor: 'grandstream', family: 'Grandstream GXP', username: 'user', password: '123', role: 'user', source: 'Grandstream GXP administration guides; Greenbone and nuclei Grandstream checks' }),
  row({ vendor: 'gigaset', family: 'Gigaset IP (system PIN)', username: null, password: '0000', role: 'admin', source: 'Gigaset C470 IP user manual; Gigaset wiki' }),
  row({ vendor: 'fanvil', family: 'Fanvil', username: 'admin', password: 'admin', role: 'admin', source: 'Fanvil H5 user manual' }),
  row({ vendor: 'panasonic', family: 'Panasonic KX-UT/KX-HDV/KX-TGP', username: 'admin', password: 'adminpass', role: 'admin', source: 'Panasonic KX-TGP500 administrator guide; KX-HDV230 administrator guide' }),
  row({ vendor: 'panasonic', family: 'Panasonic KX-UT/KX-HDV/KX-TGP', username: 'user', password: '', role: 'user', source: 'Panasonic KX-TGP500 administrator guide; KX-HDV230 administrator guide' }),
  row({ vendor: 'avaya', family: 'Avaya J100', username: 'admin', password: '27238', role: 'admin', source: 'nuclei template avaya-phone-default-login (Avaya J100 documentation)' }),
  row({ vendor: 'mitel', family: 'Mitel / Aastra 67xx/68xx/69xx', username: 'admin', password: '22222', role: 'admin', source: 'Mitel 6900 series administrator guide; Aastra 6700i administrator guide' }),
  row({ vendor: 'mitel', family: 'Mitel / Aastra 67xx/68xx/69xx', username: 'user', password: '', role: 'user', source: 'Mitel 6900 series administrator guide; Aastra 6700i administrator guide' }),
  row({ vendor: 'unify', family: 'Unify OpenScape Desk Phone CP', username: 'admin', password: '123456', role: 'admin', source: 'OpenScape Desk Phone CP200/400/600 administration documentation' }),
  row({
    vendor: 'alcatel-lucent', family: 'ALE M3–M8 DeskPhones (phone advanced settings; web UI default undocumented)', username: null, password: '123456', role: 'admin',
    source: 'ALE M3–M8 DeskPhones administrator guide',
  }),
  row({ vendor: 'auerswald', family: 'Auerswald COMfortel D', username: 'admin', password: 'admin', role: 'admin', source: 'Auerswald D-series online help "Access authorisations"' }),
  row({ vendor: 'trixbox', family: 'trixbox PBX web UI', username: 'maint', password: 'password', role: 'admin', source: 'public VoIP forensics write-ups (trixbox maint account)' }),
  row({ vendor: 'freepbx', family: 'FreePBX web UI', username: 'admin', password: 'admin', role: 'admin', source: 'public VoIP forensics write-ups' }),
]);

/** Alternative spellings the fingerprinter or an operator may use for a vendor. */
const VENDOR_ALIASES: Readonly<Record<string, DefaultCredentialVendor>> = Object.freeze({
  poly: 'polycom',
  aastra: 'mitel',
  ale: 'alcatel-lucent',
  alcatel: 'alcatel-lucent',
  siemens: 'unify',
  openscape: 'unify',
});

const normalizeVendor = (vendor: string): string => {
  const v = vendor.trim().toLowerCase();
  return VENDOR_ALIASES[v] ?? v;
};

/** Candidate lists per vendor, built on first use; bounded by the number of vendors in the table. */
const orderedByVendor = new Map<string, readonly Readonly<DefaultCredential>[]>();

function orderFor(vendor: string): readonly Readonly<DefaultCredential>[] {
  let list = orderedByVendor.get(vendor);
  if (!list) {
    list = Object.freeze([
      ...DEFAULT_CREDENTIALS.filter((c) => c.vendor === vendor),
      ...DEFAULT_CREDENTIALS.filter((c) => c.vendor !== vendor),
    ]);
    orderedByVendor.set(vendor, list);
  }
  return list;
}

const isKnownVendor = (vendor: string): boolean => DEFAULT_CREDENTIALS.some((c) => c.vendor === vendor);

/**
 * All defaults, the device's own vendor first: devices are misidentified (a Server header can
 * lie, a PBX web UI sits in front of phones), so the others are still tried. When the device's
 * vendor and firmware are both known, that vendor's rows whose `firmwareBefore` the firmware
 * has reached are left out (the default no longer ships); other vendors' rows always stay.
 */
export function defaultCredentialCandidates(vendor: string | null, firmware?: string | null): readonly Readonly<DefaultCredential>[] {
  const v = vendor ? normalizeVendor(vendor) : '';
  const list = v && isKnownVendor(v) ? orderFor(v) : DEFAULT_CREDENTIALS;
  if (!v || !firmware) return list;
  const stillShipped = (c: Readonly<DefaultCredential>) =>
    c.vendor !== v || c.firmwareBefore === undefined || compareFirmware(firmware, c.firmwareBefore) < 0;
  return list.every(stillShipped) ? list : list.filter(stillShipped);
}

/** The label a finding carries instead of the password: `vendor-default:<vendor>`. */
export const matchLabel = (entry: Pick<DefaultCredential, 'vendor'>): string => `vendor-default:${entry.vendor}`;
