import type { Scope } from '../auth/api-tokens.js';
import { prepared, withTransaction, type Pool, type Queryable } from './pool.js';
import { VIEWER_COLUMNS, toViewerRow, type ViewerRow } from './roles.js';

/** Personal access tokens (table api_tokens, issue 15); the secret itself is never stored. */
export interface ApiToken {
  id: number;
  userId: number;
  name: string;
  scopes: Scope[];
  kind: 'personal' | 'sharex';
  /** The secret's first characters, to tell tokens apart on the settings page. */
  shownStart: string;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  lastUsedIp: string | null;
}

interface ApiTokenRow {
  id: number;
  user_id: number;
  name: string;
  scopes: Scope[];
  kind: 'personal' | 'sharex';
  shown_start: string;
  created_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
  last_used_ip: string | null;
}

const COLUMNS = 't.id, t.user_id, t.name, t.scopes, t.kind, t.shown_start, t.created_at, t.expires_at, t.last_used_at, t.last_used_ip';

function toApiToken(row: ApiTokenRow): ApiToken {
  return {
    id: Number(row.id), userId: Number(row.user_id), name: row.name, scopes: row.scopes, kind: row.kind, shownStart: row.shown_start,
    createdAt: row.created_at, expiresAt: row.expires_at, lastUsedAt: row.last_used_at, lastUsedIp: row.last_used_ip,
  };
}

/** Tokens one account may hold at once: enough for every tool, few enough to list on one page. */
export const MAX_TOKENS_PER_ACCOUNT = 50;

export interface NewApiToken {
  userId: number;
  name: string;
  scopes: Scope[];
  kind?: 'personal' | 'sharex';
  hash: Buffer;
  shownStart: string;
  expiresAt: Date | null;
}

/**
 * Stores a token, unless the account already holds MAX_TOKENS_PER_ACCOUNT (null then). The
 * account's row is locked first, in a statement of its own: the count that follows then reads
 * after any insert that held the lock before it, so two requests at once cannot both take the
 * last place (a lock taken inside the counting statement would not: its snapshot is older).
 */
export async function insertApiToken(pool: Pool, token: NewApiToken): Promise<ApiToken | null> {
  return withTransaction(pool, async (client) => {
    const { rowCount } = await client.query('SELECT 1 FROM users WHERE id = $1 FOR UPDATE', [token.userId]);
    if (!rowCount) return null;
    const { rows } = await client.query<ApiTokenRow>(
      `INSERT INTO api_tokens AS t (user_id, name, scopes, kind, token_hash, shown_start, expires_at)
       SELECT $1, $2, $3, $4, $5, $6, $7
       WHERE (SELECT count(*) FROM api_tokens WHERE user_id = $1) < $8
       RETURNING ${COLUMNS}`,
      [token.userId, token.name, token.scopes, token.kind ?? 'personal', token.hash, token.shownStart, token.expiresAt, MAX_TOKENS_PER_ACCOUNT],
    );
    return rows[0] ? toApiToken(rows[0]) : null;
  });
}

/** An account's tokens, newest first (api_tokens_user_idx), expired ones included. */
export async function listApiTokens(db: Queryable, userId: number): Promise<ApiToken[]> {
  const { rows } = await db.query<ApiTokenRow>(`SELECT ${COLUMNS} FROM api_tokens t WHERE t.user_id = $1 ORDER BY t.id DESC`, [userId]);
  return rows.map(toApiToken);
}

/** Revokes one of the account's tokens; false when it has no such token (revoked already). */
export async function deleteApiToken(db: Queryable, userId: number, tokenId: number): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM api_tokens WHERE user_id = $1 AND id = $2', [userId, tokenId]);
  return (rowCount ?? 0) > 0;
}

/** Revokes every token of the account; how many there were. */
export async function deleteApiTokensOf(db: Queryable, userId: number): Promise<number> {
  const { rowCount } = await db.query('DELETE FROM api_tokens WHERE user_id = $1', [userId]);
  return rowCount ?? 0;
}

/** A token found by its secret's hash, with its account as a request's viewer (deleted accounts: none). */
export interface TokenHolder {
  token: Pick<ApiToken, 'id' | 'scopes' | 'expiresAt' | 'kind'>;
  viewer: ViewerRow;
}

/** Every API request with a token asks this (api_tokens_token_hash_key, users_pkey). */
export async function findTokenHolder(db: Queryable, hash: Buffer): Promise<TokenHolder | null> {
  const { rows } = await db.query<ApiTokenRow & Parameters<typeof toViewerRow>[0] & { token_id: number }>(prepared(
    'find-token-holder',
    `SELECT t.id AS token_id, t.scopes, t.expires_at, t.kind, ${VIEWER_COLUMNS}
     FROM api_tokens t JOIN users u ON u.id = t.user_id
     WHERE t.token_hash = $1 AND u.deleted_at IS NULL`,
    [hash],
  ));
  const row = rows[0];
  if (!row) return null;
  return { token: { id: Number(row.token_id), scopes: row.scopes, expiresAt: row.expires_at, kind: row.kind }, viewer: toViewerRow(row) };
}

/**
 * Records a token's last use (time and client address). Written at most once a minute per
 * token, so that a busy script does not turn every read into a write.
 */
export async function touchApiToken(db: Queryable, tokenId: number, ip: string | null): Promise<void> {
  await db.query(prepared(
    'touch-api-token',
    `UPDATE api_tokens SET last_used_at = now(), last_used_ip = $2::inet
     WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute' OR last_used_ip IS DISTINCT FROM $2::inet)`,
    [tokenId, ip],
  ));
}
