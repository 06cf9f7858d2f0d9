import { Router, type RequestHandler } from 'express';
import { areCommentsOpen, canChangeComment, canCommentOn, canCurateComment, canDeleteComment, canRateComment, canRemoveComment, canSeeCommentRevisions, canDeleteVideo, canEditPlaylist, canEditVideo, canManagePlaylist, canManageUpload, canRateVideo, canRemoveWatchedFrom, canReportChannel, canReportComment, canReportVideo, canSaveVideo, canSubscribeTo } from '../auth/permissions.js';
import { allowChannel, allowComment, allowCommentOnVideo, allowPlaylist, allowVideo, hideVideoUnless, requirePermission, requireUser } from '../http/guards.js';
import { problemHandler } from '../http/error-handler.js';
import { uploadGuards } from '../http/upload-limits.js';
import { apiRoutes } from './api.js';
import { apiVideoRoutes } from './api-videos.js';
import { apiCommentRoutes } from './api-comments.js';
import { apiPlaylistRoutes } from './api-playlists.js';
import { apiAccountRoutes } from './api-account.js';
import { authenticate, needs } from '../api/authenticate.js';
import { corsForPublicReads } from '../api/cors.js';
import { engagementRoutes } from './engagement.js';
import { integrationRoutes } from './integration.js';
import { loaders } from './loaders.js';
import { mediaRoutes } from './media.js';
import { videoRoutes } from './videos.js';
import { accountRoutes } from './accounts.js';
import { channelRoutes } from './channels.js';
import { commentRoutes } from './comments.js';
import { commentCreatorRoutes } from './comments-creator.js';
import { commentModerationRoutes } from './comments-moderation.js';
import { myCommentsRoutes } from './my-comments.js';
import { playlistRoutes } from './playlists.js';
import { playlistPlaybackRoutes } from './playlist-playback.js';
import { playlistOrderRoutes } from './playlist-order.js';
import { playlistSavingRoutes } from './playlist-saving.js';
import { reportRoutes } from './reports.js';
import { adminReportRoutes } from './admin-reports.js';
import { reportItemRoutes } from './report-items.js';
import { warningRoutes } from './warnings.js';
import { chapterRoutes } from './chapters.js';
import { studioChapterRoutes } from './studio-chapters.js';
import type { RouteDeps } from './deps.js';
import { healthRoutes } from './health.js';
import { homeRoutes } from './home.js';
import { settingsRoutes } from './settings.js';
import { studioBulkRoutes } from './studio-bulk.js';
import { studioListRoutes } from './studio-list.js';
import { studioCaptionRoutes } from './studio-captions.js';
import { setupRoutes } from './setup.js';
import { studioEditRoutes } from './studio-edit.js';
import { studioThumbRoutes } from './studio-thumbs.js';
import { studioStatsRoutes } from './studio-stats.js';
import { studioCommentRoutes } from './studio-comments.js';
import { adminAuditRoutes } from './admin-audit.js';
import { adminDashboardRoutes } from './admin-dashboard.js';
import { adminJobRoutes } from './admin-jobs.js';
import { adminRoleRoutes } from './admin-roles.js';
import { adminUserRoutes } from './admin-users.js';
import { takedownRoutes } from './takedowns.js';
import { adminAppealRoutes } from './admin-appeals.js';
import { allowRole, peopleLoaders, requireViewer } from './people-loaders.js';
import { canGiveRole, canSeePeople } from '../auth/permissions.js';
import { canApproveComment, canReviewSiteHold } from '../auth/permissions.js';
import { banRoutes } from './bans.js';
import { adminUserLimitRoutes } from './admin-user-limits.js';
import { adminHeldCommentRoutes } from './admin-held-comments.js';
import { adminSettingsRoutes } from './admin-settings.js';
import { adminMailRoutes } from './admin-mail.js';
import { adminRegistrationRoutes } from './admin-registrations.js';
import { sitePageRoutes } from './site-pages.js';
import { notificationRoutes } from './notifications.js';
import { notificationSettingsRoutes } from './notification-settings.js';
import { unsubscribeRoutes } from './unsubscribe.js';
import { siteLocals } from '../http/locals.js';
import { accountEmailRoutes } from './account-email.js';
import { passwordResetRoutes } from './password-reset.js';
import { secretLinkPage } from './email-links.js';
import { apiTokenRoutes } from './api-tokens.js';
import { apiUploadRoutes } from './api-uploads.js';
import { apiDocsRoutes } from './api-docs.js';
import { deletionLinkRoutes } from './deletion-links.js';
import { resumableUploadRoutes } from './resumable-uploads.js';

/**
 * The routes served before sessions are loaded (mounted first by app.ts): media anyone may
 * see. What they pass on is handled again by the same URL in buildRouter, with the viewer.
 */
export function buildOpenRouter(deps: RouteDeps): Router {
  const media = mediaRoutes(deps);
  const health = healthRoutes(deps);
  const router = Router();
  router.get('/media/videos/:id/:name', media.openVideoFile);
  // Asks the database itself, and nothing else: no session, no site settings.
  router.get('/healthz', health.check);
  // One-click unsubscribe from notification mail (RFC 8058): the signed link is the authority,
  // posted by mail providers with no cookie and no CSRF token.
  const unsubscribe = unsubscribeRoutes(deps);
  router.get('/unsubscribe/:token', siteLocals(deps.settings), unsubscribe.showUnsubscribe);
  router.post('/unsubscribe/:token', unsubscribe.readForm, siteLocals(deps.settings), unsubscribe.unsubscribe);
  // A mailed link's token is a key to an account: its pages are marked before anything can
  // refuse them (the CSRF check's 403 too), so that no page at that address repeats it.
  router.use(['/reset-password/:token', '/confirm-email/:token'], secretLinkPage);
  // An upload's deletion link (issue 15) is a key to the video: marked the same way.
  router.use('/delete/:id/:key', secretLinkPage);
  return router;
}

/**
 * The JSON API (issue 15), mounted at /api/v1 before the pages' sessions and CSRF checks
 * (app.ts): it answers in JSON and problem details only. Every request is first answered CORS
 * for public reads, then authenticated (a bearer token, or the session cookie for reading:
 * `viewer` are the pages' steps that read it), counted against its token's rate limit, and its
 * body read. Each route then names the scope it needs (`needs`), and loads and authorizes with
 * the same loaders and predicates as the pages.
 */
export function buildApiRouter(deps: RouteDeps, viewer: RequestHandler[]): Router {
  const { loadVideo, loadComment, loadPlaylist, loadChannel } = loaders(deps.pool);
  const api = apiRoutes(deps);
  const router = Router();
  // Mounted before the page cache: a change here makes the kept signed-out pages stale, as the
  // pages' own changes do (a playlist made private, a comment deleted, must not be served on).
  const changesStalePages: RequestHandler = (req, res, next) => (req.method === 'GET' || req.method === 'HEAD' ? next() : deps.pageCache.middleware(req, res, next));
  router.use(corsForPublicReads, authenticate(deps.pool, viewer), deps.limits.apiRequests, changesStalePages, api.readBody);

  router.get('/openapi.json', api.openApi);
  router.get('/videos/:id', needs('videos:read'), loadVideo, api.showVideo);
  router.get('/me', needs('account:read'), api.showMe);
  // Videos and channels (issue 15, item 2): the pages' listings, search (and its limit per
  // address), loaders and predicates. A change is the studio's: the owner's alone to edit (anyone
  // else is told the video does not exist), the owner's or a moderator's to delete, as on the pages.
  const videosApi = apiVideoRoutes(deps);
  router.get('/videos', needs('videos:read'), videosApi.listVideos);
  router.get('/search/videos', needs('videos:read'), deps.limits.searchesByAddress, videosApi.searchVideos);
  router.patch('/videos/:id', needs('videos:write'), loadVideo, hideVideoUnless(canEditVideo), videosApi.editVideo);
  router.delete('/videos/:id', needs('videos:write'), loadVideo, allowVideo(canDeleteVideo, 'You may not delete this video.'), videosApi.deleteVideo);
  router.get('/me/videos', needs('videos:read'), videosApi.signedIn, videosApi.listMyVideos);
  router.get('/channels/:handle', needs('videos:read'), loadChannel, videosApi.showChannel);
  router.get('/channels/:handle/videos', needs('videos:read'), loadChannel, videosApi.listChannelVideos);
  // Comments, playlists and my lists (issue 15, item 2): the pages' loaders, guards, limits and
  // queries (src/routes/api-comments.ts, api-playlists.ts, api-account.ts); each change needs a token.
  const apiComments = apiCommentRoutes(deps);
  const apiPlaylists = apiPlaylistRoutes(deps);
  const apiAccount = apiAccountRoutes(deps);
  router.get('/videos/:id/comments', needs('videos:read'), loadVideo, apiComments.listComments);
  router.post('/videos/:id/comments', needs('comments:write'), requirePermission('comment.create'), loadVideo, allowVideo(canCommentOn, 'Comments are not open on this video.'), allowVideo(areCommentsOpen, 'Comments are turned off on this video.'), deps.limits.commentsPerMinuteByAccount, deps.limits.commentsPerDayByAccount, apiComments.postComment);
  router.get('/comments/:id', needs('videos:read'), loadComment, apiComments.showComment);
  router.get('/comments/:id/replies', needs('videos:read'), loadComment, apiComments.listReplies);
  router.delete('/comments/:id', needs('comments:write'), loadComment, allowCommentOnVideo(canDeleteComment, 'Only the author or the creator can delete this comment.'), apiComments.deleteComment);
  const apiManagePlaylist = allowPlaylist(canManagePlaylist, 'Only the owner of this playlist can change it.');
  const apiEditPlaylist = allowPlaylist(canEditPlaylist, 'Only the owner can change this playlist, and Watch later cannot be renamed or deleted.');
  router.post('/playlists', needs('playlists:write'), requirePermission('playlist.manage'), apiPlaylists.create);
  router.get('/playlists/:id', needs('videos:read'), loadPlaylist, apiPlaylists.show);
  router.patch('/playlists/:id', needs('playlists:write'), loadPlaylist, apiEditPlaylist, apiPlaylists.edit);
  router.delete('/playlists/:id', needs('playlists:write'), loadPlaylist, apiEditPlaylist, apiPlaylists.remove);
  router.post('/playlists/:id/items', needs('playlists:write'), loadPlaylist, apiManagePlaylist, apiPlaylists.addItem);
  router.delete('/playlists/:id/items/:videoId', needs('playlists:write'), loadPlaylist, apiManagePlaylist, apiPlaylists.removeItem);
  router.post('/playlists/:id/items/:videoId/move', needs('playlists:write'), loadPlaylist, apiManagePlaylist, apiPlaylists.moveItem);
  router.get('/channels/:handle/playlists', needs('videos:read'), loadChannel, apiPlaylists.listOfChannel);
  router.get('/me/subscriptions', needs('account:read'), apiAccount.subscriptions);
  router.get('/me/notifications', needs('notifications:read'), apiAccount.notifications);
  // One video in one multipart request (ShareX, scripts): the upload form's permission, limits
  // (before and after the bytes), probe slot and intake; unlisted unless asked (api-uploads.ts).
  const uploadGuardsOfApi = uploadGuards(deps.pool, deps.config, deps.settings);
  const apiUploads = apiUploadRoutes(deps);
  router.post('/uploads', needs('videos:upload'), requirePermission('video.upload'), uploadGuardsOfApi.beforeFile, videoRoutes(deps).receiveVideo, uploadGuardsOfApi.afterFile, uploadGuardsOfApi.probeSlot, apiUploads.upload);

  router.use(api.noSuchEndpoint);
  router.use(problemHandler());
  return router;
}

/**
 * Resumable uploads (tus 1.0, issue 15) at /uploads, mounted by app.ts once the session and
 * viewer are loaded, before the pages' CSRF check: the uploader step checks the session's CSRF
 * token itself, and accepts an access token (videos:upload) without one. A creation is judged
 * (limits, details) before a byte is sent; an existing upload is its creator's alone; an account
 * sends at most MAX_SENDING_PER_ACCOUNT at once. OPTIONS (what the server supports, and CORS
 * preflights) needs nobody.
 */
export function buildResumableUploadRouter(deps: RouteDeps): Router {
  const uploads = resumableUploadRoutes(deps);
  const router = Router();
  router.options('/uploads', uploads.tus);
  router.options('/uploads/:id', uploads.tus);
  router.post('/uploads', uploads.uploader, uploads.mayUpload, uploads.sendingSlot, uploads.checkCreation, uploads.tus);
  router.head('/uploads/:id', uploads.uploader, uploads.mayUpload, uploads.loadUpload, uploads.tus);
  router.patch('/uploads/:id', uploads.uploader, uploads.mayUpload, uploads.loadUpload, uploads.sendingSlot, uploads.keepAlive, uploads.tus);
  router.delete('/uploads/:id', uploads.uploader, uploads.mayUpload, uploads.loadUpload, uploads.sendingSlot, uploads.forget, uploads.tus);
  // Only this router's refusals: an error of another step on its way to the pages' handler passes by.
  router.use('/uploads', uploads.answerError);
  return router;
}

/**
 * Every page of the site and its whole chain: loading steps (404 when missing or hidden),
 * authorization steps (sign-in redirect, 403), page-cache markers, then the handler.
 * - `cacheable`: the page is the same for every signed-out visitor; the page cache may keep it
 *   for a few seconds.
 * - `keepsPages`: a successful change that alters only counts a signed-out visitor sees (views,
 *   likes, subscribers), so the kept pages stay; every other change by an account empties them.
 */
export function buildRouter(deps: RouteDeps): Router {
  const { limits } = deps;
  const { cacheable, keepsPages } = deps.pageCache;
  const { loadVideo, loadSharedVideo, loadChannel, loadComment, loadPlaylist } = loaders(deps.pool);
  const accounts = accountRoutes(deps);
  const settings = settingsRoutes(deps);
  const channels = channelRoutes(deps);
  const home = homeRoutes(deps);
  const videos = videoRoutes(deps);
  const media = mediaRoutes(deps);
  const engagement = engagementRoutes(deps);
  const integration = integrationRoutes(deps);
  const setup = setupRoutes(deps);
  const studioList = studioListRoutes(deps);
  const studioBulk = studioBulkRoutes(deps);
  const studioEdit = studioEditRoutes(deps);
  const thumbs = studioThumbRoutes(deps);
  const captions = studioCaptionRoutes(deps);
  const chapters = chapterRoutes(deps);
  const studioChapters = studioChapterRoutes(deps);
  const studioStats = studioStatsRoutes(deps);
  const comments = commentRoutes(deps);
  const commentCreator = commentCreatorRoutes(deps);
  const studioComments = studioCommentRoutes(deps);
  const commentModeration = commentModerationRoutes(deps);
  const myComments = myCommentsRoutes(deps);
  const playlists = playlistRoutes(deps);
  const playlistPlayback = playlistPlaybackRoutes(deps);
  const playlistOrder = playlistOrderRoutes(deps);
  const saving = playlistSavingRoutes(deps);
  const reports = reportRoutes(deps);
  const adminReports = adminReportRoutes(deps);
  const uploads = uploadGuards(deps.pool, deps.config, deps.settings);
  const adminAudit = adminAuditRoutes(deps);
  const adminDashboard = adminDashboardRoutes(deps);
  const adminJobs = adminJobRoutes(deps);
  const bans = banRoutes(deps);
  const reportItems = reportItemRoutes(deps);
  const warnings = warningRoutes(deps);
  const accountEmail = accountEmailRoutes(deps);
  const passwordReset = passwordResetRoutes(deps);
  const router = Router();
  // The take-down in force, for its owner's watch and studio pages (src/routes/takedowns.ts).
  const takedownNotice = takedownRoutes(deps).loadTakedown;

  // Signed in while banned: every page is the ban notice (403), only signing out goes through.
  router.use(bans.showBanToBanned);
  // Warned by a moderator (issue 13, item 2): the warning on every page until acknowledged.
  router.use(warnings.showWarningNotice);

  router.get('/', cacheable, home.showHome);
  router.get('/search', cacheable, limits.searchesByAddress, home.search);
  router.get('/favicon.ico', home.favicon);

  router.get('/register', accounts.showRegister);
  router.post('/register', limits.signupAttemptsByAddress, limits.signupByAddress, accounts.register);
  router.get('/login', accounts.showLogin);
  router.post('/login', limits.loginByAddress, limits.loginByAccount, accounts.login);
  router.post('/logout', keepsPages, accounts.logout);
  router.get('/setup', setup.showSetup);
  router.post('/setup', limits.signupAttemptsByAddress, setup.setup);

  router.get('/settings', requireUser, settings.showProfile);
  router.post('/settings', requireUser, settings.saveProfile);
  router.post('/settings/avatar', requireUser, limits.avatarUploadsByAddress, settings.receiveAvatar, settings.saveAvatar);
  router.post('/settings/avatar/reset', requireUser, settings.resetAvatar);
  router.get('/settings/password', requireUser, settings.showPassword);
  router.post('/settings/password', requireUser, settings.changePassword);
  router.get('/settings/delete', requireUser, settings.showDelete);
  router.post('/settings/delete', requireUser, settings.deleteAccount);
  // Account email (issue 14, item 6): confirmed addresses, and the password reset by mail.
  // Each form that mails is limited, per client or account (src/http/rate-limit.ts) and per
  // recipient (src/http/account-email-limits.ts); the links' pages need no sign-in. An address
  // is never shown to visitors (keepsPages).
  router.get('/settings/email', requireUser, accountEmail.showEmail);
  router.post('/settings/email', requireUser, limits.confirmationsByAccount, keepsPages, accountEmail.changeEmail);
  router.post('/settings/email/resend', requireUser, limits.confirmationsByAccount, keepsPages, accountEmail.resendConfirmation);
  // The page asks, the button (POST, with the CSRF token of the page) confirms: scanners open links.
  router.get('/confirm-email/:token', secretLinkPage, accountEmail.showConfirm);
  router.post('/confirm-email/:token', secretLinkPage, accountEmail.confirm);
  router.get('/forgot-password', passwordReset.showForgot);
  router.post('/forgot-password', limits.resetRequestsByAddress, passwordReset.requestReset);
  router.get('/reset-password/:token', secretLinkPage, passwordReset.showReset);
  router.post('/reset-password/:token', secretLinkPage, passwordReset.resetPassword);
  router.get('/settings/comments', requireUser, myComments.show);
  // Access tokens (issue 15): the account's own, the account in every query's WHERE (another's
  // id is a 404); a secret is shown once, on the answer that made it. The ShareX uploader is a
  // new upload-only token in a .sxcu download. Nothing a visitor sees changes (keepsPages).
  const apiTokens = apiTokenRoutes(deps);
  router.get('/settings/tokens', requireUser, apiTokens.show);
  router.post('/settings/tokens', requireUser, keepsPages, apiTokens.create);
  router.post('/settings/tokens/sharex', requirePermission('video.upload'), keepsPages, apiTokens.downloadShareX);
  router.post('/settings/tokens/revoke-all', requireUser, keepsPages, apiTokens.revokeAll);
  router.post('/settings/tokens/:id/revoke', requireUser, keepsPages, apiTokens.revoke);
  // The API's reference for people, made from its OpenAPI document.
  router.get('/api', cacheable, apiDocsRoutes(deps).show);

  router.get('/upload', requirePermission('video.upload'), videos.showUpload);
  router.post('/upload', requirePermission('video.upload'), uploads.beforeFile, videos.receiveVideo, uploads.afterFile, uploads.probeSlot, videos.upload);
  router.get('/watch/:id', cacheable, loadVideo, takedownNotice, videos.watch);
  router.post('/watch/:id/rate', requireUser, loadVideo, allowVideo(canRateVideo, 'Your account may not rate this video.'), keepsPages, engagement.rate);
  router.post('/watch/:id/view', limits.viewsByAddress, engagement.checkViewToken, loadSharedVideo, keepsPages, engagement.view);
  // Comments (issue 11): post and reply (limits per account), likes, and the author's edit and delete.
  // With the video's comments turned off, only deleting is left (areCommentsOpen says why).
  const closedComments = allowVideo(areCommentsOpen, 'Comments are turned off on this video.');
  router.post('/watch/:id/comments', requirePermission('comment.create'), loadVideo, allowVideo(canCommentOn, 'Comments are not open on this video.'), closedComments, limits.commentsPerMinuteByAccount, limits.commentsPerDayByAccount, comments.post);
  // Edits count as comments do: each may mention new people, who are told (and mailed).
  router.post('/comments/:id/edit', requireUser, loadComment, allowComment(canChangeComment, 'Only the author can edit this comment.'), closedComments, limits.commentsPerMinuteByAccount, limits.commentsPerDayByAccount, comments.edit);
  router.post('/comments/:id/rate', requireUser, loadComment, allowComment(canRateComment, 'Your account may not rate this comment.'), closedComments, keepsPages, comments.rate);
  router.post('/comments/:id/delete', requireUser, loadComment, allowCommentOnVideo(canDeleteComment, 'Only the author or the creator can delete this comment.'), comments.remove);
  // The creator's tools on comments under their own videos (issue 11, item 7).
  const curate = allowCommentOnVideo(canCurateComment, 'Only the creator of this video can do that.');
  router.post('/comments/:id/pin', requireUser, loadComment, curate, commentCreator.pin);
  router.post('/comments/:id/unpin', requireUser, loadComment, curate, commentCreator.unpin);
  router.post('/comments/:id/heart', requireUser, loadComment, curate, commentCreator.heart(true));
  router.post('/comments/:id/unheart', requireUser, loadComment, curate, commentCreator.heart(false));
  // Not a comment the site holds for a watched word: the site's moderators approve those (/admin/comments/held).
  const approve = allowCommentOnVideo(canApproveComment, "The site's moderators review this comment: it holds a word the site watches.");
  router.post('/comments/:id/approve', requireUser, loadComment, approve, commentCreator.approve);
  // Moderators (comment.remove.any, issue 11 item 8): removal with a reason, written to the audit log; an edited comment's earlier versions.
  const moderate = allowComment(canRemoveComment, 'Only moderators can remove comments with a reason.');
  router.get('/comments/:id/remove', requireUser, loadComment, moderate, commentModeration.showRemove);
  router.post('/comments/:id/remove', requireUser, loadComment, moderate, commentModeration.remove);
  router.get('/comments/:id/revisions', requireUser, loadComment, allowComment(canSeeCommentRevisions, 'Only moderators can see earlier versions of a comment.'), commentModeration.revisions);
  router.post('/watch/:id/comments/mode', requireUser, loadVideo, allowVideo(canEditVideo, 'Only the creator of this video can change its comments.'), commentCreator.mode);
  router.post('/watch/:id/retry', requireUser, loadVideo, allowVideo(canManageUpload, 'Only the person who uploaded this video can retry it.'), videos.retry);
  router.get('/embed/:id', cacheable, loadSharedVideo, integration.embed);
  router.get('/oembed', cacheable, integration.oembed);
  router.get('/feeds/videos.atom', cacheable, integration.siteFeed);
  router.get('/sitemap.xml', cacheable, integration.sitemap);
  router.get('/sitemaps/channels-:page.xml', cacheable, integration.sitemapChannels);
  router.get('/sitemaps/videos-:page.xml', cacheable, integration.sitemapVideos);
  router.get('/sitemaps/playlists-:page.xml', cacheable, integration.sitemapPlaylists);
  router.get('/robots.txt', integration.robots);
  router.get('/feed/subscriptions', requireUser, engagement.subscriptionFeed);
  router.post('/studio/videos/:id/delete', requireUser, loadVideo, allowVideo(canDeleteVideo, 'You may not delete this video.'), videos.remove);
  // An API upload's deletion link (issue 15): the key is the authority, no sign-in; GET asks, the
  // button deletes (with the page's CSRF token). Its thumbnail address: stable from the upload on.
  const deletionLinks = deletionLinkRoutes(deps);
  router.get('/delete/:id/:key', secretLinkPage, deletionLinks.loadByKey, deletionLinks.show);
  router.post('/delete/:id/:key', secretLinkPage, deletionLinks.loadByKey, deletionLinks.remove);
  router.get('/watch/:id/thumbnail', loadVideo, apiUploadRoutes(deps).showThumbnail);
  // Studio list and bulk actions (issue 10, items 1 and 7): my videos only, the owner in every query's WHERE.
  router.get('/studio', requireUser, studioList.showStudio);
  router.post('/studio/bulk', requireUser, studioBulk.createBulkAction);
  router.get('/studio/bulk/:id', requireUser, studioBulk.showBulkAction);
  router.post('/studio/bulk/:id/confirm', requireUser, studioBulk.confirmBulkAction);
  // Studio, comments on my videos (issue 11, item 7): the inbox (the owner in every query's
  // WHERE; bulk ids not on my videos are reported, never touched), one comment at a time (the
  // creator's rule, as pin and heart), and the channel's review rules.
  router.get('/studio/comments', requireUser, studioComments.showInbox);
  router.post('/studio/comments/bulk', requireUser, studioComments.bulk);
  router.post('/studio/comments/:id/approve', requireUser, loadComment, approve, studioComments.one('approve'));
  router.post('/studio/comments/:id/reject', requireUser, loadComment, curate, studioComments.one('reject'));
  router.get('/studio/comments/settings', requireUser, studioComments.showSettings);
  router.post('/studio/comments/settings', requireUser, studioComments.saveSettings);
  // Studio, a video's details: edit, schedule, download the original.
  router.get('/studio/videos/:id', requireUser, loadVideo, hideVideoUnless(canEditVideo), takedownNotice, studioEdit.show);
  router.post('/studio/videos/:id', requireUser, loadVideo, hideVideoUnless(canEditVideo), takedownNotice, studioEdit.save);
  router.get('/studio/videos/:id/original', requireUser, loadVideo, hideVideoUnless(canEditVideo), studioEdit.downloadOriginal);
  // Studio, a video's thumbnail: one of three frames, the frame at a time, or an uploaded picture.
  router.get('/studio/videos/:id/thumbnail', requireUser, loadVideo, hideVideoUnless(canEditVideo), thumbs.frameSlot, thumbs.show);
  router.post('/studio/videos/:id/thumbnail/candidate', requireUser, loadVideo, hideVideoUnless(canEditVideo), thumbs.frameSlot, thumbs.chooseCandidate);
  router.post('/studio/videos/:id/thumbnail/frame', requireUser, loadVideo, hideVideoUnless(canEditVideo), thumbs.frameSlot, thumbs.chooseFrame);
  router.post('/studio/videos/:id/thumbnail/picture', requireUser, loadVideo, hideVideoUnless(canEditVideo), thumbs.receivePicture, thumbs.frameSlot, thumbs.savePicture);
  // Studio, a video's captions; each track is served under the video's media, to whoever may see the video.
  router.get('/studio/videos/:id/captions', requireUser, loadVideo, hideVideoUnless(canEditVideo), captions.show);
  router.post('/studio/videos/:id/captions', requireUser, loadVideo, hideVideoUnless(canEditVideo), captions.receiveFile, captions.upload);
  router.post('/studio/videos/:id/captions/:language/delete', requireUser, loadVideo, hideVideoUnless(canEditVideo), captions.remove);
  router.get('/media/videos/:id/captions/:language.vtt', cacheable, loadVideo, captions.serveFile);
  // Studio, a video's chapters: the table and the choice of source; the track is with the media below.
  router.get('/studio/videos/:id/chapters', requireUser, loadVideo, hideVideoUnless(canEditVideo), studioChapters.show);
  router.post('/studio/videos/:id/chapters', requireUser, loadVideo, hideVideoUnless(canEditVideo), studioChapters.save);
  // Studio: a video's statistics (views per day, viewers, sources, ratings; CSV).
  router.get('/studio/videos/:id/stats', requireUser, loadVideo, hideVideoUnless(canEditVideo), studioStats.show);
  router.get('/studio/videos/:id/stats.csv', requireUser, loadVideo, hideVideoUnless(canEditVideo), studioStats.csv);

  // Before the files' route, which would take chapters.vtt for a file's name. loadVideo applies
  // the rule the video's files are served by (canSeeVideo): the track is seen by whoever sees them.
  router.get('/media/videos/:id/chapters.vtt', cacheable, loadVideo, chapters.track);
  router.get('/media/videos/:id/:name', media.videoFile);

  // Playlists (issue 12, items 1, 3, 5, 6): a private one is a 404 to all but its owner (loadPlaylist,
  // canSeePlaylist); changes are the owner's with playlist.manage, the owner in every query's WHERE;
  // Watch later is never renamed or deleted (canEditPlaylist).
  const managePlaylist = allowPlaylist(canManagePlaylist, 'Only the owner of this playlist can change it.');
  const editPlaylist = allowPlaylist(canEditPlaylist, 'Only the owner can change this playlist, and Watch later cannot be renamed or deleted.');
  router.get('/playlists', requireUser, playlists.showMine);
  router.post('/playlists', requirePermission('playlist.manage'), playlists.create);
  router.get('/playlist/:id', cacheable, loadPlaylist, playlists.show);
  // Play all and Shuffle (issue 12, item 4): a redirect to /watch/:id?list=…; not cacheable, as each Shuffle draws a new seed.
  router.get('/playlist/:id/play', loadPlaylist, playlistPlayback.play);
  router.get('/playlist/:id/edit', requireUser, loadPlaylist, editPlaylist, playlists.showEdit);
  router.post('/playlist/:id/edit', requireUser, loadPlaylist, editPlaylist, playlists.saveEdit);
  router.post('/playlist/:id/delete', requireUser, loadPlaylist, editPlaylist, playlists.remove);
  // The item list's changes answer JSON to its script as well (src/routes/playlist-order.ts).
  router.post('/playlist/:id/items/:videoId/remove', requireUser, loadPlaylist, managePlaylist, playlistOrder.removeItem);
  router.post('/playlist/:id/items/:videoId/move', requireUser, loadPlaylist, managePlaylist, playlistOrder.moveItem);
  router.post('/playlist/:id/items/:videoId/place', requireUser, loadPlaylist, managePlaylist, playlistOrder.placeItem);
  // Saving a video to my playlists (issue 12, item 2): the checklist page (JSON for the Save
  // script), a tick, a new playlist with the video in it; only a video anyone with the link may
  // watch, or my own (canSaveVideo: someone else's private video is a 404, moderators too).
  // "Remove watched videos" on my Watch later (item 7), private for good: no public page changes.
  router.get('/watch/:id/save', requirePermission('playlist.manage'), loadVideo, hideVideoUnless(canSaveVideo), saving.show);
  router.post('/watch/:id/save', requirePermission('playlist.manage'), loadVideo, hideVideoUnless(canSaveVideo), saving.tick);
  router.post('/watch/:id/save/new', requirePermission('playlist.manage'), loadVideo, hideVideoUnless(canSaveVideo), saving.create);
  router.post('/playlist/:id/remove-watched', requireUser, loadPlaylist, allowPlaylist(canRemoveWatchedFrom, 'Only the owner can remove watched videos, and only from Watch later.'), keepsPages, saving.removeWatched);

  router.get('/@:handle', cacheable, loadChannel, channels.showChannel);
  router.get('/@:handle/playlists', cacheable, loadChannel, channels.showPlaylists);
  router.get('/@:handle/about', cacheable, loadChannel, channels.showAbout);
  router.get('/@:handle/feed.atom', cacheable, loadChannel, integration.channelFeed);
  router.post('/@:handle/subscribe', requireUser, loadChannel, allowChannel(canSubscribeTo, 'You cannot subscribe to this channel.'), keepsPages, engagement.subscribe);
  router.post('/@:handle/unsubscribe', requireUser, loadChannel, keepsPages, engagement.unsubscribe);
  // The bell of a followed channel (issue 14, item 4): all its new videos, or none; only while following it (409).
  router.post('/@:handle/notify', requireUser, loadChannel, allowChannel(canSubscribeTo, 'You cannot follow this channel.'), keepsPages, notificationSettingsRoutes(deps).setBell);

  // Reports (issue 13, item 1): signed in with report.create; only what the reporter may see (the
  // loaders' 404), never their own (403); a post counts against the per-account limits (429,
  // nothing written) and changes nothing a visitor sees (keepsPages). My reports: /settings/reports.
  const reportLimits = [limits.reportsPerHourByAccount, limits.reportsPerDayByAccount];
  const reportVideo = allowVideo(canReportVideo, 'You cannot report your own video.');
  const reportComment = allowComment(canReportComment, 'You cannot report your own comment.');
  const reportChannel = allowChannel(canReportChannel, 'You cannot report your own channel.');
  router.get('/watch/:id/report', requirePermission('report.create'), loadVideo, reportVideo, reports.show('video'));
  router.post('/watch/:id/report', requirePermission('report.create'), loadVideo, reportVideo, ...reportLimits, keepsPages, reports.save('video'));
  router.get('/comments/:id/report', requirePermission('report.create'), loadComment, reports.commentNotDeleted, reportComment, reports.show('comment'));
  router.post('/comments/:id/report', requirePermission('report.create'), loadComment, reports.commentNotDeleted, reportComment, ...reportLimits, keepsPages, reports.save('comment'));
  router.get('/@:handle/report', requirePermission('report.create'), loadChannel, reportChannel, reports.show('channel'));
  router.post('/@:handle/report', requirePermission('report.create'), loadChannel, reportChannel, ...reportLimits, keepsPages, reports.save('channel'));
  router.get('/settings/reports', requireUser, reports.showMine);
  // The moderators' queue (issue 13, item 2): a list of open items so far.
  router.get('/admin/reports', requirePermission('report.handle'), adminReports.showQueue);
  // A queue item (issue 13, item 2): its page, claims (signposts, not locks), and the actions, each
  // with its own permission and resolving every report of the item in its transaction. The take-down
  // is the take-down page's (GET|POST /admin/videos/:id/takedown?item=), linked from the item.
  const workQueue = requirePermission('report.handle');
  const loadReportItem = reportItems.loadReportItem;
  router.get('/admin/reports/:id', workQueue, loadReportItem, reportItems.show);
  router.post('/admin/reports/:id/claim', workQueue, loadReportItem, reportItems.notAboutViewer, keepsPages, reportItems.claim);
  router.post('/admin/reports/:id/release', workQueue, loadReportItem, keepsPages, reportItems.release);
  router.post('/admin/reports/:id/dismiss', workQueue, loadReportItem, reportItems.notAboutViewer, keepsPages, reportItems.dismiss);
  router.post('/admin/reports/:id/remove-comment', workQueue, requirePermission('comment.remove.any'), loadReportItem, reportItems.notAboutViewer, reportItems.allowCommentRemoval, reportItems.removeComment);
  router.post('/admin/reports/:id/warn', workQueue, requirePermission('user.warn'), loadReportItem, reportItems.allowWarning, keepsPages, reportItems.warn);
  router.post('/admin/reports/:id/ban', workQueue, requirePermission('user.ban'), loadReportItem, reportItems.allowItemBan, reportItems.ban);
  // My warnings (issue 13, item 2): the list in Settings, and "I understand" on the notice.
  router.get('/settings/warnings', requireUser, warnings.showMine);
  router.post('/settings/warnings/:id/acknowledge', requireUser, keepsPages, warnings.acknowledge);
  // People and roles (issue 13, item 5). Roles: `role.assign`, and a role is changed or deleted only
  // by someone holding all its permissions (canGiveRole). People: `role.assign` or `user.ban`
  // (canSeePeople); giving and taking roles: `role.assign` (canGiveRole on the role, in the handler).
  const { loadRole, loadPerson } = peopleLoaders(deps.pool);
  const adminRoles = adminRoleRoutes(deps);
  const adminUsers = adminUserRoutes(deps);
  const assignsRoles = requirePermission('role.assign');
  const givesRole = allowRole(canGiveRole, 'You may only change or delete roles whose permissions you hold yourself.');
  const seesPeople = requireViewer(canSeePeople, 'Your account may not see the people of this site.');
  router.get('/admin/roles', assignsRoles, adminRoles.list);
  router.post('/admin/roles', assignsRoles, adminRoles.create);
  router.get('/admin/roles/:name', assignsRoles, loadRole, adminRoles.show);
  router.post('/admin/roles/:name', assignsRoles, loadRole, givesRole, adminRoles.save);
  router.post('/admin/roles/:name/delete', assignsRoles, loadRole, givesRole, adminRoles.remove);
  router.get('/admin/users', seesPeople, adminUsers.list);
  router.get('/admin/users/:handle', seesPeople, loadPerson, adminUsers.show);
  router.post('/admin/users/:handle/roles', assignsRoles, loadPerson, adminUsers.grant);
  router.post('/admin/users/:handle/roles/:role/remove', assignsRoles, loadPerson, adminUsers.revoke);
  // Bans and admins' deletions of accounts (issue 13, item 4): user.ban, user.delete (admins,
  // through '*'); nobody acts on their own account or an admin's, moderators not on each other
  // (banRefusal, accountDeletionRefusal in permissions.ts).
  router.get('/admin/users/:handle/ban', requirePermission('user.ban'), bans.loadBanTarget, bans.allowBan, bans.showBan);
  router.post('/admin/users/:handle/ban', requirePermission('user.ban'), bans.loadBanTarget, bans.allowBan, bans.ban);
  router.post('/admin/users/:handle/unban', requirePermission('user.ban'), bans.loadBanTarget, bans.allowBan, bans.unban);
  router.get('/admin/users/:handle/delete', requirePermission('user.delete'), bans.loadBanTarget, bans.allowAccountDeletion, bans.showDelete);
  router.post('/admin/users/:handle/delete', requirePermission('user.delete'), bans.loadBanTarget, bans.allowAccountDeletion, bans.deleteAccount);
  // Administration (issue 13): the dashboard and the processing jobs are the running of the site
  // (admin.access, admins); the audit log is read by moderators too (audit.read). Every action
  // writes its audit row in its own transaction.
  router.get('/admin', requirePermission('admin.access'), adminDashboard.show);
  router.get('/admin/audit', requirePermission('audit.read'), adminAudit.show);
  router.get('/admin/jobs', requirePermission('admin.access'), adminJobs.showJobs);
  router.post('/admin/jobs/videos/:id/retry', requirePermission('admin.access'), adminJobs.retry);
  router.post('/admin/jobs/:id/cancel', requirePermission('admin.access'), adminJobs.cancel);
  // An account's own upload limits (issue 13, item 9): settings.edit, as the site's limits are;
  // each blank follows the site setting; audited ('user.limits'). Uploads read them per request.
  const userLimits = adminUserLimitRoutes(deps);
  router.get('/admin/users/:handle/limits', requirePermission('settings.edit'), loadPerson, userLimits.show);
  router.post('/admin/users/:handle/limits', requirePermission('settings.edit'), loadPerson, userLimits.save);
  // Comments held for the site's watched words (issue 13, item 9): the site's moderators
  // (comment.remove.any) approve or remove them, audited; not the creator (canApproveComment).
  const heldComments = adminHeldCommentRoutes(deps);
  const reviewSiteHold = allowComment(canReviewSiteHold, 'This comment is not waiting for the moderators: it is not held for a watched word.');
  router.get('/admin/comments/held', requirePermission('comment.remove.any'), heldComments.show);
  router.post('/admin/comments/held/:id/approve', requirePermission('comment.remove.any'), loadComment, reviewSiteHold, heldComments.approve);
  router.post('/admin/comments/held/:id/remove', requirePermission('comment.remove.any'), loadComment, reviewSiteHold, heldComments.remove);
  // Site settings (issue 13, item 9): settings.edit (admins). The site's own pages from them:
  // /about always, /rules while rules are set (404 otherwise). Sign-ups waiting for approval
  // (registration 'approval'): user.approve (moderators, admins); rejecting deletes the account.
  const adminSettings = adminSettingsRoutes(deps);
  const sitePages = sitePageRoutes(deps);
  const registrations = adminRegistrationRoutes(deps);
  router.get('/admin/settings', requirePermission('settings.edit'), adminSettings.show);
  router.post('/admin/settings', requirePermission('settings.edit'), adminSettings.save);

  // Mail (issue 14): how it is sent, the queue, a test message.
  const adminMail = adminMailRoutes(deps);
  router.get('/admin/mail', requirePermission('settings.edit'), adminMail.show);
  router.post('/admin/mail/test', requirePermission('settings.edit'), adminMail.sendTest);
  router.get('/about', cacheable, sitePages.about);
  router.get('/rules', cacheable, sitePages.rules);
  router.post('/admin/users/:handle/approve', requirePermission('user.approve'), loadPerson, registrations.approve);
  router.post('/admin/users/:handle/reject', requirePermission('user.approve'), loadPerson, registrations.reject);
  // Take-downs and appeals (issue 13, item 3; video.takedown) and uploads held for approval
  // (item 9; video.approve). The owner appeals once per take-down from the studio; an appeal is
  // decided by a moderator other than the one who took the video down (appealDecisionRefusal).
  const takedowns = takedownRoutes(deps);
  const appeals = adminAppealRoutes(deps);
  const takesDown = requirePermission('video.takedown');
  const approves = requirePermission('video.approve');
  router.get('/admin/videos/pending', approves, takedowns.showPending);
  router.post('/admin/videos/:id/approve', approves, loadVideo, takedowns.approve);
  router.get('/admin/videos/:id/reject', approves, loadVideo, takedowns.loadTakedown, takedowns.showReject);
  router.post('/admin/videos/:id/reject', approves, loadVideo, takedowns.loadTakedown, takedowns.reject);
  router.get('/admin/videos/:id/takedown', takesDown, loadVideo, takedowns.loadTakedown, takedowns.showTakedown);
  router.post('/admin/videos/:id/takedown', takesDown, loadVideo, takedowns.loadTakedown, takedowns.takeDown);
  router.post('/admin/videos/:id/restore', takesDown, loadVideo, takedowns.loadTakedown, takedowns.restore);
  router.get('/admin/appeals', takesDown, appeals.list);
  router.get('/admin/appeals/:id', takesDown, appeals.loadAppeal, appeals.show);
  router.post('/admin/appeals/:id', takesDown, appeals.loadAppeal, appeals.allowDecision, appeals.decide);
  router.get('/studio/videos/:id/appeal', requireUser, loadVideo, hideVideoUnless(canEditVideo), takedowns.loadTakedown, takedowns.showAppeal);
  router.post('/studio/videos/:id/appeal', requireUser, loadVideo, hideVideoUnless(canEditVideo), takedowns.loadTakedown, takedowns.appeal);

  // Notifications in the site (issue 14, items 1 and 4): my list, the bell's count, marking read,
  // and my preferences. The reader is in every query's WHERE clause: another's id is a 404.
  // Nothing here changes what a signed-out visitor sees (keepsPages).
  const notifications = notificationRoutes(deps);
  const notificationSettings = notificationSettingsRoutes(deps);
  router.get('/notifications', requireUser, notifications.list);
  router.get('/notifications/unread.json', requireUser, notifications.unread);
  router.get('/notifications/:id/open', requireUser, notifications.open);
  router.post('/notifications/:id/read', requireUser, keepsPages, notifications.markRead);
  router.post('/notifications/read-all', requireUser, keepsPages, notifications.markAll);
  router.get('/settings/notifications', requireUser, notificationSettings.show);
  router.post('/settings/notifications', requireUser, keepsPages, notificationSettings.save);

  return router;
}
