import type { Pool, Queryable, PoolClient } from './pool.js';
import { prepared, withTransaction } from './pool.js';
import { insertAuditEntry } from './audit-log.js';

// An account's exceptions to the site's upload limits (upload_overrides, one row per account at
// most; no row is no exception). What they mean and how they combine with the site settings is
// src/settings/upload-limits.ts; this module only reads and writes rows.

/** Each limit set for this account alone; null follows the site setting. */
export interface UploadOverride {
  maxUploadBytes: number | null;
  uploadsPerDay: number | null;
  uploadBytesPerDay: number | null;
  storageQuotaBytes: number | null;
}

export const NO_OVERRIDE: UploadOverride = { maxUploadBytes: null, uploadsPerDay: null, uploadBytesPerDay: null, storageQuotaBytes: null };

interface Row { max_upload_bytes: string | null; uploads_per_day: number | null; upload_bytes_per_day: string | null; storage_quota_bytes: string | null }

const numberOrNull = (v: string | number | null) => (v === null ? null : Number(v));
const toOverride = (r: Row | undefined): UploadOverride => r
  ? { maxUploadBytes: numberOrNull(r.max_upload_bytes), uploadsPerDay: r.uploads_per_day, uploadBytesPerDay: numberOrNull(r.upload_bytes_per_day), storageQuotaBytes: numberOrNull(r.storage_quota_bytes) }
  : NO_OVERRIDE;

/** The account's exceptions (its primary key); NO_OVERRIDE without a row. */
export async function findUploadOverride(db: Queryable, userId: number): Promise<UploadOverride> {
  const { rows } = await db.query<Row>(prepared(
    'find-upload-override',
    'SELECT max_upload_bytes, uploads_per_day, upload_bytes_per_day, storage_quota_bytes FROM upload_overrides WHERE user_id = $1',
    [userId],
  ));
  return toOverride(rows[0]);
}

/**
 * Replaces the account's exceptions with the client of the caller's transaction (which writes the
 * audit row). Two administrators saving at once take turns (a transaction lock on the account:
 * a row not yet there cannot be locked), so each records the other's values as "before". All
 * null: the row goes. The exceptions as they were.
 */
async function replaceUploadOverride(client: PoolClient, userId: number, override: UploadOverride, actorId: number): Promise<UploadOverride> {
  await client.query("SELECT pg_advisory_xact_lock(hashtext('upload_overrides'), ($1::bigint % 2147483647)::int)", [userId]);
  const { rows } = await client.query<Row>(
    'SELECT max_upload_bytes, uploads_per_day, upload_bytes_per_day, storage_quota_bytes FROM upload_overrides WHERE user_id = $1',
    [userId],
  );
  const before = toOverride(rows[0]);
  if (Object.values(override).every((v) => v === null)) {
    await client.query('DELETE FROM upload_overrides WHERE user_id = $1', [userId]);
  } else {
    await client.query(
      `INSERT INTO upload_overrides (user_id, max_upload_bytes, uploads_per_day, upload_bytes_per_day, storage_quota_bytes, updated_by)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (user_id) DO UPDATE SET max_upload_bytes = excluded.max_upload_bytes, uploads_per_day = excluded.uploads_per_day,
         upload_bytes_per_day = excluded.upload_bytes_per_day, storage_quota_bytes = excluded.storage_quota_bytes,
         updated_at = now(), updated_by = excluded.updated_by`,
      [userId, override.maxUploadBytes, override.uploadsPerDay, override.uploadBytesPerDay, override.storageQuotaBytes, actorId],
    );
  }
  return before;
}

const sameOverride = (a: UploadOverride, b: UploadOverride) =>
  a.maxUploadBytes === b.maxUploadBytes && a.uploadsPerDay === b.uploadsPerDay && a.uploadBytesPerDay === b.uploadBytesPerDay && a.storageQuotaBytes === b.storageQuotaBytes;

/**
 * An administrator sets an account's exceptions (null: the site's setting), with the audit row
 * ('user.limits', the exceptions before and after) in the same transaction. 'unchanged' when the
 * form said what was already there (a resubmit: nothing written, no audit row); 'nothing' when
 * the account is deleted (its limits no longer matter, as its roles).
 */
export async function saveUploadOverride(pool: Pool, change: { actorId: number; userId: number; override: UploadOverride }): Promise<'changed' | 'unchanged' | 'nothing'> {
  return withTransaction(pool, async (client) => {
    const live = await client.query('SELECT 1 FROM users WHERE id = $1 AND deleted_at IS NULL FOR SHARE', [change.userId]);
    if (live.rowCount === 0) return 'nothing';
    const before = await replaceUploadOverride(client, change.userId, change.override, change.actorId);
    if (sameOverride(before, change.override)) return 'unchanged';
    await insertAuditEntry(client, {
      actorId: change.actorId,
      action: 'user.limits',
      targetKind: 'user',
      targetId: change.userId,
      subjectUserId: change.userId,
      reason: null,
      note: null,
      before,
      after: change.override,
    });
    return 'changed';
  });
}
