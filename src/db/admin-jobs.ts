import { insertAuditEntry } from './audit-log.js';
import type { PoolClient, Queryable } from './pool.js';
import type { VideoState } from './visibility.js';

/*
 * The processing jobs as administrators see them (/admin/jobs and the dashboard, issue 13 items
 * 7 and 8). Waiting and running jobs are pg-boss's rows (pgboss.job, its layout fixed for its
 * major version 10, as src/db/jobs.ts reads it too); failed processing is the videos whose
 * status is 'failed': a file ffprobe or ffmpeg refused ends its job as completed (trying again
 * cannot help, src/jobs/handlers/process-video.ts), so pg-boss's 'failed' state alone would miss
 * those. Each failed video is shown with its last job when pg-boss still keeps it (the job
 * table, then the archive, for 7 days by default), for the attempts and ffmpeg's last lines.
 */

/** Rows per list on the page: the oldest waiting first, the newest failures first. */
export const JOBS_SHOWN = 50;

export type JobState = 'created' | 'retry' | 'active' | 'completed' | 'cancelled' | 'failed';

export interface JobVideo {
  id: number;
  publicId: string;
  title: string;
  status: string;
  failureReason: string | null;
  ownerId: number;
  ownerHandle: string;
  access: VideoState & { ownerId: number };
}

export interface AdminJob {
  id: string;
  state: JobState;
  /** Runs started so far (pg-boss counts a retry when it is fetched again). */
  attempts: number;
  retryLimit: number;
  createdOn: Date;
  startedOn: Date | null;
  startAfter: Date;
  completedOn: Date | null;
  /** The message of the last failed run, with ffmpeg's last lines (runFfmpeg puts them in it). */
  error: string | null;
}

export interface JobRow {
  job: AdminJob | null;
  video: JobVideo | null;
}

const JOB_COLUMNS = `j.id, j.state, j.retry_count, j.retry_limit, j.created_on, j.started_on, j.start_after, j.completed_on, j.output ->> 'message' AS error`;
const VIDEO_COLUMNS = `v.id AS video_id, v.public_id, v.title, v.status, v.failure_reason, v.owner_id, v.visibility, v.moderation,
  u.handle AS owner_handle, (u.deleted_at IS NULL AND u.banned_at IS NULL) AS owner_live`;

function toJob(r: Record<string, any>): AdminJob {
  return {
    id: r.id,
    state: r.state,
    attempts: r.started_on ? Number(r.retry_count) + 1 : Number(r.retry_count),
    retryLimit: Number(r.retry_limit),
    createdOn: r.created_on,
    startedOn: r.started_on,
    startAfter: r.start_after,
    completedOn: r.completed_on,
    error: r.error ?? null,
  };
}

function toVideo(r: Record<string, any>): JobVideo | null {
  if (r.video_id === null || r.video_id === undefined) return null;
  return {
    id: Number(r.video_id),
    publicId: r.public_id,
    title: r.title,
    status: r.status,
    failureReason: r.failure_reason,
    ownerId: Number(r.owner_id),
    ownerHandle: r.owner_handle,
    access: { ownerId: Number(r.owner_id), visibility: r.visibility, status: r.status, moderation: r.moderation, ownerLive: r.owner_live },
  };
}

/**
 * Jobs of `queue` in `states`, oldest first, with their video (null when it was deleted: the
 * job then ends without work, "No video, maybe deleted?"). The job table is partitioned by
 * queue name, so only the processing queue's partition is read.
 */
export async function listVideoJobs(db: Queryable, queue: string, states: JobState[], limit = JOBS_SHOWN): Promise<JobRow[]> {
  const { rows } = await db.query(
    `SELECT ${JOB_COLUMNS}, ${VIDEO_COLUMNS}
     FROM pgboss.job j
     LEFT JOIN videos v ON v.id = (j.data ->> 'videoId')::bigint
     LEFT JOIN users u ON u.id = v.owner_id
     WHERE j.name = $1 AND j.state = ANY($2::pgboss.job_state[])
     ORDER BY j.created_on, j.id
     LIMIT $3`,
    [queue, states, limit],
  );
  return rows.map((r) => ({ job: toJob(r), video: toVideo(r) }));
}

/** Failed videos, newest failure first, each with its last processing job if pg-boss still keeps it. */
export async function listFailedVideos(db: Queryable, queue: string, limit = JOBS_SHOWN): Promise<JobRow[]> {
  const { rows } = await db.query(
    `SELECT ${VIDEO_COLUMNS} FROM videos v JOIN users u ON u.id = v.owner_id
     WHERE v.status = 'failed' ORDER BY v.updated_at DESC, v.id DESC LIMIT $1`,
    [limit],
  );
  const videos = rows.map((r) => toVideo(r)!);
  if (videos.length === 0) return [];
  const { rows: jobs } = await db.query(
    `SELECT DISTINCT ON (video_id) * FROM (
       SELECT ${JOB_COLUMNS}, (j.data ->> 'videoId')::bigint AS video_id FROM pgboss.job j
       WHERE j.name = $1 AND (j.data ->> 'videoId')::bigint = ANY($2::bigint[])
       UNION ALL
       SELECT ${JOB_COLUMNS}, (j.data ->> 'videoId')::bigint AS video_id FROM pgboss.archive j
       WHERE j.name = $1 AND (j.data ->> 'videoId')::bigint = ANY($2::bigint[])
     ) last ORDER BY video_id, created_on DESC`,
    [queue, videos.map((v) => v.id)],
  );
  const byVideo = new Map(jobs.map((j) => [Number(j.video_id), toJob(j)]));
  return videos.map((video) => ({ video, job: byVideo.get(video.id) ?? null }));
}

export interface JobCounts {
  waiting: number;
  running: number;
  /** Videos whose processing failed (retryable by their creator or an administrator). */
  failed: number;
}

/** The dashboard's figures: one pass over the processing queue's partition, one count of failed videos. */
export async function countVideoJobs(db: Queryable, queue: string): Promise<JobCounts> {
  const { rows } = await db.query<{ waiting: string; running: string; failed: string }>(
    `SELECT count(*) FILTER (WHERE j.state IN ('created', 'retry')) AS waiting,
            count(*) FILTER (WHERE j.state = 'active') AS running,
            (SELECT count(*) FROM videos WHERE status = 'failed') AS failed
     FROM pgboss.job j WHERE j.name = $1 AND j.state < 'completed'`,
    [queue],
  );
  return { waiting: Number(rows[0]!.waiting), running: Number(rows[0]!.running), failed: Number(rows[0]!.failed) };
}

/**
 * A job of `queue` with its video id and owner, locked for the cancelling transaction (a worker
 * finishing it meanwhile waits, and the state read is the one cancelled); null when pg-boss has
 * no such job (any more: finished jobs are archived after a while).
 */
export async function findJobForUpdate(client: PoolClient, queue: string, jobId: string): Promise<{ id: string; state: JobState; videoId: number | null; ownerId: number | null } | null> {
  const { rows } = await client.query(
    `SELECT j.id, j.state, v.id AS video_id, v.owner_id FROM pgboss.job j
     LEFT JOIN videos v ON v.id = (j.data ->> 'videoId')::bigint
     WHERE j.name = $1 AND j.id = $2::uuid FOR UPDATE OF j`,
    [queue, jobId],
  );
  const r = rows[0];
  return r ? { id: r.id, state: r.state, videoId: r.video_id === null ? null : Number(r.video_id), ownerId: r.owner_id === null ? null : Number(r.owner_id) } : null;
}

/** What a cancelled video shows its creator; they may retry it. */
export const CANCELLED_REASON = 'Processing was stopped by an administrator. You can try again.';

/**
 * After its job is cancelled, a video still waiting for processing is failed with a reason its
 * creator can read and retry; a playable one stays ready with what it has (as markFailed).
 */
export async function failCancelledVideo(client: PoolClient, videoId: number): Promise<{ before: string; after: string } | null> {
  const { rows } = await client.query<{ before: string; after: string }>(
    `UPDATE videos v SET status = CASE WHEN old.status = 'ready' THEN 'ready' ELSE 'failed' END,
       failure_reason = CASE WHEN old.status = 'ready' THEN v.failure_reason ELSE $2 END, updated_at = now()
     FROM (SELECT id, status FROM videos WHERE id = $1 FOR UPDATE) old
     WHERE v.id = old.id RETURNING old.status AS before, v.status AS after`,
    [videoId, CANCELLED_REASON],
  );
  return rows[0] ?? null;
}

/** A job action's record: the video as target (the job's id in before/after), its owner as the person affected. */
export async function recordJobAction(client: PoolClient, entry: { actorId: number; action: 'job.retry' | 'job.cancel'; videoId: number | null; jobId: string | null; ownerId: number | null; before: unknown; after: unknown }): Promise<void> {
  // A job whose video was deleted is recorded by its own id: there is no video to name.
  await insertAuditEntry(client, {
    actorId: entry.actorId,
    action: entry.action,
    targetKind: entry.videoId === null ? 'job' : 'video',
    targetId: entry.videoId ?? entry.jobId ?? '-',
    subjectUserId: entry.ownerId,
    reason: null,
    note: null,
    before: entry.before,
    after: entry.after,
  });
}
