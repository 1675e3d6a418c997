/**
 * Headers on every answer: a strict Content-Security-Policy (scripts and styles from this
 * origin only, no inline code; the printable report may carry its own inline <style> and never
 * a script), no sniffing, no framing, no referrer, and no caching of API answers.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

export const CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; "
  + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export const REPORT_CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; base-uri 'none'; form-action 'none'";

/** A route sets this (internal) header to be answered under the report's policy. */
export const REPORT_HEADER = 'x-report-csp';

export function securityHeaders(tls: boolean) {
  return async (req: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> => {
    const isReport = reply.getHeader(REPORT_HEADER) !== undefined;
    reply.removeHeader(REPORT_HEADER);
    reply.header('content-security-policy', isReport ? REPORT_CONTENT_SECURITY_POLICY : CONTENT_SECURITY_POLICY);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.header('cross-origin-opener-policy', 'same-origin');
    reply.header('cross-origin-resource-policy', 'same-origin');
    reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=()');
    if (tls) reply.header('strict-transport-security', 'max-age=31536000');
    if (req.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
    return payload;
  };
}
