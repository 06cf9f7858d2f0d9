import type { Request, Response } from 'express';
import { countSiteFigures, type SiteFigures } from '../db/site-figures.js';
import { notFound } from '../http/errors.js';
import { paragraphsOf } from '../settings/plain-text.js';
import type { SiteSettings } from '../settings/site-settings.js';
import type { RouteDeps } from './deps.js';

/** How long a process keeps the About page's figures. */
export const FIGURES_KEPT_MS = 10 * 60_000;

/**
 * The site's own pages from its settings (issue 13, item 9): /about and /rules. Plain text,
 * rendered as paragraphs with every line escaped (src/settings/plain-text.ts).
 *
 * /about always exists, as PeerTube's "About this instance" does: with no text set it still says
 * what the site is (its name, its description or a sentence of ours, how many channels and videos
 * it has, whether sign-ups are open), so the footer's link never leads nowhere. /rules is a 404
 * while no rules are set, and nothing links to it then.
 */
export function sitePageRoutes({ pool }: RouteDeps) {
  let kept: { figures: SiteFigures; at: number } | null = null;
  async function figures(): Promise<SiteFigures> {
    if (!kept || Date.now() - kept.at > FIGURES_KEPT_MS) kept = { figures: await countSiteFigures(pool), at: Date.now() };
    return kept.figures;
  }

  return {
    /** GET /about */
    async about(_req: Request, res: Response): Promise<void> {
      const site = res.locals.site as SiteSettings;
      res.render('site/about', {
        title: 'About',
        description: site.siteDescription || `About ${site.siteName}: who runs it, what it is for, and its rules.`,
        lead: paragraphsOf(site.siteDescription),
        paragraphs: paragraphsOf(site.aboutText),
        figures: await figures(),
      });
    },

    /** GET /rules — 404 while no rules are set. */
    rules(_req: Request, res: Response): void {
      const site = res.locals.site as SiteSettings;
      const paragraphs = paragraphsOf(site.rulesText);
      if (paragraphs.length === 0) throw notFound(`${site.siteName} has not written down its rules yet.`);
      res.render('site/rules', { title: 'Rules', description: `The rules everyone on ${site.siteName} agrees to.`, paragraphs });
    },
  };
}
