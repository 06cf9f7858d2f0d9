import { withTransaction } from '../db/pool.js';
import { saveVideoDetails, TIME_PASSED, type Changes } from '../db/video-edits.js';
import { deleteVideo, type VideoWithOwner } from '../db/videos.js';
import { DEFAULT_TIME_ZONE, parseVideoEdit, utcToZonedInputs } from '../forms/video-edit.js';
import { notFound } from '../http/errors.js';
import { removeVideoMedia } from '../media/index.js';
import { announcePublications } from '../notifications/new-videos.js';
import type { RouteDeps } from './deps.js';

// A creator's changes to a video, made the same way from the studio's pages and from the API
// (issue 15): one function each, so that what follows a change (the edit's record, related
// videos worked out again, subscribers told of a publication, the files removed) cannot differ.

/** Changes that alter a video's related list (its words, or whether it may be listed). */
const RELATED_FIELDS = ['title', 'tags', 'description', 'visibility'];

/** The edit form's values as the video holds them; dates in UTC until the page's script moves them to the browser's zone. */
export function editValuesOf(video: VideoWithOwner): Record<string, string> {
  const [publishDate, publishTime] = video.publishAt ? utcToZonedInputs(video.publishAt, DEFAULT_TIME_ZONE) : ['', ''];
  return {
    title: video.title, description: video.description, tags: video.tags.join(', '), visibility: video.visibility,
    category: video.category ?? '', language: video.language ?? '', publishDate, publishTime, timeZone: DEFAULT_TIME_ZONE,
  };
}

export type VideoEditOutcome =
  | { saved: true; changes: Changes }
  /** Refused: each field's message, and the values as typed (for the form). */
  | { saved: false; errors: Record<string, string>; values: Record<string, string> };

/**
 * The studio edit form's fields (parseVideoEdit) saved to the owner's video: the change and its
 * record in one transaction with the related-videos job and, for a video made public, its
 * announcement. Deleted meanwhile: 404. The kept pages are made stale by the caller's route
 * (the page cache's rule for a change by an account).
 */
export async function editVideoDetails({ pool, queue }: Pick<RouteDeps, 'pool' | 'queue'>, video: VideoWithOwner, editorId: number, body: unknown, now = new Date()): Promise<VideoEditOutcome> {
  const form = parseVideoEdit(body, now, video.visibility === 'scheduled' ? video.publishAt : null);
  if (!form.ok) return { saved: false, errors: form.errors, values: form.values };
  const changes = await withTransaction(pool, async (client) => {
    const saved = await saveVideoDetails(client, { videoId: video.id, ownerId: editorId }, form.value, now);
    if (saved && saved !== TIME_PASSED && RELATED_FIELDS.some((name) => name in saved)) await queue.enqueueRelated(video.id, client);
    // Made public: announced if listed and never before; subscribers are told in the background.
    if (saved && saved !== TIME_PASSED && saved.visibility?.new === 'public') await announcePublications(client, queue, [video.id]);
    return saved;
  });
  // Deleted between loading and saving: as if it had never been there.
  if (!changes) throw notFound('This video does not exist, or it has been removed.');
  if (changes === TIME_PASSED) {
    // Published (or rescheduled) since the video was loaded: the form read without the kept
    // schedule fails on the time, which gives the values as typed.
    const typed = parseVideoEdit(body, now);
    return { saved: false, errors: { publishDate: 'This time has passed (the video may have just been published): choose another, or another visibility.' }, values: typed.ok ? {} : typed.values };
  }
  return { saved: true, changes };
}

/** Deletes the video (its rows go with it) and then its files. The caller has checked canDeleteVideo. */
export async function removeVideo({ pool, storage }: Pick<RouteDeps, 'pool' | 'storage'>, video: { id: number }): Promise<void> {
  const publicId = await deleteVideo(pool, video.id);
  if (publicId) await removeVideoMedia(storage, publicId);
}
