#!/usr/bin/env bash
# Executes the Dockerfile's commands on this machine, without a Docker engine, so that a typo
# in a RUN line fails CI: apt-get installs (for real, as root), npm ci with pcap's native
# build, the bundle, npm prune, each in a scratch copy of the stage; then smoke tests of the
# runtime stage's layout (the command, the pcap binding, the healthcheck). RUN lines marked
# `# dockerfile-commands-check: skip` are reported and not run (the runtime user and the
# node binary's file capabilities would change this machine). Meant for Debian bookworm, like
# the images; details in scripts/deploy/run-dockerfile.mjs.
#
#   scripts/dockerfile-commands-check.sh [--keep]     # --keep leaves the scratch stages
set -euo pipefail
cd "$(dirname "$0")/.."
exec node scripts/deploy/run-dockerfile.mjs "$@" Dockerfile
