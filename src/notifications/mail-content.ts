import type { NotificationView } from '../db/notification-views.js';
import { composeMail, type MailSection } from '../mail/compose.js';
import type { MailMessage } from '../mail/mailer.js';
import { describeNotification } from './describe.js';
import { KIND_INFO, NOTIFICATION_KINDS } from './kinds.js';
import { scopeLabel, unsubscribeToken, type UnsubscribeScope } from './unsubscribe-tokens.js';

/**
 * The words of notification mail: a message at once, or a daily or weekly digest. Each item
 * says what the list says (describeNotification), with its link written out in full; every
 * message carries the one-click unsubscribe of its kind, or of all notification mail when it
 * holds several kinds.
 */
export interface NotificationMailInput {
  to: string;
  userId: number;
  siteName: string;
  publicUrl: URL;
  /** The session secret, which signs the unsubscribe link. */
  secret: string;
  /** Available items, oldest first; at least one. */
  views: NotificationView[];
  digest: 'daily' | 'weekly' | null;
}

/** Where a person changes what they get by mail. */
export const NOTIFICATION_SETTINGS_PATH = '/settings/notifications';

export function notificationMail(input: NotificationMailInput): MailMessage {
  const absolute = (path: string) => new URL(path, input.publicUrl).href;
  const kinds = new Set(input.views.map((v) => v.kind));
  const scope: UnsubscribeScope = input.digest === null && kinds.size === 1 ? input.views[0]!.kind : 'all';
  const unsubscribe = { url: absolute(`/unsubscribe/${unsubscribeToken(input.secret, input.userId, scope)}`), what: scopeLabel(scope) };
  const notes = [`Choose what you get by mail, and how often: ${absolute(NOTIFICATION_SETTINGS_PATH)}`];
  const count = input.views.length;
  if (count === 1 && input.digest === null) {
    const described = describeNotification(input.views[0]!);
    return composeMail({
      to: input.to,
      siteName: input.siteName,
      // A reason or title typed with line breaks stays on the subject's one line.
      subject: described.text.replace(/\s+/g, ' '),
      paragraphs: [described.text, ...(described.quote ? [`“${described.quote}”`] : [])],
      ...(described.path ? { action: { label: 'Open it', url: absolute(described.path) } } : {}),
      notes,
      unsubscribe,
    });
  }
  const news = `${count} new notification${count === 1 ? '' : 's'}`;
  return composeMail({
    to: input.to,
    siteName: input.siteName,
    subject: input.digest ? `Your ${input.digest} digest: ${news}` : news,
    paragraphs: [input.digest ? `Here is what happened since your last ${input.digest} digest.` : `You have ${news}.`],
    sections: sectionsByKind(input.views, absolute),
    action: { label: 'See all your notifications', url: absolute('/notifications') },
    notes,
    unsubscribe,
  });
}

/** The items under their kind's label, kinds in the order of kinds.ts, items oldest first. */
function sectionsByKind(views: NotificationView[], absolute: (path: string) => string): MailSection[] {
  return NOTIFICATION_KINDS.flatMap((kind) => {
    const ofKind = views.filter((v) => v.kind === kind);
    if (ofKind.length === 0) return [];
    return [{
      heading: KIND_INFO[kind].label,
      entries: ofKind.map((view) => {
        const described = describeNotification(view);
        return { text: described.text, quote: described.quote, url: described.path ? absolute(described.path) : null };
      }),
    }];
  });
}
