import type { Queryable } from './pool.js';

/*
 * The mail queue as administrators see it (/admin/mail): pg-boss's rows of the mail queue
 * (pgboss.job, then pgboss.archive once pg-boss moves finished jobs there; its layout is fixed
 * for its major version 10, as src/db/admin-jobs.ts reads it). The queue is partitioned by
 * name, so only the mail's partition is read.
 */

/** Messages listed: the ones waiting to be tried again, then the ones given up on, newest first. */
export const MAIL_SHOWN = 20;

export interface MailQueueCounts {
  /** Queued and not yet tried. */
  waiting: number;
  /** Refused or not delivered, to be tried again. */
  retrying: number;
  /** Given up on after every try, in the last 7 days. */
  failed: number;
  /** Handed to the server in the last 24 hours. */
  sent: number;
}

export interface QueuedMail {
  id: string;
  state: 'retry' | 'failed';
  to: string;
  subject: string;
  attempts: number;
  createdOn: Date;
  /** When it is tried next (retrying ones). */
  startAfter: Date;
  error: string | null;
}

export async function countMailQueue(db: Queryable, queue: string): Promise<MailQueueCounts> {
  const { rows } = await db.query<{ waiting: string; retrying: string; failed: string; sent: string }>(
    `SELECT count(*) FILTER (WHERE state IN ('created', 'active')) AS waiting,
            count(*) FILTER (WHERE state = 'retry') AS retrying,
            count(*) FILTER (WHERE state = 'failed' AND completed_on > now() - interval '7 days') AS failed,
            count(*) FILTER (WHERE state = 'completed' AND completed_on > now() - interval '1 day') AS sent
     FROM (SELECT state, completed_on FROM pgboss.job WHERE name = $1
           UNION ALL
           SELECT state, completed_on FROM pgboss.archive WHERE name = $1 AND completed_on > now() - interval '7 days') jobs`,
    [queue],
  );
  const r = rows[0]!;
  return { waiting: Number(r.waiting), retrying: Number(r.retrying), failed: Number(r.failed), sent: Number(r.sent) };
}

/** Messages waiting to be tried again, then those given up on in the last 7 days, each newest first. */
export async function listTroubledMail(db: Queryable, queue: string, limit = MAIL_SHOWN): Promise<QueuedMail[]> {
  const { rows } = await db.query(
    `SELECT id, state, data ->> 'to' AS "to", data ->> 'subject' AS subject, retry_count, started_on, created_on, start_after, output ->> 'message' AS error
     FROM (SELECT id, state, data, retry_count, started_on, created_on, start_after, completed_on, output FROM pgboss.job WHERE name = $1 AND state IN ('retry', 'failed')
           UNION ALL
           SELECT id, state, data, retry_count, started_on, created_on, start_after, completed_on, output FROM pgboss.archive WHERE name = $1 AND state = 'failed') jobs
     WHERE state = 'retry' OR completed_on > now() - interval '7 days'
     ORDER BY state = 'retry' DESC, created_on DESC
     LIMIT $2`,
    [queue, limit],
  );
  return rows.map((r) => ({
    id: r.id,
    state: r.state,
    to: r.to ?? '',
    subject: r.subject ?? '',
    attempts: r.started_on ? Number(r.retry_count) + 1 : Number(r.retry_count),
    createdOn: r.created_on,
    startAfter: r.start_after,
    error: r.error ?? null,
  }));
}
