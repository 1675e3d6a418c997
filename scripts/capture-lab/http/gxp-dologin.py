#!/usr/bin/env python3
"""CGI for the lab's Grandstream GXP-like web UI (lighttpd mod_cgi): /cgi-bin/dologin takes the
GXP login form (P2=<admin password>, plaintext) and starts a session cookie; /cgi-bin/status shows
the status page to a valid session and the login page otherwise. Lab software, not a phone's."""
import os
import secrets
import sys
import urllib.parse

TITLE = 'Grandstream Device Configuration'
SESSIONS = os.path.join(os.environ.get('GXP_SESSION_DIR', '/tmp'), 'gxp-sessions')
MAX_BODY = 4096


def page(body, cookie=None):
    html = ('<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>%s</title></head>\n'
            '<body>\n%s\n</body></html>\n' % (TITLE, body))
    out = 'Status: 200 OK\r\nContent-Type: text/html\r\nCache-Control: no-cache\r\n'
    if cookie:
        out += 'Set-Cookie: session_id=%s; path=/; HttpOnly\r\n' % cookie
    sys.stdout.write(out + 'Content-Length: %d\r\n\r\n%s' % (len(html), html))


LOGIN = ('<h1>Grandstream GXP2160</h1>%s<form action="/cgi-bin/dologin" method="post" name="loginForm">'
         'Password <input type="password" name="P2"><input type="hidden" name="gnkey" value="0b82">'
         '<input type="submit" name="Login" value="Login"></form>')
STATUS = ('<h1>Grandstream GXP2160</h1><h2>STATUS</h2><table><tr><td>MAC Address</td><td>00:0B:82:5A:00:23</td></tr>'
          '<tr><td>Program</td><td>1.0.11.16</td></tr><tr><td>Account 1</td><td>1023@pbx.example.com Registered</td></tr></table>'
          '<a href="/cgi-bin/config">BASIC SETTINGS</a> <a href="/cgi-bin/config2">ADVANCED SETTINGS</a>')


def valid_session():
    for part in os.environ.get('HTTP_COOKIE', '').split(';'):
        k, _, v = part.strip().partition('=')
        if k == 'session_id' and v.isalnum():
            return os.path.exists(os.path.join(SESSIONS, v))
    return False


def main():
    script = os.environ.get('SCRIPT_NAME', '')
    if script.endswith('/dologin') and os.environ.get('REQUEST_METHOD') == 'POST':
        n = min(int(os.environ.get('CONTENT_LENGTH') or 0), MAX_BODY)
        form = urllib.parse.parse_qs(sys.stdin.read(n))
        if form.get('P2', [''])[0] == os.environ.get('GXP_ADMIN_PASSWORD', 'admin'):
            sid = secrets.token_hex(16)
            os.makedirs(SESSIONS, exist_ok=True)
            open(os.path.join(SESSIONS, sid), 'w').close()
            page(STATUS, cookie=sid)
        else:
            page(LOGIN % '<p class="error">Your Login Password is not recognized</p>')
        return
    page(STATUS if valid_session() else LOGIN % '')


main()
