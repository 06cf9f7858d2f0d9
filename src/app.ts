import path from 'node:path';
import express, { type Express } from 'express';
import { isHttps, type Config } from './config.js';
import type { PageEvents } from './db/page-events.js';
import type { Pool } from './db/pool.js';
import { createAssets } from './http/assets.js';
import { compressResponses } from './http/compression.js';
import { csrfProtection } from './http/csrf.js';
import { errorHandler, notFoundHandler } from './http/error-handler.js';
import { baseLocals, sessionLocals, siteLocals, viewHelpers } from './http/locals.js';
import { requestLogger } from './http/logging.js';
import { createRateLimiters } from './http/rate-limit.js';
import { securityHeaders } from './http/security.js';
import { refuseNulBytes } from './http/nul-bytes.js';
import { createPageCache } from './http/page-cache.js';
import { createSessions, enforceAbsoluteLifetime, saveFlashBeforeRedirect, sessionCookieName } from './http/session.js';
import { useViews } from './http/views.js';
import { loadViewer } from './http/viewer.js';
import type { JobQueue } from './jobs/queue.js';
import type { Logger } from './log.js';
import { resolveBinaries } from './media/ffmpeg.js';
import { LocalStorage } from './media/storage.js';
import { PUBLIC_DIR } from './paths.js';
import { createSiteSettings, type SiteSettingsStore } from './settings/site-settings.js';
import { buildApiRouter, buildOpenRouter, buildRouter } from './routes/index.js';
import { buildResumableUploadRouter } from './routes/index.js';

export interface AppDeps {
  config: Config;
  pool: Pool;
  logger: Logger;
  sessionSecret: string;
  queue: JobQueue;
  /**
   * Set when several web processes serve the site: connects this process's page cache to the
   * others' (db/page-events.ts), given the function that makes its kept pages stale.
   */
  pageEvents?: (markStale: () => void) => PageEvents;
  /** The site settings' store; made here unless given (tests keep theirs to change settings). */
  settings?: SiteSettingsStore;
  /** The clock expiring links are judged by; the real one unless a test gives its own. */
  now?: () => Date;
}

/** Form bodies are small; anything larger is refused with 413 before it is parsed. */
const FORM_BODY_LIMIT = '64kb';
/**
 * Comment forms (posting, editing) carry up to 10,000 characters: up to 4 bytes of UTF-8 each,
 * sent percent-encoded as 12 characters, so 10,000 emoji need about 120 kB. The 64 kB limit
 * would refuse a valid comment as too large.
 */
const COMMENT_FORM_BODY_LIMIT = '128kb';
const COMMENT_FORM = /^\/(?:watch\/[^/]+\/comments|comments\/[^/]+\/edit)$/;
/**
 * The site settings' form (/admin/settings) carries the about and rules texts, 20,000 characters
 * each, and up to 500 watched words: percent-encoded, up to about 600 kB.
 */
const SETTINGS_FORM_BODY_LIMIT = '1mb';
const MEDIA_MAX_AGE_MS = 365 * 24 * 60 * 60 * 1000;

export function createApp(deps: AppDeps): Express {
  const { config, pool, logger } = deps;
  const https = isHttps(config);
  const storage = new LocalStorage(path.join(config.dataDir, 'media'));
  // Development (npm run dev) picks up edited files in public/ within a second, without a restart.
  const assets = createAssets(PUBLIC_DIR, { rescan: process.env.NODE_ENV === 'development' });
  const helpers = viewHelpers(storage, assets.url);
  const app = express();

  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  // JSON answers write <, > and & as \u003c, \u003e, \u0026: text people typed (a comment's "</script>")
  // stays inert even if a JSON answer is ever read as HTML or placed inside a page.
  app.set('json escape', true);
  // Compiled templates are cached except in development (npm run dev), where edits show at once.
  useViews(app, process.env.NODE_ENV !== 'development');

  app.use(requestLogger(logger));
  app.use(securityHeaders(https));
  // Public bytes first: no session, no database; from memory, compressed when the site started.
  app.use('/static', assets.serve);
  // Whatever is sent with res.send (pages, JSON, XML) is compressed as it is sent; kept pages keep theirs.
  app.use(compressResponses);
  app.use(baseLocals({ siteName: config.siteName, helpers, asset: assets.url }));

  // Avatar files are named by a random key that changes with every new picture, so they never change in place.
  app.use('/media/avatars', express.static(path.join(storage.root, 'avatars'), { maxAge: MEDIA_MAX_AGE_MS, immutable: true, index: false, redirect: false, dotfiles: 'deny', setHeaders: (res) => res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin') }));

  let events: PageEvents | null = null;
  const pageCache = createPageCache({ seconds: config.pageCacheSeconds, maxBytes: config.pageCacheMb * 1024 * 1024, sessionCookie: sessionCookieName(https), onStale: () => events?.publish() });
  const settings = deps.settings ?? createSiteSettings(pool, config);
  // Another process's change may be a setting: forget this process's copy with its pages.
  events = deps.pageEvents?.(() => {
    pageCache.markStale();
    settings.forget();
  }) ?? null;
  const routeDeps = { config, pool, storage, queue: deps.queue, binaries: resolveBinaries(config), limits: createRateLimiters(pool, config, deps.sessionSecret), secret: deps.sessionSecret, pageCache, settings, now: deps.now ?? (() => new Date()) };
  const sessions = createSessions(pool, { secret: deps.sessionSecret, secure: https, idleHours: config.sessionIdleHours, maxDays: config.sessionMaxDays });
  const viewer = [sessions.middleware, enforceAbsoluteLifetime(config.sessionMaxDays), loadViewer(pool, sessions.takeViewer)];
  app.use(buildOpenRouter(routeDeps));
  // The JSON API: its own errors (problem details), no pages' CSRF tokens.
  app.use('/api/v1', buildApiRouter(routeDeps, viewer));
  // Public pages for signed-out visitors, from memory when rendered in the last few seconds.
  app.use(pageCache.middleware);
  app.use(siteLocals(settings));

  const forms = express.urlencoded({ extended: false, limit: FORM_BODY_LIMIT, parameterLimit: 100 });
  const commentForms = express.urlencoded({ extended: false, limit: COMMENT_FORM_BODY_LIMIT, parameterLimit: 100 });
  const settingsForms = express.urlencoded({ extended: false, limit: SETTINGS_FORM_BODY_LIMIT, parameterLimit: 100 });
  app.use((req, res, next) => (req.method === 'POST' && req.path === '/admin/settings' ? settingsForms : req.method === 'POST' && COMMENT_FORM.test(req.path) ? commentForms : forms)(req, res, next));
  app.use(express.json({ limit: FORM_BODY_LIMIT }));
  app.use(refuseNulBytes);
  app.use(viewer);
  app.use(saveFlashBeforeRedirect);
  app.use(sessionLocals);
  // Resumable uploads (tus): the session is loaded; the router checks CSRF itself, or takes an access token.
  app.use(buildResumableUploadRouter(routeDeps));
  app.use(csrfProtection(deps.sessionSecret, https));

  app.use(buildRouter(routeDeps));

  app.use(notFoundHandler);
  app.use(errorHandler());
  return app;
}
