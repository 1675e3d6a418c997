import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { TcpReassembler, type TcpConnection, type TcpReassemblyOptions } from '../src/net/tcp-reassembly.ts';
import { PacketDecoder, type TransportPacket } from '../src/net/packet-decoder.ts';
import { readCaptureFile } from '../src/capture/file-source.ts';
import { TcpFlag } from '../parsers/transport.ts';
import { PUBLIC_CAPTURES_DIR } from './support/frames.ts';

const { SYN, ACK, FIN, RST, PSH } = TcpFlag;
const CLIENT = { ip: '10.0.0.1', port: 40000 };
const SERVER = { ip: '10.0.0.2', port: 5060 };

/** Records what the handler saw: the byte stream per direction with gaps marked, and events. */
function harness(opts?: TcpReassemblyOptions) {
  const events: string[] = [];
  const text = { client: '', server: '' };
  const conns: TcpConnection[] = [];
  const r = new TcpReassembler({
    onOpen: (c) => { conns.push(c); events.push(`open ${c.id} ${c.clientIp}:${c.clientPort}>${c.serverIp}:${c.serverPort}${c.sawSyn ? ' syn' : ''}`); },
    onData: (c, fromClient, data) => { text[fromClient ? 'client' : 'server'] += data.toString('latin1'); },
    onGap: (c, fromClient, n) => { text[fromClient ? 'client' : 'server'] += `[gap ${n}]`; events.push(`gap ${fromClient ? 'c' : 's'} ${n}`); },
    onClose: (c, reason) => events.push(`close ${c.id} ${reason}`),
  }, opts);
  let ts = 1000;
  /** a segment from `from` ('c' or 's') */
  const seg = (from: 'c' | 's', seq: number, flags: number, data = '', o: { ack?: number; ts?: number; truncated?: number } = {}) => {
    const [src, dst] = from === 'c' ? [CLIENT, SERVER] : [SERVER, CLIENT];
    ts = o.ts ?? ts + 0.001;
    const tp: TransportPacket = {
      ts, transport: 'tcp', ipVersion: 4, srcIp: src.ip, dstIp: dst.ip, srcPort: src.port, dstPort: dst.port,
      frame: Buffer.alloc(0), macOffset: -1, srcMacOffset: -1, vlan: -1, payload: Buffer.from(data, 'latin1'),
      truncatedBytes: o.truncated ?? 0, tcpFlags: flags, seq: seq >>> 0, ack: (o.ack ?? 0) >>> 0, fragmented: false, tunnelDepth: 0,
    };
    r.onSegment(tp);
  };
  return { r, seg, events, text, conns };
}

/** Client ISN 100, server ISN 5000: after the handshake client data starts at 101, server data at 5001. */
function handshake(h: ReturnType<typeof harness>, cIsn = 100, sIsn = 5000) {
  h.seg('c', cIsn, SYN);
  h.seg('s', sIsn, SYN | ACK, '', { ack: cIsn + 1 });
  h.seg('c', cIsn + 1, ACK, '', { ack: sIsn + 1 });
}

const order = suite('TcpReassembler: ordering');

order('delivers both directions of a handshaken connection and closes on FIN from both', () => {
  const h = harness();
  handshake(h);
  h.seg('c', 101, PSH | ACK, 'REGISTER ', { ack: 5001 });
  h.seg('c', 110, PSH | ACK, 'sip:x', { ack: 5001 });
  h.seg('s', 5001, PSH | ACK, 'SIP/2.0 200 OK', { ack: 115 });
  h.seg('c', 115, FIN | ACK, '', { ack: 5015 });
  h.seg('s', 5015, FIN | ACK, '', { ack: 116 });
  assert.equal(h.text, { client: 'REGISTER sip:x', server: 'SIP/2.0 200 OK' });
  assert.equal(h.events, ['open 1 10.0.0.1:40000>10.0.0.2:5060 syn', 'close 1 fin']);
  assert.equal([h.conns[0].sawSyn, h.conns[0].sawSynAck], [true, true]);
  assert.is(h.r.counters.active, 0);
});

order('drops retransmitted bytes and trims partial overlaps', () => {
  const h = harness();
  handshake(h);
  h.seg('c', 101, ACK, 'abcdef');
  h.seg('c', 101, ACK, 'abcdef');
  h.seg('c', 104, ACK, 'defghi');
  h.seg('c', 99, ACK, 'xxabcdefghijk');
  assert.is(h.text.client, 'abcdefghijk');
  assert.is(h.r.counters.retransmittedBytes, 6 + 3 + 11);
});

order('holds out-of-order segments and delivers them when the hole fills', () => {
  const h = harness();
  handshake(h);
  h.seg('c', 111, ACK, 'KLMNOPQRST');
  h.seg('c', 121, ACK, 'UVWXYZ');
  assert.is(h.text.client, '');
  assert.is(h.r.counters.bufferedBytes, 16);
  h.seg('c', 101, ACK, 'ABCDEFGHIJ');
  assert.is(h.text.client, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ');
  assert.equal([h.r.counters.bufferedBytes, h.r.counters.outOfOrderSegments], [0, 2]);
});

order('resolves overlapping held segments first-wins', () => {
  const h = harness();
  handshake(h);
  h.seg('c', 106, ACK, '11111');
  h.seg('c', 108, ACK, '2222222');
  h.seg('c', 106, ACK, '333');
  h.seg('c', 101, ACK, 'AAAAA');
  assert.is(h.text.client, 'AAAAA111112222');
});

order('follows sequence numbers across the 2^32 wrap', () => {
  const h = harness();
  handshake(h, 0xfffffff0, 0xffffffff);
  h.seg('c', 0xfffffff1, ACK, 'abcdefghijklmnop'); // 16 bytes: wraps to 1
  h.seg('c', 7, ACK, 'XYZ'); // out of order after the wrap
  h.seg('c', 1, ACK, 'qrstuv');
  h.seg('s', 0, ACK, 'reply'); // server ISN 0xffffffff: data starts at 0
  assert.equal(h.text, { client: 'abcdefghijklmnopqrstuvXYZ', server: 'reply' });
});

order('takes data carried on a SYN as starting after the initial sequence number', () => {
  const h = harness();
  h.seg('c', 100, SYN, 'GET');
  h.seg('s', 9, SYN | ACK, '', { ack: 104 });
  h.seg('c', 104, ACK, ' /');
  assert.is(h.text.client, 'GET /');
});

const gaps = suite('TcpReassembler: gaps');

gaps('skips a hole when held bytes exceed the per-direction cap, reporting the missing bytes', () => {
  const h = harness({ maxBufferedPerDirection: 10 });
  handshake(h);
  h.seg('c', 101, ACK, 'start');
  h.seg('c', 116, ACK, 'after');
  h.seg('c', 121, ACK, 'more!!');
  assert.equal([h.text.client, h.r.counters.gapsForced], ['start[gap 10]aftermore!!', 1]);
  h.seg('c', 106, ACK, 'late-data!');
  assert.is(h.text.client, 'start[gap 10]aftermore!!', 'bytes of a skipped hole are not delivered later');
});

gaps('skips a hole at once when the receiver acknowledges past it (capture loss)', () => {
  const h = harness();
  handshake(h);
  h.seg('c', 101, ACK, 'aaaa');
  h.seg('c', 109, ACK, 'cccc');
  assert.is(h.text.client, 'aaaa');
  h.seg('s', 5001, ACK, '', { ack: 113 });
  assert.equal([h.text.client, h.r.counters.gapsAcked], ['aaaa[gap 4]cccc', 1]);
});

gaps('skips a hole at once when the acknowledgment was seen before the data', () => {
  const h = harness();
  handshake(h);
  h.seg('s', 5001, ACK, '', { ack: 120 });
  h.seg('c', 111, ACK, 'late');
  assert.is(h.text.client, '[gap 10]late');
});

gaps('reports bytes missing before a FIN once the FIN is acknowledged, then closes', () => {
  const h = harness();
  handshake(h);
  h.seg('c', 101, ACK, 'abc');
  h.seg('c', 110, FIN | ACK);
  h.seg('s', 5001, FIN | ACK, '', { ack: 111 });
  h.seg('c', 111, ACK, '', { ack: 5002 });
  assert.is(h.text.client, 'abc[gap 6]');
  assert.ok(h.events.includes('close 1 fin'));
});

gaps('delivers what a snap length left of a segment, then a gap for the rest', () => {
  const h = harness();
  handshake(h);
  h.seg('c', 101, ACK, 'INVITE', { truncated: 1000 });
  h.seg('c', 1107, ACK, 'BYE');
  assert.is(h.text.client, 'INVITE[gap 1000]BYE');
});

gaps('flushes held data with gaps at end of input and closes as end', () => {
  const h = harness();
  handshake(h);
  h.seg('c', 101, ACK, 'one');
  h.seg('c', 110, ACK, 'three');
  h.r.flush();
  assert.is(h.text.client, 'one[gap 6]three');
  assert.equal(h.events.slice(-1), ['close 1 end']);
});

gaps('flushes held data on RST and closes as rst', () => {
  const h = harness();
  handshake(h);
  h.seg('c', 110, ACK, 'tail');
  h.seg('s', 5001, RST);
  assert.equal([h.text.client, h.events.slice(-1)[0]], ['[gap 9]tail', 'close 1 rst']);
});

gaps('ignores an RST far from the expected sequence number (blind reset), as the host would', () => {
  const h = harness();
  handshake(h);
  h.seg('s', 5001 + 100_000_000, RST);
  h.seg('c', 101, ACK, 'still tracked');
  assert.equal([h.text.client, h.r.counters.rstOutOfWindow, h.r.counters.active], ['still tracked', 1, 1]);
});

gaps('drops a segment further ahead than any TCP window instead of holding it', () => {
  const h = harness();
  handshake(h);
  h.seg('s', 5001, ACK, '', { ack: 101 });
  h.seg('c', 101 + 2 ** 30 + 10, ACK, 'injected');
  h.seg('c', 101, ACK, 'real');
  h.r.flush();
  assert.equal([h.text.client, h.r.counters.outOfWindowSegments], ['real', 1]);
});

gaps('caps the bytes held over all connections', () => {
  const h = harness({ maxBufferedTotal: 8 });
  handshake(h);
  h.seg('c', 105, ACK, 'xxxxxx');
  assert.is(h.text.client, '');
  h.seg('c', 111, ACK, 'yyyyyy');
  assert.equal([h.text.client, h.r.counters.bufferedBytes], ['[gap 4]xxxxxxyyyyyy', 0]);
});

gaps('caps the segments held per direction', () => {
  const h = harness({ maxSegmentsPerDirection: 3 });
  handshake(h);
  for (let i = 0; i < 4; i++) h.seg('c', 111 + i * 2, ACK, 'z');
  assert.is(h.text.client, '[gap 10]z');
  h.r.flush();
  assert.is(h.text.client, '[gap 10]z[gap 1]z[gap 1]z[gap 1]z');
});

const conns = suite('TcpReassembler: connections');

conns('picks the client of a connection seen mid-stream by its ports', () => {
  const cases: Array<[number, number, boolean]> = [
    [40000, 5060, true], [5060, 40000, false], [443, 52000, false], [3000, 80, true], [5061, 2000, true], [12000, 6000, true], [52000, 40000, true],
  ];
  for (const [sp, dp, senderIsClient] of cases) {
    let c: TcpConnection | null = null;
    const rr = new TcpReassembler({ onOpen: (x) => { c = x; }, onData() {} });
    rr.onSegment({ ts: 1, transport: 'tcp', ipVersion: 4, srcIp: '10.0.0.1', dstIp: '10.0.0.2', srcPort: sp, dstPort: dp, frame: Buffer.alloc(0), macOffset: -1, srcMacOffset: -1, vlan: -1, payload: Buffer.from('x'), truncatedBytes: 0, tcpFlags: ACK, seq: 1, ack: 1, fragmented: false, tunnelDepth: 0 });
    assert.is((c as TcpConnection | null)?.clientPort, senderIsClient ? sp : dp, `${sp} -> ${dp}`);
  }
});

conns('delivers a connection picked up mid-stream from its first segment on', () => {
  const h = harness();
  h.seg('s', 7000, ACK, 'SIP/2.0 180 Ringing');
  h.seg('c', 300, ACK, 'ACK sip:y', { ack: 7019 });
  assert.equal(h.text, { client: 'ACK sip:y', server: 'SIP/2.0 180 Ringing' });
  assert.equal(h.events, ['open 1 10.0.0.1:40000>10.0.0.2:5060']);
});

conns('corrects the roles when a SYN-ACK shows the guess was wrong', () => {
  const h = harness();
  h.seg('s', 5000, SYN | ACK, '', { ack: 101 });
  h.seg('c', 100, SYN);
  h.seg('c', 101, ACK, 'hello');
  assert.equal([h.conns[0].clientPort, h.text.client], [40000, 'hello']);
});

conns('ignores stray ACKs and RSTs without a connection', () => {
  const h = harness();
  h.seg('c', 1, ACK);
  h.seg('c', 1, RST);
  h.seg('c', 1, FIN | ACK);
  assert.equal([h.events, h.r.counters.ignoredSegments, h.r.size], [[], 3, 0]);
});

conns('drops segments after a close instead of reopening, until a new SYN reuses the ports', () => {
  const h = harness();
  handshake(h);
  h.seg('c', 101, FIN | ACK, '', { ack: 5001 });
  h.seg('s', 5001, FIN | ACK, '', { ack: 102 });
  h.seg('c', 102, ACK, '', { ack: 5002 });
  h.seg('c', 101, ACK, 'late retransmission');
  assert.is(h.r.counters.afterCloseSegments, 2);
  handshake(h, 9000, 9999);
  h.seg('c', 9001, ACK, 'again');
  assert.equal(h.events, ['open 1 10.0.0.1:40000>10.0.0.2:5060 syn', 'close 1 fin', 'open 2 10.0.0.1:40000>10.0.0.2:5060 syn']);
  assert.is(h.text.client, 'again');
});

conns('treats a SYN with a new sequence number on an open connection as a new connection', () => {
  const h = harness();
  handshake(h);
  h.seg('c', 101, ACK, 'first');
  h.seg('c', 100, SYN); // retransmitted SYN: same connection
  h.seg('c', 7000, SYN);
  assert.equal(h.events, ['open 1 10.0.0.1:40000>10.0.0.2:5060 syn', 'close 1 evicted', 'open 2 10.0.0.1:40000>10.0.0.2:5060 syn']);
});

conns('closes connections idle longer than the timeout, as capture time passes', () => {
  const h = harness({ idleTimeoutSec: 60 });
  handshake(h);
  h.seg('c', 101, ACK, 'x', { ts: 1000 });
  h.r.expire(1030);
  assert.is(h.r.counters.active, 1);
  h.r.expire(1061);
  assert.equal([h.r.counters.active, h.r.counters.closed.idle, h.r.size, h.events.slice(-1)[0]], [0, 1, 0, 'close 1 idle']);
});

conns('keeps a connection active in the last timeout window', () => {
  const h = harness({ idleTimeoutSec: 60 });
  handshake(h);
  for (let t = 1000; t <= 1200; t += 10) h.seg('c', 101 + (t - 1000) / 10, ACK, 'k', { ts: t });
  h.r.expire(1250);
  assert.is(h.r.counters.active, 1);
});

conns('evicts the least recently active connection beyond maxConnections', () => {
  const closed: string[] = [];
  const r = new TcpReassembler({ onData() {}, onClose: (c, reason) => closed.push(`${c.clientPort} ${reason}`) }, { maxConnections: 2 });
  const open = (port: number, ts: number) => r.onSegment({ ts, transport: 'tcp', ipVersion: 4, srcIp: '10.0.0.1', dstIp: '10.0.0.2', srcPort: port, dstPort: 5060, frame: Buffer.alloc(0), macOffset: -1, srcMacOffset: -1, vlan: -1, payload: Buffer.from('x'), truncatedBytes: 0, tcpFlags: ACK, seq: ts, ack: 0, fragmented: false, tunnelDepth: 0 });
  open(40001, 1);
  open(40002, 2);
  open(40001, 5);
  open(40003, 6);
  assert.equal(closed, ['40002 evicted']);
  assert.equal([r.size, r.counters.closed.evicted], [2, 1]);
});

conns('rejects option values that are not positive numbers', () => {
  assert.throws(() => new TcpReassembler({ onData() {} }, { idleTimeoutSec: -1 }), /idleTimeoutSec must be a positive number/);
});

const pub = suite('TcpReassembler: public captures');

/**
 * Bytes per direction as tshark 4.0.17 reassembles them (`-z follow,tcp,raw,N`): length and
 * the first 16 hex digits of the SHA-256, keyed "sender>receiver".
 */
const TSHARK_STREAMS: Record<string, Record<string, [number, string]>> = {
  'sipcapture__heplify/example__pcap__sip_ipv4_tcp_retrans.pcap': {
    '192.168.1.3:443>192.168.1.252:52790': [31, '26a9f7bf87a01f38'],
    '192.168.1.3:60022>192.168.1.252:52716': [21476, '04411050b8bb6454'],
    '192.168.1.252:52716>192.168.1.3:60022': [468, '31abb637b3f7893d'],
    '172.168.0.252:52795>172.168.0.228:5060': [1516, 'e2d748007367fb83'],
    '172.168.0.228:5060>172.168.0.252:52795': [1147, '57ca2fd0b8fc138b'],
    '192.168.1.252:52796>192.168.1.3:443': [568, '6f6089571b0875fa'],
    '192.168.1.3:443>192.168.1.252:52796': [168, '155a76aed35a6ca4'],
    '192.168.1.252:52797>192.168.1.3:443': [1036, 'bd9eda36ae0819c5'],
    '192.168.1.3:443>192.168.1.252:52797': [729, '1a2a79471b8c1731'],
    '127.0.0.1:43912>127.0.0.1:60010': [289, 'f0057943457f55b9'],
    '127.0.0.1:60010>127.0.0.1:43912': [206, 'b81d7c322044c22f'],
    '127.0.0.1:43914>127.0.0.1:60010': [294, '93fecde4c4e36f23'],
    '127.0.0.1:60010>127.0.0.1:43914': [206, 'b81d7c322044c22f'],
    '127.0.0.1:43916>127.0.0.1:60010': [402, '344796d0ec497612'],
    '127.0.0.1:60010>127.0.0.1:43916': [249, '1baa7d4009aa0da9'],
  },
  'sipcapture__heplify/example__pcap__sip_ipv4_tcp_fragmented.pcap': {
    '10.186.207.1:37398>10.186.205.131:6060': [28337, '17105941e8c4d36c'],
    '10.186.205.131:6060>10.186.207.1:37398': [28132, '057d642353cf9ba0'],
    '10.186.207.1:6060>10.186.205.131:16933': [61553, 'a55cd3d9fc0fd8f8'],
    '10.186.205.131:16933>10.186.207.1:6060': [58632, '8c6bb89ec551ec71'],
    '10.186.207.1:60722>10.186.205.133:6060': [24083, '820e768479f3a0a6'],
    '10.186.205.133:6060>10.186.207.1:60722': [25913, 'd199e968d40c5858'],
    '10.186.205.133:22600>10.186.207.1:6060': [29554, 'a7d89367542e3ed6'],
    '10.186.207.1:6060>10.186.205.133:22600': [25656, 'fe9a92ab55113c22'],
  },
  'OISF__suricata-verify/tests__sip-body-large__sip-body-large.pcap': {
    '127.0.0.1:59809>127.0.0.1:5060': [65793, '611642a1390699a6'],
    '127.0.0.1:5060>127.0.0.1:59809': [207, '5e8798d4997a67f1'],
  },
};

function reassembleFile(rel: string) {
  const streams = new Map<string, Buffer[]>();
  let gapCount = 0;
  const name = (c: TcpConnection, fromClient: boolean) => fromClient
    ? `${c.clientIp}:${c.clientPort}>${c.serverIp}:${c.serverPort}`
    : `${c.serverIp}:${c.serverPort}>${c.clientIp}:${c.clientPort}`;
  const r = new TcpReassembler({
    onData: (c, fromClient, data) => {
      const k = name(c, fromClient);
      if (!streams.has(k)) streams.set(k, []);
      streams.get(k)!.push(Buffer.from(data));
    },
    onGap: () => { gapCount++; },
  });
  const decoder = new PacketDecoder();
  readCaptureFile(join(PUBLIC_CAPTURES_DIR, rel), (p) => decoder.decode(p, (tp) => { if (tp.transport === 'tcp') r.onSegment(tp); }));
  r.flush();
  const digest: Record<string, [number, string]> = {};
  for (const [k, parts] of streams) {
    const b = Buffer.concat(parts);
    digest[k] = [b.length, createHash('sha256').update(b).digest('hex').slice(0, 16)];
  }
  return { digest, gapCount, r, streams };
}

if (!existsSync(PUBLIC_CAPTURES_DIR)) {
  console.warn(`SKIPPED: public capture tests need ${PUBLIC_CAPTURES_DIR}, which is missing`);
  pub('public captures are present', () => assert.unreachable(`${PUBLIC_CAPTURES_DIR} is missing`));
} else {
  for (const [file, want] of Object.entries(TSHARK_STREAMS)) {
    pub(`reassembles every stream of ${file.split('/')[1]} byte for byte as tshark does`, () => {
      const { digest, gapCount } = reassembleFile(file);
      assert.equal(digest, want);
      assert.is(gapCount, 0);
    });
  }

  pub('drops the retransmitted bytes of heplify\'s retransmission capture', () => {
    const { r } = reassembleFile('sipcapture__heplify/example__pcap__sip_ipv4_tcp_retrans.pcap');
    assert.ok(r.counters.retransmittedBytes > 0);
    assert.is(r.counters.deliveredBytes + r.counters.retransmittedBytes, r.counters.payloadBytes);
  });

  pub('delivers the 64 KiB SIP body of suricata\'s sip-body-large in order after the INVITE head', () => {
    const { streams } = reassembleFile('OISF__suricata-verify/tests__sip-body-large__sip-body-large.pcap');
    const invite = Buffer.concat(streams.get('127.0.0.1:59809>127.0.0.1:5060')!).toString('latin1');
    assert.ok(invite.startsWith('INVITE sip:'));
    const head = invite.indexOf('\r\n\r\n') + 4;
    assert.is(invite.length - head, Number(/Content-Length:\s*(\d+)/i.exec(invite)?.[1]));
  });
}

order.run();
gaps.run();
conns.run();
pub.run();
