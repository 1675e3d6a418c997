#!/usr/bin/env bash
# Generates the web UI / HTTP / TLS / provisioning sample captures in captures/ with real
# software (lighttpd playing the phones' web UIs and the provisioning server, dnsmasq as TFTP server,
# OpenSSL s_server, curl as
# browser / admin / attacker / phone provisioning client) inside network namespaces this script
# creates, and writes captures/<name>.expected.json (ground truth + expected findings) next to
# each capture.
#
# Run as root, no stdin needed, re-runnable:  scripts/capture-lab/http/make-http-captures.sh [scenario...]
# Scenarios: default-basic-internet digest-default no-auth form-login https-clean tls-weak
#            provisioning-plaintext bruteforce
#
# Addresses are final as captured (LAN 10.20.0.0/16, internet 203.0.113.0/24 and
# 198.51.100.0/24): every host is a namespace on a bridge, so no address or HTTP text needs
# rewriting, MACs are the hosts' own (vendor OUIs) and digests verify as captured. The capture
# point is the LAN bridge; hosts on the internet reach the phones through the router (their
# frames carry the router's LAN MAC). No packet can leave the lab (see netlab.sh).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
OUT=${OUT:-$REPO/captures}
LAB_WORK=${LAB_WORK:-/tmp/vwlab-http}
GENERATOR=scripts/capture-lab/http/make-http-captures.sh

[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 1; }

# shellcheck source=netlab.sh
source "$HERE/netlab.sh"

PACKAGES=(lighttpd lighttpd-mod-openssl curl tshark openssl dnsmasq-base nftables
  iproute2 util-linux ethtool python3)

install_packages() {
  local missing=() p
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  export DEBIAN_FRONTEND=noninteractive
  echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
  local i
  for i in $(seq 1 60); do
    # the SIP lab generator may hold the apt lock: retry
    if apt-get update -q && apt-get install -y -q "${missing[@]}"; then return 0; fi
    echo "apt busy or failed; retrying ($i)" >&2; sleep 5
  done
  echo "could not install: ${missing[*]}" >&2; exit 1
}

# ---------------------------------------------------------------------------------------------
# Hosts. MAC OUIs: 00:04:13 snom, 80:5e:c0 Yealink, 00:0b:82 Grandstream, 00:80:f0 Panasonic,
# 00:0e:08 Cisco-Linksys (SPA), 00:04:f2 Polycom, 00:25:90 Supermicro (provisioning server),
# 00:1b:21 Intel NIC (admin PC), 00:0d:b9 PC Engines (router), 52:54:00 (outside hosts).
SNOM21_MAC=00:04:13:aa:bb:cc   # the provisioning file name is this MAC: 000413AABBCC
SNOM22_MAC=00:04:13:3e:00:22
GS23_MAC=00:0b:82:5a:00:23
YL24_MAC=80:5e:c0:14:00:24
YL25_MAC=80:5e:c0:14:00:25
YL26_MAC=80:5e:c0:14:00:26
PLCM27_MAC=00:04:f2:3c:00:27
PANA31_MAC=00:80:f0:6b:00:31
SPA41_MAC=00:0e:08:d2:00:41
PROV_MAC=00:25:90:1a:00:02
ADMIN_MAC=00:1b:21:7a:00:05
OUT7_MAC=52:54:00:9e:71:07
OUT23_MAC=52:54:00:c6:64:23

BROWSER_UA='Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0'
SNOM_UA='Mozilla/4.0 (compatible; snomD785-SIP 10.1.33.33)'
POLYCOM_UA='FileTransport PolycomVVX-VVX_450-UA/6.3.1.8427'

strong_pw() { openssl rand -base64 32 | tr -dc 'A-Za-z0-9' | cut -c1-16; }

scenario_dir() { local d=$LAB_WORK/$1; rm -rf "$d"; mkdir -p "$d"; chmod 755 "$d"; echo "$d"; }

wait_port() {  # wait_port HOST IP PORT [tcp|udp]: until something listens there (max 5 s)
  local i flag=-tln; [ "${4:-tcp}" = udp ] && flag=-uln
  for i in $(seq 1 50); do
    ip netns exec "$(lab_ns "$1")" ss -H "$flag" "src $2:$3" | grep -q . && return 0
    sleep 0.1
  done
  echo "nothing listens on $2:$3 in $1" >&2; return 1
}

# ---------------------------------------------------------------------------------------------
# Shared assets: self-signed certificates (a phone's own certificate, as phones ship them).
make_cert() {  # make_cert NAME CN IP ORGANISATION
  local a=$LAB_WORK/assets
  mkdir -p "$a"
  if [ ! -s "$a/$1.pem" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/O=$4/CN=$2" \
      -addext "subjectAltName=IP:$3" -keyout "$a/$1.key" -out "$a/$1.crt" 2>/dev/null
    cat "$a/$1.key" "$a/$1.crt" >"$a/$1.pem"
  fi
  chmod -R a+rX "$a"
}

# ---------------------------------------------------------------------------------------------
# lighttpd. www_dir DIR -> creates DIR/www; lighttpd_conf DIR IP TAG writes the base config;
# scenario code appends auth / TLS / CGI sections; start_lighttpd HOST DIR prints the PID.
lighttpd_conf() {
  local d=$1 ip=$2 tag=$3 port=${4:-80}
  mkdir -p "$d/www"
  cat >"$d/lighttpd.conf" <<CONF
server.modules = ( "mod_access", "mod_auth", "mod_authn_file", "mod_openssl", "mod_cgi", "mod_setenv" )
server.document-root = "$d/www"
server.bind = "$ip"
server.port = $port
server.tag = "$tag"
server.errorlog = "$d/error.log"
server.upload-dirs = ( "$d" )
index-file.names = ( "index.htm", "index.html" )
mimetype.assign = ( ".htm" => "text/html", ".html" => "text/html", ".xml" => "application/xml",
                    ".cfg" => "text/plain", ".css" => "text/css", "" => "text/html" )
# phones' embedded servers speak HTTP/1.x only and answer failed logins at once
server.feature-flags = ( "server.h2proto" => "disable", "auth.delay-invalid-creds" => "disable" )
CONF
}

start_lighttpd() {  # start_lighttpd HOST DIR IP PORT -> PID
  chown -R "$LAB_USER:" "$2"
  lab_run "$1" lighttpd -tt -f "$2/lighttpd.conf" >/dev/null
  local pid; pid=$(lab_spawn "$1" "$2/lighttpd.log" lighttpd -D -f "$2/lighttpd.conf")
  wait_port "$1" "$3" "$4" >&2
  echo "$pid"
}

# curl as the lab user in host $1's namespace; output discarded, status lines kept in the log.
client() {  # client HOST LOG curl-args...
  local host=$1 log=$2; shift 2
  mkdir -p "$LAB_WORK/home/$host"; chown "$LAB_USER:" "$LAB_WORK/home/$host"
  local a outs=()
  for a in "$@"; do case $a in http://* | https://* | tftp://*) outs+=(-o /dev/null) ;; esac; done
  echo "+ curl $*" >>"$log"
  lab_run "$host" curl -sS "${outs[@]}" -w '%{http_code} %{url_effective}\n' "$@" >>"$log" 2>&1 || true
}

# ---------------------------------------------------------------------------------------------
# Writes captures/<name>.expected.json from a spec (description, truth, findings) and adds the
# tshark summary of the final capture to the truth block.
finish_capture() {
  local name=$1 raw=$2 spec=$3
  local pcap=$OUT/$name.pcap
  editcap -F pcap "$raw" "$pcap"
  python3 "$HERE/expected.py" "$pcap" "$spec" "$GENERATOR" >"$OUT/$name.expected.json"
  echo "== $name: $(stat -c %s "$pcap") bytes"
}

# Page bodies. Titles follow what public scanner signatures match for each vendor (Greenbone's
# snom detection matches 'Server: snom embedded' and '<TITLE>snom D715</TITLE>'-style titles).
page() {  # page FILE TITLE BODY
  mkdir -p "$(dirname "$1")"
  printf '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>%s</title></head>\n<body>\n%s\n</body></html>\n' "$2" "$3" >"$1"
}

snom_pages() {  # snom_pages WWW MODEL
  page "$1/index.htm" "snom $2" "<h1>snom $2</h1><table><tr><td>Firmware</td><td>snom$2-SIP 10.1.33.33</td></tr><tr><td>Identity 1</td><td>1001@pbx.example.com</td></tr></table><a href=\"advanced_network.htm\">Advanced</a>"
  page "$1/advanced_network.htm" "snom $2" "<h2>Advanced / Network</h2><form action=\"advanced_network.htm\" method=\"post\"><input name=\"dhcp\" value=\"on\"><input name=\"vlan_id\" value=\"\"><input type=\"submit\" name=\"Settings\" value=\"Apply\"></form>"
  page "$1/advanced_qos.htm" "snom $2" "<h2>Advanced / QoS/Security</h2><p>HTTP Server: user admin, authentication scheme</p>"
}

# ---------------------------------------------------------------------------------------------
# 1. Snom web UI with HTTP Basic admin:0000, reachable from the internet; a host outside logs in.
scenario_default_basic_internet() {
  local name=webui-default-basic-internet d cap w
  d=$(scenario_dir $name)
  lab_up
  host_lan phone21 $SNOM21_MAC 10.20.0.21
  host_inet out7 $OUT7_MAC 203.0.113.7
  lighttpd_conf "$d/phone21" 10.20.0.21 "snom embedded"
  snom_pages "$d/phone21/www" D785
  echo 'admin:0000' >"$d/phone21/users"
  cat >>"$d/phone21/lighttpd.conf" <<CONF
auth.backend = "plain"
auth.backend.plain.userfile = "$d/phone21/users"
auth.require = ( "/" => ( "method" => "basic", "realm" => "snom", "require" => "valid-user" ) )
CONF
  cap=$(lab_capture_start "$d/raw.pcap")
  w=$(start_lighttpd phone21 "$d/phone21" 10.20.0.21 80)
  sleep 0.5
  # the browser first asks without credentials (401), then sends Basic admin:0000 (200)
  client out7 "$d/client.log" -A "$BROWSER_UA" http://10.20.0.21/
  sleep 1.2
  client out7 "$d/client.log" -A "$BROWSER_UA" -u admin:0000 --basic \
    http://10.20.0.21/ http://10.20.0.21/advanced_network.htm http://10.20.0.21/advanced_qos.htm
  sleep 0.5
  stop_pid "$w"; sleep 0.3; stop_pid "$cap"; lab_down
  cat >"$d/spec.json" <<JSON
{ "description": "A host on the internet (203.0.113.7, through the LAN router 10.20.0.1, no NAT) opens the web UI of a snom D785 (10.20.0.21, lighttpd with Server: snom embedded, realm snom) over plain HTTP: the first GET gets 401 Basic, then the browser sends HTTP Basic admin:0000 (the published snom default) and three admin pages are served 200.",
  "truth": { "phone": { "ip": "10.20.0.21", "mac": "$SNOM21_MAC", "vendor": "snom", "model": "D785", "server_header": "snom embedded", "title": "snom D785", "web_auth": "HTTP Basic, realm snom, admin:0000" },
    "client": { "ip": "203.0.113.7", "internal": false, "l2": "frames carry the router's MAC 00:0d:b9:4e:20:01", "user_agent": "$BROWSER_UA" },
    "logins": [ { "scheme": "basic", "username": "admin", "password": "0000", "credential_class": "vendor-default:snom", "result": "accepted (200 x3)", "transport": "http" } ],
    "client_log": $(python3 -c 'import json,sys; print(json.dumps(open(sys.argv[1]).read().splitlines()))' "$d/client.log") },
  "findings": [
    { "rule": "webui-internet-exposed", "severity": "critical", "device_ip": "10.20.0.21", "peer_ip": "203.0.113.7", "evidence": { "port": 80, "login_accepted": true, "username": "admin" } },
    { "rule": "webui-plaintext-http", "severity": "medium", "device_ip": "10.20.0.21", "peer_ip": "203.0.113.7", "evidence": { "port": 80 } },
    { "rule": "default-credentials", "severity": "critical", "device_ip": "10.20.0.21", "peer_ip": "203.0.113.7", "evidence": { "matched": "vendor-default:snom", "result": "accepted", "scheme": "basic", "username": "admin", "transport": "http" } },
    { "rule": "cleartext-credentials", "severity": "high", "device_ip": "10.20.0.21", "peer_ip": "203.0.113.7", "evidence": { "scheme": "basic", "username": "admin", "result": "accepted", "transport": "http" } } ],
  "not_expected": ["webui-no-auth", "credential-brute-force", "weak-tls", "plaintext-provisioning"] }
JSON
  finish_capture $name "$d/raw.pcap" "$d/spec.json"
}

# ---------------------------------------------------------------------------------------------
# 2. HTTP Digest: a Panasonic-like UI accepts its default admin/adminpass; a snom UI with a strong
#    password rejects the tried default admin:0000, then accepts the right password.
scenario_digest_default() {
  local name=webui-digest-default d cap w31 w22 snompw
  d=$(scenario_dir $name)
  snompw=$(strong_pw)
  lab_up
  host_lan admin $ADMIN_MAC 10.20.0.5
  host_lan phone31 $PANA31_MAC 10.20.0.31
  host_lan phone22 $SNOM22_MAC 10.20.0.22
  lighttpd_conf "$d/phone31" 10.20.0.31 "Panasonic"
  page "$d/phone31/www/index.htm" "KX-HDV230" "<h1>Panasonic KX-HDV230</h1><p>Status / Version Information: firmware 04.125</p><a href=\"network.htm\">Network Settings</a>"
  page "$d/phone31/www/network.htm" "KX-HDV230" "<h2>Network Settings / Basic Network Settings</h2><form method=\"post\"><input name=\"DHCP\" value=\"on\"></form>"
  echo 'admin:adminpass' >"$d/phone31/users"
  cat >>"$d/phone31/lighttpd.conf" <<CONF
auth.backend = "plain"
auth.backend.plain.userfile = "$d/phone31/users"
auth.require = ( "/" => ( "method" => "digest", "algorithm" => "MD5", "realm" => "Panasonic KX-HDV230", "require" => "valid-user" ) )
CONF
  lighttpd_conf "$d/phone22" 10.20.0.22 "snom embedded"
  snom_pages "$d/phone22/www" D735
  echo "admin:$snompw" >"$d/phone22/users"
  cat >>"$d/phone22/lighttpd.conf" <<CONF
auth.backend = "plain"
auth.backend.plain.userfile = "$d/phone22/users"
auth.require = ( "/" => ( "method" => "digest", "algorithm" => "MD5", "realm" => "snom", "require" => "valid-user" ) )
CONF
  cap=$(lab_capture_start "$d/raw.pcap")
  w31=$(start_lighttpd phone31 "$d/phone31" 10.20.0.31 80)
  w22=$(start_lighttpd phone22 "$d/phone22" 10.20.0.22 80)
  sleep 0.5
  # curl --digest: first request without credentials (401 with the challenge), then the digest
  client admin "$d/client.log" -A "$BROWSER_UA" --digest -u admin:adminpass \
    http://10.20.0.31/ http://10.20.0.31/network.htm
  sleep 1.5
  client admin "$d/client.log" -A "$BROWSER_UA" --digest -u admin:0000 http://10.20.0.22/
  sleep 2
  client admin "$d/client.log" -A "$BROWSER_UA" --digest -u "admin:$snompw" \
    http://10.20.0.22/ http://10.20.0.22/advanced_qos.htm
  sleep 0.5
  stop_pid "$w31" "$w22"; sleep 0.3; stop_pid "$cap"; lab_down
  cat >"$d/spec.json" <<JSON
{ "description": "An admin PC (10.20.0.5) logs into two phone web UIs over plain HTTP with HTTP Digest (MD5, qop=auth; lighttpd mod_auth). The Panasonic KX-HDV230-like UI (10.20.0.31) challenges (401) and accepts the published default admin/adminpass (200). The snom D735 UI (10.20.0.22) has a strong admin password: the default admin:0000 is tried and rejected (401 after the digest), then the right password is accepted.",
  "truth": { "phones": {
      "10.20.0.31": { "mac": "$PANA31_MAC", "vendor": "panasonic", "model": "KX-HDV230", "server_header": "Panasonic (lab-chosen)", "realm": "Panasonic KX-HDV230", "web_auth": "Digest MD5 qop=auth, admin/adminpass (vendor default)" },
      "10.20.0.22": { "mac": "$SNOM22_MAC", "vendor": "snom", "model": "D735", "server_header": "snom embedded", "realm": "snom", "web_auth": "Digest MD5 qop=auth, admin/$snompw (strong-random-16)" } },
    "client": { "ip": "10.20.0.5", "mac": "$ADMIN_MAC", "internal": true },
    "logins": [
      { "device": "10.20.0.31", "scheme": "digest", "username": "admin", "password": "adminpass", "credential_class": "vendor-default:panasonic", "result": "accepted (401 challenge, then 200 x2)" },
      { "device": "10.20.0.22", "scheme": "digest", "username": "admin", "password": "0000", "credential_class": "vendor-default:snom", "result": "rejected (401 challenge, digest answered 401)" },
      { "device": "10.20.0.22", "scheme": "digest", "username": "admin", "password": "$snompw", "credential_class": "strong-random-16", "result": "accepted (401 challenge, then 200 x2)" } ],
    "client_log": $(python3 -c 'import json,sys; print(json.dumps(open(sys.argv[1]).read().splitlines()))' "$d/client.log") },
  "findings": [
    { "rule": "default-credentials", "severity": "critical", "device_ip": "10.20.0.31", "peer_ip": "10.20.0.5", "evidence": { "matched": "vendor-default:panasonic", "result": "accepted", "scheme": "digest", "username": "admin", "transport": "http" } },
    { "rule": "default-credentials", "severity": "high", "device_ip": "10.20.0.22", "peer_ip": "10.20.0.5", "evidence": { "matched": "vendor-default:snom", "result": "rejected", "scheme": "digest", "username": "admin", "transport": "http" } },
    { "rule": "webui-plaintext-http", "severity": "medium", "device_ip": "10.20.0.31", "peer_ip": "10.20.0.5", "evidence": { "port": 80 } },
    { "rule": "webui-plaintext-http", "severity": "medium", "device_ip": "10.20.0.22", "peer_ip": "10.20.0.5", "evidence": { "port": 80 } } ],
  "digest_candidates": ["adminpass", "0000", "$snompw"],
  "not_expected": ["cleartext-credentials", "webui-internet-exposed", "webui-no-auth", "credential-brute-force"] }
JSON
  finish_capture $name "$d/raw.pcap" "$d/spec.json"
}

# ---------------------------------------------------------------------------------------------
# 3. Cisco SPA-like UI with no password assigned: admin pages open to anyone.
scenario_no_auth() {
  local name=webui-no-auth d cap w
  d=$(scenario_dir $name)
  lab_up
  host_lan admin $ADMIN_MAC 10.20.0.5
  host_lan phone41 $SPA41_MAC 10.20.0.41
  lighttpd_conf "$d/phone41" 10.20.0.41 ""
  local t="Cisco SPA504G Configuration Utility"
  page "$d/phone41/www/index.htm" "$t" "<h1>Cisco SPA504G</h1><p>Info | <a href=\"/admin/advanced\">Admin Login</a> advanced</p><p>Software Version: 7.6.2</p>"
  page "$d/phone41/www/admin/advanced" "$t" "<h2>Admin Login - advanced</h2><p>System | SIP | Provisioning | Regional | Phone | Ext 1</p><form method=\"post\" action=\"/admin/apply\"><input name=\"28566\" value=\"\"></form>"
  page "$d/phone41/www/admin/voice/advanced" "$t" "<h2>Voice - Ext 1</h2><form method=\"post\" action=\"/admin/apply\"><input name=\"Proxy_1_\" value=\"pbx.example.com\"><input name=\"User_ID_1_\" value=\"1041\"><input name=\"Password_1_\" type=\"password\" value=\"*************\"></form>"
  printf '<flat-profile>\n<Admin_Passwd ua="na"></Admin_Passwd>\n<User_Password ua="rw"></User_Password>\n<Proxy_1_ ua="na">pbx.example.com</Proxy_1_>\n<User_ID_1_ ua="na">1041</User_ID_1_>\n</flat-profile>\n' >"$d/phone41/www/admin/spacfg.xml"
  cap=$(lab_capture_start "$d/raw.pcap")
  w=$(start_lighttpd phone41 "$d/phone41" 10.20.0.41 80)
  sleep 0.5
  client admin "$d/client.log" -A "$BROWSER_UA" http://10.20.0.41/ http://10.20.0.41/admin/advanced
  sleep 1.5
  client admin "$d/client.log" -A "$BROWSER_UA" http://10.20.0.41/admin/voice/advanced http://10.20.0.41/admin/spacfg.xml
  sleep 0.5
  stop_pid "$w"; sleep 0.3; stop_pid "$cap"; lab_down
  cat >"$d/spec.json" <<JSON
{ "description": "A Cisco SPA504G-like phone (10.20.0.41, Cisco-Linksys OUI) has no admin password assigned (the documented factory state): an internal PC (10.20.0.5) browses its info page and the admin pages /admin/advanced, /admin/voice/advanced and /admin/spacfg.xml over plain HTTP; every page is served 200 without any authentication challenge.",
  "truth": { "phone": { "ip": "10.20.0.41", "mac": "$SPA41_MAC", "vendor": "cisco", "model": "SPA504G", "server_header": "none (lighttpd with an empty server.tag)", "title": "$t", "web_auth": "none" },
    "client": { "ip": "10.20.0.5", "mac": "$ADMIN_MAC", "internal": true },
    "requests": "GET / , /admin/advanced , /admin/voice/advanced , /admin/spacfg.xml -> 200 each, no Authorization header, no 401",
    "client_log": $(python3 -c 'import json,sys; print(json.dumps(open(sys.argv[1]).read().splitlines()))' "$d/client.log") },
  "findings": [
    { "rule": "webui-no-auth", "severity": "high", "device_ip": "10.20.0.41", "peer_ip": "10.20.0.5" },
    { "rule": "webui-plaintext-http", "severity": "medium", "device_ip": "10.20.0.41", "peer_ip": "10.20.0.5", "evidence": { "port": 80 } } ],
  "not_expected": ["default-credentials", "cleartext-credentials", "webui-internet-exposed", "credential-brute-force"] }
JSON
  finish_capture $name "$d/raw.pcap" "$d/spec.json"
}

# ---------------------------------------------------------------------------------------------
# 4. Grandstream GXP form login: P2=<password> in a plain HTTP POST; one typo, then the default.
scenario_form_login() {
  local name=webui-form-login d cap w
  d=$(scenario_dir $name)
  lab_up
  host_lan admin $ADMIN_MAC 10.20.0.5
  host_lan phone23 $GS23_MAC 10.20.0.23
  lighttpd_conf "$d/phone23" 10.20.0.23 "Grandstream GXP"
  local t="Grandstream Device Configuration"
  page "$d/phone23/www/index.htm" "$t" "<h1>Grandstream GXP2160</h1><form action=\"/cgi-bin/dologin\" method=\"post\" name=\"loginForm\">Password <input type=\"password\" name=\"P2\"><input type=\"hidden\" name=\"gnkey\" value=\"0b82\"><input type=\"submit\" name=\"Login\" value=\"Login\"></form>"
  mkdir -p "$d/phone23/www/cgi-bin"
  cp "$HERE/gxp-dologin.py" "$d/phone23/www/cgi-bin/dologin"
  cp "$HERE/gxp-dologin.py" "$d/phone23/www/cgi-bin/status"
  chmod 755 "$d/phone23/www/cgi-bin/dologin" "$d/phone23/www/cgi-bin/status"
  cat >>"$d/phone23/lighttpd.conf" <<CONF
\$HTTP["url"] =~ "^/cgi-bin/" { cgi.assign = ( "" => "" ) }
setenv.add-environment = ( "GXP_ADMIN_PASSWORD" => "admin", "GXP_SESSION_DIR" => "$d/phone23" )
CONF
  cap=$(lab_capture_start "$d/raw.pcap")
  w=$(start_lighttpd phone23 "$d/phone23" 10.20.0.23 80)
  sleep 0.5
  local jar=$LAB_WORK/home/admin/cookies
  rm -f "$jar"
  client admin "$d/client.log" -A "$BROWSER_UA" -c "$jar" http://10.20.0.23/
  sleep 2
  client admin "$d/client.log" -A "$BROWSER_UA" -b "$jar" -c "$jar" -H 'Referer: http://10.20.0.23/' \
    --data 'P2=adnim&Login=Login&gnkey=0b82' http://10.20.0.23/cgi-bin/dologin
  sleep 2
  client admin "$d/client.log" -A "$BROWSER_UA" -b "$jar" -c "$jar" -H 'Referer: http://10.20.0.23/' \
    --data 'P2=admin&Login=Login&gnkey=0b82' http://10.20.0.23/cgi-bin/dologin
  sleep 1
  client admin "$d/client.log" -A "$BROWSER_UA" -b "$jar" -c "$jar" http://10.20.0.23/cgi-bin/status
  sleep 0.5
  stop_pid "$w"; sleep 0.3; stop_pid "$cap"; lab_down
  cat >"$d/spec.json" <<JSON
{ "description": "An admin PC (10.20.0.5) logs into a Grandstream GXP2160-like web UI (10.20.0.23, Server: Grandstream GXP) over plain HTTP with the GXP login form: POST /cgi-bin/dologin with the password in clear in the form field P2. The first try has a typo (P2=adnim, rejected: the login page comes back with an error and no session cookie), the second uses the published default P2=admin (accepted: Set-Cookie session_id and the status page), then the status page is fetched with the session cookie.",
  "truth": { "phone": { "ip": "10.20.0.23", "mac": "$GS23_MAC", "vendor": "grandstream", "model": "GXP2160", "server_header": "Grandstream GXP", "title": "$t", "web_auth": "form POST /cgi-bin/dologin, field P2 (plaintext), admin password admin (vendor default)" },
    "client": { "ip": "10.20.0.5", "mac": "$ADMIN_MAC", "internal": true },
    "logins": [
      { "scheme": "form", "field": "P2", "password": "adnim", "credential_class": "typo (not a default)", "result": "rejected: 200 with the login page and 'Your Login Password is not recognized', no Set-Cookie" },
      { "scheme": "form", "field": "P2", "password": "admin", "credential_class": "vendor-default:grandstream", "result": "accepted: 200, Set-Cookie session_id=..., status page" } ],
    "note": "the login page itself (GET /) is served 200 without authentication; it is a login form, not an admin page",
    "client_log": $(python3 -c 'import json,sys; print(json.dumps(open(sys.argv[1]).read().splitlines()))' "$d/client.log") },
  "findings": [
    { "rule": "cleartext-credentials", "severity": "high", "device_ip": "10.20.0.23", "peer_ip": "10.20.0.5", "evidence": { "scheme": "form", "field": "P2", "transport": "http" } },
    { "rule": "default-credentials", "severity": "critical", "device_ip": "10.20.0.23", "peer_ip": "10.20.0.5", "evidence": { "matched": "vendor-default:grandstream", "result": "accepted", "scheme": "form", "transport": "http" } },
    { "rule": "webui-plaintext-http", "severity": "medium", "device_ip": "10.20.0.23", "peer_ip": "10.20.0.5", "evidence": { "port": 80 } } ],
  "not_expected": ["webui-no-auth", "webui-internet-exposed", "credential-brute-force"] }
JSON
  finish_capture $name "$d/raw.pcap" "$d/spec.json"
}

# ---------------------------------------------------------------------------------------------
# 5. The clean case: web UI over HTTPS only (TLS 1.3), strong password.
scenario_https_clean() {
  local name=webui-https-clean d cap w pw
  d=$(scenario_dir $name)
  pw=$(strong_pw)
  make_cert yealink24 "SIP-T46U 805ec0140024" 10.20.0.24 "Yealink"
  lab_up
  host_lan admin $ADMIN_MAC 10.20.0.5
  host_lan phone24 $YL24_MAC 10.20.0.24
  lighttpd_conf "$d/phone24" 10.20.0.24 "yealink embed httpd" 443
  page "$d/phone24/www/index.htm" "Yealink Phone" "<h1>Yealink SIP-T46U</h1><p>Firmware 108.86.0.45</p>"
  page "$d/phone24/www/account.htm" "Yealink Phone" "<h2>Account / Register</h2>"
  echo "admin:$pw" >"$d/phone24/users"
  cat >>"$d/phone24/lighttpd.conf" <<CONF
ssl.engine = "enable"
ssl.pemfile = "$LAB_WORK/assets/yealink24.pem"
ssl.openssl.ssl-conf-cmd = ( "MinProtocol" => "TLSv1.3" )
auth.backend = "plain"
auth.backend.plain.userfile = "$d/phone24/users"
auth.require = ( "/" => ( "method" => "basic", "realm" => "Yealink", "require" => "valid-user" ) )
CONF
  cap=$(lab_capture_start "$d/raw.pcap")
  w=$(start_lighttpd phone24 "$d/phone24" 10.20.0.24 443)
  sleep 0.5
  # -k: the phone's self-signed certificate (the admin accepted it once in the browser)
  client admin "$d/client.log" -k --tlsv1.3 -A "$BROWSER_UA" https://10.20.0.24/
  sleep 1.5
  client admin "$d/client.log" -k --tlsv1.3 -A "$BROWSER_UA" -u "admin:$pw" --basic \
    https://10.20.0.24/ https://10.20.0.24/account.htm
  sleep 0.5
  stop_pid "$w"; sleep 0.3; stop_pid "$cap"; lab_down
  cat >"$d/spec.json" <<JSON
{ "description": "The clean case: an admin PC (10.20.0.5) uses a Yealink SIP-T46U-like web UI (10.20.0.24) over HTTPS only (lighttpd + OpenSSL, TLS 1.3 only, the phone's self-signed certificate), with a strong random admin password (HTTP Basic inside TLS). Nothing is served over plain HTTP.",
  "truth": { "phone": { "ip": "10.20.0.24", "mac": "$YL24_MAC", "vendor": "yealink", "model": "SIP-T46U", "web": "https only, port 443, TLS 1.3, self-signed certificate CN 'SIP-T46U 805ec0140024'", "web_auth": "Basic inside TLS, admin/$pw (strong-random-16)" },
    "client": { "ip": "10.20.0.5", "mac": "$ADMIN_MAC", "internal": true },
    "logins": [ { "scheme": "basic (inside TLS, invisible)", "username": "admin", "credential_class": "strong-random-16", "result": "401 without credentials, then 200 x2" } ],
    "client_log": $(python3 -c 'import json,sys; print(json.dumps(open(sys.argv[1]).read().splitlines()))' "$d/client.log") },
  "findings": [],
  "not_expected": ["webui-plaintext-http", "weak-tls", "cleartext-credentials", "default-credentials", "webui-no-auth", "webui-internet-exposed", "credential-brute-force", "plaintext-provisioning"] }
JSON
  finish_capture $name "$d/raw.pcap" "$d/spec.json"
}

# ---------------------------------------------------------------------------------------------
# 6. Weak TLS: a phone's HTTPS web UI that only speaks TLS 1.0; a phone fetching its
#    configuration from a provisioning server that negotiates TLS 1.1; a phone whose provisioning
#    session ends up with a NULL cipher (TLS 1.2, no encryption).
scenario_tls_weak() {
  local name=tls-weak d cap w25 wp wn pw
  d=$(scenario_dir $name)
  pw=$(strong_pw)
  make_cert yealink25 "SIP-T21P 805ec0140025" 10.20.0.25 "Yealink"
  make_cert prov "prov.example.com" 10.20.0.2 "Example Lab"
  lab_up
  host_lan admin $ADMIN_MAC 10.20.0.5
  host_lan prov $PROV_MAC 10.20.0.2
  host_lan phone25 $YL25_MAC 10.20.0.25
  host_lan phone21 $SNOM21_MAC 10.20.0.21
  host_lan phone27 $PLCM27_MAC 10.20.0.27
  # phone 25: old firmware web UI, TLS 1.0 only
  lighttpd_conf "$d/phone25" 10.20.0.25 "yealink embed httpd" 443
  page "$d/phone25/www/index.htm" "Yealink Phone" "<h1>Yealink SIP-T21P</h1><p>Firmware 34.72.0.75</p>"
  echo "admin:$pw" >"$d/phone25/users"
  cat >>"$d/phone25/lighttpd.conf" <<CONF
ssl.engine = "enable"
ssl.pemfile = "$LAB_WORK/assets/yealink25.pem"
ssl.openssl.ssl-conf-cmd = ( "MinProtocol" => "TLSv1", "MaxProtocol" => "TLSv1", "CipherString" => "DEFAULT:@SECLEVEL=0" )
auth.backend = "plain"
auth.backend.plain.userfile = "$d/phone25/users"
auth.require = ( "/" => ( "method" => "basic", "realm" => "Yealink", "require" => "valid-user" ) )
CONF
  # provisioning server: 443 negotiates at most TLS 1.1; 8443 offers only NULL ciphers (TLS 1.2)
  lighttpd_conf "$d/prov" 10.20.0.2 "lighttpd" 443
  mkdir -p "$d/prov/www/snom" "$d/prov/www/polycom"
  provisioning_files "$d/prov/www"
  cat >>"$d/prov/lighttpd.conf" <<CONF
ssl.engine = "enable"
ssl.pemfile = "$LAB_WORK/assets/prov.pem"
ssl.openssl.ssl-conf-cmd = ( "MinProtocol" => "TLSv1.1", "MaxProtocol" => "TLSv1.1", "CipherString" => "DEFAULT:@SECLEVEL=0" )
CONF
  cap=$(lab_capture_start "$d/raw.pcap")
  w25=$(start_lighttpd phone25 "$d/phone25" 10.20.0.25 443)
  wp=$(start_lighttpd prov "$d/prov" 10.20.0.2 443)
  # lighttpd always appends !eNULL to its cipher string, so the NULL-cipher endpoint is OpenSSL's
  # own s_server serving the same files (-WWW: GET /path -> ./path)
  wn=$(lab_spawn prov "$d/prov/s_server.log" env -C "$d/prov/www" openssl s_server -accept 10.20.0.2:8443 \
    -cert "$LAB_WORK/assets/prov.crt" -key "$LAB_WORK/assets/prov.key" -tls1_2 -cipher 'eNULL:@SECLEVEL=0' -WWW -quiet)
  wait_port prov 10.20.0.2 8443
  sleep 0.5
  client admin "$d/client.log" -k --tlsv1.0 --tls-max 1.0 --ciphers 'DEFAULT:@SECLEVEL=0' -A "$BROWSER_UA" \
    -u "admin:$pw" --basic https://10.20.0.25/
  sleep 1.5
  client phone21 "$d/client.log" -k --tlsv1.0 --ciphers 'DEFAULT:@SECLEVEL=0' -A "$SNOM_UA" \
    https://10.20.0.2/snom/000413AABBCC.xml
  sleep 1.5
  client phone27 "$d/client.log" -k --tlsv1.2 --ciphers 'HIGH:eNULL:@SECLEVEL=0' -A "$POLYCOM_UA" \
    https://10.20.0.2:8443/polycom/0004f23c0027.cfg
  sleep 0.5
  stop_pid "$w25" "$wp" "$wn"; sleep 0.3; stop_pid "$cap"; lab_down
  cat >"$d/spec.json" <<JSON
{ "description": "Three TLS sessions of phones with weak parameters (lighttpd + OpenSSL 3 at SECLEVEL=0, curl as the other side): (1) an admin PC (10.20.0.5) opens the HTTPS web UI of an old Yealink SIP-T21P-like phone (10.20.0.25) that speaks only TLS 1.0; (2) a snom D785 (10.20.0.21) fetches its configuration over HTTPS from the provisioning server 10.20.0.2:443, which negotiates at most TLS 1.1; (3) a Polycom VVX 450 (10.20.0.27) fetches its configuration from 10.20.0.2:8443, (OpenSSL s_server) which offers only NULL ciphers, so TLS 1.2 is negotiated with a NULL (no encryption) cipher suite.",
  "truth": { "sessions": [
      { "client": "10.20.0.5 (admin PC, $ADMIN_MAC)", "server": "10.20.0.25:443 (phone web UI, $YL25_MAC; self-signed certificate O=Yealink, CN='SIP-T21P 805ec0140025', visible in the TLS 1.0 handshake)", "negotiated": "TLS 1.0, TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA (0xc014)", "phone_role": "server", "http_inside": "Basic admin/$pw (strong-random-16), 200" },
      { "client": "10.20.0.21:ephemeral (snom phone, $SNOM21_MAC, UA $SNOM_UA)", "server": "10.20.0.2:443 (provisioning)", "negotiated": "TLS 1.1, TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA (0xc014); the client offered 1.3 down to 1.0", "phone_role": "client", "http_inside": "GET /snom/000413AABBCC.xml 200" },
      { "client": "10.20.0.27:ephemeral (Polycom phone, $PLCM27_MAC, UA $POLYCOM_UA)", "server": "10.20.0.2:8443 (provisioning; openssl s_server -WWW, NULL ciphers only)", "negotiated": "TLS 1.2 with TLS_ECDHE_RSA_WITH_NULL_SHA (0xc010), no encryption: the HTTP request and the config file are readable in the TLS records", "phone_role": "client", "http_inside": "GET /polycom/0004f23c0027.cfg 200" } ],
    "client_log": $(python3 -c 'import json,sys; print(json.dumps(open(sys.argv[1]).read().splitlines()))' "$d/client.log") },
  "findings": [
    { "rule": "weak-tls", "severity": "medium", "device_ip": "10.20.0.25", "peer_ip": "10.20.0.5", "evidence": { "version": "TLS 1.0", "cipher_suite": "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "server_port": 443, "service": "https" } },
    { "rule": "weak-tls", "severity": "medium", "device_ip": "10.20.0.21", "peer_ip": "10.20.0.2", "evidence": { "version": "TLS 1.1", "cipher_suite": "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "server_port": 443, "service": "https" } },
    { "rule": "weak-tls", "severity": "medium", "device_ip": "10.20.0.27", "peer_ip": "10.20.0.2", "evidence": { "version": "TLS 1.2", "cipher_suite": "TLS_ECDHE_RSA_WITH_NULL_SHA", "server_port": 8443, "service": "https" } } ],
  "may_also": [ { "rule": "plaintext-provisioning", "note": "session 3 (NULL cipher) carries the config file unencrypted inside TLS records; the rule names TFTP and plain HTTP, so a detector may or may not count it" } ],
  "not_expected": ["webui-plaintext-http", "cleartext-credentials", "default-credentials", "webui-internet-exposed"] }
JSON
  finish_capture $name "$d/raw.pcap" "$d/spec.json"
}

# Provisioning files with lab SIP credentials (fake, but shaped like the vendors' formats).
provisioning_files() {  # provisioning_files WWW
  local w=$1
  mkdir -p "$w/snom" "$w/polycom"
  cat >"$w/snom/000413AABBCC.xml" <<'XML'
<?xml version="1.0" encoding="utf-8"?>
<settings>
  <phone-settings e="2">
    <user_realname idx="1" perm="R">Office 1001</user_realname>
    <user_name idx="1" perm="R">1001</user_name>
    <user_host idx="1" perm="R">pbx.example.com</user_host>
    <user_pass idx="1" perm="R">Lab-Sip-Secret-1001</user_pass>
    <admin_mode_password perm="R">Lab-Admin-7731</admin_mode_password>
    <http_user perm="R">admin</http_user>
    <http_pass perm="R">Lab-Web-7731</http_pass>
  </phone-settings>
</settings>
XML
  cat >"$w/polycom/0004f23c0027.cfg" <<'CFG'
<?xml version="1.0" standalone="yes"?>
<PHONE_CONFIG>
  <ALL reg.1.address="1027" reg.1.auth.userId="1027" reg.1.auth.password="Lab-Sip-Secret-1027" reg.1.server.1.address="pbx.example.com" device.auth.localAdminPassword="Lab-Admin-4417"/>
</PHONE_CONFIG>
CFG
  printf '# snom settings (TFTP)\nuser_name1$: 1001\nuser_host1$: pbx.example.com\nuser_pass1$: Lab-Sip-Secret-1001\nadmin_mode_password$: Lab-Admin-7731\n' >"$w/000413aabbcc.cfg"
}

# ---------------------------------------------------------------------------------------------
# 7. Plaintext provisioning: the snom phone fetches its config over HTTP and over TFTP.
scenario_provisioning_plaintext() {
  local name=provisioning-plaintext d cap wp tf
  d=$(scenario_dir $name)
  lab_up
  host_lan prov $PROV_MAC 10.20.0.2
  host_lan phone21 $SNOM21_MAC 10.20.0.21
  lighttpd_conf "$d/prov" 10.20.0.2 "lighttpd" 80
  provisioning_files "$d/prov/www"
  mkdir -p "$d/tftp"; provisioning_files "$d/tftp"
  chown -R "$LAB_USER:" "$d/tftp"
  cap=$(lab_capture_start "$d/raw.pcap")
  wp=$(start_lighttpd prov "$d/prov" 10.20.0.2 80)
  # dnsmasq as a TFTP-only server (DNS off) in the foreground as the lab user; tftpd-hpa would
  # need root to chroot into its directory
  tf=$(lab_spawn prov "$d/tftpd.log" dnsmasq -k --conf-file=/dev/null --port=0 --pid-file= --enable-tftp \
    --tftp-root="$d/tftp" --listen-address=10.20.0.2 --bind-interfaces --log-facility=-)
  wait_port prov 10.20.0.2 69 udp
  sleep 0.5
  client phone21 "$d/client.log" -A "$SNOM_UA" http://10.20.0.2/snom/000413AABBCC.xml
  sleep 1.5
  client phone21 "$d/client.log" --max-time 10 tftp://10.20.0.2/000413aabbcc.cfg
  sleep 0.5
  stop_pid "$wp" "$tf"; sleep 0.3; stop_pid "$cap"; lab_down
  cat >"$d/spec.json" <<JSON
{ "description": "A snom D785 (10.20.0.21, snom OUI) fetches its configuration in clear from the provisioning server 10.20.0.2: over plain HTTP (GET /snom/000413AABBCC.xml with the phone's User-Agent; lighttpd answers 200 with an XML settings file holding the SIP password and the admin passwords) and over TFTP (curl tftp://: RRQ 000413aabbcc.cfg, octet mode; dnsmasq sends the file from a new port, the phone ACKs).",
  "truth": { "phone": { "ip": "10.20.0.21", "mac": "$SNOM21_MAC", "vendor": "snom", "model": "D785", "firmware": "10.1.33.33", "user_agent": "$SNOM_UA" },
    "server": { "ip": "10.20.0.2", "mac": "$PROV_MAC", "http": "lighttpd 1.4.69, port 80", "tftp": "dnsmasq 2.90 (TFTP only), port 69" },
    "transfers": [ { "transport": "http", "request": "GET /snom/000413AABBCC.xml", "result": "200, XML with user_pass / admin_mode_password / http_pass (lab values)" },
                   { "transport": "tftp", "request": "RRQ 000413aabbcc.cfg octet", "result": "DATA + ACK, one block" } ],
    "client_log": $(python3 -c 'import json,sys; print(json.dumps(open(sys.argv[1]).read().splitlines()))' "$d/client.log") },
  "findings": [
    { "rule": "plaintext-provisioning", "severity": "high", "device_ip": "10.20.0.21", "peer_ip": "10.20.0.2", "evidence": { "fetches": 2 } } ],
  "not_expected": ["webui-plaintext-http", "cleartext-credentials", "default-credentials", "webui-no-auth", "weak-tls"] }
JSON
  finish_capture $name "$d/raw.pcap" "$d/spec.json"
}

# ---------------------------------------------------------------------------------------------
# 8. Brute force over HTTP Basic from the internet against a Yealink-like web UI.
scenario_bruteforce() {
  local name=webui-bruteforce d cap w pw guess n=0
  d=$(scenario_dir $name)
  pw=$(strong_pw)
  lab_up
  host_lan phone26 $YL26_MAC 10.20.0.26
  host_inet out23 $OUT23_MAC 198.51.100.23
  lighttpd_conf "$d/phone26" 10.20.0.26 "yealink embed httpd"
  page "$d/phone26/www/index.htm" "Yealink Phone" "<h1>Yealink SIP-T46G</h1><p>Firmware 28.81.0.110</p>"
  echo "admin:$pw" >"$d/phone26/users"
  cat >>"$d/phone26/lighttpd.conf" <<CONF
auth.backend = "plain"
auth.backend.plain.userfile = "$d/phone26/users"
auth.require = ( "/" => ( "method" => "basic", "realm" => "Gigabit Color IP Phone SIP-T46G", "require" => "valid-user" ) )
CONF
  local guesses=(admin:admin admin:0000 admin:1234 admin:12345 admin:123456 admin:password admin:Admin
    admin:admin123 admin:1111 admin:22222 admin:27238 admin:456 admin:adminpass admin:yealink admin:root
    admin:changeme admin:letmein admin:test admin:voip admin:phone user:user user:1234 root:root
    root:admin Polycom:456 admin:qwerty admin:000000 admin:8888 admin:9999 admin:abc123)
  cap=$(lab_capture_start "$d/raw.pcap")
  w=$(start_lighttpd phone26 "$d/phone26" 10.20.0.26 80)
  sleep 0.5
  local t0=$SECONDS
  for guess in "${guesses[@]}"; do
    # a fresh connection per guess, like the common brute-force tools
    client out23 "$d/client.log" -u "$guess" --basic http://10.20.0.26/
    n=$((n + 1))
    sleep 0.15
  done
  local secs=$((SECONDS - t0 + 1))
  sleep 0.5
  stop_pid "$w"; sleep 0.3; stop_pid "$cap"; lab_down
  local list; list=$(printf '"%s",' "${guesses[@]}"); list="[${list%,}]"
  cat >"$d/spec.json" <<JSON
{ "description": "An attacker on the internet (198.51.100.23, through the router, no NAT) guesses HTTP Basic credentials against the web UI of a Yealink SIP-T46G-like phone (10.20.0.26, Server: yealink embed httpd) over plain HTTP: $n attempts in about $secs s, one TCP connection each (curl), all answered 401. The admin password is strong, so nothing succeeds. The guesses include the published Yealink defaults admin:admin and user:user.",
  "truth": { "phone": { "ip": "10.20.0.26", "mac": "$YL26_MAC", "vendor": "yealink", "model": "SIP-T46G", "firmware": "28.81.0.110", "server_header": "yealink embed httpd", "realm": "Gigabit Color IP Phone SIP-T46G (lab-chosen)", "web_auth": "Basic, admin/$pw (strong-random-16)" },
    "attacker": { "ip": "198.51.100.23", "internal": false, "user_agent": "curl/7.88.1", "l2": "frames carry the router's MAC 00:0d:b9:4e:20:01" },
    "attempts": $n, "guesses": $list, "results": "every attempt 401", "first_guess": "admin:admin (the Yealink default)",
    "default_guesses": { "admin:admin": "vendor-default:yealink (admin)", "user:user": "vendor-default:yealink (user)", "admin:0000": "vendor-default:snom", "admin:adminpass": "vendor-default:panasonic", "admin:22222": "vendor-default:mitel", "admin:27238": "vendor-default:avaya", "Polycom:456": "vendor-default:polycom" } },
  "findings": [
    { "rule": "credential-brute-force", "severity": "high", "device_ip": "198.51.100.23", "peer_ip": "10.20.0.26", "evidence": { "protocol": "http" } },
    { "rule": "webui-internet-exposed", "severity": "high", "device_ip": "10.20.0.26", "peer_ip": "198.51.100.23", "evidence": { "port": 80, "login_accepted": false } },
    { "rule": "webui-plaintext-http", "severity": "medium", "device_ip": "10.20.0.26", "peer_ip": "198.51.100.23", "evidence": { "port": 80 } },
    { "rule": "default-credentials", "severity": "high", "device_ip": "10.20.0.26", "peer_ip": "198.51.100.23", "evidence": { "matched": "vendor-default:yealink", "result": "rejected", "scheme": "basic", "username": "admin", "transport": "http" } },
    { "rule": "cleartext-credentials", "severity": "high", "device_ip": "10.20.0.26", "peer_ip": "198.51.100.23", "evidence": { "scheme": "basic", "username": "admin", "result": "rejected", "transport": "http" } } ],
  "not_expected": ["webui-no-auth", "weak-tls", "plaintext-provisioning"] }
JSON
  finish_capture $name "$d/raw.pcap" "$d/spec.json"
}

# ---------------------------------------------------------------------------------------------
ALL_SCENARIOS=(default-basic-internet digest-default no-auth form-login https-clean tls-weak
  provisioning-plaintext bruteforce)

main() {
  install_packages
  mkdir -p "$LAB_WORK" "$OUT"; chmod 755 "$LAB_WORK"
  trap lab_down EXIT
  local s list=("$@")
  [ ${#list[@]} -eq 0 ] && list=("${ALL_SCENARIOS[@]}")
  for s in "${list[@]}"; do
    echo "### scenario $s"
    "scenario_${s//-/_}"
  done
}

# sourcing the script (for trying one scenario by hand) defines everything and runs nothing
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then main "$@"; fi
