import { can, type Permission, type Viewer } from '../auth/permissions.js';
import { KIND_INFO, type NotificationKind } from './kinds.js';

/**
 * Whether a kind of notification is for this viewer now: a kind with a permission (new reports:
 * report.handle) only while they hold it. The preferences page offers only these kinds, and the
 * list shows one of another kind as no longer available: one rule for both.
 */
export function isKindFor(viewer: Viewer, kind: NotificationKind): boolean {
  const permission = KIND_INFO[kind].permission;
  return !permission || can(viewer, permission as Permission);
}
