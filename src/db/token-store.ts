/**
 * API tokens kept in the database: only each token's sha256 is stored; the token itself is shown once, when created.
 * A token has a scope (`read`: what the hub's read token grants; `admin`: that and the write routes), an optional
 * expiry, and can be revoked. Both adapters (SQLite, PostgreSQL) keep the same `api_tokens` table.
 */
import { createHash, randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { PostgresStorage } from './postgres-storage.js';
import { SqliteStorage } from './sqlite-storage.js';
import type { Storage } from './storage.js';

export type TokenScope = 'admin' | 'read';

export interface TokenRecord {
  id: string;
  name: string | null;
  scope: TokenScope;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

/** What a presented token turned out to be. */
export type TokenCheck =
  | { status: 'valid'; token: TokenRecord }
  | { status: 'expired' | 'revoked'; token: TokenRecord }
  | { status: 'unknown' };

export interface TokenStore {
  /** Creates a token; the returned `token` is the only time it exists outside the caller. */
  create(input: {
    scope: TokenScope;
    name: string | null;
    expiresAt: number | null;
  }): Promise<{ token: string; record: TokenRecord }>;
  list(): Promise<TokenRecord[]>;
  /** False when no token has this id (revoking twice is fine). */
  revoke(id: string): Promise<boolean>;
  check(token: string): Promise<TokenCheck>;
  /** A token by id with its stored sha256 (what a browser session derived from it is checked against); null if none. */
  byId(id: string): Promise<{ check: TokenCheck; sha256: string } | null>;
}

/** Tokens start with this, so a leaked one is recognisable (secret scanners, logs). */
export const TOKEN_PREFIX = 'chb_';

export function tokenSha256(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

function newToken(): { id: string; token: string } {
  return {
    id: randomBytes(6).toString('hex'),
    token: `${TOKEN_PREFIX}${randomBytes(24).toString('base64url')}`,
  };
}

type Row = Record<string, unknown>;

const iso = (v: unknown): string | null =>
  v === null || v === undefined
    ? null
    : v instanceof Date
      ? v.toISOString()
      : new Date(Number(v)).toISOString();

function toRecord(r: Row): TokenRecord {
  return {
    id: String(r.id),
    name: (r.name as string | null) ?? null,
    scope: r.scope as TokenScope,
    createdAt: iso(r.created_at) ?? '',
    expiresAt: iso(r.expires_at),
    revokedAt: iso(r.revoked_at),
    lastUsedAt: iso(r.last_used_at),
  };
}

function judge(r: Row | undefined, now: number): TokenCheck {
  if (!r) return { status: 'unknown' };
  const token = toRecord(r);
  if (token.revokedAt !== null) return { status: 'revoked', token };
  if (token.expiresAt !== null && Date.parse(token.expiresAt) <= now) return { status: 'expired', token };
  return { status: 'valid', token };
}

class SqliteTokenStore implements TokenStore {
  constructor(private readonly db: Database.Database) {}

  async byId(id: string): Promise<{ check: TokenCheck; sha256: string } | null> {
    const row = this.db.prepare('SELECT * FROM api_tokens WHERE id = ?').get(id) as Row | undefined;
    return row ? { check: judge(row, Date.now()), sha256: String(row.token_sha256) } : null;
  }

  async create(input: { scope: TokenScope; name: string | null; expiresAt: number | null }) {
    const { id, token } = newToken();
    this.db
      .prepare(
        'INSERT INTO api_tokens (id, name, scope, token_sha256, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(id, input.name, input.scope, tokenSha256(token), Date.now(), input.expiresAt);
    return {
      token,
      record: toRecord(this.db.prepare('SELECT * FROM api_tokens WHERE id = ?').get(id) as Row),
    };
  }

  async list(): Promise<TokenRecord[]> {
    return (this.db.prepare('SELECT * FROM api_tokens ORDER BY created_at, id').all() as Row[]).map(toRecord);
  }

  async revoke(id: string): Promise<boolean> {
    const r = this.db
      .prepare('UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?')
      .run(Date.now(), id);
    return r.changes === 1;
  }

  async check(token: string): Promise<TokenCheck> {
    const row = this.db.prepare('SELECT * FROM api_tokens WHERE token_sha256 = ?').get(tokenSha256(token)) as
      Row | undefined;
    const result = judge(row, Date.now());
    // Written at most once a minute: a read-heavy hub should not write on every request.
    if (result.status === 'valid')
      this.db
        .prepare(
          'UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)',
        )
        .run(Date.now(), result.token.id, Date.now() - 60_000);
    return result;
  }
}

class PostgresTokenStore implements TokenStore {
  async byId(id: string): Promise<{ check: TokenCheck; sha256: string } | null> {
    const rows = await this.db.query('SELECT * FROM api_tokens WHERE id = $1', [id]);
    return rows[0] ? { check: judge(rows[0], Date.now()), sha256: String(rows[0].token_sha256) } : null;
  }

  constructor(private readonly db: PostgresStorage) {}

  async create(input: { scope: TokenScope; name: string | null; expiresAt: number | null }) {
    const { id, token } = newToken();
    const rows = await this.db.query(
      `INSERT INTO api_tokens (id, name, scope, token_sha256, expires_at)
       VALUES ($1, $2, $3, $4, CASE WHEN $5::bigint IS NULL THEN NULL ELSE to_timestamp($5::bigint / 1000.0) END) RETURNING *`,
      [id, input.name, input.scope, tokenSha256(token), input.expiresAt],
    );
    return { token, record: toRecord(rows[0]!) };
  }

  async list(): Promise<TokenRecord[]> {
    return (await this.db.query('SELECT * FROM api_tokens ORDER BY created_at, id')).map(toRecord);
  }

  async revoke(id: string): Promise<boolean> {
    const rows = await this.db.query(
      'UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, clock_timestamp()) WHERE id = $1 RETURNING id',
      [id],
    );
    return rows.length === 1;
  }

  async check(token: string): Promise<TokenCheck> {
    const rows = await this.db.query('SELECT * FROM api_tokens WHERE token_sha256 = $1', [
      tokenSha256(token),
    ]);
    const result = judge(rows[0], Date.now());
    if (result.status === 'valid')
      await this.db.query(
        `UPDATE api_tokens SET last_used_at = clock_timestamp()
         WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < clock_timestamp() - interval '1 minute')`,
        [result.token.id],
      );
    return result;
  }
}

/** The token store in the same database as `storage`. */
export function openTokenStore(storage: Storage): TokenStore {
  if (storage instanceof PostgresStorage) return new PostgresTokenStore(storage);
  if (storage instanceof SqliteStorage) return new SqliteTokenStore(storage.engine.db);
  throw new Error(`no token store for storage '${storage.kind}'`);
}

/** `30d`, `12h`, `45m`, `3600s` (or plain seconds) → milliseconds; null when it is not a duration. */
export function parseDuration(text: string): number | null {
  const m = /^(\d{1,9})([smhdw]?)$/.exec(text.trim());
  if (!m) return null;
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86400, w: 604800 }[m[2] as '' | 's' | 'm' | 'h' | 'd' | 'w'];
  const ms = Number(m[1]) * unit * 1000;
  return ms > 0 ? ms : null;
}
