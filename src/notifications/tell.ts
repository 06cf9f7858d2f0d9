import type { NewNotification } from '../db/notifications.js';
import type { Queryable } from '../db/pool.js';
import { notify, type NotifyDeps } from './notify.js';

/**
 * Telling someone, as an act that causes a notification sees it: notify() with its deps already
 * bound, called with the act's own transaction client, so that an act rolled back tells nobody.
 * The src/db functions of such acts take one; routes and the worker make it from their deps
 * (tellerOf), and a test's factory, which acts for nobody, passes tellNobody.
 */
export type Tell = (db: Queryable, n: NewNotification) => Promise<unknown>;

export function tellerOf(deps: NotifyDeps): Tell {
  return (db, n) => notify(deps, db, n);
}

/** For rows made outside any person's act (test factories, the seeder): nobody is told. */
export const tellNobody: Tell = async () => null;
