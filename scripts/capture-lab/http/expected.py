#!/usr/bin/env python3
"""Writes <capture>.expected.json: the scenario's spec (description, truth, findings) plus a
tshark summary of the final capture (hosts, HTTP requests and responses, TLS handshakes, TFTP),
so the ground truth is checked against the bytes.

usage: expected.py CAPTURE.pcap SPEC.json GENERATOR > CAPTURE.expected.json
"""
import base64
import collections
import hashlib
import json
import os
import re
import subprocess
import sys

PREFS = ['-d', 'tcp.port==8443,tls']
SEP = '\x1f'


def tshark(pcap, *args):
    cmd = ['tshark', '-n', '-r', pcap, *PREFS, *args]
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def rows(pcap, display_filter, *fields):
    args = ['-Y', display_filter, '-T', 'fields', '-E', 'separator=' + SEP, '-E', 'occurrence=a', '-E', 'aggregator=,']
    for f in fields:
        args += ['-e', f]
    for line in tshark(pcap, *args).splitlines():
        yield (line.split(SEP) + [''] * len(fields))[:len(fields)]


def body_text(value):
    """http.file_data comes as hex bytes or as text depending on the tshark version."""
    try:
        return bytes.fromhex(value.replace(':', '')).decode('latin-1')
    except ValueError:
        return value


def auth_summary(value):
    """Scheme and user name of an Authorization header; never the password."""
    if not value:
        return 'no auth'
    scheme, _, rest = value.partition(' ')
    if scheme.lower() == 'basic':
        try:
            user = base64.b64decode(rest.strip()).decode('latin-1').partition(':')[0]
        except ValueError:
            user = '?'
        return f'Basic user={user}'
    if scheme.lower() == 'digest':
        user = next((p.split('=', 1)[1].strip('" ') for p in rest.split(',') if p.strip().startswith('username=')), '?')
        return f'Digest user={user}'
    return scheme


def digest_params(value):
    params = {}
    for part in re.findall(r'(\w+)=("[^"]*"|[^,\s]+)', value):
        params[part[0].lower()] = part[1].strip('"')
    return params


def verify_digests(pcap, candidates):
    """Which candidate password each HTTP Digest response verifies with (RFC 7616 §3.4.1,
    MD5, qop=auth) -- the offline check a passive sensor does, run on the final bytes."""
    md5 = lambda text: hashlib.md5(text.encode('latin-1')).hexdigest()
    out = collections.Counter()
    for src, dst, method, auth in rows(pcap, 'http.authorization', 'ip.src', 'ip.dst',
                                       'http.request.method', 'http.authorization'):
        if not auth.lower().startswith('digest '):
            continue
        p = digest_params(auth[7:])
        ha2 = md5(f"{method}:{p.get('uri', '')}")
        hit = 'none of the candidates'
        for pw in candidates:
            ha1 = md5(f"{p.get('username', '')}:{p.get('realm', '')}:{pw}")
            if p.get('qop'):
                want = md5(f"{ha1}:{p.get('nonce', '')}:{p.get('nc', '')}:{p.get('cnonce', '')}:{p['qop']}:{ha2}")
            else:
                want = md5(f"{ha1}:{p.get('nonce', '')}:{ha2}")
            if want == p.get('response'):
                hit = f'verifies with {pw!r}'
                break
        out[f"{src} -> {dst} {method} {p.get('uri', '')} user={p.get('username', '')} realm={p.get('realm', '')}: {hit}"] += 1
    return dict(out)


def summary(pcap):
    out = {'frames': len(tshark(pcap, '-T', 'fields', '-e', 'frame.number').split())}
    times = tshark(pcap, '-T', 'fields', '-e', 'frame.time_relative').split()
    out['duration_s'] = round(float(times[-1]), 2) if times else 0
    macs = {}
    for src, mac in rows(pcap, 'ip', 'ip.src', 'eth.src'):
        macs.setdefault(src, set()).add(mac)
    out['ip_src_macs'] = {ip: sorted(m) for ip, m in sorted(macs.items())}
    syn = collections.Counter(f'{s} -> {d}:{p}' for s, d, p in rows(
        pcap, 'tcp.flags.syn==1 && tcp.flags.ack==0', 'ip.src', 'ip.dst', 'tcp.dstport'))
    out['tcp_connections'] = dict(syn)
    reqs = collections.Counter()
    forms = collections.Counter()
    for src, dst, method, uri, auth, ua, keys in rows(
            pcap, 'http.request', 'ip.src', 'ip.dst', 'http.request.method', 'http.request.uri',
            'http.authorization', 'http.user_agent', 'urlencoded-form.key'):
        reqs[f'{src} -> {dst} {method} {uri} [{auth_summary(auth)}] UA={ua}'] += 1
        if keys:
            forms[f'{src} -> {dst} {method} {uri} form fields: {keys}'] += 1
    if reqs:
        out['http_requests'] = dict(reqs)
    if forms:
        out['http_form_posts'] = dict(forms)
    resps = collections.Counter()
    for src, dst, code, server, wa, cookie, title in rows(
            pcap, 'http.response', 'ip.src', 'ip.dst', 'http.response.code', 'http.server',
            'http.www_authenticate', 'http.set_cookie', 'http.file_data'):
        m = re.search(r'<title>(.*?)</title>', body_text(title), re.I | re.S)
        title = m.group(1) if m else ''
        extra = ''
        if wa:
            extra += f' WWW-Authenticate={wa.split(" ")[0]}'
        if cookie:
            extra += ' Set-Cookie=' + cookie.split('=')[0]
        if title:
            extra += f' title="{title}"'
        resps[f'{src} -> {dst} {code} Server="{server}"{extra}'] += 1
    if resps:
        out['http_responses'] = dict(resps)
    hellos = collections.Counter()
    for src, dst, sv, v in rows(pcap, 'tls.handshake.type==1', 'ip.src', 'ip.dst',
                                'tls.handshake.extensions.supported_version', 'tls.handshake.version'):
        hellos[f'ClientHello {src} -> {dst} version {v} supported_versions [{sv}]'] += 1
    for src, dst, sv, v, cs in rows(pcap, 'tls.handshake.type==2', 'ip.src', 'ip.dst',
                                    'tls.handshake.extensions.supported_version', 'tls.handshake.version',
                                    'tls.handshake.ciphersuite'):
        hellos[f'ServerHello {src} -> {dst} version {sv or v} cipher {cs}'] += 1
    if hellos:
        out['tls_handshakes'] = dict(hellos)
    if hellos:
        names = {}
        for line in tshark(pcap, '-Y', 'tls.handshake.type==2', '-V').splitlines():
            line = line.strip()
            if line.startswith('Cipher Suite:'):
                names[line.split(': ', 1)[1]] = True
        out['tls_server_cipher_suites'] = sorted(names)
    tftp = collections.Counter()
    for src, dst, op, name, mode in rows(pcap, 'tftp', 'ip.src', 'ip.dst', 'tftp.opcode',
                                         'tftp.source_file', 'tftp.type'):
        label = {'1': 'RRQ', '2': 'WRQ', '3': 'DATA', '4': 'ACK', '5': 'ERROR', '6': 'OACK'}.get(op, op)
        tftp[f'{src} -> {dst} {label} {name} {mode}'.strip()] += 1
    if tftp:
        out['tftp'] = dict(tftp)
    return out


def main():
    pcap, spec_file, generator = sys.argv[1:4]
    with open(spec_file) as f:
        spec = json.load(f)
    tshark_summary = summary(pcap)
    if spec.get('digest_candidates'):
        tshark_summary['http_digest_offline_check'] = verify_digests(pcap, spec['digest_candidates'])
    doc = {
        'capture': os.path.basename(pcap),
        'description': spec['description'],
        'generator': generator,
        'truth': {**spec.get('truth', {}), 'tshark': tshark_summary},
        'findings': spec.get('findings', []),
    }
    for key in ('may_also', 'not_expected'):
        if key in spec:
            doc[key] = spec[key]
    json.dump(doc, sys.stdout, indent=2)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
