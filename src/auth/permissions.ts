import { isWatchableByLink, type VideoState } from '../db/visibility.js';
import { isHeldForSite, type HoldReason } from '../comments/review.js';

/**
 * Every permission a role can grant, with what it allows. Roles get them through the
 * role_permissions table (seeded by sql/migrations/*_roles.sql); '*' grants them all.
 */
export const PERMISSIONS = {
  'video.upload': 'Upload videos to their own channel',
  'video.rate': 'Like and dislike videos',
  'comment.create': 'Comment on videos',
  'channel.subscribe': 'Subscribe to channels',
  'playlist.manage': 'Keep playlists',
  'video.remove.any': 'Remove any video',
  'video.hide.any': 'Hide any video from listings',
  'comment.remove.any': 'Remove any comment',
  'report.create': 'Report videos, comments and channels to moderators',
  'report.handle': 'Work the report queue',
  'user.ban': 'Ban and unban users',
  'user.delete': 'Delete any account (admins only, through *)',
  'role.assign': 'Give and take roles',
  'admin.access': 'Open the administration pages',
  'audit.read': 'Read the audit log of moderation and administration',
  'video.takedown': 'Take videos down, and decide appeals against it',
  'settings.edit': 'Change the site settings',
  'user.warn': 'Warn the author of something reported (the warning is shown to them)',
  'user.approve': 'Approve or reject sign-ups waiting for approval',
  'video.approve': 'Approve or reject uploads held for approval',
} as const;

export type Permission = keyof typeof PERMISSIONS;

export const ALL_PERMISSIONS = '*';

/** The signed-in user as requests and templates see it. */
export interface Viewer {
  id: number;
  handle: string;
  displayName: string;
  avatarKey: string | null;
  permissions: ReadonlySet<string>;
  banned: boolean;
  /** A moderator's warning waits to be read (src/routes/warnings.ts shows it on every page until acknowledged). */
  warned?: boolean;
  /** Unread notifications, up to UNREAD_CAP (src/db/roles.ts): the bell in the header. */
  unread?: number;
}

/** May this viewer (or nobody signed in) do `permission`? A banned account may do nothing. */
export function can(viewer: Viewer | null | undefined, permission: Permission): boolean {
  if (!viewer || viewer.banned) return false;
  return viewer.permissions.has(ALL_PERMISSIONS) || viewer.permissions.has(permission);
}

/** The owner of a thing, or anyone holding `permission` over all such things. */
export function isOwnerOr(viewer: Viewer | null | undefined, ownerId: number, permission: Permission): boolean {
  if (!viewer || viewer.banned) return false;
  return viewer.id === ownerId || can(viewer, permission);
}

/** A channel's profile and settings are its owner's alone. */
export function canEditChannel(viewer: Viewer | null | undefined, channelOwnerId: number): boolean {
  return !!viewer && !viewer.banned && viewer.id === channelOwnerId;
}

/**
 * The people pages (/admin/users and a person's page): whoever assigns roles, and whoever bans
 * (moderators), since both must first find the person; changing roles on them is canGiveRole's.
 */
export function canSeePeople(viewer: Viewer | null | undefined): boolean {
  return can(viewer, 'role.assign') || can(viewer, 'user.ban')
    || can(viewer, 'user.approve'); // sign-ups waiting for approval are found there too
}

/**
 * Giving, taking, creating, editing or deleting a role holding `permissions`: `role.assign`, and
 * every one of those permissions held oneself, so that nobody hands out (or takes away from
 * others) more than they may do. Admins ('*') pass for every role; a role holding '*' (admin)
 * only for them.
 */
export function canGiveRole(viewer: Viewer | null | undefined, permissions: readonly string[]): boolean {
  if (!can(viewer, 'role.assign')) return false;
  if (viewer!.permissions.has(ALL_PERMISSIONS)) return true;
  return permissions.every((p) => p !== ALL_PERMISSIONS && viewer!.permissions.has(p));
}

interface VideoAccess extends VideoState {
  ownerId: number;
}

/**
 * Moderators see every video, whatever its visibility or state, to act on it: who takes videos
 * down (and decides appeals) or approves held uploads must watch them first.
 */
export function canModerateVideos(viewer: Viewer | null | undefined): boolean {
  return can(viewer, 'video.remove.any') || can(viewer, 'video.hide.any') || can(viewer, 'video.takedown') || can(viewer, 'video.approve');
}

/**
 * Who may open a video and its media: anyone when it is watchable by link (src/db/visibility.ts,
 * the rule the listings' SQL applies); its owner and moderators always, to see its state and act.
 */
export function canSeeVideo(viewer: Viewer | null | undefined, video: VideoAccess): boolean {
  if (viewer && !viewer.banned && (viewer.id === video.ownerId || canModerateVideos(viewer))) return true;
  return isWatchableByLink(video);
}

/** Liking and disliking: a ready video, by an account allowed to rate. */
export function canRateVideo(viewer: Viewer | null | undefined, video: Pick<VideoAccess, 'status'>): boolean {
  return can(viewer, 'video.rate') && video.status === 'ready';
}

/** Commenting on a video: an account allowed to, on a ready video. */
export function canCommentOn(viewer: Viewer | null | undefined, video: Pick<VideoAccess, 'status'>): boolean {
  return can(viewer, 'comment.create') && video.status === 'ready';
}

/**
 * Taking part in a video's conversation (posting, replying, editing a comment, rating one): not
 * while the creator has turned its comments off. Deleting is not refused (canDeleteComment):
 * the author may always take back what they wrote, even when it is hidden, and the creator may
 * clear comments out before turning them on again; neither adds to a closed conversation.
 */
export function areCommentsOpen(_viewer: Viewer | null | undefined, video: { commentsMode: string }): boolean {
  return video.commentsMode !== 'off';
}

/**
 * Editing a comment: its author alone, while it is not deleted. (Deleting: canDeleteComment.)
 */
export function canChangeComment(viewer: Viewer | null | undefined, comment: { authorId: number; deletedAt: Date | null }): boolean {
  return !!viewer && !viewer.banned && viewer.id === comment.authorId && comment.deletedAt === null;
}

/**
 * Deleting a comment: its author, or the creator (the owner of the video it is under), while it
 * is not deleted. Moderators' removals with a reason are a separate action (canRemoveComment).
 */
export function canDeleteComment(viewer: Viewer | null | undefined, comment: { authorId: number; deletedAt: Date | null }, video: Pick<VideoAccess, 'ownerId'>): boolean {
  if (!viewer || viewer.banned || comment.deletedAt !== null) return false;
  return viewer.id === comment.authorId || viewer.id === video.ownerId;
}

/**
 * A moderator's removal of any comment with a reason (recorded in the audit log): the
 * permission `comment.remove.any`, on a comment not deleted. Not the video's creator as such:
 * their own tool is canDeleteComment, without a reason or a record.
 */
export function canRemoveComment(viewer: Viewer | null | undefined, comment: { deletedAt: Date | null }): boolean {
  return can(viewer, 'comment.remove.any') && comment.deletedAt === null;
}

/**
 * The earlier versions of an edited comment: moderators (`comment.remove.any`), who judge what
 * was said, as on PeerTube. Not the author (YouTube shows their history to nobody: what is
 * edited away is gone for readers), nor the creator.
 */
export function canSeeCommentRevisions(viewer: Viewer | null | undefined): boolean {
  return can(viewer, 'comment.remove.any');
}

/**
 * Held comments (waiting for review) on a video, beyond each one's author: the creator, who
 * reviews them, and moderators (`comment.remove.any`), who may remove them.
 */
export function canSeeHeldComments(viewer: Viewer | null | undefined, video: Pick<VideoAccess, 'ownerId'>): boolean {
  return canEditVideo(viewer, video) || can(viewer, 'comment.remove.any');
}

/**
 * Pinning and hearting a comment: the creator alone (the video's owner, as canEditVideo), on a
 * comment that is not deleted. Not moderators: a pin or a heart speaks for the channel.
 */
export function canCurateComment(viewer: Viewer | null | undefined, comment: { deletedAt: Date | null }, video: Pick<VideoAccess, 'ownerId'>): boolean {
  return canEditVideo(viewer, video) && comment.deletedAt === null;
}

/**
 * Liking and disliking a comment: an account allowed to comment (taking part in the
 * conversation), on a comment that is not deleted.
 */
export function canRateComment(viewer: Viewer | null | undefined, comment: { deletedAt: Date | null }): boolean {
  return can(viewer, 'comment.create') && comment.deletedAt === null;
}

/** Subscribing: an account allowed to, to any channel but its own. */
export function canSubscribeTo(viewer: Viewer | null | undefined, channel: { id: number }): boolean {
  return can(viewer, 'channel.subscribe') && viewer!.id !== channel.id;
}

/** Deleting: the owner, or a moderator who may remove any video. */
export function canDeleteVideo(viewer: Viewer | null | undefined, video: Pick<VideoAccess, 'ownerId'>): boolean {
  return isOwnerOr(viewer, video.ownerId, 'video.remove.any');
}

/**
 * Editing a video in the studio (details, thumbnail, captions, chapters, statistics): its
 * owner alone. Moderators act through the moderation pages, not by editing what others wrote.
 */
export function canEditVideo(viewer: Viewer | null | undefined, video: Pick<VideoAccess, 'ownerId'>): boolean {
  return !!viewer && !viewer.banned && viewer.id === video.ownerId;
}

/** Retrying a failed video, and seeing why it failed: its owner. */
export function canManageUpload(viewer: Viewer | null | undefined, video: Pick<VideoAccess, 'ownerId'>): boolean {
  return !!viewer && !viewer.banned && viewer.id === video.ownerId;
}

/** What the playlist rules need of a loaded playlist. */
interface PlaylistAccess {
  ownerId: number;
  privacy: 'public' | 'unlisted' | 'private';
  kind: 'normal' | 'watch_later';
}

/**
 * Who may open a playlist: anyone when it is public or unlisted (its unguessable id is the
 * secret), its owner alone when private (a 404 to everyone else, moderators included: a private
 * list is personal, and its videos are decided one by one by canSeeVideo anyway). Which of its
 * videos show is not this rule's: each item is decided by canSeeVideo.
 */
export function canSeePlaylist(viewer: Viewer | null | undefined, playlist: PlaylistAccess): boolean {
  if (playlist.privacy !== 'private') return true;
  return !!viewer && !viewer.banned && viewer.id === playlist.ownerId;
}

/** Adding, removing and ordering a playlist's videos: its owner, with `playlist.manage`, not banned. */
export function canManagePlaylist(viewer: Viewer | null | undefined, playlist: PlaylistAccess): boolean {
  return can(viewer, 'playlist.manage') && viewer!.id === playlist.ownerId;
}

/** Renaming, editing and deleting a playlist: as canManagePlaylist, but never Watch later, which is built in. */
export function canEditPlaylist(viewer: Viewer | null | undefined, playlist: PlaylistAccess): boolean {
  return canManagePlaylist(viewer, playlist) && playlist.kind === 'normal';
}

/** "Remove watched videos" (issue 12, item 7): the owner's own Watch later only, as canManagePlaylist. */
export function canRemoveWatchedFrom(viewer: Viewer | null | undefined, playlist: PlaylistAccess): boolean {
  return canManagePlaylist(viewer, playlist) && playlist.kind === 'watch_later';
}

/**
 * Saving a video to one's playlists (issue 12, item 2): with `playlist.manage`, a video anyone
 * with the link may watch, or one's own. A moderator sees others' private videos, but never
 * saves them: a playlist is personal, not a moderation tool.
 */
export function canSaveVideo(viewer: Viewer | null | undefined, video: VideoAccess): boolean {
  return can(viewer, 'playlist.manage') && (viewer!.id === video.ownerId || isWatchableByLink(video));
}

/**
 * Whether a comment may be shown to this viewer, as loadComment decides (src/routes/loaders.ts):
 * its video is one they may see, its author is live, it is not deleted, and a held one only to
 * its author, the creator and moderators (canSeeHeldComments). For lists that meet a comment
 * again later, such as a reporter's reports.
 */
export function canSeeComment(viewer: Viewer | null | undefined, comment: { authorId: number; held: boolean; deleted: boolean; authorLive: boolean }, video: VideoAccess): boolean {
  if (comment.deleted || !comment.authorLive || !canSeeVideo(viewer, video)) return false;
  return !comment.held || (!!viewer && viewer.id === comment.authorId) || canSeeHeldComments(viewer, video);
}

/**
 * Reporting something to moderators (issue 13, item 1): with `report.create`, anything one may
 * see (the loaders decide that: a hidden thing is a 404) except one's own, which one can delete
 * or change instead. Pages also offer the link to signed-out visitors, whom it takes to sign in.
 */
export function canReportVideo(viewer: Viewer | null | undefined, video: Pick<VideoAccess, 'ownerId'>): boolean {
  return can(viewer, 'report.create') && viewer!.id !== video.ownerId;
}

/** As canReportVideo, for a comment not deleted (a deleted one shows nothing to report). */
export function canReportComment(viewer: Viewer | null | undefined, comment: { authorId: number; deletedAt: Date | null }): boolean {
  return can(viewer, 'report.create') && viewer!.id !== comment.authorId && comment.deletedAt === null;
}

/** As canReportVideo, for a channel (an account): not one's own. */
export function canReportChannel(viewer: Viewer | null | undefined, channel: { id: number }): boolean {
  return can(viewer, 'report.create') && viewer!.id !== channel.id;
}

/** An account a moderator acts on (src/db/bans.ts findBanTarget): who, and what it may do. */
export interface ModerationTarget {
  id: number;
  permissions: readonly string[];
}

/**
 * Why this viewer may not ban (or unban) `target`, or null when they may. The rule:
 * - the permission `user.ban`;
 * - never yourself (a moderator who bans themselves by mistake could not undo it);
 * - never an admin (an account holding '*'): an admin who must be stopped first loses the role
 *   on the roles page, whose last-admin rule then applies, so a ban can never leave the site
 *   without an admin, and two admins cannot lock each other out with bans;
 * - a fellow moderator (an account holding `user.ban`) only by an admin: moderators cannot ban
 *   each other, one rogue moderator cannot silence the others.
 */
export function banRefusal(viewer: Viewer | null | undefined, target: ModerationTarget): string | null {
  if (!can(viewer, 'user.ban')) return 'Your account is not allowed to ban users.';
  if (viewer!.id === target.id) return 'You cannot ban or unban your own account.';
  if (target.permissions.includes(ALL_PERMISSIONS)) return 'Admins cannot be banned: an admin first loses the admin role on the roles page.';
  if (target.permissions.includes('user.ban') && !viewer!.permissions.has(ALL_PERMISSIONS)) return 'Only an admin can ban or unban a moderator.';
  return null;
}

export function canBanUser(viewer: Viewer | null | undefined, target: ModerationTarget): boolean {
  return banRefusal(viewer, target) === null;
}

/**
 * Why this viewer may not delete `target`'s account, or null: `user.delete` (admins, through
 * '*'), not their own (that is /settings/delete), never another admin (as for bans).
 */
export function accountDeletionRefusal(viewer: Viewer | null | undefined, target: ModerationTarget): string | null {
  if (!can(viewer, 'user.delete')) return 'Only admins can delete accounts.';
  if (viewer!.id === target.id) return 'Delete your own account from your settings.';
  if (target.permissions.includes(ALL_PERMISSIONS)) return 'Admins cannot be deleted: an admin first loses the admin role on the roles page.';
  return null;
}

export function canDeleteAccount(viewer: Viewer | null | undefined, target: ModerationTarget): boolean {
  return accountDeletionRefusal(viewer, target) === null;
}

/**
 * Why this viewer may not warn `target` (the author of a reported thing), or null: `user.warn`,
 * and never their own account (a warning is for someone else to read).
 */
export function warnRefusal(viewer: Viewer | null | undefined, target: { id: number; permissions?: readonly string[] }): string | null {
  if (!can(viewer, 'user.warn')) return 'Your account is not allowed to warn users.';
  if (viewer!.id === target.id) return 'You cannot warn your own account.';
  // As for bans: staff are answered by an admin, not warned by their peers.
  if (target.permissions?.includes(ALL_PERMISSIONS)) return 'Admins cannot be warned.';
  if (target.permissions?.includes('user.ban') && !viewer!.permissions.has(ALL_PERMISSIONS)) return 'Only an admin can warn a moderator.';
  return null;
}

export function canWarnUser(viewer: Viewer | null | undefined, target: { id: number; permissions?: readonly string[] }): boolean {
  return warnRefusal(viewer, target) === null;
}

/**
 * The comments the site holds for its watched words (issue 13, item 9): reviewed by those who
 * may remove any comment (`comment.remove.any`, moderators), at /admin/comments/held. Approving
 * is less than removing, so no permission of its own. Their own comments are not held.
 */
export function canReviewSiteHolds(viewer: Viewer | null | undefined): boolean {
  return can(viewer, 'comment.remove.any');
}

/** Approving or removing one comment from /admin/comments/held: one the site holds, not deleted. */
export function canReviewSiteHold(viewer: Viewer | null | undefined, comment: { held: boolean; heldReason: HoldReason | null; deletedAt: Date | null }): boolean {
  return canReviewSiteHolds(viewer) && comment.held && isHeldForSite(comment) && comment.deletedAt === null;
}

/**
 * The creator approving a held comment under their video (as canCurateComment), except one the
 * site holds for a watched word: that is the site's moderators' to approve (canReviewSiteHold).
 */
export function canApproveComment(viewer: Viewer | null | undefined, comment: { deletedAt: Date | null; heldReason: HoldReason | null }, video: Pick<VideoAccess, 'ownerId'>): boolean {
  return canCurateComment(viewer, comment, video) && !isHeldForSite(comment);
}

/** Taking a video down: `video.takedown`, on a video not already down. */
export function canTakeDown(viewer: Viewer | null | undefined, video: { moderation: VideoState['moderation'] }): boolean {
  return can(viewer, 'video.takedown') && video.moderation !== 'taken_down';
}

/**
 * Why this viewer may not restore a taken-down video (without an appeal), or null:
 * `video.takedown`, whoever took it down (undoing one's own act needs no second opinion), but
 * never on their own video: a moderator's video, taken down by another, comes back only through
 * its appeal, decided by a third.
 */
export function restoreRefusal(viewer: Viewer | null | undefined, video: { ownerId: number }): string | null {
  if (!can(viewer, 'video.takedown')) return 'You may not restore videos.';
  if (viewer!.id === video.ownerId) return 'This is your own video: another moderator decides whether it comes back (appeal the take-down from your studio).';
  return null;
}

/** Restoring a taken-down video without an appeal (restoreRefusal): offered on the watch page. */
export function canRestore(viewer: Viewer | null | undefined, video: { moderation: VideoState['moderation']; ownerId: number }): boolean {
  return video.moderation === 'taken_down' && restoreRefusal(viewer, video) === null;
}

/** Why this viewer may not approve or reject a held upload, or null: `video.approve`, never their own. */
export function heldUploadRefusal(viewer: Viewer | null | undefined, video: { ownerId: number }): string | null {
  if (!can(viewer, 'video.approve')) return 'You may not approve uploads.';
  if (viewer!.id === video.ownerId) return 'This is your own upload: another moderator approves it.';
  return null;
}

/**
 * Deciding an appeal: `video.takedown`, and not the moderator who took the video down (a second
 * pair of eyes); the reason, for the 403 and for the page that shows the appeal without its form.
 */
export function appealDecisionRefusal(viewer: Viewer | null | undefined, takedown: { takenBy: number | null; video: { ownerId: number } }): string | null {
  if (!can(viewer, 'video.takedown')) return 'You may not decide appeals.';
  if (takedown.takenBy === viewer!.id) return 'You took this video down: another moderator decides its appeal.';
  if (takedown.video.ownerId === viewer!.id) return 'This is your own video: another moderator decides its appeal.';
  return null;
}

/** The owner's one appeal against the take-down in force on their video. */
export function canAppeal(viewer: Viewer | null | undefined, video: { ownerId: number }, takedown: { appealedAt: Date | null } | null): boolean {
  return !!viewer && !viewer.banned && viewer.id === video.ownerId && !!takedown && takedown.appealedAt === null;
}
