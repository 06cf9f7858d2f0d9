import { field, hasForbiddenCharacters, length, withoutForbiddenCharacters, result, type FormResult } from './fields.js';
import type { Visibility } from '../db/videos.js';

export const TITLE_MAX = 100;
export const DESCRIPTION_MAX = 5000;
export const TAGS_MAX = 20;
export const TAG_MAX_CHARS = 30;
/** What an upload may be; scheduling is set on the edit page, where its date is asked for. */
export const VISIBILITIES: readonly Visibility[] = ['public', 'unlisted', 'private'];

export interface VideoDetails {
  title: string;
  description: string;
  tags: string[];
  visibility: Visibility;
}

/** The file's name without its extension, as the title when none is typed (what YouTube does). */
export function titleFromFileName(name: string): string {
  const base = withoutForbiddenCharacters(name.replace(/\.[^.]{1,8}$/, '').replace(/[_]+/g, ' ').replace(/[\t\n\r]/g, '')).trim();
  return [...base].slice(0, TITLE_MAX).join('') || 'Untitled video';
}

/** "cats, Funny cats , cats" → ['cats', 'Funny cats']: trimmed, first spelling of each kept. */
export function parseTags(raw: string): string[] {
  const seen = new Set<string>();
  const tags: string[] = [];
  for (const part of raw.split(',')) {
    const tag = part.replace(/\s+/g, ' ').trim().replace(/^#/, '');
    if (!tag || seen.has(tag.toLowerCase())) continue;
    seen.add(tag.toLowerCase());
    tags.push(tag);
  }
  return tags;
}

/** "public, unlisted or private". */
const choiceList = (choices: readonly string[]) => `${choices.slice(0, -1).join(', ')} or ${choices[choices.length - 1]}`;

/**
 * Title, description, tags and visibility, for the upload form and the edit form alike
 * (src/forms/video-edit.ts), each allowing its own visibilities.
 */
export function parseVideoDetails(body: unknown, fileName?: string, visibilities: readonly Visibility[] = VISIBILITIES): FormResult<VideoDetails> {
  const typedTitle = field(body, 'title').trim();
  const title = typedTitle || (fileName ? titleFromFileName(fileName) : '');
  const description = field(body, 'description').replace(/\r\n?/g, '\n').trim();
  const tagsText = field(body, 'tags');
  const visibility = field(body, 'visibility') || 'public';
  const tags = parseTags(tagsText);
  const errors: Record<string, string> = {};

  if (title === '') errors.title = 'Give the video a title.';
  else if (length(title) > TITLE_MAX) errors.title = `Use at most ${TITLE_MAX} characters (this is ${length(title)}).`;
  else if (/[\r\n\t]/.test(title)) errors.title = 'Use a title on one line.';
  else if (hasForbiddenCharacters(title)) errors.title = 'Remove the invisible control characters from the title.';
  if (length(description) > DESCRIPTION_MAX) errors.description = `Use at most ${DESCRIPTION_MAX} characters (this is ${length(description)}).`;
  else if (hasForbiddenCharacters(description)) errors.description = 'Remove the invisible control characters from the description.';
  if (tags.length > TAGS_MAX) errors.tags = `Use at most ${TAGS_MAX} tags (these are ${tags.length}).`;
  else if (tags.some((t) => length(t) > TAG_MAX_CHARS)) errors.tags = `Keep each tag to ${TAG_MAX_CHARS} characters.`;
  else if (tags.some((t) => hasForbiddenCharacters(t))) errors.tags = 'Remove the invisible control characters from the tags.';
  if (!visibilities.includes(visibility as Visibility)) errors.visibility = `Choose ${choiceList(visibilities)}.`;

  return result(errors, { title: typedTitle, description, tags: tagsText, visibility }, () => ({ title, description, tags, visibility: visibility as Visibility }));
}
