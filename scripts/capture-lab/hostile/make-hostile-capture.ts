/**
 * captures/hostile-strings.pcap: a phone whose every free-text field is an attack on whoever
 * displays or stores it — a SIP User-Agent and display name carrying script and SQL payloads,
 * a Call-ID built as SQL, and a web UI whose Server header and page title carry markup. It
 * proves that the dashboard shows such values as text and that no query is built from them.
 *
 * Written byte by byte (not by a SIP stack): real user agents refuse to send some of these
 * values, and the test needs them exact.
 *
 *   node --import tsx scripts/capture-lab/hostile/make-hostile-capture.ts
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ethernet, ipv4, pcapFile, tcp, udp, type RecordIn } from '../../../test/support/frames.ts';

export const HOSTILE = Object.freeze({
  userAgent: `<script>window.__pwned=1</script>' OR 1=1; DROP TABLE findings; --`,
  displayName: `<img src=x onerror="window.__pwned=2">`,
  callId: `x'OR'1'='1';DROP--TABLE--calls@10.30.0.5`,
  server: `<script>window.__pwned=3</script>`,
  title: `<img src=x onerror=window.__pwned=4>`,
});

const PHONE = '10.30.0.5', PBX = '10.30.0.1', OUTSIDE = '198.51.100.9';
const T0 = Date.UTC(2026, 10, 18, 10, 0, 0) / 1000;
const records: RecordIn[] = [];
let t = T0;
const at = (dt: number) => { t += dt; return t; };

const sipUdp = (src: string, dst: string, text: string) =>
  ethernet(ipv4(udp(Buffer.from(text.replace(/\n/g, '\r\n')), 5060, 5060), { src, dst, protocol: 17 }), 0x0800);

const from = `"${HOSTILE.displayName}" <sip:1001@pbx.example.com>;tag=h1`;
const register = `REGISTER sip:pbx.example.com SIP/2.0
Via: SIP/2.0/UDP ${PHONE}:5060;branch=z9hG4bK-h1
Max-Forwards: 70
From: ${from}
To: <sip:1001@pbx.example.com>
Call-ID: reg-${HOSTILE.callId}
CSeq: 1 REGISTER
Contact: <sip:1001@${PHONE}:5060>
User-Agent: ${HOSTILE.userAgent}
Expires: 3600
Content-Length: 0

`;
const ok = (req: string, method: string, cseq: number, body = '') => `SIP/2.0 200 OK
Via: SIP/2.0/UDP ${PHONE}:5060;branch=z9hG4bK-h${cseq}
From: ${from}
To: <sip:${method === 'REGISTER' ? '1001' : '1002'}@pbx.example.com>;tag=p${cseq}
Call-ID: ${req}
CSeq: ${cseq} ${method}
Server: kamailio (5.6.3 (x86_64/linux))
${body ? `Content-Type: application/sdp\nContent-Length: ${Buffer.byteLength(body.replace(/\n/g, '\r\n'))}` : 'Content-Length: 0'}

${body}`;
const sdp = (ip: string, port: number) => `v=0
o=- 1 1 IN IP4 ${ip}
s=-
c=IN IP4 ${ip}
t=0 0
m=audio ${port} RTP/AVP 0
a=rtpmap:0 PCMU/8000
`;
const offer = sdp(PHONE, 40000);
const invite = `INVITE sip:1002@pbx.example.com SIP/2.0
Via: SIP/2.0/UDP ${PHONE}:5060;branch=z9hG4bK-h2
Max-Forwards: 70
From: ${from}
To: <sip:1002@pbx.example.com>
Call-ID: ${HOSTILE.callId}
CSeq: 2 INVITE
Contact: <sip:1001@${PHONE}:5060>
User-Agent: ${HOSTILE.userAgent}
Content-Type: application/sdp
Content-Length: ${Buffer.byteLength(offer.replace(/\n/g, '\r\n'))}

${offer}`;

records.push({ ts: at(0), data: sipUdp(PHONE, PBX, register) });
records.push({ ts: at(0.01), data: sipUdp(PBX, PHONE, ok(`reg-${HOSTILE.callId}`, 'REGISTER', 1)) });
records.push({ ts: at(1), data: sipUdp(PHONE, PBX, invite) });
records.push({ ts: at(0.5), data: sipUdp(PBX, PHONE, ok(HOSTILE.callId, 'INVITE', 2, sdp(PBX, 30000))) });

// G.711 both ways for two seconds: unencrypted media.
let seqA = 100, seqB = 900;
for (let i = 0; i < 100; i++) {
  const ts = at(0.02);
  const rtp = (seq: number, ssrc: number) => {
    const h = Buffer.alloc(12 + 160, 0xd5);
    h[0] = 0x80; h[1] = 0; h.writeUInt16BE(seq & 0xffff, 2); h.writeUInt32BE(i * 160, 4); h.writeUInt32BE(ssrc, 8);
    for (let k = 12; k < h.length; k++) h[k] = 0x50 + ((k * 7 + i * 13) % 40);
    return h;
  };
  records.push({ ts, data: ethernet(ipv4(udp(rtp(seqA++, 0x11223344), 40000, 30000), { src: PHONE, dst: PBX, protocol: 17 }), 0x0800) });
  records.push({ ts: ts + 0.001, data: ethernet(ipv4(udp(rtp(seqB++, 0x55667788), 30000, 40000), { src: PBX, dst: PHONE, protocol: 17 }), 0x0800) });
}

// The phone's web UI, opened from the internet, answering without authentication.
const SYN = 0x02, ACK = 0x10, PSH = 0x08, FIN = 0x01;
const seg = (src: string, dst: string, sport: number, dport: number, seq: number, ack: number, flags: number, payload = '') =>
  ethernet(ipv4(tcp(Buffer.from(payload), { srcPort: sport, dstPort: dport, seq, ack, flags }), { src, dst, protocol: 6 }), 0x0800);
const request = `GET / HTTP/1.1\r\nHost: ${PHONE}\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n`;
const html = `<html><head><title>${HOSTILE.title}</title></head><body>phone settings</body></html>`;
const response = `HTTP/1.1 200 OK\r\nServer: ${HOSTILE.server}\r\nContent-Type: text/html\r\nContent-Length: ${html.length}\r\n\r\n${html}`;
let c = 1000, s = 5000;
records.push({ ts: at(1), data: seg(OUTSIDE, PHONE, 51000, 80, c, 0, SYN) });
records.push({ ts: at(0.01), data: seg(PHONE, OUTSIDE, 80, 51000, s, c + 1, SYN | ACK) });
records.push({ ts: at(0.01), data: seg(OUTSIDE, PHONE, 51000, 80, c + 1, s + 1, ACK) });
records.push({ ts: at(0.01), data: seg(OUTSIDE, PHONE, 51000, 80, c + 1, s + 1, PSH | ACK, request) });
c += 1 + request.length;
records.push({ ts: at(0.01), data: seg(PHONE, OUTSIDE, 80, 51000, s + 1, c, PSH | ACK, response) });
s += 1 + response.length;
records.push({ ts: at(0.01), data: seg(OUTSIDE, PHONE, 51000, 80, c, s, FIN | ACK) });
records.push({ ts: at(0.01), data: seg(PHONE, OUTSIDE, 80, 51000, s, c + 1, FIN | ACK) });
records.push({ ts: at(0.01), data: seg(OUTSIDE, PHONE, 51000, 80, c + 1, s + 1, ACK) });

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = fileURLToPath(new URL('../../../captures/hostile-strings.pcap', import.meta.url));
  writeFileSync(out, pcapFile(1, records));
  console.log(`${out}: ${records.length} packets`);
}
