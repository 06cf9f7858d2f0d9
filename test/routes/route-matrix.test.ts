// Attack covered: a route reachable by the wrong person (missing or misplaced guard), and a route
// added without anyone deciding who may use it. Every route the app declares has one row here
// with the status each role gets; a route without a row, or a row without a route, fails.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import express, { type Express } from 'express';
import supertest from 'supertest';
import { insertBulkAction } from '../../src/db/bulk-actions.js';
import { saveCaptionTrack } from '../../src/db/captions.js';
import { insertComment } from '../../src/db/comments.js';
import { addVideoToPlaylist } from '../../src/db/playlist-items.js';
import { findOrCreateWatchLater, insertPlaylist, type PlaylistPrivacy } from '../../src/db/playlists.js';
import { createTestApp, runDataDir, TEST_SESSION_SECRET } from '../helpers/app.js';
import { unsubscribeToken } from '../../src/notifications/unsubscribe-tokens.js';
import { csrfFrom, signedInAgent, tokenFor, type Agent } from '../helpers/agent.js';
import { testPool, testQueue } from '../helpers/database.js';
import { PROCESS_VIDEO } from '../../src/jobs/queue.js';
import { banUser, createUser, createVideo, uniqueHandle } from '../helpers/factories.js';
import { fixture } from '../helpers/fixtures.js';
import { jpegWithExif } from '../helpers/images.js';
import { declaredRoutes, routeKey } from '../helpers/routes.js';
import { attachRendition } from '../helpers/videos.js';
import { reportedItem } from '../helpers/report-items.js';
import { settingsFormValues } from '../../src/forms/site-settings.js';
import { insertNotification } from '../../src/db/notifications.js';
import { subscribe } from '../../src/db/subscriptions.js';
import { insertEmailToken } from '../../src/db/email-tokens.js';
import { createToken } from '../helpers/api.js';
import { insertDeletionKey } from '../../src/db/video-deletion-keys.js';
import { newDeletionKey } from '../../src/uploads/deletion-keys.js';
import { makeResumableUpload, tusMetadata } from '../helpers/tus.js';

type User = Awaited<ReturnType<typeof createUser>>;
const ROLES = ['anonymous', 'stranger', 'owner', 'moderator', 'admin', 'banned'] as const;
type Role = (typeof ROLES)[number];
/** A status, or 'login': 303 to /login?next=… (a page that needs signing in, asked signed out). */
type Outcome = number | 'login';

/** What a row's URL names: a channel (its owner) with a public, a private (with a file) and a failed video. */
interface Subject {
  owner: User;
  video: { id: number; publicId: string };
  privateVideo: { id: number; publicId: string; file: string };
  failedVideo: { id: number; publicId: string };
}

interface Request {
  path: string;
  /** Form fields, sent with the session's CSRF token. */
  form?: Record<string, string>;
  /** A multipart upload: the token goes in the query string, as the site's forms send it. */
  file?: { field: string; content: string | Buffer; name: string; fields?: Record<string, string> };
  /** Fields sent without a CSRF token (the view report carries its own). */
  bare?: Record<string, string>;
  /** A tus request (resumable uploads): its headers and body; unsafe methods carry the CSRF token in X-CSRF-Token. */
  tus?: { headers?: Record<string, string>; body?: Buffer };
}

interface Cell {
  role: Role;
  subject: Subject;
  /** The signed-in account making the request; null when anonymous. */
  actor: User | null;
  agent: Agent;
}

interface Row {
  /** Statuses for anonymous, stranger, owner, moderator, admin, banned. */
  expect: [Outcome, Outcome, Outcome, Outcome, Outcome, Outcome];
  request(cell: Cell): Request | Promise<Request>;
  /**
   * The request changes its subject or the account for good (deletes, signs out, changes a
   * password, counts a view once): each role gets a new subject and a new session.
   */
  fresh?: boolean;
}

const L = 'login' as const;
/**
 * The banned account posts a form it opened before the ban: the ban signs its session out, so
 * the form's token no longer matches and the post is refused as expired (403).
 */
const B = 403;
const all = (o: Outcome): Row['expect'] => [o, o, o, o, o, o];
/** Forms anyone may post: `o` for everyone but the banned account's stale form. */
const allForms = (o: Outcome): Row['expect'] => [o, o, o, o, o, B];
/** Pages for signed-in users: the sign-in page for anonymous and banned, `o` for everyone else. */
const signedIn = (o: Outcome): Row['expect'] => [L, o, o, o, o, L];
/** Forms for signed-in users: the sign-in page for anonymous, `o` for the signed in, 403 for the banned account's stale form. */
const signedInForm = (o: Outcome): Row['expect'] => [L, o, o, o, o, B];
const page = (path: (c: Cell) => string) => (c: Cell) => ({ path: path(c) });
const origin = 'http://localhost:3000';

/** A delete of the subject's public video waiting for its owner's confirmation. */
const pendingDelete = (s: Subject) => insertBulkAction(testPool(), { ownerId: s.owner.id, action: 'delete', argument: '', videoPublicIds: [s.video.publicId], state: 'pending' });

/** A comment by the subject's owner on its public video; its id. */
const ownersComment = async (s: Subject) => (await insertComment(testPool(), { videoId: s.video.id, authorId: s.owner.id, body: `Matrix comment ${Math.random()}`, parent: null }))!.id;

/** A comment by the subject's owner on its private video: seen by whoever sees the video; its id. */
const privateVideoComment = async (s: Subject) => (await insertComment(testPool(), { videoId: s.privateVideo.id, authorId: s.owner.id, body: `Matrix private comment ${Math.random()}`, parent: null }))!.id;

/** A held comment by someone else on the subject's public video; its id. */
const heldComment = async (s: Subject) => (await insertComment(testPool(), { videoId: s.video.id, authorId: (await createUser()).id, body: `Held in the matrix ${Math.random()}`, parent: null, held: true }))!.id;

/** A comment by someone else on the subject's public video, held for a site watched word; its id. */
const watchedHeldComment = async (s: Subject) => (await insertComment(testPool(), { videoId: s.video.id, authorId: (await createUser()).id, body: `Watched in the matrix ${Math.random()}`, parent: null, held: true, heldReason: 'watched-word' }))!.id;

/** A new playlist of the subject's owner holding its public video; its public id. */
const ownersPlaylist = async (s: Subject, privacy: PlaylistPrivacy = 'public') => {
  const made = await insertPlaylist(testPool(), s.owner.id, { title: `Matrix playlist ${Math.random()}`, description: '', privacy }, 1000);
  if (made === 'limit') throw new Error('the matrix owner keeps too many playlists');
  const { rows } = await testPool().query('SELECT id FROM playlists WHERE public_id = $1', [made.publicId]);
  await addVideoToPlaylist(testPool(), s.owner.id, Number(rows[0].id), s.video, 5000);
  return made.publicId;
};

/** A playlist of the subject's owner with a second item, its private video: where to place the public one. */
const placeInPlaylist = async (s: Subject) => {
  const publicId = await ownersPlaylist(s);
  const { rows } = await testPool().query('SELECT id FROM playlists WHERE public_id = $1', [publicId]);
  await addVideoToPlaylist(testPool(), s.owner.id, Number(rows[0].id), s.privateVideo, 5000);
  return `/playlist/${publicId}/items/${s.video.publicId}/place`;
};

/** An open report item about a new video of the subject's owner; its id. */
const matrixItem = async (s: Subject) => reportedItem('video', (await createVideo(s.owner)).id, s.owner.id);

/** A warning to the subject's owner, not yet acknowledged; its id. */
const matrixWarning = async (s: Subject) => {
  const { rows } = await testPool().query(`INSERT INTO warnings (user_id, reason, message) VALUES ($1, 'spam', 'A warning of the matrix') RETURNING id`, [s.owner.id]);
  return Number(rows[0].id);
};

let matrixRoles = 0;
/** A role name of its own for each request that creates one. */
const matrixRoleName = () => `matrix-${process.pid % 10000}-${(matrixRoles += 1)}`;
/** A role (not built in) made for one request to change or delete; its name. */
const matrixRole = async () => {
  const name = matrixRoleName();
  await testPool().query(`INSERT INTO roles (name, description) VALUES ($1, 'A role of the matrix')`, [name]);
  await testPool().query(`INSERT INTO role_permissions (role, permission) VALUES ($1, 'video.upload')`, [name]);
  return name;
};

/** An account waiting for approval, as a sign-up while registration needs it makes one. */
const pendingUsers: number[] = [];
const pendingUser = async () => {
  const user = await createUser();
  pendingUsers.push(user.id);
  await testPool().query('UPDATE users SET pending_at = now() WHERE id = $1', [user.id]);
  return user;
};
/** The subject's public video taken down by a moderator of its own, with the owner's appeal when `appealed`; the take-down's id. */
const takenDown = async (s: Subject, appealed = false) => {
  const taker = await createUser({ roles: ['moderator'] });
  await testPool().query(`UPDATE videos SET moderation = 'taken_down' WHERE id = $1`, [s.video.id]);
  const { rows } = await testPool().query(
    `INSERT INTO video_takedowns (video_id, reason, policy, taken_by, appeal_text, appealed_at) VALUES ($1, 'spam', 'Rule 1', $2, $3, $4) RETURNING id`,
    [s.video.id, taker.id, appealed ? 'Please' : null, appealed ? new Date() : null],
  );
  return Number(rows[0].id);
};
/** The subject's public video held for approval. */
const held = async (s: Subject) => { await testPool().query(`UPDATE videos SET moderation = 'held' WHERE id = $1`, [s.video.id]); };

/** A notification of the subject's owner (issue 14); its id. */
const matrixNotification = async (s: Subject) => (await insertNotification(testPool(), { userId: s.owner.id, kind: 'report_handled', detail: {} }))!.id;
/** The actor follows the subject's owner (not the owner itself), so that it has a bell to set. */
const followOwner = async (c: Cell) => { if (c.actor && c.actor.id !== c.subject.owner.id) await subscribe(testPool(), c.actor.id, c.subject.owner.id); };

const ROWS: Record<string, Row> = {
  'GET /': { expect: all(200), request: page(() => '/') },
  'GET /search': { expect: all(200), request: page(() => '/search?q=anything') },
  'GET /healthz': { expect: all(200), request: page(() => '/healthz') },
  'GET /favicon.ico': { expect: all(301), request: page(() => '/favicon.ico') },

  'GET /register': { expect: [200, 303, 303, 303, 303, 200], request: page(() => '/register') },
  'POST /register': {
    fresh: true,
    expect: allForms(303),
    request: () => ({ path: '/register', form: { handle: uniqueHandle('reg'), displayName: 'New person', email: '', password: 'a long and unusual passphrase 42' } }),
  },
  'GET /login': { expect: [200, 303, 303, 303, 303, 200], request: page(() => '/login') },
  'POST /login': {
    fresh: true,
    // Each signs in as themselves (anonymous: as an account of its own).
    expect: allForms(303),
    request: async (c) => {
      const account = c.actor ?? (await createUser());
      return { path: '/login', form: { login: account.handle, password: account.password } };
    },
  },
  'POST /logout': { fresh: true, expect: allForms(303), request: () => ({ path: '/logout', form: {} }) },
  // Once the site has an admin (the matrix makes one), the setup address is gone for everyone.
  'GET /setup': { expect: all(404), request: page(() => '/setup?token=anything') },
  'POST /setup': { expect: allForms(404), request: () => ({ path: '/setup', form: { token: 'anything' } }) },

  'GET /settings': { expect: signedIn(200), request: page(() => '/settings') },
  'POST /settings': { expect: signedInForm(303), request: () => ({ path: '/settings', form: { displayName: 'Renamed in the matrix', bio: '' } }) },
  'POST /settings/avatar': {
    expect: signedInForm(303),
    request: async () => ({ path: '/settings/avatar', file: { field: 'avatar', content: await jpegWithExif(64, 64), name: 'me.jpg' } }),
  },
  'POST /settings/avatar/reset': { expect: signedInForm(303), request: () => ({ path: '/settings/avatar/reset', form: {} }) },
  'GET /settings/password': { expect: signedIn(200), request: page(() => '/settings/password') },
  'POST /settings/password': {
    fresh: true,
    expect: signedInForm(303),
    request: (c) => ({ path: '/settings/password', form: { currentPassword: c.actor?.password ?? 'whatever', newPassword: 'another long passphrase 77', confirmPassword: 'another long passphrase 77' } }),
  },
  'GET /settings/comments': { expect: signedIn(200), request: page(() => '/settings/comments') },
  'GET /settings/delete': { expect: signedIn(200), request: page(() => '/settings/delete') },
  'POST /settings/delete': {
    fresh: true,
    expect: signedInForm(200),
    request: (c) => ({ path: '/settings/delete', form: { password: c.actor?.password ?? 'whatever', confirmHandle: c.actor?.handle ?? 'nobody' } }),
  },

  'GET /upload': { expect: signedIn(200), request: page(() => '/upload') },
  'POST /upload': {
    expect: signedInForm(303),
    // Signed out, the answer comes before the body is read: a body of a few bytes then, so that the
    // answer is not lost to a closed connection (EPIPE) while a video is still being sent.
    request: async (c) => {
      const content = c.role === 'anonymous' || c.role === 'banned' ? Buffer.from('unread') : await tinyVideo();
      return { path: '/upload', file: { field: 'file', content, name: 'matrix.mp4', fields: { title: MATRIX_UPLOAD, visibility: 'private' } } };
    },
  },
  'GET /watch/:id': { expect: [404, 404, 200, 200, 200, 404], request: page((c) => `/watch/${c.subject.privateVideo.publicId}`) },
  'POST /watch/:id/rate': { expect: signedInForm(303), request: (c) => ({ path: `/watch/${c.subject.video.publicId}/rate`, form: { value: 'like' } }) },
  // Comments on the private video: whoever may see it may comment; strangers are told it does not exist.
  'POST /watch/:id/comments': { expect: [L, 404, 303, 303, 303, B], request: (c) => ({ path: `/watch/${c.subject.privateVideo.publicId}/comments`, form: { body: 'Said in the matrix' } }) },
  // A comment is changed by its author alone (the owner wrote it here), moderators included.
  'POST /comments/:id/edit': { expect: [L, 403, 303, 403, 403, B], request: async (c) => ({ path: `/comments/${await ownersComment(c.subject)}/edit`, form: { body: 'Edited in the matrix' } }) },
  // Anyone signed in who may see the video likes a comment, its author too.
  'POST /comments/:id/rate': { expect: signedInForm(303), request: async (c) => ({ path: `/comments/${await ownersComment(c.subject)}/rate`, form: { value: 'like' } }) },
  'POST /comments/:id/delete': { fresh: true, expect: [L, 403, 303, 403, 403, B], request: async (c) => ({ path: `/comments/${await ownersComment(c.subject)}/delete`, form: {} }) },
  // The creator's tools on comments under their own video: the owner alone, moderators and admins included in the refusal.
  'POST /comments/:id/pin': { expect: [L, 403, 303, 403, 403, B], request: async (c) => ({ path: `/comments/${await ownersComment(c.subject)}/pin`, form: {} }) },
  'POST /comments/:id/unpin': { expect: [L, 403, 303, 403, 403, B], request: async (c) => ({ path: `/comments/${await ownersComment(c.subject)}/unpin`, form: {} }) },
  'POST /comments/:id/heart': { expect: [L, 403, 303, 403, 403, B], request: async (c) => ({ path: `/comments/${await ownersComment(c.subject)}/heart`, form: {} }) },
  'POST /comments/:id/unheart': { expect: [L, 403, 303, 403, 403, B], request: async (c) => ({ path: `/comments/${await ownersComment(c.subject)}/unheart`, form: {} }) },
  // A held comment: a 404 to strangers; moderators see it (to remove it) but approving is the creator's (403).
  'POST /comments/:id/approve': { expect: [L, 404, 303, 403, 403, B], request: async (c) => ({ path: `/comments/${(await insertComment(testPool(), { videoId: c.subject.video.id, authorId: (await createUser()).id, body: `Held ${Math.random()}`, parent: null, held: true }))!.id}/approve`, form: {} }) },
  // Moderators' removal with a reason and an edited comment's versions: comment.remove.any (moderators, admins) alone, the author and creator included in the refusal.
  'GET /comments/:id/remove': { expect: [L, 403, 403, 200, 200, L], request: async (c) => ({ path: `/comments/${await ownersComment(c.subject)}/remove` }) },
  'POST /comments/:id/remove': { fresh: true, expect: [L, 403, 403, 303, 303, B], request: async (c) => ({ path: `/comments/${await ownersComment(c.subject)}/remove`, form: { reason: 'spam' } }) },
  'GET /comments/:id/revisions': { expect: [L, 403, 403, 200, 200, L], request: async (c) => ({ path: `/comments/${await ownersComment(c.subject)}/revisions` }) },
  // The per-video comments mode on the private video: its owner alone; strangers do not know it exists.
  'POST /watch/:id/comments/mode': { expect: [L, 404, 303, 403, 403, B], request: (c) => ({ path: `/watch/${c.subject.privateVideo.publicId}/comments/mode`, form: { mode: 'on' } }) },
  'POST /watch/:id/view': {
    fresh: true,
    // The owner's own view is answered but never counted (200, counted: false).
    expect: [201, 201, 200, 201, 201, 201],
    request: async (c) => {
      const watch = await c.agent.get(`/watch/${c.subject.video.publicId}`);
      const token = /data-view-token="([^"]+)"/.exec(watch.text)?.[1] ?? 'missing';
      return { path: `/watch/${c.subject.video.publicId}/view`, bare: { token } };
    },
  },
  'GET /embed/:id': { expect: all(404), request: page((c) => `/embed/${c.subject.privateVideo.publicId}`) },
  'GET /oembed': { expect: all(404), request: page((c) => `/oembed?url=${encodeURIComponent(`${origin}/watch/${c.subject.privateVideo.publicId}`)}`) },
  'GET /feeds/videos.atom': { expect: all(200), request: page(() => '/feeds/videos.atom') },
  'GET /sitemap.xml': { expect: all(200), request: page(() => '/sitemap.xml') },
  'GET /sitemaps/channels-:page.xml': { expect: all(200), request: page(() => '/sitemaps/channels-1.xml') },
  'GET /sitemaps/videos-:page.xml': { expect: all(200), request: page(() => '/sitemaps/videos-1.xml') },
  'GET /sitemaps/playlists-:page.xml': { expect: all(200), request: page(() => '/sitemaps/playlists-1.xml') },
  'GET /robots.txt': { expect: all(200), request: page(() => '/robots.txt') },
  'GET /feed/subscriptions': { expect: signedIn(200), request: page(() => '/feed/subscriptions') },
  'POST /watch/:id/retry': {
    fresh: true,
    // A failed video is not shown to strangers (404); moderators see it but may not retry it.
    expect: [L, 404, 303, 403, 403, B],
    request: (c) => ({ path: `/watch/${c.subject.failedVideo.publicId}/retry`, form: {} }),
  },
  'GET /studio': { expect: signedIn(200), request: page(() => '/studio') },
  // The studio's comments: everyone signed in has an inbox and rules of their own (the owner in every query).
  'GET /studio/comments': { expect: signedIn(200), request: page(() => '/studio/comments?state=held') },
  'POST /studio/comments/bulk': { expect: signedInForm(303), request: async (c) => ({ path: '/studio/comments/bulk', form: { action: 'approve', ids: String(await heldComment(c.subject)) } }) },
  // One held comment under the owner's video: the owner alone; others may not see it (404), moderators included.
  'POST /studio/comments/:id/approve': { expect: [L, 404, 303, 403, 403, B], request: async (c) => ({ path: `/studio/comments/${await heldComment(c.subject)}/approve`, form: {} }) },
  'POST /studio/comments/:id/reject': { expect: [L, 404, 303, 403, 403, B], request: async (c) => ({ path: `/studio/comments/${await heldComment(c.subject)}/reject`, form: {} }) },
  'GET /studio/comments/settings': { expect: signedIn(200), request: page(() => '/studio/comments/settings') },
  'POST /studio/comments/settings': { expect: signedInForm(303), request: () => ({ path: '/studio/comments/settings', form: { holdLinks: 'on', blockedWords: 'matrix' } }) },
  'POST /studio/bulk': {
    fresh: true,
    // Anyone signed in may send it; only the owner's videos change (another's fail as not found).
    expect: signedInForm(303),
    request: (c) => ({ path: '/studio/bulk', form: { action: 'make-private', ids: c.subject.video.publicId } }),
  },
  // A bulk action is its owner's alone: 404 to everyone else, moderators included.
  'GET /studio/bulk/:id': { expect: [L, 404, 200, 404, 404, L], request: async (c) => ({ path: `/studio/bulk/${(await pendingDelete(c.subject)).publicId}` }) },
  'POST /studio/bulk/:id/confirm': {
    fresh: true,
    expect: [L, 404, 303, 404, 404, B],
    request: async (c) => ({ path: `/studio/bulk/${(await pendingDelete(c.subject)).publicId}/confirm`, form: {} }),
  },
  'POST /studio/videos/:id/delete': {
    fresh: true,
    expect: [L, 403, 303, 303, 303, B],
    request: (c) => ({ path: `/studio/videos/${c.subject.video.publicId}/delete`, form: {} }),
  },
  // A video's studio pages are its owner's alone: anyone else is told it does not exist.
  'GET /studio/videos/:id': { expect: [L, 404, 200, 404, 404, L], request: page((c) => `/studio/videos/${c.subject.privateVideo.publicId}`) },
  'POST /studio/videos/:id': {
    expect: [L, 404, 303, 404, 404, B],
    request: (c) => ({ path: `/studio/videos/${c.subject.privateVideo.publicId}`, form: { title: 'Matrix private video', visibility: 'private', language: 'en' } }),
  },
  'GET /studio/videos/:id/original': {
    expect: [L, 404, 200, 404, 404, L],
    request: (c) => {
      // The original as storage keeps it (KEEP_ORIGINALS, on by default).
      const file = path.join(runDataDir(), 'media', 'originals', c.subject.privateVideo.publicId, 'source');
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, 'original bytes');
      return { path: `/studio/videos/${c.subject.privateVideo.publicId}/original` };
    },
  },
  // The owner's alone: everyone else is told the video does not exist (hideVideoUnless).
  'GET /studio/videos/:id/thumbnail': { expect: [L, 404, 200, 404, 404, L], request: page((c) => `/studio/videos/${c.subject.video.publicId}/thumbnail`) },
  'POST /studio/videos/:id/thumbnail/candidate': {
    // No such candidate: the owner's form is refused (422) after the guards let it through.
    expect: [L, 404, 422, 404, 404, B],
    request: (c) => ({ path: `/studio/videos/${c.subject.video.publicId}/thumbnail/candidate`, form: { candidate: 'candidate-00000000-1.jpg' } }),
  },
  'POST /studio/videos/:id/thumbnail/frame': {
    expect: [L, 404, 303, 404, 404, B],
    request: (c) => ({ path: `/studio/videos/${c.subject.video.publicId}/thumbnail/frame`, form: { time: '0' } }),
  },
  'POST /studio/videos/:id/thumbnail/picture': {
    expect: [L, 404, 303, 404, 404, B],
    request: async (c) => ({ path: `/studio/videos/${c.subject.video.publicId}/thumbnail/picture`, file: { field: 'picture', content: await jpegWithExif(640, 360), name: 'me.jpg' } }),
  },
  // The studio is the owner's alone: anyone else is told the video does not exist, moderators too.
  'GET /studio/videos/:id/captions': { expect: [L, 404, 200, 404, 404, L], request: page((c) => `/studio/videos/${c.subject.privateVideo.publicId}/captions`) },
  'POST /studio/videos/:id/captions': {
    expect: [L, 404, 303, 404, 404, B],
    request: (c) => ({ path: `/studio/videos/${c.subject.privateVideo.publicId}/captions`, file: { field: 'file', content: Buffer.from(MATRIX_CAPTIONS), name: 'de.vtt', fields: { language: 'de', label: 'Deutsch' } } }),
  },
  'POST /studio/videos/:id/captions/:language/delete': { expect: [L, 404, 303, 404, 404, B], request: (c) => ({ path: `/studio/videos/${c.subject.privateVideo.publicId}/captions/de/delete`, form: {} }) },
  'GET /media/videos/:id/captions/:language.vtt': {
    expect: [404, 404, 200, 200, 200, 404],
    request: async (c) => {
      const { privateVideo, owner } = c.subject;
      await saveCaptionTrack(testPool(), privateVideo.id, owner.id, { language: 'en', label: 'English', sourceFormat: 'vtt', vtt: MATRIX_CAPTIONS, cueCount: 1, cueTexts: ['Hello'] });
      return { path: `/media/videos/${privateVideo.publicId}/captions/en.vtt` };
    },
  },
  // A video's statistics are its owner's alone: anyone else, moderators included, gets a 404.
  'GET /studio/videos/:id/stats': { expect: [L, 404, 200, 404, 404, L], request: page((c) => `/studio/videos/${c.subject.privateVideo.publicId}/stats`) },
  'GET /studio/videos/:id/stats.csv': { expect: [L, 404, 200, 404, 404, L], request: page((c) => `/studio/videos/${c.subject.privateVideo.publicId}/stats.csv`) },

  // The studio's Chapters tab is the owner's alone; anyone else is told the video does not exist.
  'GET /studio/videos/:id/chapters': { expect: [L, 404, 200, 404, 404, L], request: page((c) => `/studio/videos/${c.subject.video.publicId}/chapters`) },
  'POST /studio/videos/:id/chapters': { expect: [L, 404, 303, 404, 404, B], request: (c) => ({ path: `/studio/videos/${c.subject.video.publicId}/chapters`, form: { source: 'description' } }) },
  'GET /media/videos/:id/chapters.vtt': { expect: [404, 404, 200, 200, 200, 404], request: page((c) => `/media/videos/${c.subject.privateVideo.publicId}/chapters.vtt`) },
  'GET /media/videos/:id/:name': { expect: [404, 404, 200, 200, 200, 404], request: page((c) => `/media/videos/${c.subject.privateVideo.publicId}/${c.subject.privateVideo.file}`) },
  'GET /api/v1/videos/:id': { expect: [404, 404, 200, 200, 200, 404], request: page((c) => `/api/v1/videos/${c.subject.privateVideo.publicId}`) },
  'GET /api/v1/openapi.json': { expect: all(200), request: page(() => '/api/v1/openapi.json') },
  'GET /api/v1/me': { expect: [401, 200, 200, 200, 200, 401], request: page(() => '/api/v1/me') },
  // Videos and channels through the API (issue 15, item 2): public listings for everyone (the
  // banned account's session is signed out), my videos for the signed in; changes need a token.
  'GET /api/v1/videos': { expect: all(200), request: page(() => '/api/v1/videos?limit=2') },
  'GET /api/v1/search/videos': { expect: all(200), request: page(() => '/api/v1/search/videos?q=matrix') },
  'PATCH /api/v1/videos/:id': { expect: all(401), request: (c) => ({ path: `/api/v1/videos/${c.subject.video.publicId}`, form: { title: 'Changed in the matrix' } }) },
  'DELETE /api/v1/videos/:id': { expect: all(401), request: (c) => ({ path: `/api/v1/videos/${c.subject.video.publicId}` }) },
  'GET /api/v1/me/videos': { expect: [401, 200, 200, 200, 200, 401], request: page(() => '/api/v1/me/videos') },
  'GET /api/v1/channels/:handle': { expect: all(200), request: page((c) => `/api/v1/channels/${c.subject.owner.handle}`) },
  'GET /api/v1/channels/:handle/videos': { expect: all(200), request: page((c) => `/api/v1/channels/${c.subject.owner.handle}/videos`) },
  // The API's comments, playlists and my lists (issue 15, item 2): reads as the pages decide them,
  // with the session cookie; every change needs a token, so each is 401 to every session.
  'GET /api/v1/videos/:id/comments': { expect: [404, 404, 200, 200, 200, 404], request: page((c) => `/api/v1/videos/${c.subject.privateVideo.publicId}/comments`) },
  'POST /api/v1/videos/:id/comments': { expect: all(401), request: (c) => ({ path: `/api/v1/videos/${c.subject.video.publicId}/comments`, form: { body: 'Matrix API comment' } }) },
  'GET /api/v1/comments/:id': { expect: [404, 404, 200, 200, 200, 404], request: async (c) => ({ path: `/api/v1/comments/${await privateVideoComment(c.subject)}` }) },
  'GET /api/v1/comments/:id/replies': { expect: [404, 404, 200, 200, 200, 404], request: async (c) => ({ path: `/api/v1/comments/${await privateVideoComment(c.subject)}/replies` }) },
  'DELETE /api/v1/comments/:id': { expect: all(401), request: async (c) => ({ path: `/api/v1/comments/${await ownersComment(c.subject)}` }) },
  'POST /api/v1/playlists': { expect: all(401), request: () => ({ path: '/api/v1/playlists', form: { title: 'Matrix API playlist' } }) },
  'GET /api/v1/playlists/:id': { expect: [404, 404, 200, 404, 404, 404], request: async (c) => ({ path: `/api/v1/playlists/${await ownersPlaylist(c.subject, 'private')}` }) },
  'PATCH /api/v1/playlists/:id': { expect: all(401), request: async (c) => ({ path: `/api/v1/playlists/${await ownersPlaylist(c.subject)}`, form: { title: 'Renamed by the matrix' } }) },
  'DELETE /api/v1/playlists/:id': { expect: all(401), request: async (c) => ({ path: `/api/v1/playlists/${await ownersPlaylist(c.subject)}` }) },
  'POST /api/v1/playlists/:id/items': { expect: all(401), request: async (c) => ({ path: `/api/v1/playlists/${await ownersPlaylist(c.subject)}/items`, form: { video: c.subject.failedVideo.publicId } }) },
  'DELETE /api/v1/playlists/:id/items/:videoId': { expect: all(401), request: async (c) => ({ path: `/api/v1/playlists/${await ownersPlaylist(c.subject)}/items/${c.subject.video.publicId}` }) },
  'POST /api/v1/playlists/:id/items/:videoId/move': { expect: all(401), request: async (c) => ({ path: `/api/v1/playlists/${await ownersPlaylist(c.subject)}/items/${c.subject.video.publicId}/move`, form: { to: 'top' } }) },
  'GET /api/v1/channels/:handle/playlists': { expect: all(200), request: page((c) => `/api/v1/channels/${c.subject.owner.handle}/playlists`) },
  'GET /api/v1/me/subscriptions': { expect: [401, 200, 200, 200, 200, 401], request: page(() => '/api/v1/me/subscriptions') },
  'GET /api/v1/me/notifications': { expect: [401, 200, 200, 200, 200, 401], request: page(() => '/api/v1/me/notifications') },
  // Resumable uploads (tus, issue 15): anyone may ask what the server supports; creating needs
  // video.upload; an upload is its creator's alone, moderators included.
  'OPTIONS /uploads': { expect: all(204), request: () => ({ path: '/uploads', tus: {} }) },
  'OPTIONS /uploads/:id': { expect: all(204), request: () => ({ path: `/uploads/${'A'.repeat(22)}`, tus: {} }) },
  'POST /uploads': { expect: [401, 201, 201, 201, 201, B], request: () => ({ path: '/uploads', tus: { headers: { 'Upload-Length': '1000', 'Upload-Metadata': tusMetadata({ filename: 'matrix.mp4', title: MATRIX_UPLOAD }) } } }) },
  'HEAD /uploads/:id': { expect: [401, 403, 200, 403, 403, 401], request: async (c) => ({ path: `/uploads/${await makeResumableUpload(runDataDir(), c.subject.owner.id)}`, tus: {} }) },
  'PATCH /uploads/:id': { expect: [401, 403, 204, 403, 403, B], request: async (c) => ({ path: `/uploads/${await makeResumableUpload(runDataDir(), c.subject.owner.id)}`, tus: { headers: { 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream' }, body: Buffer.alloc(100, 1) } }) },
  'DELETE /uploads/:id': { expect: [401, 403, 204, 403, 403, B], request: async (c) => ({ path: `/uploads/${await makeResumableUpload(runDataDir(), c.subject.owner.id)}`, tus: {} }) },

  // Playlists: everyone signed in keeps their own; a private one is a 404 to all but its owner
  // (moderators too); changing one is its owner's alone.
  'GET /playlists': { expect: signedIn(200), request: page(() => '/playlists') },
  'POST /playlists': { expect: signedInForm(303), request: () => ({ path: '/playlists', form: { title: 'Made in the matrix', privacy: 'private' } }) },
  'GET /playlist/:id': { expect: [404, 404, 200, 404, 404, 404], request: async (c) => ({ path: `/playlist/${await ownersPlaylist(c.subject, 'private')}` }) },
  'GET /playlist/:id/play': { expect: [404, 404, 303, 404, 404, 404], request: async (c) => ({ path: `/playlist/${await ownersPlaylist(c.subject, 'private')}/play` }) },
  'GET /playlist/:id/edit': { expect: [L, 403, 200, 403, 403, L], request: async (c) => ({ path: `/playlist/${await ownersPlaylist(c.subject)}/edit` }) },
  'POST /playlist/:id/edit': { expect: [L, 403, 303, 403, 403, B], request: async (c) => ({ path: `/playlist/${await ownersPlaylist(c.subject)}/edit`, form: { title: 'Renamed in the matrix', privacy: 'public' } }) },
  'POST /playlist/:id/delete': { expect: [L, 403, 303, 403, 403, B], request: async (c) => ({ path: `/playlist/${await ownersPlaylist(c.subject)}/delete`, form: {} }) },
  'POST /playlist/:id/items/:videoId/remove': { expect: [L, 403, 303, 403, 403, B], request: async (c) => ({ path: `/playlist/${await ownersPlaylist(c.subject)}/items/${c.subject.video.publicId}/remove`, form: {} }) },
  'POST /playlist/:id/items/:videoId/move': { expect: [L, 403, 303, 403, 403, B], request: async (c) => ({ path: `/playlist/${await ownersPlaylist(c.subject)}/items/${c.subject.video.publicId}/move`, form: { to: 'bottom' } }) },
  // The drop of drag and drop: the public video placed after the owner's private one, a second item.
  'POST /playlist/:id/items/:videoId/place': { expect: [L, 403, 303, 403, 403, B], request: async (c) => ({ path: await placeInPlaylist(c.subject), form: { after: c.subject.privateVideo.publicId } }) },
  // Saving (issue 12, item 2): to one's own playlists, a video anyone with the link may watch or
  // one's own; someone else's private video is a 404, moderators' included. "Remove watched
  // videos": the owner's Watch later only (private: a 404 to everyone else).
  'GET /watch/:id/save': { expect: [L, 404, 200, 404, 404, L], request: page((c) => `/watch/${c.subject.privateVideo.publicId}/save`) },
  'POST /watch/:id/save': {
    expect: signedInForm(303),
    request: async (c) => ({ path: `/watch/${c.subject.video.publicId}/save`, form: { playlist: c.actor ? (await findOrCreateWatchLater(testPool(), c.actor.id)).publicId : 'AAAAAAAAAAA', saved: 'true' } }),
  },
  'POST /watch/:id/save/new': { expect: signedInForm(303), request: (c) => ({ path: `/watch/${c.subject.video.publicId}/save/new`, form: { title: 'Saved in the matrix', privacy: 'private' } }) },
  'POST /playlist/:id/remove-watched': { expect: [L, 404, 303, 404, 404, B], request: async (c) => ({ path: `/playlist/${(await findOrCreateWatchLater(testPool(), c.subject.owner.id)).publicId}/remove-watched`, form: {} }) },

  // Administration (issue 13): the dashboard and the processing jobs are admin.access (admins
  // alone); the audit log is audit.read (moderators too). Retry and cancel change the queue: a
  // fresh subject each, the cancelled job one sent for the owner's private video.
  'GET /admin': { expect: [L, 403, 403, 403, 200, L], request: page(() => '/admin') },
  'GET /admin/audit': { expect: [L, 403, 403, 200, 200, L], request: page(() => '/admin/audit') },
  'GET /admin/jobs': { expect: [L, 403, 403, 403, 200, L], request: page(() => '/admin/jobs') },
  'POST /admin/jobs/videos/:id/retry': { fresh: true, expect: [L, 403, 403, 403, 303, B], request: (c) => ({ path: `/admin/jobs/videos/${c.subject.failedVideo.publicId}/retry`, form: {} }) },
  'POST /admin/jobs/:id/cancel': {
    fresh: true,
    expect: [L, 403, 403, 403, 303, B],
    request: async (c) => ({ path: `/admin/jobs/${await testQueue().boss.send(PROCESS_VIDEO, { videoId: c.subject.privateVideo.id })}/cancel`, form: {} }),
  },

  'GET /@:handle': { expect: all(200), request: page((c) => `/@${c.subject.owner.handle}`) },
  'GET /@:handle/playlists': { expect: all(200), request: page((c) => `/@${c.subject.owner.handle}/playlists`) },
  'GET /@:handle/about': { expect: all(200), request: page((c) => `/@${c.subject.owner.handle}/about`) },
  'GET /@:handle/feed.atom': { expect: all(200), request: page((c) => `/@${c.subject.owner.handle}/feed.atom`) },
  'POST /@:handle/subscribe': { expect: [L, 303, 403, 303, 303, B], request: (c) => ({ path: `/@${c.subject.owner.handle}/subscribe`, form: {} }) },
  'POST /@:handle/unsubscribe': { expect: signedInForm(303), request: (c) => ({ path: `/@${c.subject.owner.handle}/unsubscribe`, form: {} }) },

  // Reports (issue 13, item 1): everyone signed in with report.create, never of their own (403);
  // the private video is a 404 to all who may not see it (moderators see it, so may report it).
  'GET /watch/:id/report': { expect: [L, 404, 403, 200, 200, L], request: page((c) => `/watch/${c.subject.privateVideo.publicId}/report`) },
  'POST /watch/:id/report': { fresh: true, expect: [L, 303, 403, 303, 303, B], request: (c) => ({ path: `/watch/${c.subject.video.publicId}/report`, form: { reason: 'spam' } }) },
  'GET /comments/:id/report': { expect: [L, 200, 403, 200, 200, L], request: async (c) => ({ path: `/comments/${await ownersComment(c.subject)}/report` }) },
  'POST /comments/:id/report': { expect: [L, 303, 403, 303, 303, B], request: async (c) => ({ path: `/comments/${await ownersComment(c.subject)}/report`, form: { reason: 'hate', text: 'Matrix' } }) },
  'GET /@:handle/report': { expect: [L, 200, 403, 200, 200, L], request: page((c) => `/@${c.subject.owner.handle}/report`) },
  'POST /@:handle/report': { expect: [L, 303, 403, 303, 303, B], request: (c) => ({ path: `/@${c.subject.owner.handle}/report`, form: { reason: 'other' } }) },
  'GET /settings/reports': { expect: signedIn(200), request: page(() => '/settings/reports') },
  // The moderators' queue: report.handle (moderators, admins).
  'GET /admin/reports': { expect: [L, 403, 403, 200, 200, L], request: page(() => '/admin/reports') },
  // A queue item (issue 13, item 2): report.handle, and each action's own permission (comment.remove.any,
  // user.warn, user.ban: moderators and admins). Each request gets an item of its own (a new video of the owner).
  'GET /admin/reports/:id': { expect: [L, 403, 403, 200, 200, L], request: async (c) => ({ path: `/admin/reports/${await matrixItem(c.subject)}` }) },
  'POST /admin/reports/:id/claim': { expect: [L, 403, 403, 303, 303, B], request: async (c) => ({ path: `/admin/reports/${await matrixItem(c.subject)}/claim`, form: {} }) },
  // Not claimed: the release is accepted and changes nothing (a form sent twice).
  'POST /admin/reports/:id/release': { expect: [L, 403, 403, 303, 303, B], request: async (c) => ({ path: `/admin/reports/${await matrixItem(c.subject)}/release`, form: {} }) },
  'POST /admin/reports/:id/dismiss': { expect: [L, 403, 403, 303, 303, B], request: async (c) => ({ path: `/admin/reports/${await matrixItem(c.subject)}/dismiss`, form: { reason: 'other' } }) },
  'POST /admin/reports/:id/remove-comment': { expect: [L, 403, 403, 303, 303, B], request: async (c) => ({ path: `/admin/reports/${await reportedItem('comment', await ownersComment(c.subject), c.subject.owner.id)}/remove-comment`, form: { reason: 'spam' } }) },
  'POST /admin/reports/:id/warn': { expect: [L, 403, 403, 303, 303, B], request: async (c) => ({ path: `/admin/reports/${await matrixItem(c.subject)}/warn`, form: { reason: 'spam', message: 'A warning of the matrix' } }) },
  'POST /admin/reports/:id/ban': { fresh: true, expect: [L, 403, 403, 303, 303, B], request: async (c) => ({ path: `/admin/reports/${await matrixItem(c.subject)}/ban`, form: { reason: 'spam' } }) },
  // My warnings: anyone signed in; acknowledging someone else's warning changes nothing (the owner is in the WHERE clause).
  'GET /settings/warnings': { expect: signedIn(200), request: page(() => '/settings/warnings') },
  'POST /settings/warnings/:id/acknowledge': { expect: signedInForm(303), request: async (c) => ({ path: `/settings/warnings/${await matrixWarning(c.subject)}/acknowledge`, form: { next: '/' } }) },
  // People and roles (issue 13, item 5): roles are role.assign's (admins; moderators refused);
  // the people pages role.assign's or user.ban's (moderators see them), their role forms role.assign's.
  'GET /admin/roles': { expect: [L, 403, 403, 403, 200, L], request: page(() => '/admin/roles') },
  'POST /admin/roles': { expect: [L, 403, 403, 403, 303, B], request: () => ({ path: '/admin/roles', form: { name: matrixRoleName(), description: 'Made in the matrix', permissions: 'video.upload' } }) },
  'GET /admin/roles/:name': { expect: [L, 403, 403, 403, 200, L], request: page(() => '/admin/roles/moderator') },
  'POST /admin/roles/:name': { expect: [L, 403, 403, 403, 303, B], request: async () => ({ path: `/admin/roles/${await matrixRole()}`, form: { description: 'Changed in the matrix', permissions: 'video.rate' } }) },
  'POST /admin/roles/:name/delete': { expect: [L, 403, 403, 403, 303, B], request: async () => ({ path: `/admin/roles/${await matrixRole()}/delete`, form: {} }) },
  'GET /admin/users': { expect: [L, 403, 403, 200, 200, L], request: page(() => '/admin/users') },
  'GET /admin/users/:handle': { expect: [L, 403, 403, 200, 200, L], request: page((c) => `/admin/users/${c.subject.owner.handle}`) },
  'POST /admin/users/:handle/roles': { expect: [L, 403, 403, 403, 303, B], request: async () => ({ path: `/admin/users/${(await createUser()).handle}/roles`, form: { role: 'user' } }) },
  'POST /admin/users/:handle/roles/:role/remove': { expect: [L, 403, 403, 403, 303, B], request: async () => ({ path: `/admin/users/${(await createUser({ roles: ['user'] })).handle}/roles/user/remove`, form: {} }) },
  // Bans and admins' deletions of accounts (issue 13, item 4), on the subject's owner, an ordinary
  // account: user.ban (moderators, admins), user.delete (admins); the owner may not act on itself.
  'GET /admin/users/:handle/ban': { expect: [L, 403, 403, 200, 200, L], request: page((c) => `/admin/users/${c.subject.owner.handle}/ban`) },
  'POST /admin/users/:handle/ban': { fresh: true, expect: [L, 403, 403, 303, 303, B], request: (c) => ({ path: `/admin/users/${c.subject.owner.handle}/ban`, form: { reason: 'spam' } }) },
  // Not banned: the unban is accepted and changes nothing (a form sent twice).
  'POST /admin/users/:handle/unban': { expect: [L, 403, 403, 303, 303, B], request: (c) => ({ path: `/admin/users/${c.subject.owner.handle}/unban`, form: {} }) },
  'GET /admin/users/:handle/delete': { expect: [L, 403, 403, 403, 200, L], request: page((c) => `/admin/users/${c.subject.owner.handle}/delete`) },
  'POST /admin/users/:handle/delete': { fresh: true, expect: [L, 403, 403, 403, 303, B], request: (c) => ({ path: `/admin/users/${c.subject.owner.handle}/delete`, form: { reason: 'spam', confirm: c.subject.owner.handle } }) },
  // An account's upload limits (issue 13, item 9): settings.edit (admins; moderators refused).
  'GET /admin/users/:handle/limits': { expect: [L, 403, 403, 403, 200, L], request: page((c) => `/admin/users/${c.subject.owner.handle}/limits`) },
  'POST /admin/users/:handle/limits': { expect: [L, 403, 403, 403, 303, B], request: async () => ({ path: `/admin/users/${(await createUser()).handle}/limits`, form: { uploadsPerDay: '7', maxUploadBytes: '', maxUploadBytesUnit: 'MB' } }) },
  // Comments held for the site's watched words: comment.remove.any (moderators, admins); not the creator.
  'GET /admin/comments/held': { expect: [L, 403, 403, 200, 200, L], request: page(() => '/admin/comments/held') },
  'POST /admin/comments/held/:id/approve': { expect: [L, 403, 403, 303, 303, B], request: async (c) => ({ path: `/admin/comments/held/${await watchedHeldComment(c.subject)}/approve`, form: {} }) },
  'POST /admin/comments/held/:id/remove': { expect: [L, 403, 403, 303, 303, B], request: async (c) => ({ path: `/admin/comments/held/${await watchedHeldComment(c.subject)}/remove`, form: { reason: 'spam' } }) },
  // Site settings (issue 13, item 9): settings.edit (admins). The form is posted as shown, so the
  // admin's save changes nothing. /about always; /rules a 404 while no rules are set (the default).
  'GET /admin/settings': { expect: [L, 403, 403, 403, 200, L], request: page(() => '/admin/settings') },
  'POST /admin/settings': { expect: [L, 403, 403, 403, 303, B], request: async () => ({ path: '/admin/settings', form: settingsFormValues(await createTestApp().settings.get()) }) },
  // Mail (issue 14): admins (settings.edit). The matrix's app has mail off, so a test message is a 409.
  'GET /admin/mail': { expect: [L, 403, 403, 403, 200, L], request: page(() => '/admin/mail') },
  'POST /admin/mail/test': { expect: [L, 403, 403, 403, 409, B], request: () => ({ path: '/admin/mail/test', form: { to: 'matrix@example.test' } }) },
  'GET /about': { expect: all(200), request: page(() => '/about') },
  'GET /rules': { expect: all(404), request: page(() => '/rules') },
  // Sign-ups waiting for approval: user.approve (moderators, admins), each on an account of its own.
  'POST /admin/users/:handle/approve': { expect: [L, 403, 403, 303, 303, B], request: async () => ({ path: `/admin/users/${(await pendingUser()).handle}/approve`, form: {} }) },
  'POST /admin/users/:handle/reject': { expect: [L, 403, 403, 303, 303, B], request: async () => ({ path: `/admin/users/${(await pendingUser()).handle}/reject`, form: {} }) },
  // Take-downs, appeals and held uploads (issue 13, items 3 and 9): video.takedown and video.approve (moderators).
  'GET /admin/videos/:id/takedown': { expect: [L, 403, 403, 200, 200, L], request: page((c) => `/admin/videos/${c.subject.video.publicId}/takedown`) },
  'POST /admin/videos/:id/takedown': { fresh: true, expect: [L, 403, 403, 303, 303, B], request: (c) => ({ path: `/admin/videos/${c.subject.video.publicId}/takedown`, form: { reason: 'spam', policy: 'Rule 1' } }) },
  'POST /admin/videos/:id/restore': { fresh: true, expect: [L, 403, 403, 303, 303, B], request: async (c) => { await takenDown(c.subject); return { path: `/admin/videos/${c.subject.video.publicId}/restore`, form: { message: 'Back' } }; } },
  'GET /admin/appeals': { expect: [L, 403, 403, 200, 200, L], request: page(() => '/admin/appeals') },
  'GET /admin/appeals/:id': { fresh: true, expect: [L, 403, 403, 200, 200, L], request: async (c) => ({ path: `/admin/appeals/${await takenDown(c.subject, true)}` }) },
  'POST /admin/appeals/:id': { fresh: true, expect: [L, 403, 403, 303, 303, B], request: async (c) => ({ path: `/admin/appeals/${await takenDown(c.subject, true)}`, form: { decision: 'uphold', message: 'Stays down' } }) },
  'GET /admin/videos/pending': { expect: [L, 403, 403, 200, 200, L], request: page(() => '/admin/videos/pending') },
  'POST /admin/videos/:id/approve': { fresh: true, expect: [L, 403, 403, 303, 303, B], request: async (c) => { await held(c.subject); return { path: `/admin/videos/${c.subject.video.publicId}/approve`, form: {} }; } },
  'GET /admin/videos/:id/reject': { fresh: true, expect: [L, 403, 403, 200, 200, L], request: async (c) => { await held(c.subject); return { path: `/admin/videos/${c.subject.video.publicId}/reject` }; } },
  'POST /admin/videos/:id/reject': { fresh: true, expect: [L, 403, 403, 303, 303, B], request: async (c) => { await held(c.subject); return { path: `/admin/videos/${c.subject.video.publicId}/reject`, form: { reason: 'spam', policy: 'Rule 1' } }; } },
  // The owner's appeal: the studio's, so 404 to everyone else (moderators included).
  'GET /studio/videos/:id/appeal': { fresh: true, expect: [L, 404, 200, 404, 404, L], request: async (c) => { await takenDown(c.subject); return { path: `/studio/videos/${c.subject.video.publicId}/appeal` }; } },
  'POST /studio/videos/:id/appeal': { fresh: true, expect: [L, 404, 303, 404, 404, B], request: async (c) => { await takenDown(c.subject); return { path: `/studio/videos/${c.subject.video.publicId}/appeal`, form: { text: 'Please' } }; } },
  // Notifications in the site (issue 14): anyone signed in, each their own (another's id is a 404);
  // the bell of a followed channel as subscribing is (not one's own channel).
  'GET /notifications': { expect: signedIn(200), request: page(() => '/notifications') },
  'GET /notifications/unread.json': { expect: signedIn(200), request: page(() => '/notifications/unread.json') },
  'GET /notifications/:id/open': { expect: [L, 404, 303, 404, 404, L], request: async (c) => ({ path: `/notifications/${await matrixNotification(c.subject)}/open` }) },
  'POST /notifications/:id/read': { expect: [L, 404, 303, 404, 404, B], request: async (c) => ({ path: `/notifications/${await matrixNotification(c.subject)}/read`, form: {} }) },
  'POST /notifications/read-all': { expect: signedInForm(303), request: () => ({ path: '/notifications/read-all', form: { filter: 'moderation' } }) },
  'GET /settings/notifications': { expect: signedIn(200), request: page(() => '/settings/notifications') },
  'POST /settings/notifications': { expect: signedInForm(303), request: () => ({ path: '/settings/notifications', form: { 'site-new_video': 'on', 'site-comment_reply': 'on', 'site-mention': 'on', 'site-video_comment': 'on', 'site-video_ready': 'on', 'site-video_failed': 'on', 'site-video_taken_down': 'on', 'site-video_restored': 'on', 'site-appeal_decided': 'on', 'site-report_handled': 'on', 'site-new_subscriber': 'on' } }) },
  'POST /@:handle/notify': { expect: [L, 303, 403, 303, 303, B], request: async (c) => { await followOwner(c); return { path: `/@${c.subject.owner.handle}/notify`, form: { notify: 'all' } }; } },
  // One-click unsubscribe (issue 14): the signed link is the authority, whoever holds it; posted with no CSRF token, as mail providers do.
  'GET /unsubscribe/:token': { expect: all(200), request: page((c) => `/unsubscribe/${unsubscribeToken(TEST_SESSION_SECRET, c.subject.owner.id, 'comment_reply')}`) },
  'POST /unsubscribe/:token': { expect: all(200), request: (c) => ({ path: `/unsubscribe/${unsubscribeToken(TEST_SESSION_SECRET, c.subject.owner.id, 'comment_reply')}`, bare: { 'List-Unsubscribe': 'One-Click' } }) },

  // Account email (issue 14, item 6). The matrix's app has mail off: the forms that would send
  // a link say so (409), the forgot-password page says so (200); the links work for anyone.
  'GET /settings/email': { expect: signedIn(200), request: page(() => '/settings/email') },
  'POST /settings/email': { expect: signedInForm(409), request: () => ({ path: '/settings/email', form: { email: `${uniqueHandle('mx')}@example.test` } }) },
  'POST /settings/email/resend': { expect: signedInForm(409), request: () => ({ path: '/settings/email/resend', form: {} }) },
  'GET /confirm-email/:token': { expect: all(200), request: async () => ({ path: `/confirm-email/${await matrixLink('confirm')}` }) },
  'POST /confirm-email/:token': { expect: allForms(200), request: async () => ({ path: `/confirm-email/${await matrixLink('confirm')}`, form: {} }) },
  'GET /forgot-password': { expect: all(200), request: page(() => '/forgot-password') },
  'POST /forgot-password': { expect: allForms(200), request: () => ({ path: '/forgot-password', form: { email: `${uniqueHandle('mx')}@example.test` } }) },
  'GET /reset-password/:token': { expect: all(200), request: async () => ({ path: `/reset-password/${await matrixLink('reset')}` }) },
  'POST /reset-password/:token': { expect: allForms(200), request: async () => ({ path: `/reset-password/${await matrixLink('reset')}`, form: { newPassword: 'another long passphrase 77', confirmPassword: 'another long passphrase 77' } }) },

  // Access tokens and ShareX (issue 15): the account's own tokens (another's id is a 404); the
  // API's upload needs a token, so a session's post is 401 for everyone; a deletion link is
  // the authority for whoever holds it; the API's reference is public.
  'GET /settings/tokens': { expect: signedIn(200), request: page(() => '/settings/tokens') },
  'POST /settings/tokens': { expect: signedInForm(201), request: () => ({ path: '/settings/tokens', form: { name: 'Matrix token', scopes: 'account:read', expiry: '7' } }) },
  'POST /settings/tokens/sharex': { expect: signedInForm(200), request: () => ({ path: '/settings/tokens/sharex', form: {} }) },
  'POST /settings/tokens/revoke-all': { expect: signedInForm(303), request: () => ({ path: '/settings/tokens/revoke-all', form: {} }) },
  'POST /settings/tokens/:id/revoke': { expect: [L, 404, 303, 404, 404, B], request: async (c) => ({ path: `/settings/tokens/${await matrixTokenId(c.subject)}/revoke`, form: {} }) },
  'GET /api': { expect: all(200), request: page(() => '/api') },
  'POST /api/v1/uploads': { expect: all(401), request: async () => ({ path: '/api/v1/uploads', file: { field: 'file', content: await fs.promises.readFile(await tinyVideo()), name: 'matrix.mp4' } }) },
  'GET /watch/:id/thumbnail': { expect: all(302), request: page((c) => `/watch/${c.subject.video.publicId}/thumbnail`) },
  'GET /delete/:id/:key': { expect: all(200), request: async (c) => ({ path: await matrixDeletionLink(c.subject) }) },
  'POST /delete/:id/:key': { expect: allForms(200), request: async (c) => ({ path: await matrixDeletionLink(c.subject), form: {} }) },
};

/** A new token of the subject's owner; its id. */
async function matrixTokenId(s: Subject): Promise<number> {
  await createToken(s.owner, ['account:read'], { name: `Matrix ${Math.random()}` });
  const { rows } = await testPool().query('SELECT max(id) AS id FROM api_tokens WHERE user_id = $1', [s.owner.id]);
  return Number(rows[0].id);
}

/** The deletion link of a new video of the subject's owner, as an API upload gets one. */
async function matrixDeletionLink(s: Subject): Promise<string> {
  const video = await createVideo(s.owner, { title: 'Matrix deletable video' });
  const { key, hash } = newDeletionKey();
  await insertDeletionKey(testPool(), video.id, hash);
  return `/delete/${video.publicId}/${key}`;
}

/** A link mailed to a new account of its own (its address confirmed for a reset link); its token. */
async function matrixLink(purpose: 'confirm' | 'reset'): Promise<string> {
  const email = `${uniqueHandle('mxlink')}@example.test`;
  const user = await createUser({ email, confirmedEmail: purpose === 'reset' });
  return insertEmailToken(testPool(), { userId: user.id, purpose, email, now: new Date() });
}

const MATRIX_UPLOAD = 'Uploaded by the route matrix';
const MATRIX_CAPTIONS = 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHello\n';
const tinyVideo = () => fixture('micro-h264', { width: 96, height: 96, seconds: 1, codec: 'h264', audio: false });

describe('the route × role matrix', function () {
  this.timeout(120_000);
  let app: Express;
  let shared: Subject;
  const agents = new Map<string, Agent>();
  const sharedUsers = new Map<Role, User>();
  const made: Subject[] = [];

  async function makeSubject(): Promise<Subject> {
    const owner = await createUser();
    const video = await createVideo(owner, { title: 'Matrix public video' });
    await attachRendition(video); // a watch page with a player carries the view token
    const privateVideo = await createVideo(owner, { title: 'Matrix private video', visibility: 'private' });
    const failedVideo = await createVideo(owner, { title: 'Matrix failed video', status: 'failed' });
    const subject = { owner, video, privateVideo: { ...privateVideo, file: await attachRendition(privateVideo) }, failedVideo };
    made.push(subject);
    return subject;
  }

  const tokens = new WeakMap<Agent, string>();
  const rolesOf: Partial<Record<Role, string[]>> = { moderator: ['moderator'], admin: ['admin'] };

  before(async () => {
    app = createTestApp().app;
    shared = await makeSubject();
    sharedUsers.set('owner', shared.owner);
    for (const role of ['stranger', 'moderator', 'admin'] as const) sharedUsers.set(role, await createUser({ roles: rolesOf[role] }));
  });

  after(async () => {
    // Jobs queued by uploads and retries find their video gone and stop (see process-video.ts).
    await testPool().query('DELETE FROM videos WHERE title = $1 OR owner_id = ANY($2::bigint[])', [MATRIX_UPLOAD, made.map((s) => s.owner.id)]);
    await testPool().query('UPDATE users SET pending_at = NULL WHERE id = ANY($1::bigint[])', [pendingUsers]);
    await testPool().query(`DELETE FROM resumable_uploads WHERE original_name = 'matrix.mp4'`);
  });

  /** The agent for a role: shared and signed in once, or new (fresh rows, and every banned cell). */
  async function cellFor(row: Row, role: Role): Promise<Cell> {
    const subject = row.fresh ? await makeSubject() : shared;
    if (role === 'anonymous') {
      if (!row.fresh && agents.has(role)) return { role, subject, actor: null, agent: agents.get(role)! };
      const agent = supertest.agent(app);
      if (!row.fresh) agents.set(role, agent);
      return { role, subject, actor: null, agent };
    }
    if (role === 'banned') {
      // Signed in, holding a form's token, then banned: the next request finds the session signed out.
      const actor = await createUser();
      const agent = await signedInAgent(app, actor);
      tokens.set(agent, await tokenFor(agent, '/settings'));
      await banUser(actor);
      return { role, subject, actor, agent };
    }
    if (!row.fresh && agents.has(role)) return { role, subject, actor: sharedUsers.get(role)!, agent: agents.get(role)! };
    const actor = role === 'owner' ? subject.owner : row.fresh ? await createUser({ roles: rolesOf[role] }) : sharedUsers.get(role)!;
    const agent = await signedInAgent(app, actor);
    if (!row.fresh) agents.set(role, agent);
    return { role, subject, actor, agent };
  }

  /** The session's CSRF token, read from a page as a browser would (settings for the signed in, the sign-in page for others). */
  async function tokenOf(cell: Cell, role: Role): Promise<string> {
    if (!tokens.has(cell.agent)) {
      const signedOut = role === 'anonymous' || role === 'banned';
      const res = await cell.agent.get(signedOut ? '/login' : '/settings');
      tokens.set(cell.agent, csrfFrom(res.text));
    }
    return tokens.get(cell.agent)!;
  }

  async function send(method: string, cell: Cell, role: Role, request: Request): Promise<supertest.Response> {
    if (method === 'GET') return cell.agent.get(request.path);
    if (request.tus) {
      const verb = method.toLowerCase() as 'options' | 'post' | 'head' | 'patch' | 'delete';
      // The token first: the agent attaches its cookies (the token's too) when the request is made.
      const token = method === 'HEAD' || method === 'OPTIONS' ? null : await tokenOf(cell, role);
      let req = cell.agent[verb](request.path).set({ 'Tus-Resumable': '1.0.0', ...request.tus.headers });
      if (token) req = req.set('X-CSRF-Token', token);
      return request.tus.body ? req.send(request.tus.body) : req;
    }
    if (request.bare) return cell.agent.post(request.path).type('form').send(request.bare);
    const token = await tokenOf(cell, role);
    if (request.file) {
      let req = cell.agent.post(`${request.path}?_csrf=${encodeURIComponent(token)}`);
      for (const [name, value] of Object.entries(request.file.fields ?? {})) req = req.field(name, value);
      return req.attach(request.file.field, request.file.content, request.file.name);
    }
    return cell.agent.post(request.path).type('form').send({ _csrf: token, ...request.form });
  }

  it('has a row for every route the app declares, and no row for a route it does not', () => {
    const declared = declaredRoutes(app).map(routeKey);
    assert.ok(declared.length > 30, `only ${declared.length} routes found: the walker is broken`);
    const missing = declared.filter((key) => !(key in ROWS));
    const stale = Object.keys(ROWS).filter((key) => !declared.includes(key));
    assert.deepEqual({ missing, stale }, { missing: [], stale: [] }, `routes without a row in the matrix: ${missing.join(', ') || 'none'}; rows for routes that do not exist: ${stale.join(', ') || 'none'}`);
  });

  it('reads the path of a router mounted at a prefix (as /api/v1 will be)', () => {
    const outer = express();
    const api = express.Router();
    api.get('/videos/:id', (_req, res) => void res.end());
    const inner = express.Router();
    inner.post('/tokens', (_req, res) => void res.end());
    api.use('/me', inner);
    outer.use('/api/v1', api);
    assert.deepEqual(declaredRoutes(outer).map(routeKey), ['GET /api/v1/videos/:id', 'POST /api/v1/me/tokens']);
  });

  it('treats a banned account as signed out: like anonymous on pages, its forms refused as expired', () => {
    for (const [key, row] of Object.entries(ROWS)) {
      const tokenless = key.startsWith('GET ') || key.startsWith('HEAD ') || key.startsWith('OPTIONS ') || key === 'POST /watch/:id/view' || key === 'POST /unsubscribe/:token'
        // The API reads no CSRF token: a change with the signed-out session is 401, as anonymous.
        || key.includes(' /api/v1/');
      assert.deepEqual(row.expect[5], tokenless ? row.expect[0] : B, `${key}: the banned column`);
    }
  });

  for (const [key, row] of Object.entries(ROWS)) {
    const [method] = key.split(' ') as [string];
    it(`${key}: ${ROLES.map((r, i) => `${r} ${row.expect[i]}`).join(', ')}`, async () => {
      const answers: string[] = [];
      for (const [i, role] of ROLES.entries()) {
        const cell = await cellFor(row, role);
        const request = await row.request(cell);
        const res = await send(method, cell, role, request);
        const expected = row.expect[i]!;
        const location = String(res.headers.location ?? '');
        const ok = expected === 'login' ? res.status === 303 && location.startsWith('/login?next=') : res.status === expected;
        if (!ok) answers.push(`${role}: expected ${expected}, got ${res.status}${location ? ` → ${location}` : ''}`);
      }
      assert.deepEqual(answers, [], `${key} (${answers.length} wrong):\n  ${answers.join('\n  ')}`);
    });
  }
});
