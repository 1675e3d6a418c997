/** JSON schema pieces and request helpers shared by the API's route plugins. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MAX_PAGE } from './queries.ts';

export const list = (v: string | undefined): string[] | undefined => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined);
export const limitOf = (v: number | undefined): number => Math.min(Math.max(1, v ?? 50), MAX_PAGE);

export const pageSchema = { type: 'object', properties: { items: { type: 'array', items: { type: 'object', additionalProperties: true } }, next_cursor: { type: ['string', 'null'] } } };
export const anyObject = { type: 'object', additionalProperties: true };
export const errorSchema = { type: 'object', properties: { error: { type: 'string' }, code: { type: 'string' } } };
export const timeRange = { from: { type: 'string', format: 'date-time' }, to: { type: 'string', format: 'date-time' } };
export const paging = { limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE }, cursor: { type: 'string', maxLength: 512 } };
export const text = (max = 200) => ({ type: 'string', maxLength: max });
export const responses = (ok: object) => ({ 200: ok, 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema });
export const itemsOf = { type: 'object', properties: { items: { type: 'array', items: anyObject } } };
/** An alert's or allowlist entry's id. */
export const idParams = { type: 'object', properties: { id: { type: 'string', pattern: '^[0-9a-f]{16}$' } } };

/** preHandler of every route that changes something. */
export async function needWrite(req: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (req.principal?.scope !== 'write') await reply.code(403).send({ error: 'this needs a token or user with the write scope', code: 'ERR_FORBIDDEN' });
}

export const actorOf = (req: FastifyRequest): string => req.principal!.name;
