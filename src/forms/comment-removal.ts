import { field, hasForbiddenCharacters, length, type FormResult } from './fields.js';

/**
 * Why a moderator removes a comment: a short fixed list, as YouTube and PeerTube offer, so that
 * the person affected reads a reason they can look up and the audit log can be filtered by it.
 * The codes are stored (audit_log.reason); the labels are what people read.
 */
export const REMOVAL_REASONS = {
  spam: 'Spam or misleading',
  harassment: 'Harassment or bullying',
  hate: 'Hateful or abusive content',
  sexual: 'Sexual content',
  violence: 'Violent or dangerous content',
  misinformation: 'Misinformation',
  other: 'Other',
} as const;

export type RemovalReason = keyof typeof REMOVAL_REASONS;

/** The moderator's optional note, in characters (audit_log.note checks the same). */
export const REMOVAL_NOTE_MAX = 1_000;

export function isRemovalReason(value: string): value is RemovalReason {
  return Object.hasOwn(REMOVAL_REASONS, value);
}

/** The label of a stored reason code; a code this version does not know is shown as it is. */
export function removalReasonLabel(code: string | null): string {
  return code && isRemovalReason(code) ? REMOVAL_REASONS[code] : (code ?? '');
}

/** The removal form: a reason from the list (required) and an optional note of up to 1,000 characters. */
export function parseCommentRemoval(body: unknown): FormResult<{ reason: RemovalReason; note: string | null }> {
  const reason = field(body, 'reason');
  const note = field(body, 'note').replace(/\r\n?/g, '\n').trim();
  const values = { reason, note };
  const errors: Record<string, string> = {};
  if (reason === '') errors.reason = 'Choose a reason for the removal.';
  else if (!isRemovalReason(reason)) errors.reason = 'Choose one of the reasons in the list.';
  if (length(note) > REMOVAL_NOTE_MAX) errors.note = `Use at most ${REMOVAL_NOTE_MAX.toLocaleString('en')} characters.`;
  else if (hasForbiddenCharacters(note)) errors.note = 'Use text only: no control characters.';
  if (Object.keys(errors).length > 0) return { ok: false, errors, values };
  return { ok: true, value: { reason: reason as RemovalReason, note: note === '' ? null : note } };
}
