import { insertAuditEntry } from './audit-log.js';
import type { Pool } from './pool.js';
import { withTransaction } from './pool.js';
import type { SiteSettings, SiteSettingsStore } from '../settings/site-settings.js';

/**
 * An administrator's change of site settings (/admin/settings): the changed settings stored and
 * one 'settings.update' audit row holding their values before (as the locked rows held them, so
 * two admins saving at once each record what the other left) and after, in one transaction. The
 * caller forgets the store's kept copy once this has returned (committed).
 */
export async function updateSiteSettings(pool: Pool, store: SiteSettingsStore, changes: Partial<SiteSettings>, actorId: number): Promise<void> {
  await withTransaction(pool, async (client) => {
    const before = await store.save(client, changes, actorId);
    await insertAuditEntry(client, {
      actorId, action: 'settings.update', targetKind: 'settings', targetId: 'site', subjectUserId: null,
      reason: null, note: null, before, after: changes,
    });
  });
}
