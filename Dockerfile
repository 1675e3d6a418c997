# Minimal image for offline analysis; the live-sensor image (libpcap, capabilities,
# HEALTHCHECK) arrives with the sensor.
FROM node:22-bookworm-slim
WORKDIR /opt/voipwatch
COPY package.json package-lock.json ./
# Install scripts are skipped here and the bundle is built below, once the sources are in.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund
COPY bin ./bin
COPY scripts/build.mjs ./scripts/build.mjs
COPY src ./src
COPY parsers ./parsers
COPY alerts ./alerts
RUN node scripts/build.mjs
ENV VOIPWATCH_DATA_DIR=/var/lib/voipwatch
RUN mkdir -p /var/lib/voipwatch && chown node:node /var/lib/voipwatch
VOLUME /var/lib/voipwatch
USER node
ENTRYPOINT ["node", "/opt/voipwatch/bin/voipwatch.js"]
CMD ["help"]
