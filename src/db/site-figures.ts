import type { Queryable } from './pool.js';
import { prepared } from './pool.js';
import { channelLive, listed } from './visibility.js';

export interface SiteFigures {
  /** Channels anyone may open (channelLive). */
  channels: number;
  /** Videos listed to everyone (listed). */
  videos: number;
}

/**
 * The About page's figures: open channels and listed videos, through the one visibility rule.
 * Whole-table counts (the videos' through videos_public_listing_idx): the page keeps them a while
 * (routes/site-pages.ts) rather than counting on every view.
 */
export async function countSiteFigures(db: Queryable): Promise<SiteFigures> {
  const { rows } = await db.query<{ channels: number; videos: number }>(prepared(
    'count-site-figures',
    `SELECT (SELECT count(*) FROM users u WHERE ${channelLive('u')})::int AS channels,
            (SELECT count(*) FROM videos v JOIN users u ON u.id = v.owner_id WHERE ${listed('v', 'u')})::int AS videos`,
    [],
  ));
  return rows[0]!;
}
