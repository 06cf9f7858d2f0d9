import type { PoolClient } from './pool.js';
import type { ReportKind } from '../forms/report.js';
import { tellNobody, type Tell } from '../notifications/tell.js';

/**
 * Closing a queue item (issue 13, item 2): an action on a reported thing (dismiss, remove the
 * comment, take the video down, warn or ban its author) resolves the open item about it and
 * every open report in it, inside the action's own transaction, so the action, the item and the
 * reporters' view of their reports (/settings/reports) change together or not at all.
 */

export interface ResolutionTarget { kind: ReportKind; id: number }

export interface ResolutionOutcome {
  /** 'handled': a moderator acted on the thing; 'dismissed': reviewed, nothing done. */
  status: 'handled' | 'dismissed';
  moderatorId: number;
  /** What was done ('dismiss', 'comment.remove', 'video.takedown', 'user.warn', 'user.ban'). */
  action: string;
}

/**
 * Sets the open item about `target` and all its open reports to `outcome` (status, handled_at,
 * handled_by; the action on the item). Returns the item's id, or 0 when nothing about the
 * target is open (never reported, or resolved by someone else first: not an error, the action
 * still stands).
 *
 * Lock order: the item's row first, then its reports, as saveReport (src/db/reports.ts) writes
 * them, so a resolution and a report of the same thing at the same moment never deadlock; they
 * run one after the other. A report that locked the item first is committed before this reads
 * the reports (a new statement, a new snapshot in READ COMMITTED), so it is resolved with the
 * group. A report that comes while this holds the lock waits; when this commits, the row it
 * waited for is no longer open (report_items_open_target_key no longer holds it), so its
 * INSERT … ON CONFLICT inserts a new open item: the report is never lost into a closed group.
 * Callers lock their own rows (a comment, an account) before calling this; reports lock
 * nothing else, so no cycle can form.
 *
 * Each reporter of the item is told it was handled (`tell`: the acting route's; a test that
 * resolves reports alone tells nobody).
 */
export async function resolveReportsAbout(client: PoolClient, target: ResolutionTarget, outcome: ResolutionOutcome, tell: Tell = tellNobody): Promise<number> {
  const locked = await client.query<{ id: number }>(
    `SELECT id FROM report_items WHERE target_kind = $1 AND target_id = $2 AND status = 'open' FOR UPDATE`,
    [target.kind, target.id],
  );
  const itemId = locked.rows[0]?.id;
  if (itemId === undefined) return 0;
  await resolveLockedItem(client, itemId, outcome, tell);
  return itemId;
}

/**
 * The same for an item known by its id (the item page): locks it, and resolves it only if it is
 * still open. Returns whether it was.
 */
export async function resolveReportItem(client: PoolClient, itemId: number, outcome: ResolutionOutcome, tell: Tell = tellNobody): Promise<boolean> {
  const locked = await client.query(`SELECT id FROM report_items WHERE id = $1 AND status = 'open' FOR UPDATE`, [itemId]);
  if (locked.rowCount !== 1) return false;
  await resolveLockedItem(client, itemId, outcome, tell);
  return true;
}

async function resolveLockedItem(client: PoolClient, itemId: number, outcome: ResolutionOutcome, tell: Tell): Promise<void> {
  // reports_item_idx finds the item's reports.
  const reports = await client.query<{ reporter_id: number }>(
    `UPDATE reports SET status = $2, handled_at = now(), handled_by = $3 WHERE item_id = $1 AND status = 'open' RETURNING reporter_id`,
    [itemId, outcome.status, outcome.moderatorId],
  );
  const item = await client.query<{ target_kind: ReportKind }>(
    `UPDATE report_items SET status = $2, handled_at = now(), handled_by = $3, action = $4 WHERE id = $1 RETURNING target_kind`,
    [itemId, outcome.status, outcome.moderatorId, outcome.action],
  );
  // The notification names only the kind of thing and the outcome, never the thing: what was
  // reported may be taken down or removed by this very act, and the reporter may see it no
  // longer (kind 'report_handled' points at nothing, so it is always made). No actor: the
  // reporter is not told which moderator; the acting moderator, had they reported it too, is
  // not told of their own act. In id order, as every resolution takes the reporters' mail
  // jobs (one waiting job per person) in the same order.
  const detail = { targetKind: item.rows[0]!.target_kind, outcome: outcome.status === 'handled' ? 'action_taken' : 'dismissed' };
  for (const reporterId of [...new Set(reports.rows.map((r) => Number(r.reporter_id)))].sort((a, b) => a - b)) {
    if (reporterId !== outcome.moderatorId) await tell(client, { userId: reporterId, kind: 'report_handled', detail });
  }
}
