import { formatDuration } from './format.js';
import { hasForbiddenCharacters, length } from './forms/fields.js';

// The rules of chapters, once: YouTube's rules for timestamps in a description, applied as well
// to the table a creator edits in the studio, so a video's chapters mean the same wherever they
// come from. Used by the description parser, the studio's form, the watch page, the WebVTT
// chapters track and the JSON-LD's Clip entries.

export interface Chapter {
  startSeconds: number;
  title: string;
}

/** Where a video's chapters come from: the timestamps in its description (the default) or the studio's table. */
export const CHAPTER_SOURCES = ['description', 'table'] as const;
export type ChapterSource = (typeof CHAPTER_SOURCES)[number];

/** YouTube's rules: at least three chapters, the first at 0:00, each at least ten seconds long. */
export const MIN_CHAPTERS = 3;
export const MIN_CHAPTER_SECONDS = 10;
export const CHAPTER_TITLE_MAX = 100;
/**
 * Chapters in the studio's table. The form sends two fields a row, and the site's form parser
 * takes at most 100 fields (app.ts); 40 rows leave room for the token, the choice and blank
 * rows. The form's parser refuses longer tables whatever the body's type (MAX_TABLE_ROWS).
 */
export const MAX_CHAPTERS = 40;

/** `0:00`, `1:23`, `01:02:03`: the timestamps that description links (http/html.ts) make too. */
const TIMESTAMP = String.raw`(?:\d{1,2}:)?\d{1,2}:\d{2}`;
const TIMESTAMP_PARTS = /^(?:(\d{1,2}):)?(\d{1,2}):(\d{2})$/;
/** A timestamp at the start of a line, after optional bullets and inside optional brackets. */
const LEADING = new RegExp(String.raw`^[\s\-*•·▶►>]*[(\[]?(${TIMESTAMP})(?!\d|:\d)[)\]]?(.*)$`);
/** A timestamp at the end of a line, after its title. */
const TRAILING = new RegExp(String.raw`^(.*?)[(\[]?(?<![\d:])(${TIMESTAMP})[)\]]?\s*$`);
/** What people put between a timestamp and its title: "0:00 - Intro", "Intro | 0:00". */
const SEPARATORS = /^[\s\-–—:|.,)\]]+|[\s\-–—:|.,(\[]+$/g;

/** `1:23` or `1:02:03` as seconds; null unless every part after the first is under 60. */
export function timestampSeconds(text: string): number | null {
  const parts = TIMESTAMP_PARTS.exec(text);
  if (!parts) return null;
  const [hours, minutes, seconds] = [Number(parts[1] ?? 0), Number(parts[2]), Number(parts[3])];
  if (seconds >= 60 || (parts[1] !== undefined && minutes >= 60)) return null;
  return hours * 3600 + minutes * 60 + seconds;
}

/** "1:23", "1:02:03": how chapters' start times are written on pages and in the table. */
export const formatTimestamp = formatDuration;

/** A chapter as a sequence check sees it: its start and where it was written (a line or a row). */
interface Entry extends Chapter {
  place: string;
}

/**
 * The rules a whole list must meet, checked in order; each problem names the entry it is about
 * (by `place`) and says what to change. Entries are in the order they were written.
 */
function sequenceProblems(entries: Entry[], durationSeconds: number): { index: number | null; message: string }[] {
  const problems: { index: number | null; message: string }[] = [];
  if (entries.length < MIN_CHAPTERS) {
    problems.push({ index: null, message: `There ${entries.length === 1 ? 'is 1 chapter' : `are ${entries.length} chapters`}; at least ${MIN_CHAPTERS} are needed.` });
  }
  if (entries.length > 0 && entries[0]!.startSeconds !== 0) {
    problems.push({ index: 0, message: `${entries[0]!.place}: the first chapter must start at 0:00 (it starts at ${formatTimestamp(entries[0]!.startSeconds)}).` });
  }
  entries.forEach((entry, i) => {
    const next = entries[i + 1];
    if (next && next.startSeconds <= entry.startSeconds) {
      problems.push({ index: i + 1, message: `${next.place}: ${formatTimestamp(next.startSeconds)} is not after the chapter before it (${formatTimestamp(entry.startSeconds)}); times must go up.` });
      return;
    }
    const end = next ? next.startSeconds : durationSeconds;
    if (!next && entry.startSeconds >= durationSeconds) {
      problems.push({ index: i, message: `${entry.place}: ${formatTimestamp(entry.startSeconds)} is after the end of the video (${formatTimestamp(durationSeconds)}).` });
    } else if (end - entry.startSeconds < MIN_CHAPTER_SECONDS) {
      const lasts = Math.max(0, Math.floor(end - entry.startSeconds));
      const until = next ? 'the next one starts' : 'the video ends';
      problems.push({ index: i, message: `${entry.place}: this chapter lasts ${lasts} s before ${until}; each chapter must last at least ${MIN_CHAPTER_SECONDS} seconds.` });
    }
  });
  return problems;
}

export type DescriptionChapters = { ok: true; chapters: Chapter[] } | { ok: false; reason: string };

/** A chapter line of a description: its timestamp and the title on either side of it. */
function chapterLine(line: string): { time: string; title: string } | null {
  const leading = LEADING.exec(line);
  if (leading) return { time: leading[1]!, title: leading[2]! };
  const trailing = TRAILING.exec(line);
  if (trailing && trailing[1]!.trim() !== '') return { time: trailing[2]!, title: trailing[1]! };
  return null;
}

/** A description's title as written, without separators, cut to the limit (it was typed as prose). */
function cleanTitle(raw: string): string {
  // A line of prose that happens to end with a time may be thousands of characters long; only
  // the start can become the title, so the rest is not looked at.
  const title = raw.slice(0, CHAPTER_TITLE_MAX * 4).replace(SEPARATORS, '').trim();
  if (title.length <= CHAPTER_TITLE_MAX) return title;
  const chars = [...title];
  return chars.length > CHAPTER_TITLE_MAX ? `${chars.slice(0, CHAPTER_TITLE_MAX - 1).join('').trimEnd()}…` : title;
}

/**
 * Chapters from the timestamps in a description, by YouTube's rules: every line that starts or
 * ends with a timestamp is a chapter; there must be at least three, the first at 0:00, in
 * ascending order, each at least ten seconds long (the last one until the end of the video).
 * Otherwise there are none, and `reason` says why, for the creator.
 */
export function chaptersFromDescription(description: string, durationSeconds: number): DescriptionChapters {
  const entries: Entry[] = [];
  const lines = description.split(/\r\n|\r|\n/);
  for (const [i, line] of lines.entries()) {
    // Most lines of most descriptions have no time at all.
    const found = line.includes(':') ? chapterLine(line) : null;
    if (!found) continue;
    const seconds = timestampSeconds(found.time);
    const place = `Line ${i + 1}`;
    if (seconds === null) return { ok: false, reason: `${place}: ${found.time} is not a time (minutes and seconds go up to 59).` };
    const title = cleanTitle(found.title);
    if (title === '') return { ok: false, reason: `${place}: the timestamp ${found.time} has no title next to it.` };
    entries.push({ startSeconds: seconds, title, place });
  }
  if (entries.length === 0) return { ok: false, reason: 'The description has no lines that start or end with a timestamp.' };
  const problems = sequenceProblems(entries, durationSeconds);
  if (problems.length > 0) return { ok: false, reason: problems[0]!.message };
  return { ok: true, chapters: entries.map(({ startSeconds, title }) => ({ startSeconds, title })) };
}

export interface ChapterRow {
  start: string;
  title: string;
}

export type TableChapters = { ok: true; chapters: Chapter[] } | { ok: false; errors: Record<string, string> };

/** `1:23`, `1:02:03`, or a number of seconds, as typed in the table's start column. */
function tableStartSeconds(text: string): number | null {
  if (/^\d{1,5}$/.test(text)) return Number(text);
  return timestampSeconds(text);
}

/**
 * The studio's table, by the same rules as a description. Blank rows are left out (the form has
 * spare rows to add chapters without scripts); an empty table means no chapters. Rows are taken
 * in order of their start times, so a row added at the bottom may fall between others. Errors
 * are keyed `start-N`, `title-N` (N the row as shown, from 1) or `table` for the whole list.
 */
export function chaptersFromTable(rows: ChapterRow[], durationSeconds: number): TableChapters {
  const errors: Record<string, string> = {};
  const entries: (Entry & { row: number })[] = [];
  rows.forEach((r, i) => {
    const row = i + 1;
    const start = r.start.trim();
    const title = r.title.trim();
    if (start === '' && title === '') return;
    const seconds = tableStartSeconds(start);
    if (start === '') errors[`start-${row}`] = `Row ${row}: enter when this chapter starts, such as 1:23.`;
    else if (seconds === null) errors[`start-${row}`] = `Row ${row}: write the start as minutes:seconds (1:23) or hours:minutes:seconds (1:02:03).`;
    if (title === '') errors[`title-${row}`] = `Row ${row}: give this chapter a title.`;
    else if (length(title) > CHAPTER_TITLE_MAX) errors[`title-${row}`] = `Row ${row}: use at most ${CHAPTER_TITLE_MAX} characters (this is ${length(title)}).`;
    else if (hasForbiddenCharacters(title) || /[\r\n\t]/.test(title)) errors[`title-${row}`] = `Row ${row}: use letters, digits, spaces and punctuation only.`;
    if (seconds !== null && title !== '') entries.push({ startSeconds: seconds, title, place: `Row ${row}`, row });
  });
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  if (entries.length === 0) return { ok: true, chapters: [] };
  if (entries.length > MAX_CHAPTERS) return { ok: false, errors: { table: `Use at most ${MAX_CHAPTERS} chapters (these are ${entries.length}).` } };
  // Stable: rows with the same start stay in their order, and the check names the later one.
  entries.sort((a, b) => a.startSeconds - b.startSeconds);
  for (const problem of sequenceProblems(entries, durationSeconds)) {
    const key = problem.index === null ? 'table' : `start-${entries[problem.index]!.row}`;
    errors[key] ??= problem.message;
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, chapters: entries.map(({ startSeconds, title }) => ({ startSeconds, title })) };
}

/** Each chapter with its end: the next one's start, or the end of the video for the last. */
export function withEnds(chapters: Chapter[], durationSeconds: number): (Chapter & { endSeconds: number })[] {
  return chapters.map((c, i) => ({ ...c, endSeconds: chapters[i + 1]?.startSeconds ?? durationSeconds }));
}

/** `00:01:23.000`: a WebVTT cue time (hours always written, which every reader accepts). */
function vttTime(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}.${pad(ms % 1000, 3)}`;
}

/**
 * A WebVTT chapters track (https://www.w3.org/TR/webvtt1/): one cue a chapter, its title the cue
 * text. Cue text is markup ("<b>", "&amp;"), so &, < and > are escaped; titles hold no newlines
 * (the rules above), so no title can end a cue or write "-->".
 */
export function chaptersVtt(chapters: Chapter[], durationSeconds: number): string {
  const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const cues = withEnds(chapters, durationSeconds).map((c, i) => `${i + 1}\n${vttTime(c.startSeconds)} --> ${vttTime(c.endSeconds)}\n${escape(c.title.replace(/[\r\n]+/g, ' '))}\n`);
  return ['WEBVTT\n', ...cues].join('\n');
}

/**
 * The chapters pages show: the table's when the creator chose it, else those of the description,
 * read now (well under a millisecond even for 5,000 characters of timestamps, the most a
 * description may have; README has the figures), so they follow
 * every change of the description whoever makes it, and a change of these rules needs no backfill.
 */
export function chaptersShown(stored: { source: ChapterSource; table: Chapter[] } | null, video: { description: string; durationSeconds: number }): Chapter[] {
  if (stored?.source === 'table') return stored.table;
  const found = chaptersFromDescription(video.description, video.durationSeconds);
  return found.ok ? found.chapters : [];
}
