import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import {
  fingerprintHeader, fingerprintWebUi, isKnownScannerUserAgent, isPhoneMakerMac, vendorFromMac, MAX_FINGERPRINT_INPUT, type Fingerprint,
} from '../src/inventory/fingerprint.ts';

type Row = [header: string, vendor: string | null, model: string | null, firmware: string | null, kind: Fingerprint['kind']];

const HEADERS: Row[] = [
  ['snomD785/10.1.33.33', 'snom', 'D785', '10.1.33.33', 'phone'],
  ['snom320/8.7.3.25', 'snom', '320', '8.7.3.25', 'phone'],
  ['snom370-SIP 8.7.5.35', 'snom', '370', '8.7.5.35', 'phone'],
  ['snom embedded', 'snom', null, null, 'phone'],
  ['Mozilla/4.0 (compatible; snomD785-SIP 10.1.33.33)', 'snom', 'D785', '10.1.33.33', 'phone'],
  ['FileTransport PolycomVVX-VVX_450-UA/6.3.1.8427', 'polycom', 'VVX 450', '6.3.1.8427', 'phone'],
  ['Yealink SIP-T46G 28.81.0.110', 'yealink', 'T46G', '28.81.0.110', 'phone'],
  ['Yealink SIP-T54W 96.86.0.100', 'yealink', 'T54W', '96.86.0.100', 'phone'],
  ['Yealink SIP VP-T49G 51.80.0.100', 'yealink', 'VP-T49G', '51.80.0.100', 'phone'],
  ['PolycomVVX-VVX_410-UA/5.9.0.9373', 'polycom', 'VVX 410', '5.9.0.9373', 'phone'],
  ['PolycomSoundPointIP-SPIP_450-UA/3.1.2.0392', 'polycom', 'SPIP 450', '3.1.2.0392', 'phone'],
  ['Polycom SoundPoint IP Telephone HTTPd', 'polycom', 'SoundPoint IP', null, 'phone'],
  ['Grandstream GXP2170 1.0.11.3', 'grandstream', 'GXP2170', '1.0.11.3', 'phone'],
  ['Grandstream HT502 V1.2A 1.0.8.6', 'grandstream', 'HT502', '1.0.8.6', 'gateway'],
  ['Grandstream UCM6202V1.4A 1.0.20.31', 'grandstream', 'UCM6202', '1.0.20.31', 'pbx'],
  ['Cisco/SPA504G-7.6.2c', 'cisco', 'SPA504G', '7.6.2c', 'phone'],
  ['Cisco/SPA112-1.4.1(SR5)', 'cisco', 'SPA112', '1.4.1(SR5)', 'gateway'],
  ['Cisco-CP8845-3PCC/11.3.7', 'cisco', 'CP8845', '11.3.7', 'phone'],
  ['Cisco-SIPGateway/IOS-15.4.3.M3', 'cisco', 'IOS SIP gateway', '15.4.3.M3', 'gateway'],
  ['Gigaset N510 IP PRO/42.245.00.000.000', 'gigaset', 'N510 IP PRO', '42.245.00.000.000', 'phone'],
  ['Fanvil X4 2.2.1.12345', 'fanvil', 'X4', '2.2.1.12345', 'phone'],
  ['Panasonic_KX-HDV230/12.153', 'panasonic', 'KX-HDV230', '12.153', 'phone'],
  ['Avaya one-X Deskphone 7.1.2.0.14', 'avaya', 'one-X Deskphone', '7.1.2.0.14', 'phone'],
  ['Avaya J179 IP Phone 4.0.2.0.6', 'avaya', 'J179', '4.0.2.0.6', 'phone'],
  ['Aastra 6757i/3.3.1.4305', 'mitel', '6757i', '3.3.1.4305', 'phone'],
  ['Mitel 6867i/5.1.0.1024', 'mitel', '6867i', '5.1.0.1024', 'phone'],
  ['ALE 8068s', 'alcatel-lucent', '8068s', null, 'phone'],
  ['Alcatel-Lucent 8001 DeskPhone V4.2.0.0 11273', 'alcatel-lucent', '8001', '4.2.0.0', 'phone'],
  ['OpenScape Desk Phone CP600 V1 R4.4.10', 'unify', 'CP600', '4.4.10', 'phone'],
  ['OpenStage_60_V3 R0.62.0 SIP 130208', 'unify', 'OpenStage 60', '0.62.0', 'phone'],
  ['Htek UC926 2.0.4.4.46', 'htek', 'UC926', '2.0.4.4.46', 'phone'],
  ['COMfortel D-200 3.8.2', 'auerswald', 'COMfortel D-200', '3.8.2', 'phone'],
  ['baresip v1.0.0 (x86_64/Linux)', 'baresip', 'baresip', '1.0.0', 'softphone'],
  ['Linphone/3.6.1 (eXosip2/3.6.0)', 'linphone', 'Linphone', '3.6.1', 'softphone'],
  ['Zoiper rv2.10.3.2', 'zoiper', 'Zoiper', '2.10.3.2', 'softphone'],
  ['Z 3.3.21933 r21903', 'zoiper', 'Zoiper', '3.3.21933', 'softphone'],
  ['MicroSIP/3.14.5', 'microsip', 'MicroSIP', '3.14.5', 'softphone'],
  ['X-Lite release 1103m', 'counterpath', 'X-Lite', null, 'softphone'],
  ['Bria 3 release 3.5.5 stamp 71243', 'counterpath', 'Bria', '3.5.5', 'softphone'],
  ['kamailio (5.2.1 (x86_64/linux))', 'kamailio', 'Kamailio', '5.2.1', 'pbx'],
  ['OpenSIPS (2.4.2 (x86_64/linux))', 'opensips', 'OpenSIPS', '2.4.2', 'pbx'],
  ['Asterisk PBX 16.2.1', 'asterisk', 'Asterisk', '16.2.1', 'pbx'],
  ['FreeSWITCH-mod_sofia/1.6.12-20-b91a0a6~64bit', 'freeswitch', 'FreeSWITCH', '1.6.12', 'pbx'],
  ['FPBX-15.0.16.75(16.13.0)', 'freepbx', 'FreePBX', '15.0.16.75', 'pbx'],
  ['3CXPhoneSystem 16.0.8.9 (9)', '3cx', '3CX Phone System', '16.0.8.9', 'pbx'],
  ['Avaya CM/R016x.03.0.124.0', 'avaya', 'CM', 'R016x.03.0.124.0', 'pbx'],
  ['OmniPCX Enterprise R11.2.2 l2.300.34.a', 'alcatel-lucent', 'OmniPCX Enterprise', 'R11.2.2', 'pbx'],
];

const header = suite('fingerprintHeader');

for (const [text, vendor, model, firmware, kind] of HEADERS) {
  header(`reads "${text}" as ${vendor ?? 'no vendor'} ${model ?? ''} ${firmware ?? ''} (${kind})`, () => {
    assert.equal({ ...fingerprintHeader(text) }, { vendor, model, firmware, kind });
  });
}

header('returns all nulls for browsers, generic servers and empty strings', () => {
  for (const text of ['Mozilla/5.0 (X11; Linux x86_64)', 'nginx/1.6.3', 'Microsoft-IIS/10.0', '', '   ']) {
    assert.equal({ ...fingerprintHeader(text) }, { vendor: null, model: null, firmware: null, kind: null }, text);
  }
});

header('returns frozen results that callers cannot corrupt for the next lookup', () => {
  const fp = fingerprintHeader('snomD785/10.1.33.33');
  assert.ok(Object.isFrozen(fp));
  assert.is(fingerprintHeader('snomD785/10.1.33.33'), fp);
});

header('considers only the first MAX_FINGERPRINT_INPUT characters', () => {
  const fp = fingerprintHeader(`Yealink SIP-T46G ${' '.repeat(MAX_FINGERPRINT_INPUT)}28.81.0.110`);
  assert.is(fp.vendor, 'yealink');
  assert.is(fp.firmware, null);
});

header('stays fast on hostile near-miss headers (no catastrophic backtracking)', () => {
  const hostile = [
    'snom' + '1'.repeat(100_000),
    'Yealink ' + 'a-'.repeat(50_000),
    'Polycom' + 'a'.repeat(50_000) + '-' + '_'.repeat(50_000),
    'Grandstream ' + 'GXP' + '9'.repeat(50_000),
    'Gigaset ' + 'N510 IP '.repeat(10_000),
    '1.'.repeat(60_000),
    'ES FS SBC ' + 'Avaya '.repeat(20_000),
  ];
  for (const text of hostile) {
    const t0 = performance.now();
    fingerprintHeader(text);
    fingerprintWebUi({ server: text, realm: text, title: text });
    assert.ok(performance.now() - t0 < 20, text.slice(0, 20));
  }
});

header.run();

// ---------------------------------------------------------------------------------------------

const scanners = suite('isKnownScannerUserAgent');

scanners('recognises the User-Agents of SIP scanners and their spoofs', () => {
  for (const ua of ['friendly-scanner', 'sipvicious', 'sipcli/v1.8', 'VaxSIPUserAgent/3.1', 'sundayddr', 'PortSIP VoIP SDK 11.2.3', 'pplsip', 'Cisco-SIPGateway/IOS-12.x']) {
    assert.ok(isKnownScannerUserAgent(ua), ua);
  }
});

scanners('does not call phones, PBXs or genuine Cisco gateways scanners', () => {
  for (const ua of ['Cisco-SIPGateway/IOS-15.4.3.M3', 'snomD785/10.1.33.33', 'Asterisk PBX 16.2.1', 'Zoiper rv2.10.3.2', 'Mozilla/5.0']) {
    assert.not.ok(isKnownScannerUserAgent(ua), ua);
  }
});

scanners('names no vendor for the spoofed Cisco gateway agent', () => {
  assert.is(fingerprintHeader('Cisco-SIPGateway/IOS-12.x').vendor, null);
});

scanners.run();

// ---------------------------------------------------------------------------------------------

const web = suite('fingerprintWebUi');

web('combines a Snom title, realm and Server header', () => {
  assert.equal({ ...fingerprintWebUi({ server: 'snom embedded', realm: 'snom', title: 'snom D785' }) }, { vendor: 'snom', model: 'D785', firmware: null, kind: 'phone' });
});

web('reads vendor and model from documented titles', () => {
  const cases: [string, string, string | null][] = [
    ['Yealink Phone', 'yealink', null],
    ['Polycom - SoundPoint IP Configuration Utility', 'polycom', null],
    ['Grandstream Device Configuration', 'grandstream', null],
    ['SPA504G Configuration Utility', 'cisco', 'SPA504G'],
    ['FreePBX Administration', 'freepbx', 'FreePBX'],
    ['OpenScape Desk Phone CP600', 'unify', 'CP600'],
  ];
  for (const [title, vendor, model] of cases) {
    const fp = fingerprintWebUi({ server: null, realm: null, title });
    assert.is(fp.vendor, vendor, title);
    assert.is(fp.model, model, title);
  }
});

web('reads the Yealink model from an old firmware realm and the firmware from the Server header', () => {
  const fp = fingerprintWebUi({ server: 'Yealink SIP-T46G 28.81.0.110', realm: 'Gigabit Color IP Phone SIP-T46G', title: 'Yealink Phone' });
  assert.equal({ ...fp }, { vendor: 'yealink', model: 'T46G', firmware: '28.81.0.110', kind: 'phone' });
  assert.is(fingerprintWebUi({ server: null, realm: 'PolycomSPIP', title: null }).vendor, 'polycom');
});

web('does not borrow model or firmware from a source naming another vendor', () => {
  const fp = fingerprintWebUi({ server: 'Asterisk/16.2.1', realm: null, title: 'snom D785' });
  assert.equal({ ...fp }, { vendor: 'snom', model: 'D785', firmware: null, kind: 'phone' });
});

web('returns all nulls when nothing is known', () => {
  assert.equal({ ...fingerprintWebUi({ server: 'nginx/1.6.3', realm: 'Restricted', title: 'Login' }) }, { vendor: null, model: null, firmware: null, kind: null });
});

web.run();

// ---------------------------------------------------------------------------------------------

const mac = suite('vendorFromMac');

mac('maps phone vendor OUIs in any common notation', () => {
  assert.is(vendorFromMac('00:04:13:aa:bb:cc'), 'snom');
  assert.is(vendorFromMac('80-5E-C0-01-02-03'), 'yealink');
  assert.is(vendorFromMac('0004.f2aa.bbcc'), 'polycom');
  assert.is(vendorFromMac('000b82112233'), 'grandstream');
  assert.is(vendorFromMac('7c:2f:80:00:00:01'), 'gigaset');
  assert.is(vendorFromMac('0c:38:3e:00:00:01'), 'fanvil');
  assert.is(vendorFromMac('00:08:5d:00:00:01'), 'mitel');
  assert.is(vendorFromMac('00:80:9f:00:00:01'), 'alcatel-lucent');
  assert.is(vendorFromMac('00:1f:c1:00:00:01'), 'htek');
  assert.is(vendorFromMac('00:09:52:00:00:01'), 'auerswald');
});

mac('returns null for unknown, locally administered and malformed addresses', () => {
  assert.is(vendorFromMac('00:50:56:00:00:01'), null);
  assert.is(vendorFromMac('02:04:13:aa:bb:cc'), null);
  assert.is(vendorFromMac('00:04:13'), null);
  assert.is(vendorFromMac('zz:04:13:aa:bb:cc'), null);
  assert.is(vendorFromMac('0'.repeat(10_000)), null);
});

mac.run();

// ---------------------------------------------------------------------------------------------
// Real headers from the public captures: every vendor-identifying agent seen there.

const PUBLIC = fileURLToPath(new URL('../../shared/captures/public', import.meta.url));
const real = suite('fingerprintHeader on public captures');

/** User-Agent and Server header values found anywhere in a capture file's bytes. */
function headersIn(file: string): string[] {
  const text = readFileSync(file).toString('latin1');
  return [...text.matchAll(/^(?:user-agent|server): ?([^\r\n]{1,300})\r?$/gim)].map((m) => m[1]!.trim());
}

real('fingerprints the phones, PBXs and softphones seen in public captures', () => {
  if (!existsSync(PUBLIC)) {
    if (process.env.CI === 'true') assert.unreachable(`${PUBLIC} is missing in CI`);
    console.warn(`NOT RUN: ${PUBLIC} is missing; the real-capture fingerprint test did not run`);
    return;
  }
  const expected: Record<string, [string, Fingerprint['kind']]> = {
    'PolycomSoundPointIP-SPIP_450-UA/3.3.4.0085': ['polycom', 'phone'],
    'Alcatel-Lucent 8001 DeskPhone V4.2.0.0 11273': ['alcatel-lucent', 'phone'],
    'OmniPCX Enterprise R11.2.2 l2.300.34.a': ['alcatel-lucent', 'pbx'],
    'kamailio (5.2.1 (x86_64/linux))': ['kamailio', 'pbx'],
    'OpenSIPS (2.4.2 (x86_64/linux))': ['opensips', 'pbx'],
    'FreeSWITCH-mod_sofia/1.6.12-20-b91a0a6~64bit': ['freeswitch', 'pbx'],
    'Avaya CM/R016x.03.0.124.0': ['avaya', 'pbx'],
    'Sip EXpress router (0.8.12 (i386/linux))': ['ser', 'pbx'],
    'YATE/5.4.1': ['yate', 'pbx'],
    'MicroSIP/3.14.5': ['microsip', 'softphone'],
    'Zoiper rv2.10.3.2': ['zoiper', 'softphone'],
    'Zoiper r33688': ['zoiper', 'softphone'],
    'Z 3.3.21933 r21903': ['zoiper', 'softphone'],
    'X-Lite release 1103m': ['counterpath', 'softphone'],
  };
  const seen = new Set<string>();
  for (const dir of readdirSync(PUBLIC, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    for (const name of readdirSync(join(PUBLIC, dir.name))) {
      if (/\.pcap(ng)?$/.test(name)) for (const h of headersIn(join(PUBLIC, dir.name, name))) seen.add(h);
    }
  }
  for (const [ua, [vendor, kind]] of Object.entries(expected)) {
    assert.ok(seen.has(ua), `"${ua}" is in the public captures`);
    const fp = fingerprintHeader(ua);
    assert.is(fp.vendor, vendor, ua);
    assert.is(fp.kind, kind, ua);
  }
  // nothing in these captures is a scanner, and browsers or web servers name no phone vendor
  for (const h of seen) assert.not.ok(isKnownScannerUserAgent(h), h);
  assert.is(fingerprintHeader('Mozilla/5.0 (Windows NT 5.1; rv:32.0) Gecko/20100101 Firefox/32.0').vendor, null);
});

real.run();

const phoneMaker = suite('isPhoneMakerMac');

phoneMaker('names phones by the OUI of makers of phones only', () => {
  assert.ok(isPhoneMakerMac('00:04:13:aa:bb:cc')); // snom
  assert.ok(isPhoneMakerMac('80:5e:c0:14:00:25')); // Yealink
  assert.ok(isPhoneMakerMac('00:04:f2:3c:00:27')); // Polycom
});

phoneMaker('does not take vendors with PBXs, routers or laptops under the same OUI for phones', () => {
  assert.not.ok(isPhoneMakerMac('00:00:0c:01:02:03')); // Cisco
  assert.not.ok(isPhoneMakerMac('00:80:f0:01:02:03')); // Panasonic
  assert.not.ok(isPhoneMakerMac('00:1b:21:7a:00:05')); // Intel NIC
  assert.not.ok(isPhoneMakerMac('02:04:13:aa:bb:cc')); // locally administered
});

phoneMaker.run();

