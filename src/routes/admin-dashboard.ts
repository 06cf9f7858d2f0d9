import fs from 'node:fs';
import type { Request, Response } from 'express';
import { countOpenReports, countPeople, countVideosByStatus, sumStorage, type PeopleFigures, type StorageFigures } from '../db/admin-dashboard.js';
import { countVideoJobs } from '../db/admin-jobs.js';
import { formatBytes } from '../format.js';
import { PROCESS_VIDEO } from '../jobs/queue.js';
import type { RouteDeps } from './deps.js';

/** How long the dashboard's whole-table counts and sums are kept (src/db/admin-dashboard.ts says why). */
export const DASHBOARD_CACHE_SECONDS = 60;

/**
 * The dashboard (issue 13, item 7; permission admin.access, which moderators do not have: the
 * server's disk and queue are the running of the site, not moderation).
 */
export function adminDashboardRoutes({ pool, config }: RouteDeps) {
  let kept: { at: number; people: PeopleFigures; videos: Record<string, number>; storage: StorageFigures } | null = null;

  async function slowFigures() {
    if (kept && Date.now() - kept.at < DASHBOARD_CACHE_SECONDS * 1000) return kept;
    const [people, videos, storage] = await Promise.all([countPeople(pool, new Date()), countVideosByStatus(pool), sumStorage(pool)]);
    kept = { at: Date.now(), people, videos, storage };
    return kept;
  }

  /** Free and total bytes of the file system DATA_DIR is on; null where statfs cannot tell. */
  async function disk(): Promise<{ free: number; total: number } | null> {
    try {
      const s = await fs.promises.statfs(config.dataDir);
      return { free: s.bavail * s.bsize, total: s.blocks * s.bsize };
    } catch {
      return null;
    }
  }

  return {
    /** GET /admin — the dashboard; jobs, open reports and disk live, the whole-table figures up to a minute old. */
    async show(_req: Request, res: Response): Promise<void> {
      const [figures, jobs, space, reports] = await Promise.all([slowFigures(), countVideoJobs(pool, PROCESS_VIDEO), disk(), countOpenReports(pool)]);
      const { people, videos, storage } = figures;
      res.render('admin/dashboard', {
        title: 'Administration',
        people,
        newThisWeek: people.signups.slice(-7).reduce((sum, d) => sum + d.count, 0),
        videos,
        storage: [
          { label: 'Originals', bytes: formatBytes(storage.originalsBytes) },
          { label: 'Renditions', bytes: formatBytes(storage.renditionsBytes) },
          { label: 'Images', bytes: formatBytes(storage.imagesBytes) },
        ],
        disk: space && { free: formatBytes(space.free), total: formatBytes(space.total), percentFree: space.total > 0 ? Math.round((space.free / space.total) * 100) : 0 },
        jobs,
        reports,
        countedAt: new Date(figures.at),
      });
    },
  };
}
