/**
 * Device fingerprints from what devices say about themselves: SIP User-Agent / Server headers,
 * HTTP Server headers, WWW-Authenticate realms and web UI page titles, plus the MAC's OUI.
 *
 * Table-driven: one row per known pattern, first match wins, so more specific rows (scanner
 * spoofs, ATAs of a phone vendor) come before general ones. Headers are attacker-controlled:
 * they are clipped to MAX_FINGERPRINT_INPUT characters first, and every pattern is anchored
 * or starts with a literal, with bounded quantifiers over classes that cannot overlap their
 * successor, so matching is linear in the clipped length (no catastrophic backtracking).
 *
 * Results are frozen and cached per distinct header (bounded), since a network's few
 * User-Agent strings repeat on every message.
 */

export type DeviceKind = 'phone' | 'pbx' | 'scanner' | 'softphone' | 'gateway';

export interface Fingerprint {
  vendor: string | null;
  model: string | null;
  firmware: string | null;
  kind: DeviceKind | null;
}

/** Characters of a header considered; vendor, model and version sit at the start. */
export const MAX_FINGERPRINT_INPUT = 256;
/** Distinct header strings whose fingerprint is cached; the cache is emptied when full. */
export const MAX_CACHED_FINGERPRINTS = 4_096;

/**
 * One pattern. Named groups: `model` (else the row's fixed model, else null) and `fw` (else
 * the first dotted version after the match, else null).
 */
interface Row {
  re: RegExp;
  vendor: string | null;
  kind: DeviceKind;
  model?: string;
  /** false: do not look for a version after the match (scanner spoofs, names without one). */
  versionAfter?: boolean;
}

/**
 * SIP User-Agent / Server and HTTP Server / User-Agent strings. Examples in comments are the
 * strings each row is tested against (test/fingerprint.test.ts).
 */
const HEADER_ROWS: readonly Row[] = [
  // --- scanners (before everything they imitate) ---
  // SIPVicious svwar/svmap default agent
  { re: /^friendly-scanner\b/i, vendor: 'sipvicious', kind: 'scanner' },
  { re: /^sipvicious\b/i, vendor: 'sipvicious', kind: 'scanner' },
  // 'sipcli/v1.8'
  { re: /^sipcli\b/i, vendor: 'sipcli', kind: 'scanner' },
  // 'VaxSIPUserAgent/3.1' (VaxVoIP SDK default agent, common in brute-force floods)
  { re: /^vaxsipuseragent\b/i, vendor: 'vaxvoip', kind: 'scanner' },
  { re: /^sundayddr\b/i, vendor: 'sundayddr', kind: 'scanner' },
  // 'PortSIP VoIP SDK 11.2.3' — a legitimate SDK, but its unmodified default agent is what
  // toll-fraud scanners send; products built on it set their own
  { re: /^portsip[ -]voip[ -]sdk\b/i, vendor: 'portsip', kind: 'scanner' },
  { re: /^pplsip\b/i, vendor: 'pplsip', kind: 'scanner' },
  { re: /^sip-scan\b/i, vendor: null, kind: 'scanner', versionAfter: false },
  { re: /^smap\b/i, vendor: 'smap', kind: 'scanner' },
  { re: /^iwar\b/i, vendor: 'iwar', kind: 'scanner' },
  { re: /^sivus\b/i, vendor: 'sivus', kind: 'scanner' },
  // Real Cisco IOS gateways report a numeric release ('Cisco-SIPGateway/IOS-15.4.3.M3'); the
  // literal 'IOS-12.x' is a spoof seen from scanners, so it names no vendor
  { re: /^cisco-sipgateway\/ios-12\.x\s*$/i, vendor: null, kind: 'scanner', versionAfter: false },

  // --- PBXs, proxies, servers (before phones: 'Asterisk PBX' must not read as a phone) ---
  // 'FPBX-15.0.16.75(16.13.0)' — FreePBX's Asterisk
  { re: /^fpbx-(?<fw>\d{1,4}(?:\.\d{1,8}){1,4})/i, vendor: 'freepbx', kind: 'pbx', model: 'FreePBX' },
  { re: /^freepbx\b/i, vendor: 'freepbx', kind: 'pbx', model: 'FreePBX' },
  // 'Asterisk PBX 16.2.1', 'Asterisk/16.2.1' (HTTP), 'Asterisk PBX certified/13.21-cert3'
  { re: /^asterisk\b/i, vendor: 'asterisk', kind: 'pbx', model: 'Asterisk' },
  // 'FreeSWITCH-mod_sofia/1.6.12-20-b91a0a6~64bit'
  { re: /^freeswitch\b/i, vendor: 'freeswitch', kind: 'pbx', model: 'FreeSWITCH' },
  // 'kamailio (5.2.1 (x86_64/linux))', 'OpenSER (1.3.4-notls (i386/linux))'
  { re: /^(?:kamailio|openser)\b/i, vendor: 'kamailio', kind: 'pbx', model: 'Kamailio' },
  // 'OpenSIPS (2.4.2 (x86_64/linux))'
  { re: /^opensips\b/i, vendor: 'opensips', kind: 'pbx', model: 'OpenSIPS' },
  // 'Sip EXpress router (0.8.12 (i386/linux))' — SER, the ancestor of both
  { re: /^sip express router\b/i, vendor: 'ser', kind: 'pbx', model: 'SER' },
  // '3CXPhoneSystem 16.0.8.9 (9)'
  { re: /^3cx ?phone ?system\b/i, vendor: '3cx', kind: 'pbx', model: '3CX Phone System' },
  // 'YATE/5.4.1'
  { re: /^yate\b/i, vendor: 'yate', kind: 'pbx', model: 'Yate' },
  // 'Avaya CM/R016x.03.0.124.0', also behind an SBC: 'ES FS SBC Avaya CM/R016x.03.0.124.0'
  { re: /\bavaya cm\/(?<fw>r[0-9a-z]{1,8}(?:\.[0-9a-z]{1,8}){0,5})/i, vendor: 'avaya', kind: 'pbx', model: 'CM' },
  // 'OmniPCX Enterprise R11.2.2 l2.300.34.a'
  { re: /^(?<model>omnipcx (?:enterprise|office))(?: (?<fw>r\d{1,3}(?:\.\d{1,6}){0,4}))?/i, vendor: 'alcatel-lucent', kind: 'pbx' },
  // 'Huawei SoftX3000 V300R011'
  { re: /^huawei (?<model>softx\d{3,5})(?: (?<fw>v\d{1,4}r\d{1,4}[0-9a-z]{0,8}))?/i, vendor: 'huawei', kind: 'pbx' },
  // Auerswald COMpact PBXs: 'Auerswald COMpact 5500R 8.0.2'
  { re: /^(?:auerswald[ -])?(?<model>compact[ -]?\d{4}[a-z]{0,3})\b/i, vendor: 'auerswald', kind: 'pbx' },

  // --- hardware phones, ATAs and gateways ---
  // 'snomD785/10.1.33.33', 'snom320/8.7.3.25', 'snom370-SIP 8.7.5.35', 'snomPA1/8.4.35'
  { re: /^snom[ -]?(?<model>[a-z]{0,2}\d{2,4}[a-z]?|pa1|meetingpoint)(?:-sip)?[/ ]/i, vendor: 'snom', kind: 'phone' },
  // Snom's provisioning client: 'Mozilla/4.0 (compatible; snomD785-SIP 10.1.33.33)'
  { re: /^mozilla\/4\.0 \(compatible; snom(?<model>[a-z]{0,2}\d{2,4}[a-z]?)(?:-sip)?[/ ](?<fw>\d{1,4}(?:\.\d{1,8}){1,4})/i, vendor: 'snom', kind: 'phone' },
  // lighttpd on Snom phones: 'Server: snom embedded'
  { re: /^snom embedded\b/i, vendor: 'snom', kind: 'phone', versionAfter: false },
  // 'Yealink SIP-T46G 28.81.0.110', 'Yealink SIP-T54W 96.86.0.100', 'Yealink SIP VP-T49G 51.80.0.100', 'Yealink W60B 77.83.0.85'
  { re: /^yealink[ -](?:sip[ -])?(?<model>[a-z-]{0,8}\d[a-z0-9-]{0,15})/i, vendor: 'yealink', kind: 'phone' },
  { re: /^yealink\b/i, vendor: 'yealink', kind: 'phone', versionAfter: false },
  // HTTP: 'Server: Polycom SoundPoint IP Telephone HTTPd'
  { re: /^polycom soundpoint ip telephone httpd\b/i, vendor: 'polycom', kind: 'phone', model: 'SoundPoint IP', versionAfter: false },
  // 'PolycomVVX-VVX_410-UA/5.9.0.9373', 'PolycomSoundPointIP-SPIP_450-UA/3.1.2.0392', 'PolyEdge-Edge_E450-UA/8.0.0.1234'
  { re: /^poly(?:com)?[a-z]{0,40}-(?<model>[a-z0-9_]{1,32})-ua\/(?<fw>\d{1,4}(?:\.\d{1,8}){1,4})/i, vendor: 'polycom', kind: 'phone' },
  // Polycom's provisioning client: 'FileTransport PolycomVVX-VVX_450-UA/6.3.1.8427'
  { re: /^filetransport poly(?:com)?[a-z]{0,40}-(?<model>[a-z0-9_]{1,32})-ua\/(?<fw>\d{1,4}(?:\.\d{1,8}){1,4})/i, vendor: 'polycom', kind: 'phone' },
  // Grandstream ATAs and gateways: 'Grandstream HT502 V1.2A 1.0.8.6', 'Grandstream GXW4104 1.4.1.5'
  { re: /^grandstream[ -](?<model>(?:ht|gxw)[ -]?\d{3,5}[a-z]{0,2}(?!\d))(?:[ ]?v\d[0-9a-z.]{0,7})?/i, vendor: 'grandstream', kind: 'gateway' },
  // Grandstream UCM PBX: 'Grandstream UCM6202V1.4A 1.0.20.31'
  { re: /^grandstream[ -](?<model>ucm\d{4}[a-z]{0,2}(?!\d))(?:[ ]?v\d[0-9a-z.]{0,7})?/i, vendor: 'grandstream', kind: 'pbx' },
  // 'Grandstream GXP2170 1.0.11.3', 'Grandstream GRP2614 1.0.5.33', 'Grandstream GXV3275 1.0.3.219'
  { re: /^grandstream[ -](?<model>[a-z]{2,4}[ -]?\d{2,5}[a-z]{0,2}(?!\d))(?:[ ]?v\d[0-9a-z.]{0,7})?/i, vendor: 'grandstream', kind: 'phone' },
  // Cisco / Linksys / Sipura ATAs: 'Cisco/SPA112-1.4.1(SR5)', 'Linksys/PAP2T-5.1.6(LS)', 'Linksys/SPA2102-5.2.10'
  { re: /^(?:cisco|linksys|sipura)\/(?<model>spa[12]\d{2,3}|pap2t?|wrp\d{2,4}[a-z]?|ata\d{2,4})-(?<fw>\d{1,3}(?:\.\d{1,6}){1,3}[a-z]?(?:\([0-9a-z]{1,8}\))?)/i, vendor: 'cisco', kind: 'gateway' },
  // Cisco SPA phones: 'Cisco/SPA504G-7.6.2c', 'Linksys/SPA942-6.1.5(a)'
  { re: /^(?:cisco|linksys|sipura)\/(?<model>spa\d{3,4}[a-z]{0,2})-(?<fw>\d{1,3}(?:\.\d{1,6}){1,3}[a-z]?(?:\([0-9a-z]{1,8}\))?)/i, vendor: 'cisco', kind: 'phone' },
  // Cisco MPP (3PCC and enterprise): 'Cisco-CP8845-3PCC/11.3.7', 'Cisco-CP7821/14.1.1'
  { re: /^cisco-(?<model>cp-?\d{4}[a-z]{0,2})(?:-3pcc)?\/(?<fw>\d{1,3}(?:\.\d{1,6}){1,3}[a-z]?(?:\([0-9a-z]{1,8}\))?)/i, vendor: 'cisco', kind: 'phone' },
  // Genuine IOS voice gateways: 'Cisco-SIPGateway/IOS-15.4.3.M3'
  { re: /^cisco-sipgateway\/ios-(?<fw>\d{1,3}(?:\.[0-9a-z]{1,8}){1,4})/i, vendor: 'cisco', kind: 'gateway', model: 'IOS SIP gateway' },
  // 'Gigaset N510 IP PRO/42.245.00.000.000', 'Gigaset C470 IP/021020000000'
  { re: /^gigaset[ -](?<model>[a-z]{1,8}[ -]?\d{0,4}[a-z]{0,3}(?: ip)?(?: pro)?)\/(?<fw>\d{1,12}(?:\.\d{1,12}){0,5})/i, vendor: 'gigaset', kind: 'phone' },
  // 'Fanvil X4 2.2.1.12345', 'Fanvil X6U 2.4.1.5678', 'Fanvil i10 2.8.0'
  { re: /^fanvil[ -](?<model>[a-z-]{0,8}\d[a-z0-9-]{0,11})/i, vendor: 'fanvil', kind: 'phone' },
  // 'Panasonic_KX-HDV230/12.153', 'Panasonic-KX-UT136/01.133', 'Panasonic KX-TGP600'
  { re: /^panasonic[_ -](?<model>kx-[a-z]{1,4}\d{2,4}[a-z]{0,3})/i, vendor: 'panasonic', kind: 'phone' },
  // 'Avaya one-X Deskphone 7.1.2.0.14'
  { re: /^avaya one-x deskphone\b/i, vendor: 'avaya', kind: 'phone', model: 'one-X Deskphone' },
  // 'Avaya J179 IP Phone 4.0.2.0.6', 'Avaya J169/4.0.1.0.6'
  { re: /^avaya[ -](?<model>j\d{3}[a-z]?)\b/i, vendor: 'avaya', kind: 'phone' },
  // 'Aastra 6757i/3.3.1.4305', 'Mitel 6867i/5.1.0.1024', 'Aastra 57i/2.6.0.1008', 'Mitel 6920/6.0.0.89'
  { re: /^(?:aastra|mitel)[ -](?<model>\d{2,4}[a-z]{0,2})\b/i, vendor: 'mitel', kind: 'phone' },
  // 'Alcatel-Lucent 8001 DeskPhone V4.2.0.0 11273', 'ALE 8068s', 'ALE H6', 'ALE M5'
  { re: /^alcatel-lucent (?<model>\d{4}[a-z]{0,2})\b/i, vendor: 'alcatel-lucent', kind: 'phone' },
  { re: /^ale[ -](?<model>\d{4}[a-z]{0,2}|[hm]\d{1,2}[a-z]{0,2})\b/i, vendor: 'alcatel-lucent', kind: 'phone' },
  // 'OpenScape Desk Phone CP600 V1 R4.4.10', 'OpenStage_60_V3 R0.62.0 SIP 130208'
  { re: /^openscape desk ?phone (?<model>cp\d{3}[a-z]?)\b/i, vendor: 'unify', kind: 'phone' },
  { re: /^(?<model>openstage[ _]\d{2}[a-z]?)(?![0-9a-z])/i, vendor: 'unify', kind: 'phone' },
  // 'Htek UC926 2.0.4.4.46', 'Htek UC924E 2.42.6.5.62'
  { re: /^htek[ -](?<model>uc\d{3,4}[a-z]{0,2})\b/i, vendor: 'htek', kind: 'phone' },
  // 'COMfortel D-200 3.8.2', 'Auerswald COMfortel D-400'
  { re: /^(?:auerswald[ -])?(?<model>comfortel[ -][a-z0-9][a-z0-9-]{0,11})/i, vendor: 'auerswald', kind: 'phone' },
  // 'AVM FRITZ!Box 7590 154.07.29'
  { re: /^(?:avm )?(?<model>fritz!box(?: fon)?(?: wlan)?(?: \d{4}[a-z]{0,3})?)/i, vendor: 'avm', kind: 'gateway' },

  // --- softphones and SIP stacks of apps ---
  // 'baresip v1.0.0 (x86_64/Linux)'
  { re: /^baresip\b/i, vendor: 'baresip', kind: 'softphone', model: 'baresip' },
  // 'Linphone/3.6.1 (eXosip2/3.6.0)', 'LinphoneAndroid/4.5.2', 'Linphone Desktop/4.2.5'
  { re: /^(?<model>linphone[a-z]{0,12}(?: desktop)?)\b/i, vendor: 'linphone', kind: 'softphone' },
  // 'Zoiper rv2.10.3.2', 'Zoiper r33688', and Zoiper 3/5's terse 'Z 3.3.21933 r21903'
  { re: /^zoiper\b/i, vendor: 'zoiper', kind: 'softphone', model: 'Zoiper' },
  { re: /^z (?=\d{1,2}\.\d)/i, vendor: 'zoiper', kind: 'softphone', model: 'Zoiper' },
  // 'MicroSIP/3.14.5'
  { re: /^microsip\b/i, vendor: 'microsip', kind: 'softphone', model: 'MicroSIP' },
  // CounterPath: 'X-Lite release 1103m', 'Bria 3 release 3.5.5 stamp 71243', 'eyeBeam release 1011d stamp 40820'
  { re: /^(?<model>x-lite|bria|eyebeam)\b/i, vendor: 'counterpath', kind: 'softphone' },
  // '3CXPhone 6.0.26523.0'
  { re: /^3cx ?phone\b/i, vendor: '3cx', kind: 'softphone', model: '3CXPhone' },
  // 'Nero SIPPS IP Phone Version 2.0.51.16'
  { re: /^nero sipps\b/i, vendor: 'nero', kind: 'softphone', model: 'SIPPS' },
  { re: /^jitsi\b/i, vendor: 'jitsi', kind: 'softphone', model: 'Jitsi' },
  { re: /^blink\b/i, vendor: 'ag-projects', kind: 'softphone', model: 'Blink' },
  // WebRTC SIP libraries in browsers: 'SIP.js/0.11.5', 'JsSIP 3.10.0'
  { re: /^(?<model>sip\.js|jssip)\b/i, vendor: 'webrtc', kind: 'softphone' },
];

/** WWW-Authenticate realms of phone web UIs (the header rows are tried too). */
const REALM_ROWS: readonly Row[] = [
  { re: /^snom\b/i, vendor: 'snom', kind: 'phone', versionAfter: false },
  // Polycom SoundPoint IP / VVX: realm="PolycomSPIP"
  { re: /^polycom/i, vendor: 'polycom', kind: 'phone', versionAfter: false },
  // Older Yealink SIP-T firmware: realm="Gigabit Color IP Phone SIP-T46G", "Enterprise IP phone SIP-T28P"
  { re: /\bip phone (?:sip-)?(?<model>(?:vp-?)?t\d{2}[a-z]{0,2})\b/i, vendor: 'yealink', kind: 'phone', versionAfter: false },
];

/** Web UI page titles (the header rows are tried too). */
const TITLE_ROWS: readonly Row[] = [
  // 'snom D785', 'snom 320'
  { re: /^snom (?<model>[a-z]{0,2}\d{2,4}[a-z]?)\b/i, vendor: 'snom', kind: 'phone', versionAfter: false },
  { re: /^snom\b/i, vendor: 'snom', kind: 'phone', versionAfter: false },
  // 'Yealink Phone', 'Yealink T46G'
  { re: /^yealink\b/i, vendor: 'yealink', kind: 'phone', versionAfter: false },
  // 'Polycom - SoundPoint IP Configuration Utility', 'Poly - VVX 450'
  { re: /^poly(?:com)?(?: |-|$)/i, vendor: 'polycom', kind: 'phone', versionAfter: false },
  // 'Grandstream Device Configuration'
  { re: /^grandstream\b/i, vendor: 'grandstream', kind: 'phone', versionAfter: false },
  // 'SPA504G Configuration Utility', 'Cisco SPA Configuration'
  { re: /^(?:cisco |linksys )?(?<model>spa\d{3,4}[a-z]{0,2}) configuration utility\b/i, vendor: 'cisco', kind: 'phone', versionAfter: false },
  { re: /^gigaset\b/i, vendor: 'gigaset', kind: 'phone', versionAfter: false },
  { re: /^fanvil\b/i, vendor: 'fanvil', kind: 'phone', versionAfter: false },
  // 'KX-HDV230', 'Panasonic KX-UT136'
  { re: /^(?:panasonic )?(?<model>kx-[a-z]{1,4}\d{2,4}[a-z]{0,3})\b/i, vendor: 'panasonic', kind: 'phone', versionAfter: false },
  // 'FreePBX Administration', 'trixbox', '3CX Phone System Management Console'
  { re: /^freepbx\b/i, vendor: 'freepbx', kind: 'pbx', model: 'FreePBX', versionAfter: false },
  { re: /^trixbox\b/i, vendor: 'trixbox', kind: 'pbx', model: 'trixbox', versionAfter: false },
  { re: /^3cx\b/i, vendor: '3cx', kind: 'pbx', model: '3CX Phone System', versionAfter: false },
];

/**
 * The first dotted version at or after `from`: 'V4.2.0.0' → '4.2.0.0', '7.6.2c' keeps its
 * build letter. Sticky search is not used: the version may sit anywhere in the rest.
 */
const VERSION = /\d{1,12}(?:\.\d{1,12}){1,5}(?:[a-z](?![0-9a-z]))?/i;

const UNKNOWN: Fingerprint = Object.freeze({ vendor: null, model: null, firmware: null, kind: null });

const cleanModel = (m: string): string => m.replace(/_/g, ' ').trim();

function matchRows(rows: readonly Row[], text: string): Fingerprint | null {
  for (const row of rows) {
    const m = row.re.exec(text);
    if (!m) continue;
    const g = m.groups;
    const model = g?.model ? cleanModel(g.model) : row.model ?? null;
    let firmware = g?.fw ?? null;
    if (firmware === null && row.versionAfter !== false) {
      firmware = VERSION.exec(text.slice(m.index + m[0].length))?.[0] ?? null;
    }
    return Object.freeze({ vendor: row.vendor, model, firmware, kind: row.kind });
  }
  return null;
}

const clip = (s: string): string => (s.length > MAX_FINGERPRINT_INPUT ? s.slice(0, MAX_FINGERPRINT_INPUT) : s).trim();

const headerCache = new Map<string, Fingerprint>();

/**
 * Vendor, model, firmware and kind from a SIP User-Agent or Server header, or an HTTP Server
 * or User-Agent header. Unknown strings give all nulls (one shared frozen object).
 */
export function fingerprintHeader(value: string): Fingerprint {
  const text = clip(value);
  const cached = headerCache.get(text);
  if (cached) return cached;
  const fp = matchRows(HEADER_ROWS, text) ?? UNKNOWN;
  if (headerCache.size >= MAX_CACHED_FINGERPRINTS) headerCache.clear();
  headerCache.set(text, fp);
  return fp;
}

/** Whether a User-Agent is a known SIP scanner's (friendly-scanner, sipvicious, sipcli, VaxSIPUserAgent ...). */
export const isKnownScannerUserAgent = (ua: string): boolean => fingerprintHeader(ua).kind === 'scanner';

export interface WebUiEvidence {
  server: string | null;
  realm: string | null;
  title: string | null;
}

/**
 * A web UI's fingerprint from its Server header, authentication realm and page title. The
 * most specific source names the vendor (title, then realm, then Server); the others fill in
 * model and firmware when they agree on the vendor.
 */
export function fingerprintWebUi(ui: WebUiEvidence): Fingerprint {
  const title = ui.title ? clip(ui.title) : '';
  const realm = ui.realm ? clip(ui.realm) : '';
  const fromTitle = title ? matchRows(TITLE_ROWS, title) ?? matchRows(HEADER_ROWS, title) : null;
  const fromRealm = realm ? matchRows(REALM_ROWS, realm) ?? matchRows(HEADER_ROWS, realm) : null;
  const fromServer = ui.server ? fingerprintHeader(ui.server) : null;
  const found = [fromTitle, fromRealm, fromServer].filter((f): f is Fingerprint => f !== null && f.vendor !== null);
  const first = found[0];
  if (!first) return UNKNOWN;
  let { model, firmware } = first;
  for (const f of found) {
    if (f.vendor !== first.vendor) continue;
    model ??= f.model;
    firmware ??= f.firmware;
  }
  return model === first.model && firmware === first.firmware ? first : Object.freeze({ vendor: first.vendor, model, firmware, kind: first.kind });
}

/**
 * MAC OUI → vendor for phone and PBX vendors: a curated subset of the IEEE MA-L registry
 * (checked against Wireshark's `manuf` copy of it), not the registry. Cisco holds more than a
 * thousand OUIs, so a Cisco OUI says little about the device; Alcatel-Lucent Enterprise,
 * Panasonic and others list more blocks than these.
 */
const PHONE_OUIS: ReadonlyMap<string, string> = new Map([
  ['000413', 'snom'],
  ['805ec0', 'yealink'], ['001565', 'yealink'], ['249ad8', 'yealink'], ['44dbd2', 'yealink'],
  ['805e0c', 'yealink'], ['c4fc22', 'yealink'], ['ec1da9', 'yealink'],
  ['0004f2', 'polycom'], ['64167f', 'polycom'],
  ['000b82', 'grandstream'], ['c074ad', 'grandstream'], ['ec74d7', 'grandstream'],
  ['00000c', 'cisco'], ['001bd4', 'cisco'], ['001e7a', 'cisco'], ['002290', 'cisco'], ['f8a5c5', 'cisco'],
  ['000e08', 'cisco'], // Sipura / Cisco-Linksys: SPA phones and ATAs
  ['7c2f80', 'gigaset'], ['002104', 'gigaset'], ['589ec6', 'gigaset'],
  ['0c383e', 'fanvil'],
  ['080023', 'panasonic'], ['0080f0', 'panasonic'],
  ['00040d', 'avaya'], ['001b4f', 'avaya'], ['b4b017', 'avaya'], ['24d921', 'avaya'],
  ['00085d', 'mitel'], ['08000f', 'mitel'], ['1400e9', 'mitel'], ['0010bc', 'mitel'], // 0010bc: Aastra Telecom
  ['00809f', 'alcatel-lucent'], ['00e0b1', 'alcatel-lucent'], ['00e0da', 'alcatel-lucent'], ['487a55', 'alcatel-lucent'],
  ['001ae8', 'unify'], ['60dbef', 'unify'],
  ['001fc1', 'htek'], // registered as Hanlong Technology, maker of Htek phones
  ['000952', 'auerswald'],
]);

/**
 * The vendor whose OUI starts this MAC ('00:04:13:aa:bb:cc', '00-04-13-…', '0004.13aa.bbcc'),
 * or null. Locally administered addresses (bit 1 of the first octet) carry no OUI.
 */
export function vendorFromMac(mac: string): string | null {
  if (mac.length > 32) return null;
  const hex = mac.replace(/[:.\-]/g, '').toLowerCase();
  if (hex.length !== 12 || !/^[0-9a-f]{12}$/.test(hex)) return null;
  if ((parseInt(hex.slice(0, 2), 16) & 0x02) !== 0) return null;
  return PHONE_OUIS.get(hex.slice(0, 6)) ?? null;
}

/** Vendors whose OUIs sit (almost) only on phones: their MAC alone names a phone. */
const PHONE_ONLY_VENDORS: ReadonlySet<string> = new Set(['snom', 'yealink', 'polycom', 'grandstream', 'gigaset', 'fanvil', 'htek']);

/**
 * Whether a MAC's OUI belongs to a maker of (almost) only phones. Vendors with PBXs, routers
 * or laptops under the same OUIs (Cisco, Panasonic, Avaya, Mitel ...) do not count.
 */
export function isPhoneMakerMac(mac: string): boolean {
  const vendor = vendorFromMac(mac);
  return vendor !== null && PHONE_ONLY_VENDORS.has(vendor);
}
