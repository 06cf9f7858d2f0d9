import type { NextFunction, Request, Response } from 'express';
import { acknowledgeWarning, findUnseenWarning, listMyWarnings } from '../db/warnings.js';
import { banReasonLabel } from '../forms/ban.js';
import { field } from '../forms/fields.js';
import { notFound } from '../http/errors.js';
import { safeNextPath } from '../http/next.js';
import type { RouteDeps } from './deps.js';

/** Warnings listed in the person's settings (the newest; a person with more has bigger problems). */
export const MY_WARNINGS_SHOWN = 100;
const WARNING_ID = /^[1-9][0-9]{0,15}$/;

/**
 * What a warned person sees (issue 13, item 2): the oldest warning they have not acknowledged as
 * a notice on every page until they press "I understand", and their warnings in Settings.
 * Whether one waits is read with the viewer (VIEWER_COLUMNS, one probe of warnings_unseen_idx),
 * so other people's pages cost nothing more; the warning itself is read only for those who have one.
 */
export function warningRoutes({ pool }: RouteDeps) {
  return {
    /** Before every page (GET): the notice, for a viewer with a warning to read. */
    async showWarningNotice(req: Request, res: Response, next: NextFunction): Promise<void> {
      if (req.method === 'GET' && req.viewer?.warned) {
        const warning = await findUnseenWarning(pool, req.viewer.id);
        if (warning) res.locals.warningNotice = { ...warning, reasonLabel: banReasonLabel(warning.reason), back: req.originalUrl };
      }
      next();
    },

    /** POST /settings/warnings/:id/acknowledge — "I understand"; back to the page it was on. A second click is no error. */
    async acknowledge(req: Request, res: Response): Promise<void> {
      const id = String(req.params.id ?? '');
      if (!WARNING_ID.test(id)) throw notFound('There is no such warning.');
      await acknowledgeWarning(pool, req.viewer!.id, Number(id));
      res.redirect(303, safeNextPath(field(req.body, 'next'), '/settings/warnings'));
    },

    /** GET /settings/warnings — my warnings, newest first, with their reason and message (never the moderators' note). */
    async showMine(req: Request, res: Response): Promise<void> {
      const warnings = await listMyWarnings(pool, req.viewer!.id, MY_WARNINGS_SHOWN);
      res.render('settings/warnings', { title: 'Warnings', warnings: warnings.map((w) => ({ ...w, reasonLabel: banReasonLabel(w.reason) })) });
    },
  };
}
