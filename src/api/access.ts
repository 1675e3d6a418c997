/**
 * Who may use the API and the dashboard.
 *
 * - API tokens: `vw_<id>_<secret>`, 16 hex of id and 43 characters of base64url secret (256
 *   bits). Only SHA-256 of the secret is stored: a random 256-bit secret needs no slow hash,
 *   and a lookup by id keeps verification one hash and one constant-time compare.
 * - Dashboard users: a name and a password hashed with scrypt (N=2^15, r=8, p=1): a password
 *   a person chose can be guessed, so its hash must be slow.
 * - Sessions: a random 256-bit id in an HttpOnly, SameSite=Strict cookie, held in memory with
 *   an idle and an absolute expiry, plus a CSRF token that non-GET requests must echo.
 */
import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { tableRef } from '../store/schema.ts';
import { toClickHouseTime } from '../store/rows.ts';
import { VoipwatchError } from '../errors.ts';
import type { Store } from '../store/store.ts';

export type Scope = 'read' | 'write';
export interface Principal { name: string; scope: Scope; kind: 'token' | 'user' }

type StoreAccess = Pick<Store, 'client' | 'layout'>;

const scrypt = promisify(scryptCb) as (password: string, salt: Buffer, keylen: number, opts: { N: number; r: number; p: number; maxmem: number }) => Promise<Buffer>;
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const TOKEN = /^vw_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
const USER_NAME = /^[A-Za-z0-9_.@-]{1,64}$/;
const sha256 = (s: string): Buffer => createHash('sha256').update(s).digest();

export interface TokenRecord { tokenId: string; name: string; scope: Scope; createdAt: number; actor: string }

export async function createToken(store: StoreAccess, name: string, scope: Scope, actor: string, now = Date.now() / 1000): Promise<{ token: string; record: TokenRecord }> {
  if (!/^[\x20-\x7e]{1,100}$/.test(name)) throw new VoipwatchError('ERR_TOKEN', 'a token name is 1-100 printable characters');
  const tokenId = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  await store.client.insert({
    table: tableRef(store.layout, 'api_tokens'), format: 'JSONEachRow',
    values: [{ token_id: tokenId, name, scope, token_sha256: sha256(secret).toString('hex'), actor, created_at: toClickHouseTime(now), revoked: 0, updated_at: toClickHouseTime(now) }],
  });
  return { token: `vw_${tokenId}_${secret}`, record: { tokenId, name, scope, createdAt: now, actor } };
}

export async function listTokens(store: StoreAccess): Promise<TokenRecord[]> {
  const rs = await store.client.query({
    query: `SELECT token_id, name, scope, actor, created_at FROM ${tableRef(store.layout, 'api_tokens')} FINAL WHERE revoked = 0 ORDER BY created_at`,
    format: 'JSONEachRow',
  });
  const rows = await rs.json<{ token_id: string; name: string; scope: Scope; actor: string; created_at: string }>();
  return rows.map((r) => ({ tokenId: r.token_id, name: r.name, scope: r.scope, actor: r.actor, createdAt: Date.parse(`${r.created_at.replace(' ', 'T')}Z`) / 1000 }));
}

export async function revokeToken(store: StoreAccess, tokenId: string, now = Date.now() / 1000): Promise<boolean> {
  const rs = await store.client.query({
    query: `SELECT token_id, name, scope, token_sha256, actor, created_at FROM ${tableRef(store.layout, 'api_tokens')} FINAL WHERE token_id = {id:String} AND revoked = 0`,
    query_params: { id: tokenId }, format: 'JSONEachRow',
  });
  const [row] = await rs.json<Record<string, unknown>>();
  if (!row) return false;
  await store.client.insert({ table: tableRef(store.layout, 'api_tokens'), format: 'JSONEachRow', values: [{ ...row, revoked: 1, updated_at: toClickHouseTime(now) }] });
  return true;
}

export async function addUser(store: StoreAccess, name: string, password: string, scope: Scope, actor: string, now = Date.now() / 1000): Promise<void> {
  if (!USER_NAME.test(name)) throw new VoipwatchError('ERR_USER', 'a user name is 1-64 of A-Z a-z 0-9 _ . @ -');
  if (password.length < 12) throw new VoipwatchError('ERR_USER', 'a password needs at least 12 characters');
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, 32, SCRYPT);
  await store.client.insert({
    table: tableRef(store.layout, 'users'), format: 'JSONEachRow',
    values: [{ name, scope, scrypt_hash: `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${hash.toString('base64')}`, actor, created_at: toClickHouseTime(now), disabled: 0, updated_at: toClickHouseTime(now) }],
  });
}

/** Verifies tokens and passwords against the store, caching verified tokens briefly (one store query per token a minute). */
export class AccessControl {
  private readonly tokenCache = new Map<string, { principal: Principal | null; until: number }>();
  /** a constant-time compare against this when the user does not exist, so timing says nothing */
  private readonly dummyHash = `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${randomBytes(16).toString('base64')}$${randomBytes(32).toString('base64')}`;

  constructor(private readonly store: StoreAccess) {}

  async verifyToken(token: string): Promise<Principal | null> {
    const m = TOKEN.exec(token);
    if (!m) return null;
    const now = Date.now();
    const cached = this.tokenCache.get(token);
    if (cached && cached.until > now) return cached.principal;
    const rs = await this.store.client.query({
      query: `SELECT name, scope, token_sha256 FROM ${tableRef(this.store.layout, 'api_tokens')} FINAL WHERE token_id = {id:String} AND revoked = 0`,
      query_params: { id: m[1] }, format: 'JSONEachRow',
    });
    const [row] = await rs.json<{ name: string; scope: Scope; token_sha256: string }>();
    const ok = row !== undefined && timingSafeEqual(Buffer.from(row.token_sha256, 'hex'), sha256(m[2]));
    const principal: Principal | null = ok ? { name: `token:${row.name}`, scope: row.scope, kind: 'token' } : null;
    if (this.tokenCache.size > 10_000) this.tokenCache.clear();
    this.tokenCache.set(token, { principal, until: now + 60_000 });
    return principal;
  }

  async verifyPassword(name: string, password: string): Promise<Principal | null> {
    let row: { scope: Scope; scrypt_hash: string } | undefined;
    if (USER_NAME.test(name) && password.length <= 1024) {
      const rs = await this.store.client.query({
        query: `SELECT scope, scrypt_hash FROM ${tableRef(this.store.layout, 'users')} FINAL WHERE name = {name:String} AND disabled = 0`,
        query_params: { name }, format: 'JSONEachRow',
      });
      [row] = await rs.json<{ scope: Scope; scrypt_hash: string }>();
    }
    const [, n, r, p, salt, hash] = (row?.scrypt_hash ?? this.dummyHash).split('$');
    const computed = await scrypt(password.slice(0, 1024), Buffer.from(salt, 'base64'), 32, { N: Number(n), r: Number(r), p: Number(p), maxmem: SCRYPT.maxmem });
    const ok = timingSafeEqual(computed, Buffer.from(hash, 'base64'));
    return ok && row ? { name, scope: row.scope, kind: 'user' } : null;
  }
}

export interface Session { id: string; csrf: string; principal: Principal; created: number; seen: number }

/** Dashboard sessions, in memory (a restart signs everyone out, which is acceptable here). */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  constructor(private readonly idleMs = 8 * 3600_000, private readonly maxAgeMs = 24 * 3600_000, private readonly maxSessions = 10_000) {}

  create(principal: Principal): Session {
    if (this.sessions.size >= this.maxSessions) this.sweep();
    if (this.sessions.size >= this.maxSessions) this.sessions.delete(this.sessions.keys().next().value as string);
    const now = Date.now();
    const s: Session = { id: randomBytes(32).toString('base64url'), csrf: randomBytes(24).toString('base64url'), principal, created: now, seen: now };
    this.sessions.set(s.id, s);
    return s;
  }

  get(id: string | undefined): Session | null {
    if (!id) return null;
    const s = this.sessions.get(id);
    if (!s) return null;
    const now = Date.now();
    if (now - s.seen > this.idleMs || now - s.created > this.maxAgeMs) { this.sessions.delete(id); return null; }
    s.seen = now;
    return s;
  }

  delete(id: string): void { this.sessions.delete(id); }

  private sweep(): void {
    const now = Date.now();
    for (const [id, s] of this.sessions) if (now - s.seen > this.idleMs || now - s.created > this.maxAgeMs) this.sessions.delete(id);
  }
}

/** A password a person can type but not guess: 24 base64url characters (144 bits). */
export const generatePassword = (): string => randomBytes(18).toString('base64url');
