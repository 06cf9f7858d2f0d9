import { UNREAD_CAP } from '../db/roles.js';

/**
 * The bell's words for an unread count (Viewer.unread, counted up to UNREAD_CAP): "99+" past
 * the cap, and the accessible name a screen reader says. The header (through res.locals) and the
 * bell's script (GET /notifications/unread.json) both take them from here.
 */
export function bellCount(unread: number): { shown: string; label: string } {
  const shown = unread >= UNREAD_CAP ? `${UNREAD_CAP - 1}+` : String(unread);
  return { shown, label: unread === 0 ? 'Notifications, none unread' : `Notifications, ${shown} unread` };
}
