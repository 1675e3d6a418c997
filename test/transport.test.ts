import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeUdp, decodeTcp, TcpFlag, newTcpSegment, type UdpDatagram, type TcpSegment } from '../parsers/transport.ts';
import { udp, tcp } from './support/frames.ts';

const u = suite('decodeUdp');

u('decodes ports, length and the payload range', () => {
  const d = udp(Buffer.from('INVITE'), 5062, 5060);
  const r = decodeUdp(d, 0, d.length) as UdpDatagram;
  assert.equal([r.srcPort, r.dstPort, r.length, r.payloadOffset, r.payloadEnd, r.truncated], [5062, 5060, 14, 8, 14, false]);
});

u('ends the payload at the length field when the IP payload is longer', () => {
  const d = Buffer.concat([udp(Buffer.from('abc'), 1, 2), Buffer.alloc(5)]);
  const r = decodeUdp(d, 0, d.length) as UdpDatagram;
  assert.is(r.payloadEnd, 11);
});

u('marks a length beyond the IP payload as truncated and stops at the end given', () => {
  const d = udp(Buffer.alloc(100), 1, 2).subarray(0, 40);
  const r = decodeUdp(d, 0, d.length) as UdpDatagram;
  assert.equal([r.truncated, r.payloadEnd], [true, 40]);
});

u('rejects a length below 8 and a header cut short', () => {
  const d = udp(Buffer.alloc(4), 1, 2, 7);
  assert.is(decodeUdp(d, 0, d.length), 'udp_bad_length');
  assert.is(decodeUdp(d, 0, 7), 'udp_truncated_header');
});

u('reads a zero length (IPv6 jumbogram) as extending to the end given', () => {
  const d = udp(Buffer.alloc(10), 1, 2, 0);
  const r = decodeUdp(d, 0, d.length) as UdpDatagram;
  assert.equal([r.payloadEnd, r.truncated], [18, false]);
});

const t = suite('decodeTcp');

t('decodes ports, sequence numbers, flags, window and payload', () => {
  const s = tcp(Buffer.from('REGISTER'), { srcPort: 40000, dstPort: 5060, seq: 0xfffffff0, ack: 0x80000001, flags: TcpFlag.PSH | TcpFlag.ACK, window: 1234 });
  const r = decodeTcp(s, 0, s.length) as TcpSegment;
  assert.equal([r.srcPort, r.dstPort, r.seq, r.ack, r.flags, r.window, r.headerLength, r.payloadOffset, r.payloadEnd],
    [40000, 5060, 0xfffffff0, 0x80000001, 0x18, 1234, 20, 20, 28]);
});

t('skips options using the data offset', () => {
  const s = tcp(Buffer.from('x'), { srcPort: 1, dstPort: 2, flags: TcpFlag.SYN, options: Buffer.from([2, 4, 5, 0xb4, 1, 1, 4, 2]) });
  const r = decodeTcp(s, 0, s.length) as TcpSegment;
  assert.equal([r.headerLength, r.payloadOffset, r.flags], [28, 28, TcpFlag.SYN]);
});

t('reads the NS bit into the flags', () => {
  const s = tcp(Buffer.alloc(0), { srcPort: 1, dstPort: 2, flags: TcpFlag.NS | TcpFlag.ACK });
  assert.is((decodeTcp(s, 0, s.length) as TcpSegment).flags, 0x110);
});

t('rejects a data offset below 5 words and a header longer than the segment', () => {
  const bad = tcp(Buffer.alloc(10), { srcPort: 1, dstPort: 2, dataOffset: 4 });
  assert.is(decodeTcp(bad, 0, bad.length), 'tcp_bad_data_offset');
  const long = tcp(Buffer.alloc(0), { srcPort: 1, dstPort: 2, dataOffset: 15 });
  assert.is(decodeTcp(long, 0, long.length), 'tcp_truncated_header');
  assert.is(decodeTcp(Buffer.alloc(19), 0, 19), 'tcp_truncated_header');
});

t('decodes at an offset into the caller\'s object', () => {
  const buf = Buffer.concat([Buffer.alloc(34), tcp(Buffer.from('hi'), { srcPort: 80, dstPort: 1025 })]);
  const out = newTcpSegment();
  assert.ok(decodeTcp(buf, 34, buf.length, out) === out);
  assert.equal([out.srcPort, out.payloadOffset, out.payloadEnd], [80, 54, 56]);
});

u.run();
t.run();
