import { REMOVAL_REASONS } from './comment-removal.js';
import { REPORT_REASONS } from './report.js';
import { field, hasForbiddenCharacters, length, type FormResult } from './fields.js';
import { zonedTimeToUtc } from './video-edit.js';

/**
 * Why an account is banned or deleted: a fixed list, so that the person reads a reason they can
 * look up and the audit log can be filtered by it. The codes shared with comment removals and
 * reports keep their labels (one wording per reason across the site); the codes are stored
 * (users.ban_reason, audit_log.reason), the labels are what people read.
 */
export const BAN_REASONS = {
  spam: REMOVAL_REASONS.spam,
  harassment: REMOVAL_REASONS.harassment,
  hate: REMOVAL_REASONS.hate,
  violence: REMOVAL_REASONS.violence,
  sexual: REMOVAL_REASONS.sexual,
  child_safety: REPORT_REASONS.child_safety.label,
  copyright: REPORT_REASONS.copyright.label,
  impersonation: 'Impersonation',
  other: REMOVAL_REASONS.other,
} as const;

export type BanReason = keyof typeof BAN_REASONS;

/** Why a ban is lifted early (optional); 'ban_ended' is the site's own, when a ban reaches its end. */
export const UNBAN_REASONS = {
  appeal: 'Appeal accepted',
  mistake: 'Banned by mistake',
  other: 'Other',
} as const;

export type UnbanReason = keyof typeof UNBAN_REASONS;

/** The moderator's note, in characters (users.ban_note and audit_log.note check the same). */
export const BAN_NOTE_MAX = 1_000;
/** A ban's end is at most this far ahead; longer is what "permanent" is for. */
export const MAX_BAN_AHEAD_MS = 10 * 365 * 24 * 60 * 60_000;

export function isBanReason(value: string): value is BanReason {
  return Object.hasOwn(BAN_REASONS, value);
}

/** The label of a stored reason code (ban, unban, or the site's own); an unknown code is shown as it is. */
export function banReasonLabel(code: string | null): string {
  if (!code) return '';
  if (isBanReason(code)) return BAN_REASONS[code];
  if (Object.hasOwn(UNBAN_REASONS, code)) return UNBAN_REASONS[code as UnbanReason];
  return code === 'ban_ended' ? 'The ban reached its end' : code;
}

/** The field was sent, but not as one piece of text (repeated, or an object). */
function sentButNotText(body: unknown, name: string): boolean {
  const value = body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
  return value !== undefined && typeof value !== 'string';
}

function parseNote(body: unknown, errors: Record<string, string>): string {
  const note = field(body, 'note').replace(/\r\n?/g, '\n').trim();
  if (length(note) > BAN_NOTE_MAX) errors.note = `Use at most ${BAN_NOTE_MAX.toLocaleString('en')} characters.`;
  else if (hasForbiddenCharacters(note)) errors.note = 'Use text only: no control characters.';
  return note;
}

export interface BanForm {
  reason: BanReason;
  note: string | null;
  /** When the ban ends by itself; null: permanent. */
  until: Date | null;
}

/**
 * The ban form: a reason (required), a note, and an end as a date and time in UTC (both empty:
 * permanent; a date alone: its midnight). The end must be in the future (after `now`, the
 * caller's clock) and at most MAX_BAN_AHEAD_MS ahead.
 */
export function parseBan(body: unknown, now: Date): FormResult<BanForm> {
  const reason = field(body, 'reason');
  const untilDate = field(body, 'untilDate').trim();
  const untilTime = field(body, 'untilTime').trim();
  const errors: Record<string, string> = {};
  if (reason === '') errors.reason = 'Choose a reason for the ban.';
  else if (!isBanReason(reason)) errors.reason = 'Choose one of the reasons in the list.';
  const note = parseNote(body, errors);
  let until: Date | null = null;
  // A repeated date (an array, which field() reads as empty) must not turn into "permanent".
  if (['untilDate', 'untilTime'].some((name) => sentButNotText(body, name))) errors.untilDate = 'Enter one date and one time.';
  else if (untilDate === '' && untilTime !== '') errors.untilDate = 'Enter the date the ban ends, or leave both empty for a permanent ban.';
  else if (untilDate !== '') {
    until = zonedTimeToUtc(untilDate, untilTime === '' ? '00:00' : untilTime, 'UTC');
    if (!until) errors.untilDate = 'Enter a real date (year-month-day) and time (hours:minutes).';
    else if (until.getTime() <= now.getTime()) errors.untilDate = 'Choose an end in the future.';
    else if (until.getTime() - now.getTime() > MAX_BAN_AHEAD_MS) errors.untilDate = 'Choose an end within ten years, or leave it empty for a permanent ban.';
  }
  const values = { reason, note, untilDate, untilTime };
  if (Object.keys(errors).length > 0) return { ok: false, errors, values };
  return { ok: true, value: { reason: reason as BanReason, note: note === '' ? null : note, until } };
}

/** The unban form: a reason from UNBAN_REASONS or none, and a note. */
export function parseUnban(body: unknown): FormResult<{ reason: UnbanReason | null; note: string | null }> {
  const reason = field(body, 'reason');
  const errors: Record<string, string> = {};
  if (reason !== '' && !Object.hasOwn(UNBAN_REASONS, reason)) errors.reason = 'Choose one of the reasons in the list, or none.';
  const note = parseNote(body, errors);
  if (Object.keys(errors).length > 0) return { ok: false, errors, values: { reason, note } };
  return { ok: true, value: { reason: reason === '' ? null : (reason as UnbanReason), note: note === '' ? null : note } };
}

/**
 * Deleting an account: a reason from BAN_REASONS, a note, and the handle typed again, as GitHub
 * asks before deleting a repository: the action cannot be undone and the handle is gone for good.
 */
export function parseAccountDeletion(body: unknown, handle: string): FormResult<{ reason: BanReason; note: string | null }> {
  const reason = field(body, 'reason');
  const confirm = field(body, 'confirm').trim().replace(/^@/, '').toLowerCase();
  const errors: Record<string, string> = {};
  if (reason === '') errors.reason = 'Choose a reason for deleting the account.';
  else if (!isBanReason(reason)) errors.reason = 'Choose one of the reasons in the list.';
  const note = parseNote(body, errors);
  if (confirm !== handle) errors.confirm = `Type the handle ${handle} to confirm.`;
  if (Object.keys(errors).length > 0) return { ok: false, errors, values: { reason, note, confirm: field(body, 'confirm') } };
  return { ok: true, value: { reason: reason as BanReason, note: note === '' ? null : note } };
}
