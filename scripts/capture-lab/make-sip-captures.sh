#!/usr/bin/env bash
# Generates the SIP/media sample captures in captures/ with real software (kamailio, baresip,
# linphonec, sipvicious, sipsak) talking inside network namespaces this script creates, and
# writes captures/<name>.expected.json (ground truth + expected findings) next to each.
#
# Run as root, no stdin needed, re-runnable:  scripts/capture-lab/make-sip-captures.sh [scenario...]
# Scenarios: udp-call sdes-exposed weak-password shared-credentials scan bruteforce
#            tls-srtp-clean zrtp ipv4-fragmented outdated-firmware internet-exposed
#
# Addresses are final as captured (10.20.0.0/16 LAN, 203.0.113.0/24 and 198.51.100.0/24 for
# the internet): every host is a namespace on a bridge, so no address or SIP/SDP text needs
# rewriting and digests verify as captured. No packet can leave the lab (see sip/netlab.sh).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
OUT=${OUT:-$REPO/captures}
LAB_WORK=${LAB_WORK:-/tmp/vwlab-sip}
GENERATOR=scripts/capture-lab/make-sip-captures.sh

[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 1; }

# shellcheck source=sip/netlab.sh
source "$HERE/sip/netlab.sh"

PACKAGES=(kamailio kamailio-tls-modules baresip-core linphone-cli sipvicious sipsak tshark
  tcpreplay espeak-ng sox nftables openssl iproute2 util-linux python3 libasound2)

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
    if apt-get update -q && apt-get install -y -q "${missing[@]}"; then return 0; fi
    echo "apt busy or failed; retrying ($i)" >&2; sleep 5
  done
  echo "could not install: ${missing[*]}" >&2; exit 1
}

# ---------------------------------------------------------------------------------------------
# Lab users. Strong passwords are random per run (lab data, recorded in the truth block);
# the weak ones are the point of their scenarios.
DOMAIN=pbx.example.com
PBX_IP=10.20.0.10
declare -A PW
strong_pw() { openssl rand -base64 32 | tr -dc 'A-Za-z0-9' | cut -c1-16; }
init_users() {
  PW[1001]=$(strong_pw); PW[1002]=$(strong_pw); PW[1005]=$(strong_pw)
  PW[1006]=$(strong_pw); PW[1007]=$(strong_pw); PW[1008]=$(strong_pw)
  PW[1010]=$(strong_pw); PW[1031]=$(strong_pw); PW[1032]=$(strong_pw)
  PW[1003]=1003   # weak: the extension itself
  PW[1004]=1234   # weak: the classic default-like 1234
}

# shellcheck disable=SC2016  # $var(pw) and $fU are kamailio pseudo-variables, not shell
write_users_cfg() {
  local f=$1 u
  {
    echo 'route[PASSWD] {'
    echo '	$var(pw) = "";'
    echo '	switch($fU) {'
    for u in $(printf '%s\n' "${!PW[@]}" | sort); do
      printf '\t\tcase "%s":\n\t\t\t$var(pw) = "%s";\n\t\t\tbreak;\n' "$u" "${PW[$u]}"
    done
    echo '	}'
    echo '}'
  } >"$f"
}

# ---------------------------------------------------------------------------------------------
# Shared assets: speech audio and a lab CA with a server certificate for the PBX.
make_assets() {
  local a=$LAB_WORK/assets
  mkdir -p "$a"
  if [ ! -s "$a/speech.wav" ]; then
    espeak-ng -v en-us -s 140 -w "$a/speech-raw.wav" \
      "Hello, this is extension one thousand one calling. The quarterly report is ready for review. Please call me back when you have a minute. Thank you, goodbye."
    # padded so the caller's script, not the end of the file, ends the call
    sox "$a/speech-raw.wav" -r 8000 -c 1 -b 16 -e signed-integer "$a/speech.wav" pad 0.3 20
    espeak-ng -v en-gb -s 150 -w "$a/answer-raw.wav" \
      "Hi, thanks for calling. Yes, I got the report. I will look at it this afternoon and send you my comments before the meeting tomorrow. Talk to you later."
    sox "$a/answer-raw.wav" -r 8000 -c 1 -b 16 -e signed-integer "$a/answer.wav" pad 3 20
  fi
  if [ ! -s "$a/pbx.pem" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/O=Example Lab/CN=Example Lab Root CA" \
      -keyout "$a/ca.key" -out "$a/ca.pem" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/O=Example Lab/CN=$DOMAIN" \
      -keyout "$a/pbx.key" -out "$a/pbx.csr" 2>/dev/null
    printf 'subjectAltName=DNS:%s,IP:%s\nextendedKeyUsage=serverAuth,clientAuth\n' "$DOMAIN" "$PBX_IP" >"$a/pbx.ext"
    openssl x509 -req -in "$a/pbx.csr" -CA "$a/ca.pem" -CAkey "$a/ca.key" -CAcreateserial -days 3650 \
      -extfile "$a/pbx.ext" -out "$a/pbx.crt" 2>/dev/null
    cat "$a/pbx.key" "$a/pbx.crt" >"$a/pbx.pem"
  fi
  if [ ! -s "$a/phone.pem" ]; then
    # device certificate the TLS phones present when the proxy opens a TLS connection to them
    openssl req -newkey rsa:2048 -nodes -subj "/O=Example Lab/CN=phones.$DOMAIN" \
      -keyout "$a/phone.key" -out "$a/phone.csr" 2>/dev/null
    printf 'subjectAltName=IP:10.20.0.21,IP:10.20.0.22\nextendedKeyUsage=serverAuth,clientAuth\n' >"$a/phone.ext"
    openssl x509 -req -in "$a/phone.csr" -CA "$a/ca.pem" -CAkey "$a/ca.key" -CAcreateserial -days 3650 \
      -extfile "$a/phone.ext" -out "$a/phone.crt" 2>/dev/null
    cat "$a/phone.key" "$a/phone.crt" >"$a/phone.pem"
  fi
  chmod -R a+rX "$a"
}

# ---------------------------------------------------------------------------------------------
# kamailio on host "pbx". Prints its PID. Args: scenario work dir, "tls" to add SIP-TLS.
start_kamailio() {
  local d=$1/pbx tls=${2:-}
  mkdir -p "$d/run"
  cp "$HERE/sip/kamailio.cfg" "$d/kamailio.cfg"
  write_users_cfg "$d/users.cfg"
  local kam_args=()
  if [ "$tls" = tls ]; then
    cat >"$d/tls.cfg" <<TLS
[server:default]
method = TLSv1.2+
verify_certificate = no
require_certificate = no
private_key = $LAB_WORK/assets/pbx.key
certificate = $LAB_WORK/assets/pbx.crt
ca_list = $LAB_WORK/assets/ca.pem

[client:default]
method = TLSv1.2+
verify_certificate = no
require_certificate = no
TLS
    sed -i "s|TLS_CFG|\"$d/tls.cfg\"|" "$d/kamailio.cfg"
    kam_args=(-A WITH_TLS)
  fi
  chown -R "$LAB_USER:" "$d"
  ( cd "$d" && lab_spawn pbx "$d/kamailio.log" kamailio -f "$d/kamailio.cfg" -DD -E -Y "$d/run" -m 64 -M 8 "${kam_args[@]}" )
}

wait_log() {  # wait_log FILE REGEX [timeout s]
  local _ n=$(( ${3:-10} * 10 ))
  for _ in $(seq 1 "$n"); do grep -qE "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "timeout waiting for /$2/ in $1" >&2; return 1
}

# baresip_config DIR IP ACCOUNT-LINE [extra modules...]
baresip_config() {
  local d=$1 ip=$2 acct=$3; shift 3
  local audio=${BARESIP_AUDIO:-$LAB_WORK/assets/speech.wav}
  mkdir -p "$d"
  cat >"$d/config" <<CFG
poll_method		epoll
sip_listen		$ip:5060
sip_cafile		$LAB_WORK/assets/ca.pem
$( [ -n "${BARESIP_CERT:-}" ] && printf 'sip_certificate\t%s\n' "$BARESIP_CERT" )
call_local_timeout	30
call_max_calls		4
audio_player		alsa,null
audio_source		aufile,$audio
audio_alert		alsa,null
audio_level		no
rtp_tos			184
rtp_ports		16384-16482
rtp_timeout		0
net_interface		eth0
module_path		/usr/lib/baresip/modules
module			g711.so
module			aufile.so
module			alsa.so
$(for m in "$@"; do printf 'module\t\t\t%s\n' "$m"; done)
module_app		account.so
module_app		menu.so
CFG
  echo "$acct" >"$d/accounts"
  : >"$d/contacts"
  chown -R "$LAB_USER:" "$d"
}

# baresip_account USER [transport] [extra params]
baresip_account() {
  local u=$1 tp=${2:-udp} extra=${3:-}
  local port=5060; [ "$tp" = tls ] && port=5061
  echo "<sip:$u@$DOMAIN;transport=$tp>;auth_pass=${PW[$u]};outbound=\"sip:$PBX_IP:$port;transport=$tp\";answermode=auto;audio_codecs=${BARESIP_CODECS:-PCMU};regint=600$extra"
}

# start_baresip HOST DIR [baresip args...] -> PID
start_baresip() {
  local host=$1 d=$2; shift 2
  lab_spawn "$host" "$d/baresip.log" baresip -4 -f "$d" "$@"
}

# ---------------------------------------------------------------------------------------------
# Writes captures/<name>.expected.json from a JSON fragment file (description, truth, findings)
# and adds the tshark summary of the final capture to the truth block.
finish_capture() {
  local name=$1 raw=$2 spec=$3
  local pcap=$OUT/$name.pcap
  # the capture is already DLT_EN10MB with final addresses: keep every frame (ARP included)
  editcap -F pcap "$raw" "$pcap"
  python3 "$HERE/sip/expected.py" "$pcap" "$spec" "$GENERATOR" >"$OUT/$name.expected.json"
  echo "== $name: $(stat -c %s "$pcap") bytes"
}

scenario_dir() { local d=$LAB_WORK/$1; rm -rf "$d"; mkdir -p "$d"; chmod 755 "$d"; echo "$d"; }

# ---------------------------------------------------------------------------------------------
# Hosts (MAC OUIs: 00:25:90 Supermicro server, 80:5e:c0 Yealink, 00:04:f2 Polycom,
# 00:0b:82 Grandstream, 00:04:13 snom, 00:1b:21 Intel NIC (PC softphone), 00:0d:b9 PC Engines
# router). The "phones" run baresip (UA "baresip v1.0.0"), except where a scenario says otherwise.
host_pbx()  { lab_host pbx br0 00:25:90:1a:00:10 10.20.0.10/16 10.20.0.1; }
host_lan()  { lab_host "$1" br0 "$2" "$3/16" 10.20.0.1 "${4:-1500}"; }
host_inet() { lab_host "$1" br1 "$2" "$3/24" "${3%.*}.1"; }

# wait for a PID that is not our child (spawned from a subshell)
wait_pid() {
  local pid=$1 _ n=$(( ${2:-60} * 10 ))
  for _ in $(seq 1 "$n"); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  return 1
}

# Two registered phones call each other through the PBX; the caller hangs up after $3 s.
# call_via_pbx DIR CALLER_HOST CALLER_USER CALLEE_HOST CALLEE_USER [transport] [acct extra] [modules...]
call_via_pbx() {
  local d=$1 ch=$2 cu=$3 eh=$4 eu=$5 tp=${6:-udp} extra=${7:-}; shift 7 || shift $#
  local cip eip
  cip=$(ip netns exec "$(lab_ns "$ch")" ip -4 -o addr show eth0 | awk '{print $4}' | cut -d/ -f1)
  eip=$(ip netns exec "$(lab_ns "$eh")" ip -4 -o addr show eth0 | awk '{print $4}' | cut -d/ -f1)
  BARESIP_AUDIO=$LAB_WORK/assets/answer.wav baresip_config "$d/$eh" "$eip" "$(baresip_account "$eu" "$tp" "$extra")" "$@"
  baresip_config "$d/$ch" "$cip" "$(baresip_account "$cu" "$tp" "$extra")" "$@"
  local callee caller secs=${CALL_SECS:-14}
  callee=$(start_baresip "$eh" "$d/$eh" -t $((secs + 4)))
  wait_log "$d/$eh/baresip.log" "200 OK|registered" 10 || true
  caller=$(start_baresip "$ch" "$d/$ch" -t "$secs" -e "/dial sip:$eu@$DOMAIN")
  wait_pid "$caller" $((secs + 10)) || stop_pid "$caller"
  wait_pid "$callee" 10 || stop_pid "$callee"
  sleep 0.5
}

scenario_udp_call() {
  local name=sip-udp-call d cap k
  d=$(scenario_dir $name)
  lab_up; host_pbx
  host_lan p21 80:5e:c0:14:00:21 10.20.0.21
  host_lan p22 80:5e:c0:14:00:22 10.20.0.22
  cap=$(lab_capture_start "$d/raw.pcap")
  k=$(start_kamailio "$d"); sleep 1.5
  call_via_pbx "$d" p21 1001 p22 1002 udp ""
  stop_pid "$k"; sleep 0.3; stop_pid "$cap"; lab_down
  cat >"$d/spec.json" <<JSON
{ "description": "Two baresip phones (1001 at 10.20.0.21, 1002 at 10.20.0.22) register to kamailio 10.20.0.10 over UDP with digest auth (qop=auth, strong random passwords), then 1001 calls 1002 through the proxy; both send real speech (espeak-ng, 8 kHz) as plain RTP/PCMU directly to each other; the caller hangs up with BYE after about 15 s and both unregister.",
  "truth": { "domain": "$DOMAIN", "registrar": "10.20.0.10 (kamailio 5.6.3, UDP 5060)",
    "users": { "1001": { "ip": "10.20.0.21", "mac": "80:5e:c0:14:00:21", "password": "${PW[1001]}", "password_class": "strong-random-16" },
               "1002": { "ip": "10.20.0.22", "mac": "80:5e:c0:14:00:22", "password": "${PW[1002]}", "password_class": "strong-random-16" } },
    "signaling": "udp", "media": "rtp", "codec": "PCMU", "call": "1001 -> 1002 via 10.20.0.10, answered, caller BYE",
    "auth_results": "REGISTER 401 then 200 for both; INVITE 407 then accepted" },
  "findings": [
    { "rule": "plaintext-sip", "severity": "medium", "device_ip": "10.20.0.21", "peer_ip": "10.20.0.10" },
    { "rule": "plaintext-sip", "severity": "medium", "device_ip": "10.20.0.22", "peer_ip": "10.20.0.10" },
    { "rule": "unencrypted-rtp", "severity": "high", "device_ip": "10.20.0.21", "peer_ip": "10.20.0.22" },
    { "rule": "unencrypted-rtp", "severity": "high", "device_ip": "10.20.0.22", "peer_ip": "10.20.0.21" } ],
  "not_expected": ["srtp-keys-exposed", "weak-sip-password", "default-credentials", "sip-scan", "credential-brute-force", "sip-internet-exposed"] }
JSON
  finish_capture $name "$d/raw.pcap" "$d/spec.json"
}

user_json() {  # user_json USER IP MAC CLASS -> "USER": {...}
  printf '"%s": { "ip": "%s", "mac": "%s", "password": "%s", "password_class": "%s" }' "$1" "$2" "$3" "${PW[$1]}" "$4"
}

scenario_sdes_exposed() {
  local name=sip-sdes-exposed d cap k
  d=$(scenario_dir $name)
  lab_up; host_pbx
  host_lan p26 00:04:f2:3c:00:26 10.20.0.26
  host_lan p27 00:04:f2:3c:00:27 10.20.0.27
  cap=$(lab_capture_start "$d/raw.pcap")
  k=$(start_kamailio "$d"); sleep 1.5
  CALL_SECS=12 call_via_pbx "$d" p26 1006 p27 1007 udp ";mediaenc=srtp-mand" srtp.so
  stop_pid "$k"; sleep 0.3; stop_pid "$cap"; lab_down
  cat >"$d/spec.json" <<JSON
{ "description": "Two baresip phones (1006 at 10.20.0.26, 1007 at 10.20.0.27) register to kamailio over plain UDP SIP and call each other with mandatory SRTP keyed by SDES (baresip mediaenc=srtp-mand): the a=crypto lines with the master keys travel in the clear SDP of the INVITE and of the 200 OK, so the SRTP media can be decrypted by anyone on the path.",
  "truth": { "domain": "$DOMAIN", "registrar": "10.20.0.10 (kamailio, UDP 5060)",
    "users": { $(user_json 1006 10.20.0.26 00:04:f2:3c:00:26 strong-random-16), $(user_json 1007 10.20.0.27 00:04:f2:3c:00:27 strong-random-16) },
    "signaling": "udp", "media": "srtp-sdes-exposed (RTP/SAVP, a=crypto AES_CM_128_HMAC_SHA1_80 in both offer and answer; RTP headers in clear, payload encrypted)", "codec": "PCMU inside SRTP",
    "call": "1006 -> 1007 via 10.20.0.10, answered, BYE after about 12 s",
    "sdp_crypto": "INVITE from 10.20.0.26 (relayed by the proxy to 10.20.0.27) and 200 OK from 10.20.0.27 (relayed to 10.20.0.26)" },
  "findings": [
    { "rule": "plaintext-sip", "severity": "medium", "device_ip": "10.20.0.26", "peer_ip": "10.20.0.10" },
    { "rule": "plaintext-sip", "severity": "medium", "device_ip": "10.20.0.27", "peer_ip": "10.20.0.10" },
    { "rule": "srtp-keys-exposed", "severity": "critical", "device_ip": "10.20.0.26", "peer_ip": "10.20.0.10" },
    { "rule": "srtp-keys-exposed", "severity": "critical", "device_ip": "10.20.0.27", "peer_ip": "10.20.0.10" } ],
  "not_expected": ["unencrypted-rtp", "weak-sip-password", "sip-scan", "credential-brute-force", "sip-internet-exposed"] }
JSON
  finish_capture $name "$d/raw.pcap" "$d/spec.json"
}

scenario_weak_password() {
  local name=sip-weak-password d cap k
  d=$(scenario_dir $name)
  lab_up; host_pbx
  host_lan p23 00:0b:82:5a:00:23 10.20.0.23
  host_lan p24 00:04:f2:3c:00:24 10.20.0.24
  cap=$(lab_capture_start "$d/raw.pcap")
  k=$(start_kamailio "$d"); sleep 1.5
  CALL_SECS=6 call_via_pbx "$d" p23 1003 p24 1004 udp ""
  stop_pid "$k"; sleep 0.3; stop_pid "$cap"; lab_down
  cat >"$d/spec.json" <<JSON
{ "description": "Phone 1003 (10.20.0.23) registers with the password 1003 (= its extension) and phone 1004 (10.20.0.24) with the password 1234; both REGISTER digests (qop=auth) and 1003's INVITE digest verify against those weak passwords. 1003 calls 1004 for about 6 s (plain RTP).",
  "truth": { "domain": "$DOMAIN", "registrar": "10.20.0.10 (kamailio, UDP 5060)",
    "users": { $(user_json 1003 10.20.0.23 00:0b:82:5a:00:23 weak:extension), $(user_json 1004 10.20.0.24 00:04:f2:3c:00:24 weak:1234) },
    "signaling": "udp", "media": "rtp", "codec": "PCMU", "call": "1003 -> 1004 via 10.20.0.10, answered, caller BYE",
    "auth_results": "all digest authentications succeed (the passwords are weak, not wrong)",
    "note": "1234 is not a published vendor default for SIP accounts, so default-credentials is not expected; it is in the weak list" },
  "findings": [
    { "rule": "weak-sip-password", "severity": "high", "device_ip": "10.20.0.23", "peer_ip": "10.20.0.10", "matched": "weak:extension" },
    { "rule": "weak-sip-password", "severity": "high", "device_ip": "10.20.0.24", "peer_ip": "10.20.0.10", "matched": "weak:1234" },
    { "rule": "plaintext-sip", "severity": "medium", "device_ip": "10.20.0.23", "peer_ip": "10.20.0.10" },
    { "rule": "plaintext-sip", "severity": "medium", "device_ip": "10.20.0.24", "peer_ip": "10.20.0.10" },
    { "rule": "unencrypted-rtp", "severity": "high", "device_ip": "10.20.0.23", "peer_ip": "10.20.0.24" },
    { "rule": "unencrypted-rtp", "severity": "high", "device_ip": "10.20.0.24", "peer_ip": "10.20.0.23" } ],
  "not_expected": ["srtp-keys-exposed", "sip-scan", "credential-brute-force", "shared-sip-credentials"] }
JSON
  finish_capture $name "$d/raw.pcap" "$d/spec.json"
}

# Idle registered phone (no call); prints its PID.
idle_phone() {  # idle_phone DIR HOST IP USER SECONDS
  baresip_config "$1/$2" "$3" "$(baresip_account "$4" udp "")"
  start_baresip "$2" "$1/$2" -t "$5"
}

scenario_scan() {
  local name=sip-scan d cap k p1 p2 p3
  d=$(scenario_dir $name)
  lab_up; host_pbx
  host_lan p21 80:5e:c0:14:00:21 10.20.0.21
  host_lan p22 80:5e:c0:14:00:22 10.20.0.22
  host_lan p25 00:04:f2:3c:00:25 10.20.0.25
  host_inet scanner 52:54:00:9e:71:99 203.0.113.99
  cap=$(lab_capture_start "$d/raw.pcap")
  k=$(start_kamailio "$d"); sleep 1.5
  p1=$(idle_phone "$d" p21 10.20.0.21 1001 40)
  p2=$(idle_phone "$d" p22 10.20.0.22 1002 40)
  p3=$(idle_phone "$d" p25 10.20.0.25 1005 40)
  sleep 2
  mkdir -p "$d/scanner"; chown "$LAB_USER:" "$d/scanner"
  ( cd "$d/scanner" && lab_run scanner svmap -p5060 -t 0.02 10.20.0.1-10.20.0.30 ) >"$d/scanner/svmap.log" 2>&1 || true
  sleep 1
  ( cd "$d/scanner" && lab_run scanner svwar -e1000-1012 -t 0.05 10.20.0.10 ) >"$d/scanner/svwar.log" 2>&1 || true
  sleep 1
  stop_pid "$p1" "$p2" "$p3" "$k"; sleep 0.3; stop_pid "$cap"; lab_down
  local found; found=$(grep -Eo '10\.20\.0\.[0-9]+:5060 *\| *[^|]*' "$d/scanner/svmap.log" | tr -s ' ' | paste -sd';' || true)
  local exts; exts=$(grep -Eo '^\| *10[0-9]{2} *\| *[a-z]+' "$d/scanner/svwar.log" | tr -d '| ' | paste -sd',' || true)
  cat >"$d/spec.json" <<JSON
{ "description": "SIPVicious 0.3.3 from the internet host 203.0.113.99 (through the router 10.20.0.1, no NAT): svmap sweeps 10.20.0.1-30 with OPTIONS (User-Agent friendly-scanner); the PBX and the three registered baresip phones answer. Then svwar enumerates extensions 1000-1012 against the PBX with REGISTER (known users get 401, unknown 404).",
  "truth": { "scanner": "203.0.113.99 (MAC of the router 00:0d:b9:4e:20:01 on the LAN side)",
    "svmap_found": "$found", "svwar_found": "$exts",
    "phones": { $(user_json 1001 10.20.0.21 80:5e:c0:14:00:21 strong-random-16), $(user_json 1002 10.20.0.22 80:5e:c0:14:00:22 strong-random-16), $(user_json 1005 10.20.0.25 00:04:f2:3c:00:25 strong-random-16) },
    "registrar": "10.20.0.10 (kamailio, UDP 5060; answers OPTIONS itself; not a phone)" },
  "findings": [
    { "rule": "sip-scan", "severity": "medium", "device_ip": "203.0.113.99" },
    { "rule": "sip-internet-exposed", "severity": "high", "device_ip": "10.20.0.21", "peer_ip": "203.0.113.99" },
    { "rule": "sip-internet-exposed", "severity": "high", "device_ip": "10.20.0.22", "peer_ip": "203.0.113.99" },
    { "rule": "sip-internet-exposed", "severity": "high", "device_ip": "10.20.0.25", "peer_ip": "203.0.113.99" },
    { "rule": "plaintext-sip", "severity": "medium", "device_ip": "10.20.0.21", "peer_ip": "10.20.0.10" },
    { "rule": "plaintext-sip", "severity": "medium", "device_ip": "10.20.0.22", "peer_ip": "10.20.0.10" },
    { "rule": "plaintext-sip", "severity": "medium", "device_ip": "10.20.0.25", "peer_ip": "10.20.0.10" } ],
  "may_also": [
    { "rule": "plaintext-sip", "note": "phones answering the scanner's OPTIONS over UDP: device each phone, peer 203.0.113.99" },
    { "rule": "credential-brute-force", "note": "svwar draws a few 401 challenges (one per existing extension); not a password guessing attack" } ],
  "not_expected": ["unencrypted-rtp", "srtp-keys-exposed", "weak-sip-password"] }
JSON
  finish_capture $name "$d/raw.pcap" "$d/spec.json"
}

scenario_shared_credentials() {
  local name=sip-shared-credentials d cap k p1 p2 p3
  d=$(scenario_dir $name)
  lab_up; host_pbx
  host_lan p21 80:5e:c0:14:00:21 10.20.0.21
  host_lan p28 80:5e:c0:14:00:28 10.20.0.28
  host_lan p29 00:1b:21:8a:00:29 10.20.0.29
  cap=$(lab_capture_start "$d/raw.pcap")
  k=$(start_kamailio "$d"); sleep 1.5
  p1=$(idle_phone "$d" p21 10.20.0.21 1001 8)
  p2=$(idle_phone "$d" p28 10.20.0.28 1008 8)
  sleep 1.5
  p3=$(idle_phone "$d" p29 10.20.0.29 1008 6)
  wait_pid "$p1" 15; wait_pid "$p2" 15; wait_pid "$p3" 15
  stop_pid "$p1" "$p2" "$p3" "$k"; sleep 0.3; stop_pid "$cap"; lab_down
  cat >"$d/spec.json" <<JSON
{ "description": "The SIP account 1008 is registered at the same time from two different devices: a desk phone (10.20.0.28, Yealink OUI) and a PC softphone (10.20.0.29, Intel NIC OUI), both baresip with the same auth user and password; kamailio keeps both bindings. Phone 1001 (10.20.0.21) registers with its own account as a control. All unregister after a few seconds.",
  "truth": { "domain": "$DOMAIN", "registrar": "10.20.0.10 (kamailio, UDP 5060)",
    "users": { $(user_json 1001 10.20.0.21 80:5e:c0:14:00:21 strong-random-16),
               "1008": { "devices": [ { "ip": "10.20.0.28", "mac": "80:5e:c0:14:00:28" }, { "ip": "10.20.0.29", "mac": "00:1b:21:8a:00:29" } ], "password": "${PW[1008]}", "password_class": "strong-random-16" } },
    "signaling": "udp", "media": "none (no call)", "auth_results": "all registrations succeed (401 then 200)" },
  "findings": [
    { "rule": "shared-sip-credentials", "severity": "medium", "device_ip": "10.20.0.28", "peer_ip": "10.20.0.10", "sip_user": "1008" },
    { "rule": "shared-sip-credentials", "severity": "medium", "device_ip": "10.20.0.29", "peer_ip": "10.20.0.10", "sip_user": "1008" },
    { "rule": "plaintext-sip", "severity": "medium", "device_ip": "10.20.0.21", "peer_ip": "10.20.0.10" },
    { "rule": "plaintext-sip", "severity": "medium", "device_ip": "10.20.0.28", "peer_ip": "10.20.0.10" },
    { "rule": "plaintext-sip", "severity": "medium", "device_ip": "10.20.0.29", "peer_ip": "10.20.0.10" } ],
  "not_expected": ["unencrypted-rtp", "weak-sip-password", "sip-scan", "credential-brute-force"] }
JSON
  finish_capture $name "$d/raw.pcap" "$d/spec.json"
}

scenario_bruteforce() {
  local name=sip-bruteforce d cap k p1
  d=$(scenario_dir $name)
  lab_up; host_pbx
  host_lan p22 80:5e:c0:14:00:22 10.20.0.22
  host_inet attacker 52:54:00:3b:51:07 198.51.100.7
  cap=$(lab_capture_start "$d/raw.pcap")
  k=$(start_kamailio "$d"); sleep 1.5
  p1=$(idle_phone "$d" p22 10.20.0.22 1002 30)
  sleep 1.5
  mkdir -p "$d/attacker"; chown "$LAB_USER:" "$d/attacker"
  # 100 numeric guesses for 1002 (whose real password is a random 16-character string)
  ( cd "$d/attacker" && lab_run attacker timeout 60 svcrack -u 1002 -r 1000-1099 -t 0.05 10.20.0.10 ) >"$d/attacker/svcrack.log" 2>&1 || true
  sleep 1
  stop_pid "$p1" "$k"; sleep 0.3; stop_pid "$cap"; lab_down
  local result; result=$(grep -Eo 'could not crack|found nothing|Password: *[^ ]+|[0-9]+ *\| *[^|]+ *\|' "$d/attacker/svcrack.log" | head -3 | paste -sd';' || true)
  cat >"$d/spec.json" <<JSON
{ "description": "An internet host (198.51.100.7) runs SIPVicious svcrack against the PBX 10.20.0.10: 100 password guesses (1000-1099) for extension 1002 over UDP. kamailio offers qop=auth and answers each guess with 401 (challenge) then 403 Forbidden (wrong password); no guess succeeds. Phone 1002 (10.20.0.22) is registered normally alongside.",
  "truth": { "attacker": "198.51.100.7 (behind the router 10.20.0.1, MAC 00:0d:b9:4e:20:01 on the LAN)", "target": "10.20.0.10 (kamailio, UDP 5060)", "tool": "svcrack 0.3.3 (User-Agent friendly-scanner)",
    "guesses": 100, "guessed_user": "1002", "cracked": false, "svcrack_output": "$result",
    "users": { $(user_json 1002 10.20.0.22 80:5e:c0:14:00:22 strong-random-16) } },
  "findings": [
    { "rule": "credential-brute-force", "severity": "high", "device_ip": "198.51.100.7", "peer_ip": "10.20.0.10" },
    { "rule": "sip-scan", "severity": "medium", "device_ip": "198.51.100.7", "peer_ip": "10.20.0.10" },
    { "rule": "plaintext-sip", "severity": "medium", "device_ip": "10.20.0.22", "peer_ip": "10.20.0.10" } ],
  "may_also": [ { "rule": "sip-scan", "note": "fires on the known scanner User-Agent friendly-scanner; one target so peer_ip is the PBX" } ],
  "not_expected": ["weak-sip-password", "default-credentials", "unencrypted-rtp", "sip-internet-exposed"] }
JSON
  finish_capture $name "$d/raw.pcap" "$d/spec.json"
}

scenario_outdated_firmware() {
  local name=sip-outdated-firmware d cap k
  d=$(scenario_dir $name)
  lab_up; host_pbx
  host_lan p30 00:04:13:7d:00:30 10.20.0.30
  cap=$(lab_capture_start "$d/raw.pcap")
  k=$(start_kamailio "$d"); sleep 1.5
  mkdir -p "$d/p30"
  # A snom D785 on firmware 10.1.33.33 (2019; snom's current line is 10.1.185+): the REGISTER is
  # written as that phone sends it and sipsak sends it and answers the digest challenge.
  local u
  for u in register unregister; do
    local exp=600 cseq=1; [ $u = unregister ] && { exp=0; cseq=3; }
    cat >"$d/p30/$u.txt" <<MSG
REGISTER sip:$DOMAIN SIP/2.0
Via: SIP/2.0/UDP 10.20.0.30:5060;branch=z9hG4bK-$(openssl rand -hex 6);rport
From: "1010" <sip:1010@$DOMAIN>;tag=$(openssl rand -hex 5)
To: "1010" <sip:1010@$DOMAIN>
Call-ID: $(openssl rand -hex 6)-$(openssl rand -hex 5)@10.20.0.30
CSeq: $cseq REGISTER
Max-Forwards: 70
Contact: <sip:1010@10.20.0.30:5060;line=k4z8q1>;reg-id=1;q=1.0;+sip.instance="<urn:uuid:0d7e1c42-5f51-4d0c-8a7a-0004137d0030>";audio;mobility="fixed";duplex="full";description="snom D785";actor="principal";events="dialog";methods="INVITE,ACK,CANCEL,BYE,REFER,OPTIONS,NOTIFY,SUBSCRIBE,PRACK,MESSAGE,INFO,UPDATE"
User-Agent: snomD785/10.1.33.33
Allow-Events: dialog
Supported: path, gruu
Expires: $exp
Content-Length: 0

MSG
  done
  chown -R "$LAB_USER:" "$d/p30"
  lab_run p30 sipsak -f "$d/p30/register.txt" -s "sip:$DOMAIN" -a "${PW[1010]}" -u 1010 -i -S -l 5060 -H 10.20.0.30 >"$d/p30/sipsak.log" 2>&1 || true
  sleep 3
  lab_run p30 sipsak -f "$d/p30/unregister.txt" -s "sip:$DOMAIN" -a "${PW[1010]}" -u 1010 -i -S -l 5060 -H 10.20.0.30 >>"$d/p30/sipsak.log" 2>&1 || true
  sleep 0.5
  stop_pid "$k"; sleep 0.3; stop_pid "$cap"; lab_down
  cat >"$d/spec.json" <<JSON
{ "description": "A snom D785 (10.20.0.30, snom OUI 00:04:13) whose User-Agent 'snomD785/10.1.33.33' reveals firmware 10.1.33.33, older than the snom minimum 10.1.185.0, registers to kamailio over UDP with digest auth (strong password), then unregisters. The SIP messages are written as that phone sends them and sent by sipsak, which also answers the digest challenge (sipsak keeps the Via branch of the message file on the authenticated retry).",
  "truth": { "domain": "$DOMAIN", "registrar": "10.20.0.10 (kamailio, UDP 5060)",
    "users": { $(user_json 1010 10.20.0.30 00:04:13:7d:00:30 strong-random-16) },
    "device": { "vendor": "snom", "model": "D785", "firmware": "10.1.33.33", "user_agent": "snomD785/10.1.33.33", "minimum": "10.1.185.0" },
    "signaling": "udp", "media": "none", "tool": "sipsak 0.9.8.1 with a handwritten REGISTER" },
  "findings": [
    { "rule": "outdated-firmware", "severity": "low", "device_ip": "10.20.0.30" },
    { "rule": "plaintext-sip", "severity": "medium", "device_ip": "10.20.0.30", "peer_ip": "10.20.0.10" } ],
  "not_expected": ["weak-sip-password", "unencrypted-rtp", "sip-scan", "credential-brute-force"] }
JSON
  finish_capture $name "$d/raw.pcap" "$d/spec.json"
}

scenario_internet_exposed() {
  local name=sip-internet-exposed d cap k p1 caller
  d=$(scenario_dir $name)
  lab_up; host_pbx
  host_lan p21 80:5e:c0:14:00:21 10.20.0.21
  host_inet spitter 52:54:00:3b:51:66 198.51.100.66
  cap=$(lab_capture_start "$d/raw.pcap")
  k=$(start_kamailio "$d"); sleep 1.5
  BARESIP_AUDIO=$LAB_WORK/assets/answer.wav baresip_config "$d/p21" 10.20.0.21 "$(baresip_account 1001 udp "")"
  p1=$(start_baresip p21 "$d/p21" -t 20)
  sleep 2
  # the outside host has no account anywhere: it probes the phone with OPTIONS and calls it directly
  mkdir -p "$d/spitter"; chown "$LAB_USER:" "$d/spitter"
  lab_run spitter sipsak -s sip:1001@10.20.0.21 -H 198.51.100.66 -l 5070 -S >"$d/spitter/sipsak.log" 2>&1 || true
  baresip_config "$d/spitter" 198.51.100.66 "<sip:sales@198.51.100.66>;regint=0;audio_codecs=PCMU"
  sed -i 's/^net_interface.*/net_interface\t\teth0/' "$d/spitter/config"
  caller=$(start_baresip spitter "$d/spitter" -t 10 -e "/dial sip:1001@10.20.0.21")
  wait_pid "$caller" 20 || stop_pid "$caller"
  wait_pid "$p1" 15 || stop_pid "$p1"
  stop_pid "$k"; sleep 0.3; stop_pid "$cap"; lab_down
  cat >"$d/spec.json" <<JSON
{ "description": "Phone 1001 (10.20.0.21) is registered to kamailio over UDP and reachable from the internet (router 10.20.0.1 forwards without filtering). The outside host 198.51.100.66 first probes it with an OPTIONS (sipsak), then calls it directly (baresip, no account, sip:1001@10.20.0.21); the phone answers (auto-answer) and both send plain RTP/PCMU speech for about 10 s until the caller hangs up.",
  "truth": { "domain": "$DOMAIN", "registrar": "10.20.0.10 (kamailio, UDP 5060)",
    "users": { $(user_json 1001 10.20.0.21 80:5e:c0:14:00:21 strong-random-16) },
    "outside_host": "198.51.100.66 (MAC of the router 00:0d:b9:4e:20:01 on the LAN)",
    "direct_requests": "OPTIONS (200 OK), INVITE (180, 200), ACK, BYE (200) between 198.51.100.66 and 10.20.0.21, no proxy",
    "signaling": "udp", "media": "rtp (PCMU both ways)" },
  "findings": [
    { "rule": "sip-internet-exposed", "severity": "high", "device_ip": "10.20.0.21", "peer_ip": "198.51.100.66" },
    { "rule": "plaintext-sip", "severity": "medium", "device_ip": "10.20.0.21", "peer_ip": "10.20.0.10" },
    { "rule": "plaintext-sip", "severity": "medium", "device_ip": "10.20.0.21", "peer_ip": "198.51.100.66" },
    { "rule": "unencrypted-rtp", "severity": "high", "device_ip": "10.20.0.21", "peer_ip": "198.51.100.66" },
    { "rule": "unencrypted-rtp", "severity": "high", "device_ip": "198.51.100.66", "peer_ip": "10.20.0.21" } ],
  "may_also": [ { "rule": "plaintext-sip", "note": "device 198.51.100.66 (the outside UA), peer 10.20.0.21" } ],
  "not_expected": ["sip-scan", "credential-brute-force", "weak-sip-password", "srtp-keys-exposed"] }
JSON
  finish_capture $name "$d/raw.pcap" "$d/spec.json"
}

scenario_tls_srtp_clean() {
  local name=sip-tls-srtp-clean d cap k
  d=$(scenario_dir $name)
  lab_up; host_pbx
  host_lan p21 80:5e:c0:14:00:21 10.20.0.21
  host_lan p22 80:5e:c0:14:00:22 10.20.0.22
  cap=$(lab_capture_start "$d/raw.pcap")
  k=$(start_kamailio "$d" tls); sleep 1.5
  # the phones hold a device certificate so the proxy can open TLS towards them (RFC 3261 26.2.2)
  BARESIP_CERT=$LAB_WORK/assets/phone.pem CALL_SECS=10 \
    call_via_pbx "$d" p21 1001 p22 1002 tls ";mediaenc=srtp-mand" srtp.so
  stop_pid "$k"; sleep 0.3; stop_pid "$cap"; lab_down
  cat >"$d/spec.json" <<JSON
{ "description": "The clean case: phones 1001 (10.20.0.21) and 1002 (10.20.0.22) register to kamailio over SIP-TLS (port 5061, TLS 1.3, server certificate from a lab CA generated by the script) and call each other; the media is SRTP keyed by SDES, whose a=crypto lines only travel inside TLS. The proxy opens its own TLS connection to the callee (the phones present a device certificate). Nothing is in clear but RTP headers.",
  "truth": { "domain": "$DOMAIN", "registrar": "10.20.0.10 (kamailio 5.6.3 + tls module, TLS 5061, TLSv1.2+ allowed)",
    "users": { $(user_json 1001 10.20.0.21 80:5e:c0:14:00:21 strong-random-16), $(user_json 1002 10.20.0.22 80:5e:c0:14:00:22 strong-random-16) },
    "signaling": "tls (TLS 1.3 negotiated on all three connections: each phone to the proxy, proxy to the callee)",
    "media": "srtp (SDES inside TLS: RTP/SAVP, AES_CM_128_HMAC_SHA1_80; no SDP visible on the wire)", "codec": "PCMU inside SRTP",
    "call": "1001 -> 1002, answered, caller BYE after about 10 s", "internal_only": true },
  "findings": [],
  "not_expected": ["plaintext-sip", "unencrypted-rtp", "srtp-keys-exposed", "weak-tls", "weak-sip-password", "sip-internet-exposed", "sip-scan", "credential-brute-force"] }
JSON
  finish_capture $name "$d/raw.pcap" "$d/spec.json"
}

# linphone_rc DIR IP USER: linphonec account with mandatory ZRTP, files instead of a sound card
linphone_rc() {
  local d=$1 ip=$2 u=$3 host=$4
  mkdir -p "$d" "$LAB_WORK/home/$host/.local/share/linphone"
  printf 'pcm.!default {\n  type null\n}\n' >"$LAB_WORK/home/$host/.asoundrc"
  cat >"$d/linphonerc" <<RC
[sip]
sip_port=5060
default_proxy=0
media_encryption=zrtp
media_encryption_mandatory=1
ipv6=0
guess_hostname=0
contact=sip:$u@$ip
[rtp]
audio_rtp_port=7078
[sound]
echocancellation=0
[video]
enabled=0
capture=0
display=0
[proxy_0]
reg_proxy=<sip:$PBX_IP;transport=udp>
reg_identity="$u" <sip:$u@$DOMAIN>
reg_expires=600
reg_sendregister=1
publish=0
[auth_info_0]
username=$u
userid=$u
passwd=${PW[$u]}
realm=$DOMAIN
domain=$DOMAIN
RC
  chown -R "$LAB_USER:" "$d" "$LAB_WORK/home/$host"
}

scenario_zrtp() {
  local name=sip-zrtp d cap k callee
  d=$(scenario_dir $name)
  lab_up; host_pbx
  host_lan p31 00:1b:21:8a:00:31 10.20.0.31
  host_lan p32 00:1b:21:8a:00:32 10.20.0.32
  cap=$(lab_capture_start "$d/raw.pcap")
  k=$(start_kamailio "$d"); sleep 1.5
  linphone_rc "$d/p31" 10.20.0.31 1031 p31
  linphone_rc "$d/p32" 10.20.0.32 1032 p32
  # linphonec reads commands on stdin: the script types them (no user input needed)
  ( sleep 1; echo "soundcard use files"; echo "play $LAB_WORK/assets/answer.wav"; sleep 19; echo quit ) |
    lab_run p32 linphonec -c "$d/p32/linphonerc" -a -d 3 -l "$d/p32/linphonec.log" >"$d/p32/out.txt" 2>&1 &
  callee=$!
  sleep 3
  ( sleep 2; echo "soundcard use files"; echo "play $LAB_WORK/assets/speech.wav"; echo "call sip:1032@$DOMAIN"
    sleep 12; echo terminate; sleep 2; echo quit ) |
    lab_run p31 linphonec -c "$d/p31/linphonerc" -d 3 -l "$d/p31/linphonec.log" >"$d/p31/out.txt" 2>&1 || true
  wait "$callee" || true
  sleep 0.5
  stop_pid "$k"; sleep 0.3; stop_pid "$cap"; lab_down
  local sas; sas=$(grep -Eo 'fully encrypted and auth token is [a-z0-9]+' "$d/p31/out.txt" | head -1 || true)
  cat >"$d/spec.json" <<JSON
{ "description": "Two linphonec 5.1 softphones (1031 at 10.20.0.31, 1032 at 10.20.0.32) with mandatory ZRTP register to kamailio over UDP and call each other: the SDP (RTP/AVP with a=zrtp-hash, no a=crypto) is in clear SIP, the ZRTP handshake (Hello, Commit, DHPart1/2, Confirm) runs on the media ports and the speech then flows as SRTP keyed by ZRTP. The caller hangs up after about 12 s.",
  "truth": { "domain": "$DOMAIN", "registrar": "10.20.0.10 (kamailio, UDP 5060)",
    "users": { $(user_json 1031 10.20.0.31 00:1b:21:8a:00:31 strong-random-16), $(user_json 1032 10.20.0.32 00:1b:21:8a:00:32 strong-random-16) },
    "signaling": "udp", "media": "zrtp (SRTP keyed by ZRTP, negotiated codec opus/48000 as linphone's first choice)",
    "linphonec": "$sas", "call": "1031 -> 1032 via 10.20.0.10 (in-dialog requests target the callee's GRUU), answered, caller BYE",
    "other_media_traffic": "linphone sends STUN binding requests on the media ports (RTP/RTCP keep-alive / connectivity)" },
  "findings": [
    { "rule": "plaintext-sip", "severity": "medium", "device_ip": "10.20.0.31", "peer_ip": "10.20.0.10" },
    { "rule": "plaintext-sip", "severity": "medium", "device_ip": "10.20.0.32", "peer_ip": "10.20.0.10" } ],
  "not_expected": ["unencrypted-rtp", "srtp-keys-exposed", "weak-sip-password", "sip-scan", "credential-brute-force"] }
JSON
  finish_capture $name "$d/raw.pcap" "$d/spec.json"
}

scenario_ipv4_fragmented() {
  local name=sip-ipv4-fragmented d cap k
  d=$(scenario_dir $name)
  lab_up; host_pbx
  host_lan p21 80:5e:c0:14:00:21 10.20.0.21
  host_lan p22 80:5e:c0:14:00:22 10.20.0.22
  cap=$(lab_capture_start "$d/raw.pcap")
  k=$(start_kamailio "$d"); sleep 1.5
  # a video call offering many audio and video codecs: the authenticated INVITE exceeds the
  # 1500-byte Ethernet MTU, and UDP SIP (unlike RFC 3261 18.1.1's advice to switch to TCP)
  # lets the kernel fragment it, both from the phone and again from the proxy
  BARESIP_CODECS=PCMU,PCMA,G722,opus,GSM,G726-32,L16,AMR,codec2 CALL_SECS=6 \
    call_via_pbx "$d" p21 1001 p22 1002 udp "" g722.so g726.so gsm.so l16.so opus.so amr.so codec2.so vp8.so vp9.so fakevideo.so
  stop_pid "$k"; sleep 0.3; stop_pid "$cap"; lab_down
  cat >"$d/spec.json" <<JSON
{ "description": "A video call over UDP SIP whose INVITE does not fit one Ethernet frame: baresip 1001 (10.20.0.21) offers nine audio codecs and VP8/VP9 video (fake video source), so its authenticated INVITE (about 1.6 KB) is IPv4-fragmented by the kernel (MTU 1500) into two fragments, and kamailio's relayed INVITE to 1002 (10.20.0.22) is fragmented again. The callee answers (PCMU audio + VP8 video, plain RTP); BYE after about 6 s.",
  "truth": { "domain": "$DOMAIN", "registrar": "10.20.0.10 (kamailio, UDP 5060)", "mtu": 1500,
    "users": { $(user_json 1001 10.20.0.21 80:5e:c0:14:00:21 strong-random-16), $(user_json 1002 10.20.0.22 80:5e:c0:14:00:22 strong-random-16) },
    "fragmented_messages": "INVITE 10.20.0.21 -> 10.20.0.10 (with Proxy-Authorization) and INVITE 10.20.0.10 -> 10.20.0.22, two fragments each; the first INVITE (without credentials) and all responses fit one frame",
    "signaling": "udp", "media": "rtp: PCMU audio and VP8 video, both directions" },
  "findings": [
    { "rule": "plaintext-sip", "severity": "medium", "device_ip": "10.20.0.21", "peer_ip": "10.20.0.10" },
    { "rule": "plaintext-sip", "severity": "medium", "device_ip": "10.20.0.22", "peer_ip": "10.20.0.10" },
    { "rule": "unencrypted-rtp", "severity": "high", "device_ip": "10.20.0.21", "peer_ip": "10.20.0.22" },
    { "rule": "unencrypted-rtp", "severity": "high", "device_ip": "10.20.0.22", "peer_ip": "10.20.0.21" } ],
  "not_expected": ["srtp-keys-exposed", "weak-sip-password", "sip-scan", "credential-brute-force"] }
JSON
  finish_capture $name "$d/raw.pcap" "$d/spec.json"
}

# ---------------------------------------------------------------------------------------------
ALL_SCENARIOS=(udp-call sdes-exposed weak-password scan shared-credentials bruteforce
  tls-srtp-clean zrtp ipv4-fragmented outdated-firmware internet-exposed)

main() {
  install_packages
  mkdir -p "$LAB_WORK" "$OUT"; chmod 755 "$LAB_WORK"
  trap 'lab_down; nft delete table inet vwlab_sip_guard 2>/dev/null || true' EXIT
  init_users
  make_assets
  local s list=("$@")
  [ ${#list[@]} -eq 0 ] && list=("${ALL_SCENARIOS[@]}")
  for s in "${list[@]}"; do
    echo "### scenario $s"
    "scenario_${s//-/_}"
  done
}

# sourcing the script (for trying one scenario by hand) defines everything and runs nothing
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then main "$@"; fi
