import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultCandidates, matchPasswordOnlyDefault, matchPlaintextDefault } from '../alerts/credential-check.ts';

const passwordOnly = suite('matchPasswordOnlyDefault');

passwordOnly('matches the identified vendor\'s default on a form without a user field', () => {
  assert.is(matchPasswordOnlyDefault('admin', 'grandstream'), 'vendor-default:grandstream');
});

passwordOnly('does not match a typo of the default', () => {
  assert.is(matchPasswordOnlyDefault('adnim', 'grandstream'), null);
});

passwordOnly('does not call a common password a vendor default on an unknown device', () => {
  assert.is(matchPasswordOnlyDefault('admin', null), null);
});

passwordOnly('does not match another vendor\'s default', () => {
  assert.is(matchPasswordOnlyDefault('0000', 'grandstream'), null);
});

passwordOnly.run();

const plaintext = suite('matchPlaintextDefault');

plaintext('matches Snom\'s admin password 0000 for any user name', () => {
  assert.is(matchPlaintextDefault('admin', '0000', 'snom'), 'vendor-default:snom');
});

plaintext('needs the default\'s user name where the vendor names one', () => {
  assert.is(matchPlaintextDefault('root', 'admin', 'yealink'), null);
  assert.is(matchPlaintextDefault('admin', 'admin', 'yealink'), 'vendor-default:yealink');
});

plaintext.run();

const candidates = suite('defaultCandidates');

candidates('labels every candidate with its vendor, never the password', () => {
  for (const c of defaultCandidates('admin', 'snom')) {
    assert.match(c.label, /^vendor-default:[a-z-]+$/);
    assert.not.ok(c.label.includes(c.password) && c.password.length > 3, c.label);
  }
});

candidates.run();
