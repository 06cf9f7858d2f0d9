import { BAN_REASONS, isBanReason, type BanReason } from './ban.js';
import { field, hasForbiddenCharacters, length, type FormResult } from './fields.js';

/**
 * The forms of a queue item's actions (issue 13, item 2; src/routes/report-items.ts). Removing
 * the comment and banning reuse their own forms (parseCommentRemoval, parseBan); dismissing and
 * warning are these. Every action has a reason from a fixed list and an internal note, seen by
 * moderators only (the audit log's note).
 */

/** Why an item is closed with nothing done. */
export const DISMISS_REASONS = {
  no_violation: 'No rule broken',
  not_enough: 'Not enough to act on',
  already_handled: 'Already dealt with',
  wrong_reports: 'Reports made in bad faith',
  other: 'Other',
} as const;

export type DismissReason = keyof typeof DISMISS_REASONS;

/** The internal note, in characters (audit_log.note and warnings.note check the same). */
export const ACTION_NOTE_MAX = 1_000;
/** What the warned person reads, in characters (warnings.message checks the same). */
export const WARNING_MESSAGE_MAX = 2_000;

export function dismissReasonLabel(code: string | null): string {
  return code && Object.hasOwn(DISMISS_REASONS, code) ? DISMISS_REASONS[code as DismissReason] : (code ?? '');
}

/** Multi-line text as typed, line ends made one kind, trimmed; an error when too long or not text. */
function text(body: unknown, name: string, max: number, errors: Record<string, string>): string {
  const value = field(body, name).replace(/\r\n?/g, '\n').trim();
  if (length(value) > max) errors[name] = `Use at most ${max.toLocaleString('en')} characters.`;
  else if (hasForbiddenCharacters(value)) errors[name] = 'Use text only: no control characters.';
  return value;
}

/** Dismiss: a reason (required) and a note. */
export function parseDismissal(body: unknown): FormResult<{ reason: DismissReason; note: string | null }> {
  const reason = field(body, 'reason');
  const errors: Record<string, string> = {};
  if (reason === '') errors.reason = 'Choose why nothing is done.';
  else if (!Object.hasOwn(DISMISS_REASONS, reason)) errors.reason = 'Choose one of the reasons in the list.';
  const note = text(body, 'note', ACTION_NOTE_MAX, errors);
  if (Object.keys(errors).length > 0) return { ok: false, errors, values: { reason, note } };
  return { ok: true, value: { reason: reason as DismissReason, note: note === '' ? null : note } };
}

/** Warn: a reason (the bans' list: one wording per reason across the site), the message the person reads (required), a note. */
export function parseWarning(body: unknown): FormResult<{ reason: BanReason; message: string; note: string | null }> {
  const reason = field(body, 'reason');
  const errors: Record<string, string> = {};
  if (reason === '') errors.reason = 'Choose a reason for the warning.';
  else if (!isBanReason(reason)) errors.reason = 'Choose one of the reasons in the list.';
  const message = text(body, 'message', WARNING_MESSAGE_MAX, errors);
  if (message === '' && !errors.message) errors.message = 'Write what the person will read.';
  const note = text(body, 'note', ACTION_NOTE_MAX, errors);
  if (Object.keys(errors).length > 0) return { ok: false, errors, values: { reason, message, note } };
  return { ok: true, value: { reason: reason as BanReason, message, note: note === '' ? null : note } };
}

export { BAN_REASONS as WARNING_REASONS };
