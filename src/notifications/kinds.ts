/**
 * Every kind of notification, what it means, which filter it falls under and where it goes by
 * default: the one table the preferences page, the list's filters, the mail and the README
 * are written from. A person's own choices are rows of notification_preferences that differ
 * from these defaults.
 */
export const NOTIFICATION_KINDS = [
  'new_video',
  'comment_reply',
  'mention',
  'video_comment',
  'video_ready',
  'video_failed',
  'video_taken_down',
  'video_restored',
  'appeal_decided',
  'report_handled',
  'new_subscriber',
  'new_report',
] as const;

export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** The list's filters: each kind belongs to one. */
export const NOTIFICATION_FILTERS = ['videos', 'comments', 'my-videos', 'subscribers', 'moderation'] as const;
export type NotificationFilter = (typeof NOTIFICATION_FILTERS)[number];

export interface KindInfo {
  /** What the preferences page calls it. */
  label: string;
  filter: NotificationFilter;
  inSite: boolean;
  byEmail: boolean;
  /** Offered only to accounts with this permission (src/auth/permissions.ts). */
  permission?: string;
  /**
   * What it points to, which its reader must still be allowed to see when it is shown: else it
   * reads "no longer available" (src/notifications/describe.ts).
   */
  about: 'video' | 'comment' | 'nothing';
}

export const KIND_INFO: Record<NotificationKind, KindInfo> = {
  new_video: { label: 'New video from a channel I follow', filter: 'videos', inSite: true, byEmail: false, about: 'video' },
  comment_reply: { label: 'Reply to my comment', filter: 'comments', inSite: true, byEmail: true, about: 'comment' },
  mention: { label: 'Mention of me in a comment', filter: 'comments', inSite: true, byEmail: true, about: 'comment' },
  video_comment: { label: 'Comment on my video', filter: 'comments', inSite: true, byEmail: false, about: 'comment' },
  video_ready: { label: 'My video is ready', filter: 'my-videos', inSite: true, byEmail: false, about: 'video' },
  video_failed: { label: 'My video failed to process', filter: 'my-videos', inSite: true, byEmail: true, about: 'video' },
  video_taken_down: { label: 'My video was taken down', filter: 'my-videos', inSite: true, byEmail: true, about: 'video' },
  video_restored: { label: 'My video was restored', filter: 'my-videos', inSite: true, byEmail: true, about: 'video' },
  appeal_decided: { label: 'My appeal was decided', filter: 'my-videos', inSite: true, byEmail: true, about: 'video' },
  report_handled: { label: 'A report I sent was handled', filter: 'moderation', inSite: true, byEmail: false, about: 'nothing' },
  new_subscriber: { label: 'New subscribers', filter: 'subscribers', inSite: true, byEmail: false, about: 'nothing' },
  new_report: { label: 'New reports to review', filter: 'moderation', inSite: false, byEmail: false, permission: 'report.handle', about: 'nothing' },
};

export function isNotificationKind(value: unknown): value is NotificationKind {
  return typeof value === 'string' && (NOTIFICATION_KINDS as readonly string[]).includes(value);
}
