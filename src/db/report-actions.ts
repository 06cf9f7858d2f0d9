import { insertAuditEntry } from './audit-log.js';
import { banAccountWith, type BanAction, type BanTarget } from './bans.js';
import { removeCommentWith, type Removal } from './comment-moderation.js';
import type { Pool, PoolClient } from './pool.js';
import { withTransaction } from './pool.js';
import { resolveReportsAbout, type ResolutionOutcome } from './report-resolution.js';
import type { ReportItem } from './report-items.js';
import { insertWarning } from './warnings.js';
import type { Tell } from '../notifications/tell.js';

/**
 * The actions of a queue item's page (issue 13, item 2): dismiss, remove the comment, warn or
 * ban the author. Each is one transaction: the action with its audit row, then the item and
 * all its open reports resolved (resolveReportsAbout). Every action takes its locks in the same
 * order (the thing acted on, then the item, then the item's reports: saveReport's order too),
 * so two moderators, or a moderator and a reporter, never deadlock.
 *
 * Claims do not block anyone. If the item was closed meanwhile (another moderator acted first),
 * the resolution finds no open item about the thing, or a newer one, and the whole action is
 * rolled back: 'closed', nothing written. The page then shows what the other moderator did.
 * The item's reporters are told in the same transaction (`tell`), so a rolled-back action tells
 * nobody.
 */

export type ActionOutcome = 'done' | 'closed' | 'gone' | 'refused';

/** Thrown inside the transaction to roll back an action on an item no longer open. */
class ItemClosed extends Error {}

async function onOpenItem(pool: Pool, item: Pick<ReportItem, 'id' | 'kind' | 'targetId'>, tell: Tell, act: (client: PoolClient) => Promise<{ outcome: ActionOutcome; resolved?: number; resolution?: ResolutionOutcome }>): Promise<ActionOutcome> {
  try {
    return await withTransaction(pool, async (client) => {
      const done = await act(client);
      if (done.outcome !== 'done') return done.outcome;
      const itemId = done.resolved ?? await resolveReportsAbout(client, { kind: item.kind, id: item.targetId }, done.resolution!, tell);
      if (itemId !== item.id) throw new ItemClosed();
      return 'done';
    });
  } catch (err) {
    if (err instanceof ItemClosed) return 'closed';
    throw err;
  }
}

export interface ItemAction {
  moderatorId: number;
  reason: string;
  note: string | null;
}

/** Closes the item with nothing done ('dismissed'), recording 'report.dismiss' (target: the item). */
export async function dismissReportItem(pool: Pool, item: ReportItem, action: ItemAction, tell: Tell): Promise<ActionOutcome> {
  return onOpenItem(pool, item, tell, async (client) => {
    await insertAuditEntry(client, {
      actorId: action.moderatorId, action: 'report.dismiss', targetKind: 'report', targetId: item.id, subjectUserId: null,
      reason: action.reason, note: action.note,
      before: { status: 'open', kind: item.kind, targetId: item.targetId, reports: item.reportCount }, after: { status: 'dismissed' },
    });
    return { outcome: 'done', resolution: { status: 'dismissed', moderatorId: action.moderatorId, action: 'dismiss' } };
  });
}

/**
 * Removes the reported comment through the moderators' removal (removeCommentWith: "[removed]"
 * or gone, counters, the 'comment.remove' audit row), which resolves the comment's open item.
 * 'gone' when the comment is already deleted (dismiss the item instead).
 */
export async function removeCommentOfItem(pool: Pool, item: ReportItem, removal: Removal, tell: Tell): Promise<ActionOutcome> {
  if (item.kind !== 'comment') throw new Error('removeCommentOfItem: not a comment item');
  return onOpenItem(pool, item, tell, async (client) => {
    const { outcome, itemId } = await removeCommentWith(client, removal, tell);
    if (outcome === 'nothing') return { outcome: 'gone' };
    return { outcome: 'done', resolved: itemId };
  });
}

/**
 * Warns the item's author: a warnings row (shown to them until they acknowledge it) and the
 * 'user.warn' audit row (the person as subject: their history), the item 'handled'. 'gone' for a
 * deleted account; 'refused' when `allowed` says no.
 */
export async function warnAuthorOfItem(pool: Pool, item: ReportItem, warning: ItemAction & { message: string }, allowed: (target: { id: number }) => boolean, tell: Tell): Promise<ActionOutcome> {
  return onOpenItem(pool, item, tell, async (client) => {
    const { rows } = await client.query<{ id: number }>('SELECT id FROM users WHERE id = $1 AND deleted_at IS NULL', [item.owner.id]);
    if (!rows[0]) return { outcome: 'gone' };
    if (!allowed(rows[0])) return { outcome: 'refused' };
    const warningId = await insertWarning(client, { userId: item.owner.id, moderatorId: warning.moderatorId, itemId: item.id, reason: warning.reason, message: warning.message, note: warning.note });
    await insertAuditEntry(client, {
      actorId: warning.moderatorId, action: 'user.warn', targetKind: 'user', targetId: item.owner.id, subjectUserId: item.owner.id,
      reason: warning.reason, note: warning.note, before: null, after: { warning: warningId, message: warning.message, item: item.id },
    });
    return { outcome: 'done', resolution: { status: 'handled', moderatorId: warning.moderatorId, action: 'user.warn' } };
  });
}

/** Bans the item's author (banAccountWith: the ban page's own function and rule, its 'user.ban' row), the item 'handled'. */
export async function banAuthorOfItem(pool: Pool, item: ReportItem, ban: BanAction, allowed: (target: BanTarget) => boolean, tell: Tell): Promise<ActionOutcome> {
  return onOpenItem(pool, item, tell, async (client) => {
    const outcome = await banAccountWith(client, ban, allowed);
    if (outcome !== 'banned') return { outcome };
    return { outcome: 'done', resolution: { status: 'handled', moderatorId: ban.actorId, action: 'user.ban' } };
  });
}
