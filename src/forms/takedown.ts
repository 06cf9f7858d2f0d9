import { REPORT_REASONS, type ReportReason } from './report.js';
import { field, hasForbiddenCharacters, length, result, type FormResult } from './fields.js';

/**
 * Take-downs, appeals and their decisions (issue 13, item 3), and rejecting a held upload. The
 * reasons are the report reasons with their labels (one wording per reason across the site), so
 * a take-down from the queue names what the reporters named; the codes are stored
 * (video_takedowns.reason, audit_log.reason), the labels are what the owner reads.
 */
export const TAKEDOWN_REASONS: Record<ReportReason, string> = Object.fromEntries(
  Object.entries(REPORT_REASONS).map(([code, { label }]) => [code, label]),
) as Record<ReportReason, string>;

/** The policy text shown to the owner, a decision's message to them (video_takedowns checks the same). */
export const TAKEDOWN_MESSAGE_MAX = 2_000;
/** The moderators' internal note. */
export const TAKEDOWN_NOTE_MAX = 1_000;
/** The owner's one appeal. */
export const APPEAL_TEXT_MAX = 3_000;

export function isTakedownReason(value: string): value is ReportReason {
  return Object.hasOwn(TAKEDOWN_REASONS, value);
}

/** The label of a stored reason code; an unknown code is shown as it is. */
export function takedownReasonLabel(code: string): string {
  return isTakedownReason(code) ? TAKEDOWN_REASONS[code] : code;
}

/** Text typed in a textarea: line ends made one kind, trimmed; a message when it is too long or not text. */
function text(body: unknown, name: string, max: number, errors: Record<string, string>, required: string | null): string {
  const value = field(body, name).replace(/\r\n?/g, '\n').trim();
  if (value === '' && required) errors[name] = required;
  else if (length(value) > max) errors[name] = `Use at most ${max.toLocaleString('en')} characters.`;
  else if (hasForbiddenCharacters(value)) errors[name] = 'Use text only: no control characters.';
  return value;
}

export interface TakedownForm {
  reason: ReportReason;
  /** Shown to the owner: which rule, and what they may do. */
  policy: string;
  /** For moderators only. */
  note: string | null;
}

/** Taking a video down (or rejecting a held upload): a reason, the policy text for the owner, an optional internal note. */
export function parseTakedown(body: unknown): FormResult<TakedownForm> {
  const errors: Record<string, string> = {};
  const reason = field(body, 'reason');
  if (reason === '') errors.reason = 'Choose the reason.';
  else if (!isTakedownReason(reason)) errors.reason = 'Choose one of the reasons in the list.';
  const policy = text(body, 'policy', TAKEDOWN_MESSAGE_MAX, errors, 'Tell the owner which rule the video breaks.');
  const note = text(body, 'note', TAKEDOWN_NOTE_MAX, errors, null);
  return result(errors, { reason, policy, note }, () => ({ reason: reason as ReportReason, policy, note: note || null }));
}

/** The owner's appeal: a text, required. */
export function parseAppeal(body: unknown): FormResult<{ text: string }> {
  const errors: Record<string, string> = {};
  const appeal = text(body, 'text', APPEAL_TEXT_MAX, errors, 'Tell the moderators why the video should come back.');
  return result(errors, { text: appeal }, () => ({ text: appeal }));
}

export type AppealDecision = 'restore' | 'uphold';

/** A moderator's decision on an appeal: restore or uphold, with a message to the owner. */
export function parseAppealDecision(body: unknown): FormResult<{ decision: AppealDecision; message: string }> {
  const errors: Record<string, string> = {};
  const decision = field(body, 'decision');
  if (decision !== 'restore' && decision !== 'uphold') errors.decision = 'Choose to restore the video or to keep it down.';
  const message = text(body, 'message', TAKEDOWN_MESSAGE_MAX, errors, 'Tell the owner why.');
  return result(errors, { decision, message }, () => ({ decision: decision as AppealDecision, message }));
}

/** Restoring a taken-down video without an appeal: a message to the owner. */
export function parseRestore(body: unknown): FormResult<{ message: string }> {
  const errors: Record<string, string> = {};
  const message = text(body, 'message', TAKEDOWN_MESSAGE_MAX, errors, 'Tell the owner why the video is back.');
  return result(errors, { message }, () => ({ message }));
}
