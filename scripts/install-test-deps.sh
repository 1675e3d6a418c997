#!/usr/bin/env bash
# Installs the peers the test suite compares against (tshark) and the tools it builds and
# checks with, on Debian, non-interactively.
# Safe to run again; waits for another apt/dpkg process instead of failing on its lock.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
need=()
command -v tshark >/dev/null 2>&1 || need+=(tshark)
# libpcap-dev: headers for the pcap package's native build at npm ci, and for
# scripts/check-deploy.sh's filter compiler; shellcheck and systemd-analyze: check-deploy.sh.
[ -f /usr/include/pcap/pcap.h ] || need+=(libpcap-dev)
command -v shellcheck >/dev/null 2>&1 || need+=(shellcheck)
command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)
# The live sensor suite: network namespaces and a veth pair (iproute2), replay (tcpreplay).
command -v ip >/dev/null 2>&1 || need+=(iproute2)
command -v tcpreplay >/dev/null 2>&1 || need+=(tcpreplay)
# The dashboard's browser tests: Debian's Chromium, driven by playwright-core.
[ -x /usr/bin/chromium ] || need+=(chromium)
# The weekly report's PDF, turned into PNG pages by the tests.
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
# TLS test certificates (syslog over TLS).
command -v openssl >/dev/null 2>&1 || need+=(openssl)
[ ${#need[@]} -eq 0 ] && { echo "test dependencies present"; exit 0; }
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then exec sudo --preserve-env=DEBIAN_FRONTEND "$0" "$@"; fi
  echo "missing ${need[*]}: run this script as root" >&2
  exit 1
fi
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt_retry() {
  for i in $(seq 1 60); do
    if "$@"; then return 0; fi
    echo "apt busy or failed (attempt $i); retrying in 5 s" >&2
    sleep 5
  done
  return 1
}
apt_retry apt-get update -qq
apt_retry apt-get install -y -qq --no-install-recommends "${need[@]}"
