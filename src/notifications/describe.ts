import type { NotificationView } from '../db/notification-views.js';
import { commentLink } from '../routes/comment-places.js';

/**
 * What a notification says and where it leads, in plain text: the list, the bell and the mail
 * all say it this way (templates escape it). One that is no longer available says so and leads
 * nowhere, naming nothing it pointed at.
 */
export interface Described {
  text: string;
  /** A path on this site, or null when there is nowhere to go. */
  path: string | null;
  /** A quote of the comment, when there is one to show. */
  quote: string | null;
}

/** "Ana", "Ana and Ben", "Ana and 12 others". */
export function actorsPhrase(view: Pick<NotificationView, 'actorName' | 'actorCount'>): string {
  const name = view.actorName ?? 'Someone';
  if (view.actorCount <= 1) return name;
  if (view.actorCount === 2) return `${name} and 1 other`;
  return `${name} and ${view.actorCount - 1} others`;
}

const TARGETS: Record<string, string> = { video: 'a video', comment: 'a comment', channel: 'a channel' };
const REPORT_OUTCOMES: Record<string, string> = {
  action_taken: 'a moderator acted on it',
  dismissed: 'a moderator found no rule broken',
};

export function describeNotification(view: NotificationView): Described {
  if (!view.available) {
    const what = view.kind === 'comment_reply' || view.kind === 'mention' || view.kind === 'video_comment' ? 'comment' : 'video';
    return { text: `This notification was about a ${what} that is no longer available.`, path: null, quote: null };
  }
  const title = view.video ? `“${view.video.title}”` : '';
  const watch = view.video ? `/watch/${view.video.publicId}` : null;
  const studio = view.video ? `/studio/videos/${view.video.publicId}` : null;
  const atComment = view.video && view.comment ? commentLink(view.video.publicId, view.comment) : watch;
  const quote = view.comment?.excerpt ?? null;
  const detail = (key: string) => (typeof view.detail[key] === 'string' ? (view.detail[key] as string) : '');
  switch (view.kind) {
    case 'new_video':
      return { text: `${view.actorName ?? 'A channel you follow'} published ${title}`, path: watch, quote: null };
    case 'comment_reply':
      return { text: `${actorsPhrase(view)} replied to your comment on ${title}`, path: atComment, quote };
    case 'mention':
      return { text: `${actorsPhrase(view)} mentioned you in a comment on ${title}`, path: atComment, quote };
    case 'video_comment':
      return { text: `${actorsPhrase(view)} commented on your video ${title}`, path: atComment, quote };
    case 'video_ready':
      return { text: `Your video ${title} is ready to watch`, path: watch, quote: null };
    case 'video_failed':
      return { text: `Your video ${title} could not be processed${detail('reason') ? `: ${detail('reason')}` : ''}`, path: studio, quote: null };
    case 'video_taken_down':
      return { text: `Your video ${title} was taken down by a moderator${detail('reason') ? `: ${detail('reason')}` : ''}`, path: studio, quote: null };
    case 'video_restored':
      return { text: `Your video ${title} was restored and can be watched again`, path: watch, quote: null };
    case 'appeal_decided':
      return detail('outcome') === 'restored'
        ? { text: `Your appeal was accepted: ${title} is back`, path: watch, quote: null }
        : { text: `Your appeal about ${title} was turned down${detail('note') ? `: ${detail('note')}` : ''}`, path: studio, quote: null };
    case 'report_handled':
      return { text: `Your report about ${TARGETS[detail('targetKind')] ?? 'something'} was handled: ${REPORT_OUTCOMES[detail('outcome')] ?? 'a moderator reviewed it'}`, path: null, quote: null };
    case 'new_subscriber':
      return { text: `${actorsPhrase(view)} subscribed to your channel`, path: view.actorCount === 1 && view.actorHandle ? `/@${view.actorHandle}` : '/studio', quote: null };
    case 'new_report':
      return { text: `New report about ${TARGETS[detail('targetKind')] ?? 'something'} to review`, path: typeof view.detail.itemId === 'number' ? `/admin/reports/${view.detail.itemId}` : '/admin/reports', quote: null };
  }
}
