import pg from 'pg';
import type { Pool, Queryable } from './pool.js';

/*
 * pg-boss 10 has no heartbeat: a job whose worker died stays 'active' until it expires. Liveness
 * is kept here instead, with a Postgres advisory lock per video held on the worker's own
 * connection for as long as it works: the lock goes when the process or its host dies (Postgres
 * drops the connection), and while it is held no second run of the same video can start.
 */

const VIDEO_LOCK_SPACE = 7_105_302n << 32n;
const videoLockKey = (videoId: number) => String(VIDEO_LOCK_SPACE + BigInt(videoId));

export interface VideoLock {
  release(): Promise<void>;
}

/** Takes the video's processing lock on a connection of its own, or returns null when another worker holds it. */
export async function tryLockVideo(databaseUrl: string, videoId: number): Promise<VideoLock | null> {
  const client = new pg.Client({ connectionString: databaseUrl, keepAlive: true, application_name: 'tubestead-worker-lock' });
  client.on('error', () => {});
  await client.connect();
  try {
    // Let the server notice a vanished host within about a minute instead of hours.
    await client.query('SET tcp_keepalives_idle = 20; SET tcp_keepalives_interval = 10; SET tcp_keepalives_count = 3').catch(() => {});
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS locked', [videoLockKey(videoId)]);
    if (!rows[0]?.locked) {
      await client.end();
      return null;
    }
  } catch (err) {
    await client.end().catch(() => {});
    throw err;
  }
  return { release: () => client.end() };
}

/** Is some live connection holding the video's lock? */
async function isVideoLocked(pool: Pool, videoId: number): Promise<boolean> {
  const client = await pool.connect();
  try {
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS locked', [videoLockKey(videoId)]);
    if (rows[0]?.locked) {
      await client.query('SELECT pg_advisory_unlock($1::bigint)', [videoLockKey(videoId)]);
      return false;
    }
    return true;
  } finally {
    client.release();
  }
}

/**
 * Active jobs of `queue` whose worker is gone: started more than `graceSeconds` ago (a job
 * takes its lock within milliseconds of starting) and nobody holds their video's lock.
 * Reads pg-boss's own job table, whose layout is fixed for its major version 10.
 */
export async function findOrphanedJobs(pool: Pool, queue: string, graceSeconds: number): Promise<{ jobId: string; videoId: number }[]> {
  const { rows } = await pool.query<{ id: string; video_id: number }>(
    `SELECT id, (data ->> 'videoId')::bigint AS video_id FROM pgboss.job
     WHERE name = $1 AND state = 'active' AND started_on < now() - make_interval(secs => $2)`,
    [queue, graceSeconds],
  );
  const orphaned: { jobId: string; videoId: number }[] = [];
  for (const row of rows) {
    if (!(await isVideoLocked(pool, row.video_id))) orphaned.push({ jobId: row.id, videoId: row.video_id });
  }
  return orphaned;
}

/** A job's state in pg-boss now ('cancelled' once an administrator stopped it); null once archived. */
export async function findJobState(db: Queryable, jobId: string): Promise<string | null> {
  const { rows } = await db.query<{ state: string }>('SELECT state FROM pgboss.job WHERE id = $1::uuid', [jobId]);
  return rows[0]?.state ?? null;
}
