#!/usr/bin/env python3
"""Writes <capture>.expected.json: the scenario's spec (description, truth, findings) plus a
tshark summary of the final capture, so the ground truth is checked against the bytes.

usage: expected.py CAPTURE.pcap SPEC.json GENERATOR > CAPTURE.expected.json
"""
import collections
import json
import os
import subprocess
import sys

TSHARK_PREFS = ['-o', 'rtp.heuristic_rtp:TRUE', '-o', 'sip.tls.port:5061', '-d', 'tcp.port==5061,tls']


def tshark(pcap, *args):
    cmd = ['tshark', '-n', '-r', pcap, *TSHARK_PREFS, *args]
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def summary(pcap):
    frames = tshark(pcap, '-T', 'fields', '-e', 'frame.number').split()
    out = {'frames': len(frames)}
    sip = collections.Counter()
    uas = set()
    transports = collections.Counter()
    for line in tshark(pcap, '-Y', 'sip', '-T', 'fields', '-E', 'separator=|', '-e', 'sip.Method',
                       '-e', 'sip.Status-Code', '-e', 'sip.CSeq.method', '-e', 'sip.User-Agent',
                       '-e', 'udp.srcport', '-e', 'tcp.srcport').splitlines():
        method, status, cseq, ua, udp, tcp = (line.split('|') + [''] * 6)[:6]
        for m, s, c in zip(method.split(','), status.split(','), cseq.split(',')):
            if m:
                sip[m] += 1
            elif s:
                sip[f'{s} ({c})'] += 1
        if ua:
            uas.update(ua.split(','))
        transports['udp' if udp else 'tcp' if tcp else '?'] += 1
    out['sip_messages'] = dict(sorted(sip.items()))
    out['sip_transport_frames'] = dict(transports)
    out['sip_user_agents'] = sorted(uas)
    tls = collections.Counter()
    for line in tshark(pcap, '-Y', 'tls.handshake.type==2', '-T', 'fields', '-e', 'ip.src',
                       '-e', 'tls.handshake.extensions.supported_version', '-e', 'tls.handshake.version',
                       '-e', 'tls.handshake.ciphersuite').splitlines():
        src, sv, v, cs = (line.split('\t') + [''] * 4)[:4]
        tls[f'server {src} version {sv or v} cipher {cs}'] += 1
    if tls:
        out['tls_server_hellos'] = dict(tls)
    streams = []
    rtp_out = tshark(pcap, '-q', '-z', 'rtp,streams')
    for line in rtp_out.splitlines():
        parts = line.split()
        # [start end] Src IP, Src port, Dst IP, Dst port, SSRC, Payload, Pkts, Lost ...
        ssrc_at = next((i for i, p in enumerate(parts) if p.startswith('0x')), -1)
        if ssrc_at >= 4 and len(parts) > ssrc_at + 2:
            src_ip, src_port, dst_ip, dst_port = parts[ssrc_at - 4:ssrc_at]
            pkts = parts[ssrc_at + 2]
            streams.append({'src': f'{src_ip}:{src_port}', 'dst': f'{dst_ip}:{dst_port}',
                            'ssrc': parts[ssrc_at], 'payload': parts[ssrc_at + 1],
                            'packets': int(pkts) if pkts.isdigit() else pkts})
    out['rtp_streams_heuristic'] = streams
    frag = tshark(pcap, '-Y', 'ip.flags.mf==1 or ip.frag_offset>0', '-T', 'fields', '-e', 'frame.number').split()
    if frag:
        out['ipv4_fragment_frames'] = len(frag)
    zrtp = tshark(pcap, '-Y', 'zrtp', '-T', 'fields', '-e', 'frame.number').split()
    if zrtp:
        out['zrtp_frames'] = len(zrtp)
    dtls = tshark(pcap, '-Y', 'dtls', '-T', 'fields', '-e', 'frame.number').split()
    if dtls:
        out['dtls_frames'] = len(dtls)
    crypto = tshark(pcap, '-Y', 'sdp.media_attribute.field == "crypto"', '-T', 'fields', '-e', 'frame.number').split()
    if crypto:
        out['sdp_with_crypto_frames'] = len(crypto)
    return out


def main():
    pcap, spec_file, generator = sys.argv[1:4]
    with open(spec_file) as f:
        spec = json.load(f)
    doc = {
        'capture': os.path.basename(pcap),
        'description': spec['description'],
        'generator': generator,
        'truth': {**spec.get('truth', {}), 'tshark': summary(pcap)},
        'findings': spec.get('findings', []),
    }
    for key in ('may_also', 'not_expected'):
        if key in spec:
            doc[key] = spec[key]
    json.dump(doc, sys.stdout, indent=2)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
