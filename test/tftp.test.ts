import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeTftpRequest } from '../parsers/tftp.ts';

const test = suite('decodeTftpRequest');
const rrq = (name: string, mode = 'octet') => Buffer.concat([Buffer.from([0, 1]), Buffer.from(name), Buffer.from([0]), Buffer.from(mode), Buffer.from([0])]);

test('decodes a read request with its file name and mode', () => {
  assert.equal(decodeTftpRequest(rrq('SEP001122334455.cnf.xml')), { opcode: 'read', filename: 'SEP001122334455.cnf.xml', mode: 'octet' });
});

test('rejects data, ack and error packets, unknown modes and unterminated fields', () => {
  assert.is(decodeTftpRequest(Buffer.from([0, 3, 0, 1, 1, 2, 3])), null);
  assert.is(decodeTftpRequest(rrq('a.cfg', 'bogus')), null);
  assert.is(decodeTftpRequest(Buffer.from([0, 1, 0x61, 0x62])), null);
  assert.is(decodeTftpRequest(Buffer.from([0, 1])), null);
});

test.run();
