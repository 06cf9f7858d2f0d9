import type { PoolClient } from './pool.js';
import { prepared } from './pool.js';

/**
 * The audit log (sql/migrations/1763683200940_audit-log.sql): one row per moderation or
 * administration action, append-only (the database refuses updates and deletes). Each action
 * writes its row with the same client, inside the transaction that makes the change, so the
 * change and its record are committed together or not at all. Issue 13 adds the other actions
 * and the pages that read it.
 */

/** What was acted on; issue 13 adds 'video', 'user', 'role', 'report', 'settings'. */
export type AuditTargetKind = 'comment' | 'role' | 'user' | 'video' | 'job' | 'report'
  | 'settings';

/** Actions recorded so far. */
export type AuditAction = 'comment.remove' | 'role.create' | 'role.update' | 'role.delete' | 'role.grant' | 'role.revoke' | 'user.ban' | 'user.unban' | 'user.delete' | 'job.retry' | 'job.cancel'
  | 'report.claim' | 'report.release' | 'report.dismiss' | 'user.warn'
  | 'user.limits' | 'comment.approve'
  | 'settings.update' | 'user.approve' | 'user.reject'
  | 'video.takedown' | 'video.restore' | 'video.approve' | 'video.reject' | 'appeal.submit' | 'appeal.restore' | 'appeal.uphold';

export interface AuditEntry {
  actorId: number | null;
  action: AuditAction;
  targetKind: AuditTargetKind;
  targetId: string | number;
  /** The person affected: shown the reason, and found in their history. */
  subjectUserId: number | null;
  reason: string | null;
  note: string | null;
  before: unknown;
  after: unknown;
}

/** Appends an entry, with the client of the action's own transaction; its id. */
export async function insertAuditEntry(client: PoolClient, entry: AuditEntry): Promise<number> {
  const { rows } = await client.query<{ id: number }>(prepared(
    'insert-audit-entry',
    `INSERT INTO audit_log (actor_id, action, target_kind, target_id, subject_user_id, reason, note, before, after)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
    [
      entry.actorId, entry.action, entry.targetKind, String(entry.targetId), entry.subjectUserId, entry.reason, entry.note,
      entry.before === null || entry.before === undefined ? null : JSON.stringify(entry.before),
      entry.after === null || entry.after === undefined ? null : JSON.stringify(entry.after),
    ],
  ));
  return rows[0]!.id;
}
