import type { Lock, Locker, RequestRelease } from '@tus/server';
import type { Pool, PoolClient } from '../db/pool.js';

/**
 * The first key of every advisory lock taken here: upload ids are hashed (hashtext) into the
 * second key, and this one keeps them apart from any other advisory lock in the database.
 * Two ids hashing alike only wait for each other: a lock held too widely, never too narrowly.
 */
const UPLOAD_LOCK_SPACE = 0x7475_7301; // "tus" 1
/** How long a request waits for an upload another request holds before giving up (423, LOCK_HELD). */
export const LOCK_WAIT_MS = 20_000;
/**
 * The tus errors (status and text) of a lock not had, readable by the client: @tus/server's own
 * ERR_LOCK_TIMEOUT is a 500, which says "our fault" and which tus clients do not retry.
 */
export const LOCK_HELD = { status_code: 423, body: 'This upload is being sent by another request (perhaps one your client lost). Try again in a moment.\n' };
export const LOCKS_EXHAUSTED = { status_code: 503, body: 'Too many uploads are being sent to this server right now. Try again in a minute.\n' };
/** How often a waiting request tries the lock again. */
const LOCK_POLL_MS = 100;

/**
 * The tus Locker (@tus/utils Locker/Lock) on Postgres advisory locks, so that every web process
 * sharing the database sees the same locks; @tus/server's default MemoryLocker only sees its own
 * process. A held lock is a session-level `pg_advisory_lock` on its own connection, taken from
 * `pool` and kept until unlock (a lock belongs to the connection that took it, and a PATCH holds
 * it for as long as its bytes arrive). `pool` should be a pool of its own (app.ts makes one),
 * so that uploads under way never take the connections pages need. Should the process die, the
 * connection closes and Postgres releases its locks.
 *
 * As @tus/server's MemoryLocker does: a request that finds the upload locked asks the holder to
 * let go (`requestRelease`: a PATCH stops reading, keeps what arrived and unlocks; how a client
 * resuming after a dropped connection takes over from its own half-open request) and tries again
 * every LOCK_POLL_MS until LOCK_WAIT_MS, or until its request is aborted. A holder in another
 * process is asked through NOTIFY on RELEASE_CHANNEL, which every locker that has taken a lock
 * LISTENs to (one connection per process, opened with the first lock).
 */
export class PgLocker implements Locker {
  /** The release callbacks of the locks this process holds, by upload id. */
  readonly held = new Map<string, RequestRelease>();
  private listener: Promise<PoolClient> | null = null;

  constructor(readonly pool: Pool, readonly waitMs = LOCK_WAIT_MS) {}

  newLock(id: string): Lock {
    return new PgLock(this, id);
  }

  /** Asks whoever holds `id`, in this process or another, to let go. */
  async askRelease(id: string, client: PoolClient): Promise<void> {
    const local = this.held.get(id);
    if (local) return void (await local());
    await client.query('SELECT pg_notify($1, $2)', [RELEASE_CHANNEL, id]);
  }

  /** Stops listening (its connection goes back to the pool); the locks held stay until unlocked. */
  async close(): Promise<void> {
    const listener = this.listener;
    this.listener = null;
    const client = await listener?.catch(() => null);
    if (!client) return;
    await client.query(`UNLISTEN ${RELEASE_CHANNEL}`).catch(() => {});
    client.removeAllListeners('notification');
    client.release();
  }

  /** Starts listening for other processes' requests to let go, once; again after a lost connection. */
  listen(): void {
    if (this.listener) return;
    const listener = (async () => {
      const client = await this.pool.connect();
      client.on('error', () => {
        if (this.listener === listener) this.listener = null;
        client.release(true);
      });
      client.on('notification', (message) => {
        if (message.channel === RELEASE_CHANNEL && message.payload) void this.held.get(message.payload)?.();
      });
      await client.query(`LISTEN ${RELEASE_CHANNEL}`);
      return client;
    })();
    this.listener = listener;
    listener.catch(() => {
      if (this.listener === listener) this.listener = null;
    });
  }
}

/** Where a request waiting for an upload's lock asks its holder, in any process, to let go. */
const RELEASE_CHANNEL = 'tubestead_upload_lock_release';

class PgLock implements Lock {
  private client: PoolClient | null = null;

  constructor(private readonly locker: PgLocker, private readonly id: string) {}

  async lock(signal: AbortSignal, requestRelease: RequestRelease): Promise<void> {
    const deadline = Date.now() + this.locker.waitMs;
    this.locker.listen();
    let client: PoolClient;
    try {
      // Waits at most the pool's connectionTimeoutMillis for a connection when all are taken.
      client = await this.locker.pool.connect();
    } catch {
      throw LOCKS_EXHAUSTED;
    }
    try {
      for (;;) {
        if (signal.aborted) throw LOCK_HELD;
        const { rows } = await client.query('SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked', [UPLOAD_LOCK_SPACE, this.id]);
        if (rows[0].locked) break;
        await this.locker.askRelease(this.id, client);
        if (Date.now() + LOCK_POLL_MS > deadline) throw LOCK_HELD;
        await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
      }
    } catch (err) {
      client.release();
      throw err;
    }
    // A database restart while the lock is held must not crash the process: a checked-out
    // client's 'error' has no other listener. The request fails on its next query instead.
    client.on('error', ignoreError);
    this.client = client;
    this.locker.held.set(this.id, requestRelease);
  }

  async unlock(): Promise<void> {
    const client = this.client;
    if (!client) throw new Error('Releasing an unlocked lock!');
    this.client = null;
    this.locker.held.delete(this.id);
    client.off('error', ignoreError);
    try {
      await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [UPLOAD_LOCK_SPACE, this.id]);
      client.release();
    } catch (err) {
      // Not sure the lock went: the connection is closed rather than returned, which releases it.
      client.release(err instanceof Error ? err : new Error(String(err)));
    }
  }
}

function ignoreError(): void {}
