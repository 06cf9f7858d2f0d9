import type { Queryable } from './pool.js';
import { prepared } from './pool.js';
import { USER_COLUMNS, toUser, type User } from './users.js';
import { channelLive } from './visibility.js';

/** A channel anyone may open: a live account by handle, in any case (users_handle_key). */
export async function findChannelByHandle(db: Queryable, handle: string): Promise<User | null> {
  const { rows } = await db.query(prepared(
    'find-channel-by-handle',
    `SELECT ${USER_COLUMNS} FROM users u WHERE u.handle = lower($1) AND ${channelLive()}`,
    [handle],
  ));
  return rows[0] ? toUser(rows[0]) : null;
}
