import { KIND_INFO } from '../notifications/kinds.js';
import type { Queryable } from './pool.js';
import { prepared } from './pool.js';
import { channelLive } from './visibility.js';

/**
 * The moderators told of each new report (issue 14, item 1: "for moderators new reports, by
 * setting"): live accounts with a role that may handle reports ('report.handle', or '*') who
 * want kind new_report in the site or by mail (off unless they turned it on,
 * src/notifications/kinds.ts), less `except` (the reporter, the person reported). Read from
 * the roles (few) to their members (user_roles_role_idx) and each one's preference
 * (notification_preferences_pkey), never from all the preferences.
 */
export async function listReportWatchers(db: Queryable, except: readonly number[]): Promise<number[]> {
  const info = KIND_INFO.new_report;
  const { rows } = await db.query<{ user_id: number }>(prepared(
    'list-report-watchers',
    `SELECT DISTINCT ur.user_id
     FROM role_permissions rp
     JOIN user_roles ur ON ur.role = rp.role
     JOIN users u ON u.id = ur.user_id
     LEFT JOIN notification_preferences p ON p.user_id = ur.user_id AND p.kind = 'new_report'
     WHERE rp.permission IN ($1, '*') AND ${channelLive('u')}
       AND (coalesce(p.in_site, $2) OR coalesce(p.by_email, $3))
       AND NOT (ur.user_id = ANY($4::bigint[]))
     ORDER BY ur.user_id`,
    [info.permission, info.inSite, info.byEmail, except],
  ));
  return rows.map((r) => Number(r.user_id));
}
