import { timestampSeconds } from '../chapters.js';
import { HIGHLIGHT_END, HIGHLIGHT_START } from '../db/search.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** Search highlights: every character escaped, then the highlight marks turned into <mark>. */
export function highlight(text: string): string {
  return escapeHtml(text.replaceAll(HIGHLIGHT_START, '\u0000S').replaceAll(HIGHLIGHT_END, '\u0000E'))
    .replaceAll('\u0000S', '<mark>')
    .replaceAll('\u0000E', '</mark>');
}

const LINK = String.raw`\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]`;
const TIME = String.raw`(?<![\d:])(?:\d{1,2}:)?\d{1,2}:\d{2}(?![\d:])`;
/** `@handle` as handles are spelled (3 to 30 of a-z 0-9 _ . -), not inside an email address or a word. */
const MENTION = String.raw`(?<![\w@.-])@[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,28}[A-Za-z0-9_])?(?![\w@-])`;
const LINK_OR_TIME = new RegExp(`${LINK}|${TIME}`, 'g');
const LINK_TIME_OR_MENTION = new RegExp(`${LINK}|${TIME}|${MENTION}`, 'g');

/**
 * A description as safe HTML: all text escaped, web addresses made into links that tell
 * search engines the site does not vouch for them, and timestamps (1:23, 1:02:03) into links
 * that start the video there (player.js seeks in place instead of reloading).
 */
export function linkifyDescription(text: string, watchPath: string, durationSeconds: number): string {
  return linkify(text, LINK_OR_TIME, watchPath, durationSeconds);
}

/**
 * A comment as safe HTML: what a description gets, plus `@handle` as a link to that channel
 * (whether it exists is not checked: an unknown handle's link finds no channel) and line
 * breaks kept.
 */
export function linkifyComment(text: string, watchPath: string, durationSeconds: number): string {
  return linkify(text, LINK_TIME_OR_MENTION, watchPath, durationSeconds).replaceAll('\n', '<br>\n');
}

/**
 * The web addresses linkifyComment makes into links in this text, found by the same pattern and
 * the same check (the review rule "hold comments with links" asks this, so what it holds is
 * exactly what would be a link).
 */
export function commentAddresses(text: string): string[] {
  return [...text.matchAll(LINK_TIME_OR_MENTION)].map((m) => m[0]).filter((token) => token.startsWith('http') && isAddress(token));
}

/**
 * The handles this text mentions, as linkifyComment links them (the same pattern, so an address
 * such as a@b.c or a word inside a link is never one), in lower case as handles are kept, each
 * once, in the order they first appear. Only those a handle can be (3 to 30 characters).
 */
export function commentMentions(text: string): string[] {
  const handles = [...text.matchAll(LINK_TIME_OR_MENTION)].map((m) => m[0]).filter((token) => token.startsWith('@')).map((token) => token.slice(1).toLowerCase());
  return [...new Set(handles.filter((h) => h.length >= 3 && h.length <= 30))];
}

/** A matched address that parses as a URL (the pattern alone lets through a few that do not). */
function isAddress(token: string): boolean {
  try {
    new URL(token);
    return true;
  } catch {
    return false;
  }
}

function linkify(text: string, pattern: RegExp, watchPath: string, durationSeconds: number): string {
  let html = '';
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    const token = match[0];
    html += escapeHtml(text.slice(last, match.index));
    last = match.index! + token.length;
    if (token.startsWith('@')) {
      html += `<a href="/@${escapeHtml(token.slice(1).toLowerCase())}">${escapeHtml(token)}</a>`;
      continue;
    }
    if (token.startsWith('http')) {
      html += isAddress(token) ? `<a href="${escapeHtml(token)}" rel="nofollow ugc noopener noreferrer">${escapeHtml(token)}</a>` : escapeHtml(token);
      continue;
    }
    const seconds = timestampSeconds(token);
    const inRange = seconds !== null && seconds <= durationSeconds;
    html += inRange ? `<a href="${escapeHtml(watchPath)}?t=${seconds}" data-seek="${seconds}">${token}</a>` : escapeHtml(token);
  }
  return html + escapeHtml(text.slice(last));
}

/** `?t=90`, `?t=1m30s`, `?t=1h2m3s` or `?t=1:30` as seconds; null for anything else. */
export function parseStartTime(value: unknown): number | null {
  if (typeof value !== 'string' || value.length > 20) return null;
  if (/^\d+$/.test(value)) return Number(value);
  const hms = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(value);
  if (hms && value !== '') return Number(hms[1] ?? 0) * 3600 + Number(hms[2] ?? 0) * 60 + Number(hms[3] ?? 0);
  if (/^(?:\d{1,2}:)?\d{1,2}:\d{2}$/.test(value)) return timestampSeconds(value);
  return null;
}
