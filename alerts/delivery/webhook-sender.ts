/**
 * One HTTP(S) POST per attempt to a webhook destination, over a keep-alive connection.
 *
 * What an answer means (the outbox retries or gives up on that basis):
 *   2xx                      delivered
 *   408, 425, 429, 5xx       retry; Retry-After (seconds or an HTTP date) is honoured, capped
 *   any other status         refused for good: retrying the same body cannot help
 *   timeout, refused, reset  retry
 * The timeout covers the whole attempt (connect, send, the answer). At most 4 KiB of the
 * answer is kept (shown by `voipwatch alerts test`); the rest is read and discarded. Errors
 * never carry the URL's credentials, the secret or a token.
 */
import { readFileSync } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { signBody } from './signature.ts';
import { VOIPWATCH_VERSION } from '../../src/version.ts';
import type { AlertEvent, AlertSender, SendResult, WebhookDestination } from '../alert-event.ts';

export type RenderBody = (event: AlertEvent) => { body: string; contentType: string; headers: Record<string, string> };

/** Answer bytes kept for the result. */
const MAX_ANSWER_BYTES = 4096;
/** The longest Retry-After honoured (a receiver asking for a day is asking to be given up on). */
const MAX_RETRY_AFTER_MS = 3_600_000;

const isRetryableStatus = (status: number): boolean => status === 408 || status === 425 || status === 429 || status >= 500;

/** Retry-After: delay-seconds or an HTTP-date (RFC 9110 §10.2.3); anything else is ignored. */
export function parseRetryAfter(value: string | undefined, nowMs = Date.now()): number | null {
  if (!value) return null;
  const v = value.trim();
  if (/^\d{1,10}$/.test(v)) return Math.min(Number(v) * 1000, MAX_RETRY_AFTER_MS);
  const at = Date.parse(v);
  if (!Number.isFinite(at) || !/[A-Za-z]/.test(v)) return null;
  return Math.min(Math.max(0, at - nowMs), MAX_RETRY_AFTER_MS);
}

export class WebhookSender implements AlertSender {
  private readonly url: URL;
  private readonly agent: HttpAgent | HttpsAgent;
  private readonly request: typeof httpRequest;

  constructor(private readonly dest: WebhookDestination, private readonly render: RenderBody) {
    this.url = new URL(dest.url);
    const https = this.url.protocol === 'https:';
    // One connection per destination: requests go one at a time, in order.
    this.agent = https
      ? new HttpsAgent({ keepAlive: true, maxSockets: 1, ...(dest.caFile ? { ca: readFileSync(dest.caFile) } : {}) })
      : new HttpAgent({ keepAlive: true, maxSockets: 1 });
    this.request = (https ? httpsRequest : httpRequest) as typeof httpRequest;
  }

  send(event: AlertEvent): Promise<SendResult> {
    let rendered: ReturnType<RenderBody>;
    try { rendered = this.render(event); } catch (err) {
      return Promise.resolve({ ok: false, retry: false, status: null, retryAfterMs: null, error: `cannot render the alert: ${(err as Error).message}`, body: '' });
    }
    return this.post(rendered.body, rendered.contentType, rendered.headers, event.event_id);
  }

  /** One signed POST of any body (alerts, weekly reports), with its idempotency key. */
  post(text: string, contentType: string, extraHeaders: Record<string, string>, idempotencyKey: string): Promise<SendResult> {
    const body = Buffer.from(text, 'utf8');
    const headers: Record<string, string | number> = {
      ...this.dest.headers,
      ...extraHeaders,
      'content-type': contentType,
      'content-length': body.length,
      'user-agent': `voipwatch/${VOIPWATCH_VERSION}`,
      'idempotency-key': idempotencyKey,
      'x-voipwatch-event-id': idempotencyKey,
    };
    const ts = Math.floor(Date.now() / 1000);
    headers['x-voipwatch-timestamp'] = String(ts);
    if (this.dest.secret) headers['x-voipwatch-signature'] = signBody(this.dest.secret, ts, text);
    if (this.url.username || this.url.password) {
      headers.authorization ??= `Basic ${Buffer.from(`${decodeURIComponent(this.url.username)}:${decodeURIComponent(this.url.password)}`).toString('base64')}`;
    }

    return new Promise<SendResult>((resolve) => {
      let settled = false;
      const finish = (r: SendResult) => { if (!settled) { settled = true; clearTimeout(timer); resolve(r); } };
      const req = this.request({
        protocol: this.url.protocol, hostname: this.url.hostname.replace(/^\[|\]$/g, ''), port: this.url.port || undefined,
        path: `${this.url.pathname}${this.url.search}`, method: 'POST', headers, agent: this.agent,
      }, (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        res.on('data', (c: Buffer) => { if (kept < MAX_ANSWER_BYTES) { chunks.push(c.subarray(0, MAX_ANSWER_BYTES - kept)); kept += Math.min(c.length, MAX_ANSWER_BYTES - kept); } });
        res.on('error', (err) => finish({ ok: false, retry: true, status: res.statusCode ?? null, retryAfterMs: null, error: `answer broken off: ${describe(err)}`, body: '' }));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const answer = Buffer.concat(chunks).toString('utf8');
          if (status >= 200 && status < 300) return finish({ ok: true, status, body: answer });
          const retry = isRetryableStatus(status);
          const retryAfter = res.headers['retry-after'];
          finish({ ok: false, retry, status, retryAfterMs: retry ? parseRetryAfter(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter) : null, error: `HTTP ${status}`, body: answer });
        });
      });
      const timer = setTimeout(() => {
        finish({ ok: false, retry: true, status: null, retryAfterMs: null, error: `no answer within ${this.dest.delivery.timeoutMs} ms`, body: '' });
        req.destroy();
      }, this.dest.delivery.timeoutMs);
      req.on('error', (err) => finish({ ok: false, retry: true, status: null, retryAfterMs: null, error: describe(err), body: '' }));
      req.end(body);
    });
  }

  async close(): Promise<void> { this.agent.destroy(); }
}

/** The error's code and message, without anything from the request (URL credentials, headers). */
function describe(err: Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code ? `${code}: ${err.message.replace(/\S+@\S+/g, '<redacted>')}` : err.message.replace(/\S+@\S+/g, '<redacted>');
}
