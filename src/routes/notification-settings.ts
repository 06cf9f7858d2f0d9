import type { Request, Response } from 'express';
import type { Viewer } from '../auth/permissions.js';
import { isKindFor } from '../notifications/access.js';
import { mailEnabled } from '../config.js';
import { findNotificationSettings, listChannelBells, saveNotificationSettings, setChannelBell, type NotificationSettings } from '../db/notification-preferences.js';
import { parseChannelBell, parsePreferences } from '../forms/notifications.js';
import { field } from '../forms/fields.js';
import { HttpError, unprocessable } from '../http/errors.js';
import { loadedChannel } from '../http/guards.js';
import { backTo, safeNextPath } from '../http/next.js';
import { flash } from '../http/session.js';
import { KIND_INFO, NOTIFICATION_KINDS, type NotificationKind } from '../notifications/kinds.js';
import type { RouteDeps } from './deps.js';

/** Followed channels listed with their bells on the preferences page; past this, each channel's page has its own. */
export const CHANNEL_BELLS_SHOWN = 100;

/** The kinds this viewer is offered: a kind with a permission (new reports) only to those who hold it. */
export function offeredKinds(viewer: Viewer): NotificationKind[] {
  return NOTIFICATION_KINDS.filter((kind) => isKindFor(viewer, kind));
}

/** Why the mail column cannot be used now, or null when it can. */
function mailRefusal(mailOn: boolean, settings: NotificationSettings): 'off' | 'no-address' | 'unconfirmed' | null {
  if (!mailOn) return 'off';
  if (!settings.email) return 'no-address';
  return settings.emailConfirmed ? null : 'unconfirmed';
}

/**
 * /settings/notifications (issue 14, item 4): the kinds × (in the site, by mail) matrix, how
 * mail is sent, and the bells of the channels I follow; and the bell on a channel's page.
 */
export function notificationSettingsRoutes({ pool, config, queue }: RouteDeps) {
  async function render(req: Request, res: Response, status: number, settings: NotificationSettings, form?: { values: Record<string, string>; errors: Record<string, string> }) {
    const viewer = req.viewer!;
    const mail = mailRefusal(mailEnabled(config), settings);
    const channels = await listChannelBells(pool, viewer.id, CHANNEL_BELLS_SHOWN + 1);
    const checked = (column: 'site' | 'email', kind: NotificationKind) =>
      form ? form.values[`${column}-${kind}`] === 'on' : column === 'site' ? settings.choices[kind].inSite : settings.choices[kind].byEmail;
    res.status(status).render('settings/notifications', {
      title: 'Notification settings',
      kinds: offeredKinds(viewer).map((kind) => ({ kind, label: KIND_INFO[kind].label, inSite: checked('site', kind), byEmail: mail ? settings.choices[kind].byEmail : checked('email', kind) })),
      cadence: form?.values.cadence ?? settings.cadence,
      mail,
      errors: form?.errors ?? {},
      channels: channels.slice(0, CHANNEL_BELLS_SHOWN),
      moreChannels: channels.length > CHANNEL_BELLS_SHOWN,
    });
  }

  return {
    /** GET /settings/notifications */
    async show(req: Request, res: Response): Promise<void> {
      await render(req, res, 200, await findNotificationSettings(pool, req.viewer!.id));
    },

    /** POST /settings/notifications — the matrix and the cadence; 422 with the page as sent when refused. */
    async save(req: Request, res: Response): Promise<void> {
      const viewer = req.viewer!;
      const settings = await findNotificationSettings(pool, viewer.id);
      const form = parsePreferences(req.body, { offered: offeredKinds(viewer), emailOffered: mailRefusal(mailEnabled(config), settings) === null, current: settings.choices });
      if (!form.ok) return render(req, res, 422, settings, form);
      await saveNotificationSettings(pool, viewer.id, form.value.choices, form.value.cadence);
      // Back from a digest to mail at once: what the digest was keeping goes now, not with the next notification.
      if (form.value.cadence === 'instant' && settings.cadence !== 'instant') await queue.enqueueNotificationMail(viewer.id, 0);
      flash(req, 'success', 'Your notification settings have been saved.');
      res.redirect(303, '/settings/notifications');
    },

    /**
     * POST /@:handle/notify — the bell of a channel I follow: all its new videos, or none. Only
     * while following it (409 otherwise: subscribe first); back to the page it was on.
     */
    async setBell(req: Request, res: Response): Promise<void> {
      const channel = loadedChannel(req);
      const notify = parseChannelBell(req.body);
      if (!notify) throw unprocessable({ notify: 'Choose all or none.' });
      if (!(await setChannelBell(pool, req.viewer!.id, channel.id, notify))) throw new HttpError(409, 'Subscribe to this channel first: its bell is for channels you follow.');
      flash(req, 'success', notify === 'all' ? `You will be told of each new video of ${channel.displayName}.` : `You will not be told of new videos of ${channel.displayName}.`);
      const next = field(req.body, 'next');
      res.redirect(303, next ? safeNextPath(next, `/@${channel.handle}`) : backTo(req, `/@${channel.handle}`));
    },
  };
}
