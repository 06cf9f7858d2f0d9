import { Router } from 'express';
import { requirePermission, requireUser } from '../auth/permissions.js';
import { uploadGuards } from '../http/upload-limits.js';
import { apiRoutes } from './api.js';
import { engagementRoutes } from './engagement.js';
import { integrationRoutes } from './integration.js';
import { mediaRoutes } from './media.js';
import { videoRoutes } from './videos.js';
import { accountRoutes } from './accounts.js';
import { channelRoutes } from './channels.js';
import type { RouteDeps } from './deps.js';
import { healthRoutes } from './health.js';
import { homeRoutes } from './home.js';
import { settingsRoutes } from './settings.js';

/**
 * The routes served before sessions are loaded (mounted first by app.ts): media anyone may
 * see. What they pass on is handled again by the same URL in buildRouter, with the viewer.
 */
export function buildOpenRouter(deps: RouteDeps): Router {
  const media = mediaRoutes(deps);
  const router = Router();
  router.get('/media/videos/:id/:name', media.openVideoFile);
  return router;
}

/** Every URL of the site and its whole middleware chain. Reading this shows the site. */
export function buildRouter(deps: RouteDeps): Router {
  const { limits } = deps;
  // Pages the same for every signed-out visitor, which the page cache may keep for a few seconds.
  const cacheable = deps.pageCache.cacheable;
  const accounts = accountRoutes(deps);
  const settings = settingsRoutes(deps);
  const channels = channelRoutes(deps);
  const home = homeRoutes(deps);
  const health = healthRoutes(deps);
  const videos = videoRoutes(deps);
  const media = mediaRoutes(deps);
  const api = apiRoutes(deps);
  const engagement = engagementRoutes(deps);
  const integration = integrationRoutes(deps);
  const uploads = uploadGuards(deps.pool, deps.config);
  const router = Router();

  router.get('/', cacheable, home.showHome);
  router.get('/search', cacheable, home.search);
  router.get('/healthz', health.check);
  router.get('/favicon.ico', home.favicon);

  router.get('/register', accounts.showRegister);
  router.post('/register', limits.signupByAddress, accounts.register);
  router.get('/login', accounts.showLogin);
  router.post('/login', limits.loginByAddress, limits.loginByAccount, accounts.login);
  router.post('/logout', accounts.logout);

  router.get('/settings', requireUser, settings.showProfile);
  router.post('/settings', requireUser, settings.saveProfile);
  router.post('/settings/avatar', requireUser, settings.receiveAvatar, settings.saveAvatar);
  router.post('/settings/avatar/reset', requireUser, settings.resetAvatar);
  router.get('/settings/password', requireUser, settings.showPassword);
  router.post('/settings/password', requireUser, settings.changePassword);
  router.get('/settings/delete', requireUser, settings.showDelete);
  router.post('/settings/delete', requireUser, settings.deleteAccount);

  router.get('/upload', requirePermission('video.upload'), videos.showUpload);
  router.post('/upload', requirePermission('video.upload'), uploads.beforeFile, videos.receiveVideo, uploads.afterFile, uploads.probeSlot, videos.upload);
  router.get('/watch/:id', cacheable, videos.watch);
  router.post('/watch/:id/rate', requireUser, engagement.rate);
  router.post('/watch/:id/view', engagement.view);
  router.get('/embed/:id', cacheable, integration.embed);
  router.get('/oembed', cacheable, integration.oembed);
  router.get('/feeds/videos.atom', cacheable, integration.siteFeed);
  router.get('/sitemap.xml', cacheable, integration.sitemap);
  router.get('/robots.txt', integration.robots);
  router.get('/feed/subscriptions', requireUser, engagement.subscriptionFeed);
  router.post('/watch/:id/retry', requireUser, videos.retry);
  router.get('/studio', requireUser, videos.studio);
  router.post('/studio/videos/:id/delete', requireUser, videos.remove);

  router.get('/media/videos/:id/:name', media.videoFile);
  router.get('/api/v1/videos/:id', api.showVideo);

  router.get('/@:handle', cacheable, channels.showChannel);
  router.get('/@:handle/playlists', cacheable, channels.showPlaylists);
  router.get('/@:handle/about', cacheable, channels.showAbout);
  router.get('/@:handle/feed.atom', cacheable, integration.channelFeed);
  router.post('/@:handle/subscribe', requireUser, engagement.subscribe);
  router.post('/@:handle/unsubscribe', requireUser, engagement.unsubscribe);

  return router;
}
