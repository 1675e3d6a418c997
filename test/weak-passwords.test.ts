import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { MAX_USERNAME_CANDIDATE_LENGTH, MAX_WEAK_CANDIDATES, weakPasswordCandidates } from '../alerts/credentials/weak-passwords.ts';

const labelOf = (username: string, password: string) => {
  for (const c of weakPasswordCandidates(username)) if (c.password === password) return c.label;
  return null;
};

const test = suite('weakPasswordCandidates');

test('tries the empty password first', () => {
  const first = weakPasswordCandidates('2047').next();
  assert.equal(first.value, { password: '', label: 'weak:empty' });
});

test('derives the extension itself, reversed and repeated as weak:extension', () => {
  assert.is(labelOf('2047', '2047'), 'weak:extension');
  assert.is(labelOf('2047', '7402'), 'weak:extension');
  assert.is(labelOf('2047', '20472047'), 'weak:extension');
  assert.is(labelOf('Alice', 'alice'), 'weak:extension');
});

test('generates one digit repeated 4 to 8 times as weak:repeated-digits', () => {
  for (const p of ['0000', '9999', '11111', '777777', '55555555']) assert.is(labelOf('2047', p), 'weak:repeated-digits', p);
  assert.is(labelOf('2047', '000'), null);
  assert.is(labelOf('2047', '000000000'), null);
});

test('generates ascending and descending digit runs as weak:sequence', () => {
  for (const p of ['1234', '0123', '12345', '123456', '4321', '654321', '7890', '1234567890', '9876543210']) {
    assert.is(labelOf('2047', p), 'weak:sequence', p);
  }
  assert.is(labelOf('2047', '1357'), null);
});

test('includes well-known common passwords as weak:common', () => {
  for (const p of ['password', 'secret', 'admin', '12345678', 'qwerty', 'changeme', 'voip', 'sip', 'phone', 'letmein', 'welcome', 'trustno1']) {
    assert.ok(labelOf('2047', p) !== null, p);
  }
  assert.is(labelOf('2047', 'password'), 'weak:common');
  // a class that claims it first keeps it: 12345678 is a digit run
  assert.is(labelOf('2047', '12345678'), 'weak:sequence');
});

test('labels a user name that is itself a sequence as the extension, once', () => {
  const hits = [...weakPasswordCandidates('1234')].filter((c) => c.password === '1234');
  assert.equal(hits, [{ password: '1234', label: 'weak:extension' }]);
});

test('yields each password once and stays within MAX_WEAK_CANDIDATES', () => {
  for (const user of ['1001', 'alice', '', 'x'.repeat(60)]) {
    const all = [...weakPasswordCandidates(user)];
    assert.ok(all.length <= MAX_WEAK_CANDIDATES);
    assert.is(new Set(all.map((c) => c.password)).size, all.length, user);
  }
  assert.ok([...weakPasswordCandidates('1001')].length > 200, 'the classes are actually populated');
});

test('derives nothing from an over-long user name', () => {
  const long = '9'.repeat(MAX_USERNAME_CANDIDATE_LENGTH + 1);
  assert.not.ok([...weakPasswordCandidates(long)].some((c) => c.label === 'weak:extension'));
});

test('uses only the documented labels', () => {
  const labels = new Set([...weakPasswordCandidates('1001')].map((c) => c.label));
  assert.equal([...labels].sort(), ['weak:common', 'weak:empty', 'weak:extension', 'weak:repeated-digits', 'weak:sequence']);
});

test.run();
