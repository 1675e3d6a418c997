import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CaptureFileParser, detectCaptureFormat, MAX_RECORD_BYTES, type CapturedPacket, type CaptureFileError } from '../parsers/capture-file.ts';
import { pcapFile, pcapngBlock, shb, idb, epb, spb, opb, udpFrame, PUBLIC_CAPTURES_DIR } from './support/frames.ts';

interface Seen { ts: number; linkType: number; interfaceId: number; data: string; origLen: number }

/** Parse `file` pushed in chunks of `chunk` bytes (copied into a reused buffer, as the file reader does). */
function parse(file: Buffer, chunk = file.length || 1): { packets: Seen[]; error: CaptureFileError | null; parser: CaptureFileParser } {
  const parser = new CaptureFileParser();
  const packets: Seen[] = [];
  const onPacket = (p: CapturedPacket) => packets.push({ ts: p.ts, linkType: p.linkType, interfaceId: p.interfaceId, data: p.data.toString('hex'), origLen: p.origLen });
  const scratch = Buffer.alloc(chunk);
  let error: CaptureFileError | null = null;
  for (let off = 0; off < file.length && !error; off += chunk) {
    const n = file.copy(scratch, 0, off, Math.min(file.length, off + chunk));
    error = parser.push(scratch.subarray(0, n), onPacket);
    scratch.fill(0xee); // a parser that kept a view of the chunk would now read garbage
  }
  if (!error) error = parser.finish();
  return { packets, error, parser };
}

const frames = [udpFrame(Buffer.from('one')), udpFrame(Buffer.from('second packet')), udpFrame(Buffer.alloc(300, 7))];
const hex = (b: Buffer) => b.toString('hex');

const detect = suite('detectCaptureFormat');

detect('recognizes pcap magics in both byte orders and both resolutions, and pcapng', () => {
  assert.is(detectCaptureFormat(Buffer.from('d4c3b2a1', 'hex')), 'pcap');
  assert.is(detectCaptureFormat(Buffer.from('a1b2c3d4', 'hex')), 'pcap');
  assert.is(detectCaptureFormat(Buffer.from('4d3cb2a1', 'hex')), 'pcap');
  assert.is(detectCaptureFormat(Buffer.from('a1b23c4d', 'hex')), 'pcap');
  assert.is(detectCaptureFormat(Buffer.from('0a0d0d0a', 'hex')), 'pcapng');
});

detect('returns null for other data and for fewer than 4 bytes', () => {
  assert.is(detectCaptureFormat(Buffer.from('GET / HTTP/1.1')), null);
  assert.is(detectCaptureFormat(Buffer.from('d4c3b2', 'hex')), null);
});

const pcap = suite('CaptureFileParser: pcap');

pcap('parses a little-endian microsecond pcap: timestamps, link type, data and original length', () => {
  const file = pcapFile(1, [{ ts: 1700000000.25, data: frames[0] }, { ts: 1700000001.000001, data: frames[1], origLen: 1514 }]);
  const { packets, error, parser } = parse(file);
  assert.is(error, null);
  assert.is(parser.format, 'pcap');
  assert.is(parser.packetsParsed, 2);
  assert.equal(packets.map((p) => [p.linkType, p.data, p.origLen]), [[1, hex(frames[0]), frames[0].length], [1, hex(frames[1]), 1514]]);
  assert.ok(Math.abs(packets[0].ts - 1700000000.25) < 1e-9);
  assert.ok(Math.abs(packets[1].ts - 1700000001.000001) < 1e-7);
});

pcap('parses big-endian and nanosecond pcaps', () => {
  const be = parse(pcapFile(113, [{ ts: 1600000000.5, data: frames[2] }], { bigEndian: true }));
  assert.equal([be.error, be.packets.length, be.packets[0].linkType, be.packets[0].data], [null, 1, 113, hex(frames[2])]);
  const ns = parse(pcapFile(1, [{ ts: 1600000000.123456789, data: frames[0] }], { nanos: true, bigEndian: true }));
  assert.is(ns.error, null);
  assert.ok(Math.abs(ns.packets[0].ts - 1600000000.123456789) < 1e-6);
});

pcap('gives identical packets however the file is split into chunks', () => {
  const file = pcapFile(1, frames.map((data, i) => ({ ts: 1000 + i, data })));
  const whole = parse(file).packets;
  for (const chunk of [1, 2, 3, 5, 7, 16, 17, 23, 24, 25, 64, 100]) {
    const r = parse(file, chunk);
    assert.is(r.error, null, `chunk ${chunk}`);
    assert.equal(r.packets, whole, `chunk ${chunk}`);
  }
});

pcap('handles a record of zero captured bytes, shorter than the header probe', () => {
  const file = pcapFile(1, [{ ts: 1, data: Buffer.alloc(0) }, { ts: 2, data: frames[0] }]);
  for (const chunk of [1, 3, 30, file.length]) {
    const r = parse(file, chunk);
    assert.equal(r.packets.map((p) => p.data), ['', hex(frames[0])], `chunk ${chunk}`);
  }
});

pcap('reports a truncated last record with its offset and the sizes involved', () => {
  const file = pcapFile(1, [{ ts: 1, data: frames[0] }, { ts: 2, data: Buffer.alloc(1514) }]);
  const cut = file.subarray(0, file.length - 914);
  for (const chunk of [cut.length, 1000, 7]) {
    const { packets, error } = parse(cut, chunk);
    assert.is(packets.length, 1);
    assert.is(error?.code, 'truncated_record');
    const offset = 24 + 16 + frames[0].length;
    assert.is(error?.offset, offset);
    assert.is(error?.message, `last record at offset ${offset} is truncated: header says 1514 bytes, 600 present`);
  }
});

pcap('reports a file that ends inside a record header', () => {
  const file = pcapFile(1, [{ ts: 1, data: frames[0] }]);
  const { error } = parse(Buffer.concat([file, Buffer.alloc(5)]));
  assert.is(error?.code, 'truncated_record');
  assert.match(error?.message ?? '', /only 5 bytes of its header/);
});

pcap('refuses a record longer than MAX_RECORD_BYTES instead of buffering it', () => {
  const file = pcapFile(1, [{ ts: 1, data: frames[0] }]);
  const bogus = Buffer.alloc(16);
  bogus.writeUInt32LE(MAX_RECORD_BYTES + 1, 8);
  const { packets, error } = parse(Buffer.concat([file, bogus, Buffer.alloc(64)]), 10);
  assert.is(packets.length, 1);
  assert.is(error?.code, 'block_too_large');
});

pcap('rejects an unsupported major version', () => {
  const file = pcapFile(1, []);
  file.writeUInt16LE(3, 4);
  assert.is(parse(file).error?.code, 'unsupported_version');
});

pcap('reads the link type from the low 16 bits when FCS bits are set', () => {
  const file = pcapFile(1, [{ ts: 1, data: frames[0] }]);
  file.writeUInt32LE(0x14000001, 20); // F bit and an FCS length of 4 bytes per the draft
  assert.is(parse(file).packets[0].linkType, 1);
});

const ng = suite('CaptureFileParser: pcapng');

ng('parses SHB, IDB and EPBs with the default microsecond resolution', () => {
  const file = Buffer.concat([shb(), idb(1), epb(0, 1700000000123456n, frames[0]), epb(0, 1700000001000000n, frames[1], { origLen: 9000 })]);
  const { packets, error, parser } = parse(file);
  assert.is(error, null);
  assert.is(parser.format, 'pcapng');
  assert.equal(packets.map((p) => [p.linkType, p.interfaceId, p.data, p.origLen]), [[1, 0, hex(frames[0]), frames[0].length], [1, 0, hex(frames[1]), 9000]]);
  assert.ok(Math.abs(packets[0].ts - 1700000000.123456) < 1e-6);
});

ng('applies if_tsresol in decimal and power-of-two forms and if_tsoffset', () => {
  const file = Buffer.concat([
    shb(),
    idb(1, { tsresol: 9 }),
    idb(101, { tsresol: 0x80 | 10, tsoffset: 1000 }),
    epb(0, 1700000000123456789n, frames[0]),
    epb(1, 1024n * 5n + 512n, frames[1]),
  ]);
  const { packets, error } = parse(file);
  assert.is(error, null);
  assert.ok(Math.abs(packets[0].ts - 1700000000.123456789) < 1e-6);
  assert.equal([packets[1].ts, packets[1].linkType, packets[1].interfaceId], [1005.5, 101, 1]);
});

ng('restarts interfaces and byte order with each section', () => {
  const file = Buffer.concat([
    shb(), idb(1), epb(0, 1n, frames[0]),
    shb(true), idb(113, { be: true }), idb(276, { be: true }), epb(1, 2n, frames[1], { be: true }),
  ]);
  const { packets, error } = parse(file, 13);
  assert.is(error, null);
  assert.equal(packets.map((p) => [p.linkType, p.interfaceId, p.data]), [[1, 0, hex(frames[0])], [276, 1, hex(frames[1])]]);
});

ng('parses Simple Packet Blocks (interface 0, snap length applied, previous timestamp) and obsolete Packet Blocks', () => {
  const file = Buffer.concat([shb(), idb(1, { snaplen: 20 }), epb(0, 7000000n, frames[0]), spb(frames[1]), opb(0, 8000000n, frames[2])]);
  const { packets, error } = parse(file);
  assert.is(error, null);
  assert.equal(packets.map((p) => [p.ts, p.data.length / 2, p.origLen]), [[7, frames[0].length, frames[0].length], [7, 20, frames[1].length], [8, frames[2].length, frames[2].length]]);
});

ng('skips unknown blocks (name resolution, statistics, custom)', () => {
  const file = Buffer.concat([shb(), pcapngBlock(4, Buffer.alloc(12)), idb(1), pcapngBlock(5, Buffer.alloc(20)), pcapngBlock(0x40000bad, Buffer.alloc(3)), epb(0, 1n, frames[0])]);
  const { packets, error } = parse(file, 9);
  assert.is(error, null);
  assert.is(packets.length, 1);
});

ng('counts and skips a packet naming an unknown interface, then continues', () => {
  const file = Buffer.concat([shb(), idb(1), epb(3, 1n, frames[0]), epb(0, 2n, frames[1])]);
  const { packets, error, parser } = parse(file);
  assert.is(error, null);
  assert.is(packets.length, 1);
  assert.is(parser.anomalies.pcapng_unknown_interface, 1);
});

ng('counts and skips an EPB whose captured length exceeds its block', () => {
  const file = Buffer.concat([shb(), idb(1), epb(0, 1n, frames[0], { capLen: 5000 }), epb(0, 2n, frames[1])]);
  const { packets, parser } = parse(file);
  assert.is(packets.length, 1);
  assert.is(parser.anomalies.pcapng_captured_length_exceeds_block, 1);
});

ng('stops at a block whose trailing length disagrees with its leading length', () => {
  const bad = epb(0, 1n, frames[1]);
  bad.writeUInt32LE(bad.length + 4, bad.length - 4);
  const { packets, error } = parse(Buffer.concat([shb(), idb(1), epb(0, 1n, frames[0]), bad]));
  assert.is(packets.length, 1);
  assert.is(error?.code, 'bad_block');
  assert.match(error?.message ?? '', /trailing length/);
});

ng('stops at a block length that is not a multiple of 4 or below 12', () => {
  const odd = Buffer.alloc(12);
  odd.writeUInt32LE(6, 0);
  odd.writeUInt32LE(13, 4);
  assert.is(parse(Buffer.concat([shb(), idb(1), odd])).error?.code, 'bad_block');
  odd.writeUInt32LE(8, 4);
  assert.is(parse(Buffer.concat([shb(), idb(1), odd])).error?.code, 'bad_block');
});

ng('refuses a block longer than MAX_RECORD_BYTES without waiting for it', () => {
  const huge = Buffer.alloc(12);
  huge.writeUInt32LE(6, 0);
  huge.writeUInt32LE(0xfffffff0, 4);
  const { error } = parse(Buffer.concat([shb(), idb(1), huge, Buffer.alloc(100)]), 16);
  assert.is(error?.code, 'block_too_large');
});

ng('reports a truncated last block', () => {
  const file = Buffer.concat([shb(), idb(1), epb(0, 1n, frames[0]), epb(0, 2n, frames[2])]);
  const { packets, error } = parse(file.subarray(0, file.length - 100), 50);
  assert.is(packets.length, 1);
  assert.is(error?.code, 'truncated_record');
  assert.match(error?.message ?? '', /^last block at offset \d+ is truncated: header says \d+ bytes, \d+ present$/);
});

ng('rejects an unsupported section version and a bad byte-order magic', () => {
  const v2 = shb();
  v2.writeUInt16LE(2, 12);
  assert.is(parse(v2).error?.code, 'unsupported_version');
  const bom = shb();
  bom.writeUInt32LE(0x12345678, 8);
  assert.is(parse(bom).error?.code, 'not_a_capture');
});

ng('gives identical packets however a multi-section file is split', () => {
  const file = Buffer.concat([shb(), idb(1, { tsresol: 9 }), epb(0, 5n, frames[0]), spb(frames[2]), shb(true), idb(1, { be: true }), epb(0, 9n, frames[1], { be: true })]);
  const whole = parse(file).packets;
  assert.is(whole.length, 3);
  for (let chunk = 1; chunk <= 40; chunk++) assert.equal(parse(file, chunk).packets, whole, `chunk ${chunk}`);
});

const bad = suite('CaptureFileParser: not a capture');

bad('names compressed files and archives in the error', () => {
  const gz = parse(Buffer.from('1f8b0800000000000003', 'hex'));
  assert.is(gz.error?.code, 'not_a_capture');
  assert.match(gz.error?.message ?? '', /gzip-compressed/);
  assert.match(parse(Buffer.from('504b0304140000000800', 'hex')).error?.message ?? '', /zip archive/);
});

bad('shows the first bytes of an unknown file', () => {
  const r = parse(Buffer.from('GET / HTTP/1.1\r\n'));
  assert.is(r.error?.code, 'not_a_capture');
  assert.is(r.error?.message, 'not a pcap or pcapng file (starts with 47 45 54 20)');
  assert.is(r.parser.format, null);
});

bad('reports empty and too-short files at finish', () => {
  assert.match(parse(Buffer.alloc(0)).error?.message ?? '', /empty file/);
  assert.match(parse(Buffer.from([0xd4, 0xc3])).error?.message ?? '', /too short/);
});

bad('keeps returning the first error after a failure', () => {
  const parser = new CaptureFileParser();
  const e1 = parser.push(Buffer.from('not a capture at all'), () => {});
  const e2 = parser.push(pcapFile(1, [{ ts: 1, data: frames[0] }]), () => assert.unreachable());
  assert.ok(e1 && e1 === e2);
});

const real = suite('CaptureFileParser: public captures');

const manifest = join(PUBLIC_CAPTURES_DIR, 'MANIFEST.tsv');
if (!existsSync(manifest)) {
  console.warn(`SKIPPED: public capture tests need ${PUBLIC_CAPTURES_DIR} (see MANIFEST.tsv), which is missing`);
  real('public captures are present', () => assert.unreachable(`${PUBLIC_CAPTURES_DIR} is missing`));
} else {
  const files = readFileSync(manifest, 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t')[0]);
  real('finds the packet count capinfos reports in every public capture, in 4 KiB chunks', () => {
    assert.ok(files.length > 50);
    for (const f of files) {
      const path = join(PUBLIC_CAPTURES_DIR, f);
      const summary = readFileSync(`${path}.tshark-summary.txt`, 'utf8');
      const want = Number(/Number of packets:\s+(\d+)/.exec(summary)?.[1]);
      const { packets, error } = parse(readFileSync(path), 4096);
      assert.is(error, null, f);
      assert.is(packets.length, want, f);
    }
  });

  real('never throws on public captures with random bytes changed, whatever the chunking', () => {
    let seed = 11;
    const rnd = () => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return seed / 2 ** 32; };
    const codes = new Set<string>();
    for (let i = 0; i < 1500; i++) {
      const f = readFileSync(join(PUBLIC_CAPTURES_DIR, files[Math.floor(rnd() * files.length)]));
      const m = Buffer.from(f.subarray(0, Math.min(f.length, 8000)));
      for (let k = 0; k < 3; k++) m[Math.floor(rnd() * m.length)] = Math.floor(rnd() * 256);
      const { error } = parse(m, 1 + Math.floor(rnd() * 2000));
      if (error) codes.add(error.code);
    }
    assert.ok(codes.has('truncated_record'));
  });

  real('reads pcapng timestamps and link types as tshark does', () => {
    const { packets } = parse(readFileSync(join(PUBLIC_CAPTURES_DIR, 'sipcapture__heplify/example__pcap__erspan_sip_ipv4_udp.pcapng')));
    assert.ok(Math.abs(packets[0].ts - 1526006114.962510) < 1e-6);
    assert.ok(Math.abs(packets[139].ts - 1526006149.957697) < 1e-6);
    assert.equal([packets[0].linkType, packets[0].data.length / 2, packets[139].data.length / 2], [1, 759, 518]);
  });

  real('reads pcap timestamps and link types as tshark does', () => {
    const { packets } = parse(readFileSync(join(PUBLIC_CAPTURES_DIR, 'irontec__sngrep/tests__ipv6frag.pcap')));
    assert.ok(Math.abs(packets[0].ts - 1647926426.047902) < 1e-6);
    assert.ok(Math.abs(packets[33].ts - 1647926590.661924) < 1e-6);
    assert.equal([packets[0].linkType, packets[0].data.length / 2, packets[33].data.length / 2], [113, 1512, 580]);
  });
}

detect.run();
pcap.run();
ng.run();
bad.run();
real.run();
