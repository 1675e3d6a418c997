/**
 * Where the API listens, and whether that is allowed: loopback by default; any other address
 * only with TLS, or with an explicit `--insecure-listen` (a TLS-terminating proxy in front).
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { VoipwatchError } from '../errors.ts';

export interface ListenSettings { host: string; port: number; https: { key: Buffer; cert: Buffer } | null }

const isLoopback = (host: string): boolean => host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);

export function resolveListen(listen: string, tls: { certFile?: string | null; keyFile?: string | null }, insecure: boolean, where = '--listen'): ListenSettings {
  const m = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(listen);
  if (!m || Number(m[2]) > 65_535) throw new VoipwatchError('ERR_CONFIG', `${where}: expected host:port, not ${JSON.stringify(listen)}`);
  const host = m[1].replace(/^\[|\]$/g, '');
  if (!isLoopback(host) && isIP(host) === 0 && host !== 'localhost') throw new VoipwatchError('ERR_CONFIG', `${where}: listen on an IP address, not a name (${host})`);
  if ((tls.certFile && !tls.keyFile) || (!tls.certFile && tls.keyFile)) throw new VoipwatchError('ERR_CONFIG', 'TLS needs both the certificate and the key file');
  let https: ListenSettings['https'] = null;
  if (tls.certFile && tls.keyFile) {
    try {
      https = { cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) };
    } catch (cause) {
      throw new VoipwatchError('ERR_CONFIG', `cannot read the TLS certificate or key: ${(cause as Error).message}`, { cause });
    }
  }
  if (!isLoopback(host) && !https && !insecure) {
    throw new VoipwatchError('ERR_CONFIG', `${where}: refusing to serve the API on ${host} without TLS — give a certificate and key, or --insecure-listen when a TLS proxy sits in front`);
  }
  return { host, port: Number(m[2]), https };
}
