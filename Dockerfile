# Minimal image for offline analysis; the live-sensor image (libpcap, capabilities,
# HEALTHCHECK) arrives with the sensor.
FROM node:22-bookworm-slim
WORKDIR /opt/voipwatch
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY bin ./bin
COPY src ./src
COPY parsers ./parsers
COPY alerts ./alerts
USER node
ENTRYPOINT ["node", "/opt/voipwatch/bin/voipwatch.js"]
CMD ["help"]
