import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CREDENTIALS, defaultCredentialCandidates, matchLabel } from '../alerts/credentials/default-credentials.ts';

const DOC = fileURLToPath(new URL('../../shared/docs/default-credentials.md', import.meta.url));

const has = (vendor: string, username: string | null, password: string) =>
  DEFAULT_CREDENTIALS.some((c) => c.vendor === vendor && c.username === username && c.password === password);

const table = suite('DEFAULT_CREDENTIALS');

table('holds every published default named in the brief', () => {
  const expected: [string, string | null, string][] = [
    ['snom', null, '0000'],
    ['yealink', 'admin', 'admin'], ['yealink', 'user', 'user'], ['yealink', 'admin', '0000'],
    ['polycom', 'Polycom', '456'], ['polycom', 'User', '123'],
    ['grandstream', 'admin', 'admin'], ['grandstream', 'user', '123'],
    ['gigaset', null, '0000'],
    ['fanvil', 'admin', 'admin'],
    ['panasonic', 'admin', 'adminpass'],
    ['avaya', 'admin', '27238'],
    ['mitel', 'admin', '22222'],
    ['unify', 'admin', '123456'],
    ['auerswald', 'admin', 'admin'],
    ['trixbox', 'maint', 'password'],
    ['freepbx', 'admin', 'admin'],
  ];
  for (const [vendor, user, pass] of expected) assert.ok(has(vendor, user, pass), `${vendor} ${user ?? '*'}`);
});

table('limits the Snom 0000 admin-mode password to firmware before 10.1.185.0', () => {
  const snom = DEFAULT_CREDENTIALS.find((c) => c.vendor === 'snom');
  assert.is(snom?.firmwareBefore, '10.1.185.0');
});

table('cites a source for every row and is frozen', () => {
  for (const c of DEFAULT_CREDENTIALS) {
    assert.ok(c.source.length > 10, `${c.vendor} ${c.username}`);
    assert.ok(c.family.length > 0);
    assert.ok(Object.isFrozen(c));
  }
  assert.ok(Object.isFrozen(DEFAULT_CREDENTIALS));
});

table('covers every vendor row of docs/default-credentials.md except password-less Cisco', () => {
  if (!existsSync(DOC)) {
    if (process.env.CI === 'true') assert.unreachable(`${DOC} is missing in CI`);
    console.warn(`NOT RUN: ${DOC} is missing; the doc coverage check did not run`);
    return;
  }
  const firstWordToVendor: Record<string, string> = {
    snom: 'snom', yealink: 'yealink', polycom: 'polycom', grandstream: 'grandstream', gigaset: 'gigaset', fanvil: 'fanvil',
    panasonic: 'panasonic', avaya: 'avaya', mitel: 'mitel', unify: 'unify', 'alcatel-lucent': 'alcatel-lucent',
    auerswald: 'auerswald', pbx: 'freepbx',
  };
  const rows = readFileSync(DOC, 'utf8').split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| vendor') && !l.startsWith('|---'));
  assert.ok(rows.length >= 14, 'the doc table was found');
  for (const line of rows) {
    const first = line.slice(2).split(/[\s/]/)[0]!.toLowerCase();
    if (first === 'cisco') continue;
    const vendor = firstWordToVendor[first];
    assert.ok(vendor, `doc row "${first}" maps to a vendor id`);
    assert.ok(DEFAULT_CREDENTIALS.some((c) => c.vendor === vendor), `${vendor} has rows`);
  }
});

table.run();

const candidates = suite('defaultCredentialCandidates');

candidates('puts the known vendor first and still returns every other default', () => {
  const list = defaultCredentialCandidates('polycom');
  assert.is(list.length, DEFAULT_CREDENTIALS.length);
  assert.is(list[0]!.vendor, 'polycom');
  assert.is(list[1]!.vendor, 'polycom');
  assert.is(list[2]!.vendor === 'polycom', false);
  assert.equal(new Set(list), new Set(DEFAULT_CREDENTIALS));
});

candidates('returns the whole table in its order for an unknown or absent vendor', () => {
  assert.is(defaultCredentialCandidates(null), DEFAULT_CREDENTIALS);
  assert.is(defaultCredentialCandidates('cisco'), DEFAULT_CREDENTIALS);
});

candidates('accepts vendor aliases and any letter case', () => {
  assert.is(defaultCredentialCandidates('Poly')[0]!.vendor, 'polycom');
  assert.is(defaultCredentialCandidates('Aastra')[0]!.vendor, 'mitel');
  assert.is(defaultCredentialCandidates('SNOM')[0]!.vendor, 'snom');
});

candidates('drops the vendor default that its firmware no longer ships', () => {
  const isSnom0000 = (c: { vendor: string; password: string }) => c.vendor === 'snom' && c.password === '0000';
  assert.ok(defaultCredentialCandidates('snom', '8.7.3.25').some(isSnom0000));
  assert.ok(defaultCredentialCandidates('snom', '10.1.33.33').some(isSnom0000));
  assert.not.ok(defaultCredentialCandidates('snom', '10.1.185.0').some(isSnom0000));
  assert.not.ok(defaultCredentialCandidates('snom', '10.1.200.1').some(isSnom0000));
  // another vendor's firmware says nothing about Snom's rows
  assert.ok(defaultCredentialCandidates('yealink', '99.99.0.1').some(isSnom0000));
});

candidates.run();

const label = suite('matchLabel');

label('names the vendor, never the password', () => {
  for (const c of DEFAULT_CREDENTIALS) assert.is(matchLabel(c), `vendor-default:${c.vendor}`);
});

label.run();
