#!/usr/bin/env node
// Container health probe: exit 0 when the sensor's /healthz answers 200 (capturing), 1 otherwise.
// Runs with node alone (the slim image has no curl or wget). The address is the sensor's:
// VOIPWATCH_HTTP_LISTEN (host:port, [v6]:port), default 127.0.0.1:9310. A wildcard listen
// address (0.0.0.0, ::) is probed on the loopback of the same family.
import { pathToFileURL } from 'node:url';

const TIMEOUT_MS = 4_000; // below the HEALTHCHECK --timeout of 5 s, so the probe reports its own failure

/** host:port as the sensor parses it (src/sensor/sensor-config.ts) → the URL to probe. */
export function healthUrl(listen = '127.0.0.1:9310') {
  const m = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(listen);
  if (!m) return null;
  let host = m[1];
  if (host === '0.0.0.0') host = '127.0.0.1';
  if (host === '[::]') host = '[::1]';
  return `http://${host}:${m[2]}/healthz`;
}

export async function probe(url, timeoutMs = TIMEOUT_MS) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    const body = (await res.text()).slice(0, 500);
    return { ok: res.status === 200, detail: `${res.status} ${body}` };
  } catch (err) {
    return { ok: false, detail: `${url}: ${err.cause?.code ?? err.name}: ${err.message}` };
  }
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const listen = process.env.VOIPWATCH_HTTP_LISTEN || '127.0.0.1:9310';
  const url = healthUrl(listen);
  if (!url) {
    console.log(`VOIPWATCH_HTTP_LISTEN is not host:port: ${JSON.stringify(listen)}`);
    process.exit(1);
  }
  const { ok, detail } = await probe(url);
  // Docker keeps the last lines of a probe's output in `docker inspect` (State.Health.Log).
  console.log(detail);
  process.exit(ok ? 0 : 1);
}
