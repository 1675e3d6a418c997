/**
 * How a receiver knows a webhook came from this sensor, unchanged and not replayed. Every
 * request carries:
 *
 *   X-Voipwatch-Timestamp: <unix seconds of this attempt>
 *   X-Voipwatch-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
 *   Idempotency-Key:       <event_id>   (the same on every attempt of one alert firing)
 *
 * The timestamp is inside the MAC, so a captured request cannot be replayed later than the
 * receiver's tolerance; the idempotency key lets a receiver drop the repeat of an at-least-once
 * delivery. Several `v1=` values, comma-separated, are accepted while keys rotate.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-voipwatch-signature';
export const TIMESTAMP_HEADER = 'x-voipwatch-timestamp';
export const DEFAULT_TOLERANCE_SEC = 300;

const mac = (secret: string, timestampSec: number | string, body: string | Buffer): Buffer =>
  createHmac('sha256', secret).update(`${timestampSec}.`).update(body).digest();

/** The X-Voipwatch-Signature value for one attempt. */
export const signBody = (secret: string, timestampSec: number, body: string): string => `v1=${mac(secret, timestampSec, body).toString('hex')}`;

export interface VerifyOptions {
  secret: string;
  timestamp: string | undefined;
  signature: string | undefined;
  body: string | Buffer;
  toleranceSec?: number;
  nowSec?: number;
}

export function verifySignature(o: VerifyOptions): { ok: true } | { ok: false; reason: string } {
  if (!o.timestamp || !/^\d{1,12}$/.test(o.timestamp)) return { ok: false, reason: 'missing or malformed timestamp' };
  if (!o.signature) return { ok: false, reason: 'missing signature' };
  const now = o.nowSec ?? Date.now() / 1000;
  if (Math.abs(now - Number(o.timestamp)) > (o.toleranceSec ?? DEFAULT_TOLERANCE_SEC)) return { ok: false, reason: 'timestamp outside the tolerance (stale or replayed)' };
  const expected = mac(o.secret, o.timestamp, o.body);
  for (const part of o.signature.split(',')) {
    const m = /^\s*v1=([0-9a-f]{64})\s*$/.exec(part);
    if (m && timingSafeEqual(Buffer.from(m[1], 'hex'), expected)) return { ok: true };
  }
  return { ok: false, reason: 'signature does not match' };
}
