#!/usr/bin/env bash
# Static checks of the deployment files; no Docker engine needed. Exit status 1 when any fails.
#
#   Dockerfile              dockerfile-utils' validator + the project's rules (hadolint's DL codes);
#                           every RUN's shell text through ShellCheck (as dash: /bin/sh in the image)
#   docker-compose.yml      dclint (Compose Specification schema + style), then check-compose.mjs:
#                           variables documented in deploy/.env.example, capabilities, loopback
#                           ports, stop grace, and the sensor's own config loader on its settings
#   deploy/voipwatch.example.yaml   the sensor's loader; its filter compiled by libpcap
#   deploy/voipwatch.service        systemd-analyze verify, and security --offline under a threshold
#   scripts/*.sh            ShellCheck
#
# Needs: npm ci (devDependencies dclint, dockerfile-utils, dockerfile-ast; tsx), shellcheck,
# systemd-analyze, cc and libpcap-dev (scripts/install-test-deps.sh installs the Debian ones).
# The Dockerfile's RUN commands themselves are executed by scripts/dockerfile-commands-check.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

# systemd-analyze security's exposure scale times ten: 30 = 3.0, the top of its "OK" band.
# The unit scores 2.2 today.
readonly MAX_SYSTEMD_EXPOSURE=30

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failed=()

# step NAME COMMAND...: runs one check, prints its output indented, and its time. The checks
# below end with `|| return 1` on every command that can fail: errexit does not apply inside
# a function called from an `||` list.
step() {
  local name="$1"; shift
  local t0 t1 rc=0
  t0=$(date +%s%N)
  "$@" >"$work/out" 2>&1 || rc=$?
  t1=$(date +%s%N)
  local secs
  secs=$(awk -v ns=$((t1 - t0)) 'BEGIN { printf "%.1f", ns / 1e9 }')
  if [ "$rc" -eq 0 ]; then echo "ok   $name (${secs} s)"; else echo "FAIL $name (${secs} s, exit $rc)"; failed+=("$name"); fi
  sed 's/^/     /' "$work/out"
}

need() { # need COMMAND HINT
  command -v "$1" >/dev/null 2>&1 || { echo "$1 is missing: $2"; return 1; }
}

lint_dockerfile() { node scripts/deploy/lint-dockerfile.mjs --run-bodies "$work/run" Dockerfile; }

shellcheck_run_lines() {
  need shellcheck "apt-get install shellcheck (scripts/install-test-deps.sh)" || return 1
  [ -d "$work/run" ] || { echo "no RUN bodies (the Dockerfile lint did not get that far)"; return 1; }
  shellcheck --severity=style "$work"/run/*.sh || return 1
  echo "$(find "$work/run" -name '*.sh' | wc -l) RUN bodies: clean"
}

shellcheck_scripts() {
  need shellcheck "apt-get install shellcheck (scripts/install-test-deps.sh)" || return 1
  shellcheck --severity=style scripts/*.sh || return 1
  echo "$(find scripts -maxdepth 1 -name '*.sh' | wc -l) scripts: clean"
}

dclint_compose() {
  [ -x node_modules/.bin/dclint ] || { echo "node_modules/.bin/dclint is missing: npm ci (devDependency dclint)"; return 1; }
  node_modules/.bin/dclint --max-warnings 0 --color false docker-compose.yml || return 1
  echo "docker-compose.yml: schema and rules clean"
}

check_compose() { node --import tsx scripts/deploy/check-compose.mjs docker-compose.yml deploy/.env.example; }

check_sensor_config() {
  need cc "apt-get install gcc" || return 1
  [ -f /usr/include/pcap/pcap.h ] || { echo "libpcap headers missing: apt-get install libpcap-dev"; return 1; }
  cc -Wall -Wextra -Werror -O1 -o "$work/bpf-compile" scripts/deploy/bpf-compile.c -lpcap || return 1
  BPF_COMPILE="$work/bpf-compile" node --import tsx scripts/deploy/check-sensor-config.mjs
}

systemd_verify() {
  need systemd-analyze "apt-get install systemd" || return 1
  # verify reports unknown keys and bad values as warnings with exit status 0: any output fails.
  local out
  out="$(systemd-analyze verify deploy/voipwatch.service 2>&1)" || { echo "$out"; return 1; }
  [ -z "$out" ] || { echo "$out"; return 1; }
  echo "deploy/voipwatch.service: verified"
}

systemd_security() {
  need systemd-analyze "apt-get install systemd" || return 1
  local out rc=0
  out="$(systemd-analyze security --offline=true --threshold="$MAX_SYSTEMD_EXPOSURE" --no-pager deploy/voipwatch.service 2>&1)" || rc=$?
  if [ "$rc" -ne 0 ]; then echo "$out"; echo "exposure above $MAX_SYSTEMD_EXPOSURE (x10): harden the unit or justify raising the threshold"; return 1; fi
  echo "$out" | grep -F 'Overall exposure level' || return 1
}

healthcheck_syntax() { node --check deploy/healthcheck.mjs && echo "deploy/healthcheck.mjs: parses"; }

echo "== deployment checks"
step "Dockerfile: dockerfile-utils + project rules" lint_dockerfile
step "Dockerfile: shellcheck on RUN lines" shellcheck_run_lines
step "docker-compose.yml: dclint (schema, style)" dclint_compose
step "docker-compose.yml: variables, capabilities, ports, sensor settings" check_compose
step "voipwatch.example.yaml: sensor loader, BPF filters, variable names" check_sensor_config
step "voipwatch.service: systemd-analyze verify" systemd_verify
step "voipwatch.service: systemd-analyze security <= $MAX_SYSTEMD_EXPOSURE" systemd_security
step "healthcheck.mjs: syntax" healthcheck_syntax
step "scripts/*.sh: shellcheck" shellcheck_scripts

if [ ${#failed[@]} -gt 0 ]; then
  echo "deployment checks failed: ${failed[*]}"
  exit 1
fi
echo "deployment checks passed"
