import type { CaptionFormat } from './parse.js';

/**
 * What of a cue's text and settings is served. Browsers show cue text as text (WebVTT's few
 * tags become styled spans, never HTML), but scripts, other players and downloads may not be
 * as careful: only WebVTT's own tags are kept, everything else that looks like markup is
 * escaped, so the served file is plain WebVTT whoever reads it.
 */

/** WebVTT's cue tags: bold, italic, underline, class, voice, language, ruby (with classes and an annotation). */
const VTT_TAG = /^<\/?(?:b|i|u|c|v|lang|ruby|rt)(?:\.[A-Za-z0-9_-]+)*(?:[ \t][^<>&]*)?>$/;
/** A karaoke timestamp inside a cue. */
const VTT_TIMESTAMP_TAG = /^<(?:\d{2,}:)?[0-5]\d:[0-5]\d\.\d{3}>$/;
/** SRT's tags that WebVTT shares, in either case. */
const SRT_KEPT_TAG = /^<\/?[biu]>$/i;
/** SRT's font tags (colour, face) have no WebVTT counterpart: dropped, the text they wrap kept. */
const SRT_FONT_TAG = /^<\/?font(?:[ \t][^<>]*)?>$/i;
/** ASS-style overrides some SRT tools write ({\an8} places a cue at the top): dropped. */
const ASS_OVERRIDE = /\{\\[^{}]*\}/g;
/** What is escaped: angle brackets, and an & that does not start a character reference WebVTT knows. */
const TO_ESCAPE = /[<>]|&(?!(?:amp|lt|gt|lrm|rlm|nbsp|#\d{1,7}|#x[0-9A-Fa-f]{1,6});)/g;
const ESCAPED: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;' };

const escapeText = (text: string) => text.replace(TO_ESCAPE, (c) => ESCAPED[c]!);

/** Cue text as served: WebVTT's tags kept (SRT's b, i, u lower-cased), any other markup escaped. */
export function sanitizeCueText(text: string, format: CaptionFormat): string {
  const source = format === 'srt' ? text.replace(ASS_OVERRIDE, '') : text;
  return source
    .split(/(<[^<>\n]*>)/)
    .map((part, i) => {
      if (i % 2 === 0) return escapeText(part);
      if (format === 'vtt' && (VTT_TAG.test(part) || VTT_TIMESTAMP_TAG.test(part))) return part;
      if (format === 'srt' && SRT_KEPT_TAG.test(part)) return part.toLowerCase();
      if (format === 'srt' && SRT_FONT_TAG.test(part)) return '';
      return escapeText(part);
    })
    .join('');
}

/** WebVTT cue settings as the specification writes them; others (regions, which are dropped, and typos) are left out. */
const SETTINGS: RegExp[] = [
  /^vertical:(?:rl|lr)$/,
  /^line:(?:-?\d+|\d+(?:\.\d+)?%)(?:,(?:start|center|end))?$/,
  /^position:\d+(?:\.\d+)?%(?:,(?:line-left|center|line-right))?$/,
  /^size:\d+(?:\.\d+)?%$/,
  /^align:(?:start|center|end|left|right)$/,
];

export function sanitizeSettings(settings: string): string {
  return settings.split(/[ \t]+/).filter((s) => SETTINGS.some((pattern) => pattern.test(s))).join(' ');
}

/** A run of letters and digits, with the apostrophes and hyphens inside words. */
const WORD = /[\p{L}\p{N}][\p{L}\p{M}\p{N}'’-]*/gu;
/** Longer "words" are noise (a URL, a line of symbols); Postgres would not index one past 2,047 bytes anyway. */
const WORD_MAX_CHARS = 40;

/**
 * The distinct words of `texts`, lower-cased, in the order first met, at most `maxChars` in all.
 * What search is given of captions: a video is found by each word said in it, and a tsvector
 * stays small (a lexeme once, not at every position; Postgres refuses one over 1 MB).
 */
export function distinctWords(texts: Iterable<string>, maxChars: number): string {
  const seen = new Set<string>();
  const words: string[] = [];
  let used = 0;
  for (const text of texts) {
    const plain = text.replace(/<[^<>]*>/g, ' ').replace(/&(?:amp|lt|gt|nbsp|lrm|rlm);/g, ' ');
    for (const [word] of plain.matchAll(WORD)) {
      const lower = word.toLowerCase();
      if (lower.length > WORD_MAX_CHARS || seen.has(lower)) continue;
      if (used + lower.length + 1 > maxChars) return words.join(' ');
      seen.add(lower);
      words.push(lower);
      used += lower.length + 1;
    }
  }
  return words.join(' ');
}
