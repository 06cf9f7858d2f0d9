import { formatDuration } from '../format.js';
import { field, result, type FormResult } from './fields.js';

// The studio's thumbnail forms: a candidate frame by its file name, or a time in the video.

/** Candidate names as the server makes them (candidateName in src/media/keys.ts). */
const CANDIDATE_NAME = /^candidate-[a-f0-9]{8}-[1-3]\.jpg$/;
/** "75", "75.5", "1:15", "01:15.5" or "1:02:03": seconds, minutes:seconds or hours:minutes:seconds. */
const TIME = /^(?:(?:(\d{1,2}):)?(\d{1,3}):)?(\d{1,5}(?:\.\d{1,3})?)$/;
const TIME_MAX_LENGTH = 16;

export function parseCandidateChoice(body: unknown): FormResult<{ name: string }> {
  const name = field(body, 'candidate');
  const errors: Record<string, string> = {};
  if (!CANDIDATE_NAME.test(name)) errors.candidate = 'Choose one of the three frames.';
  return result(errors, {}, () => ({ name }));
}

/** Seconds from "mm:ss", "h:mm:ss" or seconds; null when it is none of them. */
export function parseTime(text: string): number | null {
  const match = TIME.exec(text);
  if (!match) return null;
  const [, hours, minutes, seconds] = match;
  // Within a larger unit, minutes and seconds stop at 59 ("1:75" is a typo, not 2:15).
  if (minutes !== undefined && Number(seconds) >= 60) return null;
  if (hours !== undefined && Number(minutes) >= 60) return null;
  return Number(hours ?? 0) * 3600 + Number(minutes ?? 0) * 60 + Number(seconds);
}

/** A time within a video of `durationSeconds`, before its end. */
export function parseFrameTime(body: unknown, durationSeconds: number): FormResult<{ seconds: number }> {
  const time = field(body, 'time').trim();
  const errors: Record<string, string> = {};
  const seconds = time.length <= TIME_MAX_LENGTH ? parseTime(time) : null;
  if (time === '') errors.time = 'Enter a time in the video, such as 1:05 or 65.';
  else if (seconds === null) errors.time = 'Write the time as minutes:seconds (1:05) or as seconds (65).';
  else if (seconds >= durationSeconds) errors.time = `This video is ${formatDuration(durationSeconds)} long: enter a time before its end.`;
  return result(errors, { time: time.slice(0, TIME_MAX_LENGTH * 4) }, () => ({ seconds: seconds! }));
}
