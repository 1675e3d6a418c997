# syntax=docker/dockerfile:1
#
# voipwatch: the live sensor (default command) and the offline analyzer, in one image.
#
#   docker build -t voipwatch .
#   docker run -d --name voipwatch --network host --init --stop-timeout 60 \
#     --cap-drop ALL --cap-add NET_RAW --cap-add NET_ADMIN \
#     -e VOIPWATCH_INTERFACES=eth1 -v voipwatch-data:/var/lib/voipwatch voipwatch
#
# or `docker compose up -d` with docker-compose.yml (a ClickHouse server beside it).
#
# Every RUN line below is also executed on a Debian bookworm machine by
# scripts/dockerfile-commands-check.sh (CI), so a typo fails CI before anyone builds the image.
# A RUN that can only run inside an image is marked `# dockerfile-commands-check: skip <why>`.

ARG NODE_MAJOR=22

# ---------------------------------------------------------------------------------------------
# Build stage: compilers and headers for the pcap package's native addon, the bundle, then
# `npm prune` so only production dependencies are copied into the runtime stage.
FROM node:${NODE_MAJOR}-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ libpcap-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/voipwatch
COPY package.json package-lock.json ./
# Scripts are skipped at `npm ci`: the project's own `prepare` (the bundle) needs the sources,
# which are copied below so that this layer stays cached until the lockfile changes. Then only
# pcap's install script runs, explicitly: it is the one dependency that has to compile
# (chdb and esbuild ship prebuilt binaries in their platform packages). node-gyp is pointed at
# the headers that come with this node (…/include/node), so the build downloads nothing.
# package.json `allowScripts` lists pcap for npm 11's install-script policy.
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npm_config_nodedir="$(dirname "$(dirname "$(command -v node)")")" npm rebuild pcap --foreground-scripts \
 && node -e "require('pcap')"
COPY bin ./bin
COPY scripts/build.mjs ./scripts/build.mjs
COPY src ./src
COPY parsers ./parsers
COPY alerts ./alerts
RUN node scripts/build.mjs \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

# ---------------------------------------------------------------------------------------------
# Runtime stage: node, libpcap's shared library, no compilers.
FROM node:${NODE_MAJOR}-bookworm-slim AS runtime
# libpcap0.8: the library the pcap addon links to. libcap2-bin: setcap below, and getpcaps /
# capsh for checking a running container's capabilities.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpcap0.8 libcap2-bin \
 && rm -rf /var/lib/apt/lists/*

# Capture rights for a non-root container.
#
# The sensor refuses to run as root, and Docker cannot give a non-root process ambient
# capabilities (`--cap-add` only fills the bounding set; a non-root process starts with an
# empty effective set). So the node binary carries file capabilities: every process running
# it gains CAP_NET_RAW + CAP_NET_ADMIN if, and only if, the container's bounding set holds them.
# What that implies, and why it is accepted here:
#   - Any node script in this image, not only the sensor, gets capture rights. The image runs
#     one program as one user, and the sensor process (the one that parses hostile packets)
#     needs them anyway, so nothing is granted that the sensor does not already have.
#   - The container must be started with `--cap-add NET_RAW --cap-add NET_ADMIN` (compose:
#     cap_add). Without NET_ADMIN the kernel refuses to exec node at all ("operation not
#     permitted"): every command of this image, `analyze` and the HEALTHCHECK included, fails
#     at once instead of running half-privileged. For an analyze-only image, build with
#     `--build-arg CAPTURE_CAPS=` (no file capabilities; no --cap-add needed).
#   - no-new-privileges (`--security-opt no-new-privileges`, Kubernetes
#     `allowPrivilegeEscalation: false`) disables file capabilities: capture then fails with a
#     permission error and /healthz answers 503. Do not set it for this image.
#   - A process with file capabilities runs in secure-execution mode: the dynamic loader drops
#     LD_* variables and node ignores NODE_OPTIONS and NODE_EXTRA_CA_CERTS (use
#     VOIPWATCH_CLICKHOUSE_CA_FILE for a private CA).
# The alternative without file capabilities is to start as root and drop to the user with
# ambient capabilities (`setpriv --reuid=voipwatch --ambient-caps +net_raw,+net_admin ...`),
# which keeps no-new-privileges usable but makes the container's PID 1 start as root; the
# systemd unit (deploy/voipwatch.service) takes that route, through AmbientCapabilities=.
ARG CAPTURE_CAPS=cap_net_raw,cap_net_admin+eip
ARG SENSOR_UID=10001
# dockerfile-commands-check: skip adds a system user and sets file capabilities on node, both changes to the machine the check runs on
RUN groupadd --system --gid "${SENSOR_UID}" voipwatch \
 && useradd --system --uid "${SENSOR_UID}" --gid voipwatch --home-dir /var/lib/voipwatch \
      --no-create-home --shell /usr/sbin/nologin voipwatch \
 && install -d -o voipwatch -g voipwatch -m 0750 /var/lib/voipwatch \
 && if [ -n "${CAPTURE_CAPS}" ]; then \
      setcap "${CAPTURE_CAPS}" "$(readlink -f "$(command -v node)")" \
      && getcap "$(readlink -f "$(command -v node)")"; \
    fi

WORKDIR /opt/voipwatch
# Owned by root and read-only to the sensor's user: a compromised sensor cannot rewrite itself.
# src/, parsers/ and alerts/ come along because bin/voipwatch.js runs the bundle only while it
# is newer than them (COPY keeps the build stage's modification times).
COPY --from=build /opt/voipwatch/package.json ./package.json
COPY --from=build /opt/voipwatch/node_modules ./node_modules
COPY --from=build /opt/voipwatch/src ./src
COPY --from=build /opt/voipwatch/parsers ./parsers
COPY --from=build /opt/voipwatch/alerts ./alerts
COPY --from=build /opt/voipwatch/bin ./bin
COPY --from=build /opt/voipwatch/dist ./dist
COPY deploy/healthcheck.mjs ./deploy/healthcheck.mjs

ENV NODE_ENV=production \
    VOIPWATCH_DATA_DIR=/var/lib/voipwatch
# The embedded store, and the spool where batches wait while a ClickHouse server is down.
VOLUME /var/lib/voipwatch
# /metrics and /healthz. The sensor listens on 127.0.0.1:9310 unless VOIPWATCH_HTTP_LISTEN
# says otherwise: with --network host (a sensor needs the host's interfaces) that is the host's
# loopback; set VOIPWATCH_HTTP_LISTEN=0.0.0.0:9310 for a scraper on another machine.
EXPOSE 9310
# Numeric, so Kubernetes' runAsNonRoot can verify it without reading /etc/passwd.
USER ${SENSOR_UID}:${SENSOR_UID}
# Healthy while capturing (the sensor's /healthz answers 200). Node's own fetch: no curl here.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "/opt/voipwatch/deploy/healthcheck.mjs"]
# SIGTERM makes the sensor flush to the store; give it time (docker run --stop-timeout 60,
# compose stop_grace_period) before the SIGKILL.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "/opt/voipwatch/bin/voipwatch.js"]
CMD ["sensor"]
