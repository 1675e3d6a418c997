#!/usr/bin/env bash
# Installs the peers the test suite compares against (tshark) on Debian, non-interactively.
# Safe to run again; waits for another apt/dpkg process instead of failing on its lock.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
need=()
command -v tshark >/dev/null 2>&1 || need+=(tshark)
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
