import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, openSync, closeSync, writeSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCaptureFile } from '../src/capture/file-source.ts';
import { isVoipwatchError } from '../src/errors.ts';
import { pcapFile, shb, idb, epb, udpFrame, PUBLIC_CAPTURES_DIR } from './support/frames.ts';

const dir = mkdtempSync(join(tmpdir(), 'voipwatch-file-source-'));
const read = suite('readCaptureFile');

const codeOf = (fn: () => unknown): string => {
  try { fn(); } catch (e) { return isVoipwatchError(e) ? e.code : `not coded: ${String(e)}`; }
  return 'no error';
};

read('reads a file many chunks long in order, with the packet count and captured bytes', () => {
  const path = join(dir, 'big.pcap');
  const fd = openSync(path, 'w');
  writeSync(fd, pcapFile(1, []));
  const packets = 20_000;
  let bytes = 0;
  for (let i = 0; i < packets; i++) {
    const f = udpFrame(Buffer.alloc(60 + (i % 1400), i & 0xff), { srcPort: 10000 + (i % 50000) });
    const rec = pcapFile(1, [{ ts: 1_700_000_000 + i / 1000, data: f }]).subarray(24);
    writeSync(fd, rec);
    bytes += f.length;
  }
  closeSync(fd);
  const size = statSync(path).size;
  assert.ok(size > 8 * 64 * 1024, 'the file should span many chunks');
  let seen = 0, lastTs = 0, ordered = true, progressCalls = 0, lastProgress = 0;
  const summary = readCaptureFile(path, (p) => {
    if (p.ts < lastTs) ordered = false;
    lastTs = p.ts;
    if (p.data.readUInt16BE(34) !== 10000 + (seen % 50000)) ordered = false;
    seen++;
  }, { chunkSize: 64 * 1024, onProgress: (n, total) => { progressCalls++; lastProgress = n; assert.is(total, size); } });
  assert.equal(summary, { format: 'pcap', packets, bytes, truncated: false, error: null, anomalies: {} });
  assert.is(seen, packets);
  assert.ok(ordered, 'packets out of order or corrupted across chunk boundaries');
  assert.ok(progressCalls > 8);
  assert.is(lastProgress, size);
});

read('reads records larger than the chunk size', () => {
  const path = join(dir, 'jumbo.pcapng');
  const big = Buffer.alloc(200_000, 0x5a);
  writeFileSync(path, Buffer.concat([shb(), idb(1), epb(0, 1n, big), epb(0, 2n, udpFrame(Buffer.from('x'))), epb(0, 3n, big)]));
  const lengths: number[] = [];
  const summary = readCaptureFile(path, (p) => lengths.push(p.data.length), { chunkSize: 4096 });
  assert.equal(lengths, [200_000, 43, 200_000]);
  assert.equal([summary.format, summary.packets, summary.error], ['pcapng', 3, null]);
});

read('returns the packets before a truncated last record and says it was truncated', () => {
  const path = join(dir, 'cut.pcap');
  const file = pcapFile(1, [{ ts: 1, data: udpFrame(Buffer.from('a')) }, { ts: 2, data: udpFrame(Buffer.alloc(1000)) }]);
  writeFileSync(path, file.subarray(0, file.length - 500));
  const summary = readCaptureFile(path, () => {});
  assert.equal([summary.packets, summary.truncated, summary.error?.code], [1, true, 'truncated_record']);
});

read('returns a corrupt block after valid packets as the summary error, not a throw', () => {
  const path = join(dir, 'corrupt.pcapng');
  const bad = epb(0, 2n, udpFrame(Buffer.from('b')));
  bad.writeUInt32LE(4, bad.length - 4);
  writeFileSync(path, Buffer.concat([shb(), idb(1), epb(0, 1n, udpFrame(Buffer.from('a'))), bad]));
  const summary = readCaptureFile(path, () => {});
  assert.equal([summary.packets, summary.truncated, summary.error?.code], [1, false, 'bad_block']);
});

read('throws ERR_CAPTURE_NOT_FOUND for a missing file', () => {
  assert.is(codeOf(() => readCaptureFile(join(dir, 'nope.pcap'), () => {})), 'ERR_CAPTURE_NOT_FOUND');
});

read('throws ERR_CAPTURE_UNREADABLE for a directory', () => {
  assert.is(codeOf(() => readCaptureFile(dir, () => {})), 'ERR_CAPTURE_UNREADABLE');
});

read('throws ERR_CAPTURE_FORMAT with the reason for a file that is not a capture, or empty', () => {
  const text = join(dir, 'notes.txt');
  writeFileSync(text, 'hello, this is not a capture');
  assert.is(codeOf(() => readCaptureFile(text, () => {})), 'ERR_CAPTURE_FORMAT');
  try { readCaptureFile(text, () => {}); } catch (e) { assert.match((e as Error).message, /notes\.txt: not a pcap or pcapng file \(starts with 68 65 6c 6c\)/); }
  const empty = join(dir, 'empty.pcap');
  writeFileSync(empty, '');
  assert.is(codeOf(() => readCaptureFile(empty, () => {})), 'ERR_CAPTURE_FORMAT');
});

read('reads a capture that holds only a header', () => {
  const path = join(dir, 'header-only.pcap');
  writeFileSync(path, pcapFile(1, []));
  assert.equal(readCaptureFile(path, () => assert.unreachable()), { format: 'pcap', packets: 0, bytes: 0, truncated: false, error: null, anomalies: {} });
});

const pub = join(PUBLIC_CAPTURES_DIR, 'sipcapture__heplify/example__pcap__rtp_rtcp_sip_ipv4_udp.pcap');
if (!existsSync(pub)) {
  console.warn(`SKIPPED: public capture test needs ${pub}, which is missing`);
  read('public capture is present', () => assert.unreachable(`${pub} is missing`));
} else {
  read('reads a public capture with the packet count capinfos reports', () => {
    const summary = readCaptureFile(pub, () => {}, { chunkSize: 4096 });
    assert.equal([summary.format, summary.packets, summary.error], ['pcap', 4269, null]);
  });
}

read.after(() => rmSync(dir, { recursive: true, force: true }));
read.run();
