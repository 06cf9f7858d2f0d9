import type { Request, Response } from 'express';
import { pingDatabase } from '../db/health.js';
import type { RouteDeps } from './deps.js';

const HEALTH_QUERY_TIMEOUT_MS = 2000;

export function healthRoutes({ pool }: RouteDeps) {
  return {
    /** 200 when the database answers within two seconds, 503 otherwise; for load balancers and orchestrators. */
    async check(_req: Request, res: Response): Promise<void> {
      res.set('Cache-Control', 'no-store');
      const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), HEALTH_QUERY_TIMEOUT_MS).unref());
      try {
        await Promise.race([pingDatabase(pool), timeout]);
        res.json({ status: 'ok', database: 'ok' });
      } catch {
        res.status(503).json({ status: 'unavailable', database: 'unreachable' });
      }
    },
  };
}
