import { timestampSeconds } from '../chapters.js';
import { formatDuration } from '../format.js';
import { field, hasForbiddenCharacters, length, type FormResult } from './fields.js';

/**
 * Why something is reported (issue 13, item 1): a fixed list, as YouTube and PeerTube offer,
 * each with its severity, which orders the moderators' queue (gravest first). Each reason has
 * its own severity, so an item's severity also names its gravest reason and a queue filtered by
 * reason walks the queue's own index (sql/migrations/1763683202000_reports.sql). The order:
 * - child safety: harm to a child, the one kind that may need the police at once;
 * - violence: threats and dangerous acts, a risk to someone's life or body;
 * - privacy: someone's address or papers shown, a risk to a person now (doxxing);
 * - harassment: aimed at a person; hate: aimed at a group;
 * - sexual content: wrong for a public site, but harm to nobody in particular;
 * - copyright: a rights holder's claim, with a legal clock but no one in danger;
 * - spam or misleading, then other.
 * The codes are stored (reports.reason, checked there too); the labels are what people read.
 */
export const REPORT_REASONS = {
  child_safety: { label: 'Child safety', severity: 9 },
  violence: { label: 'Violence or dangerous acts', severity: 8 },
  privacy: { label: 'Privacy: personal information shown', severity: 7 },
  harassment: { label: 'Harassment or bullying', severity: 6 },
  hate: { label: 'Hateful or abusive content', severity: 5 },
  sexual: { label: 'Sexual content', severity: 4 },
  copyright: { label: 'Copyright infringement', severity: 3 },
  spam: { label: 'Spam or misleading', severity: 2 },
  other: { label: 'Other', severity: 1 },
} as const;

export type ReportReason = keyof typeof REPORT_REASONS;
export type ReportKind = 'video' | 'comment' | 'channel';

/** What a reporter may write, in characters (reports.body checks the same). */
export const REPORT_TEXT_MAX = 3_000;
/** "1:05" or "1:02:03", at most this long as typed. */
const TIME_MAX_LENGTH = 12;

export function isReportReason(value: string): value is ReportReason {
  return Object.hasOwn(REPORT_REASONS, value);
}

/** The label of a stored reason code; a code this version does not know is shown as it is. */
export function reportReasonLabel(code: string): string {
  return isReportReason(code) ? REPORT_REASONS[code].label : code;
}

/** The reason whose severity this is (each reason has its own). */
export function reasonOfSeverity(severity: number): ReportReason {
  return (Object.keys(REPORT_REASONS) as ReportReason[]).find((r) => REPORT_REASONS[r].severity === severity) ?? 'other';
}

export interface ReportForm {
  reason: ReportReason;
  text: string;
  /** Seconds into the video; videos only, and optional. */
  videoTimeSeconds: number | null;
}

/**
 * The report form: a reason from the list (required), an optional text of up to 3,000
 * characters, and for a video (`durationSeconds` given) an optional time in it as m:ss or
 * h:mm:ss, before its end. Other kinds ignore a time sent to them.
 */
export function parseReport(body: unknown, durationSeconds: number | null): FormResult<ReportForm> {
  const reason = field(body, 'reason');
  const text = field(body, 'text').replace(/\r\n?/g, '\n').trim();
  const time = durationSeconds === null ? '' : field(body, 'time').trim();
  const values = { reason, text, time: time.slice(0, TIME_MAX_LENGTH * 4) };
  const errors: Record<string, string> = {};
  if (reason === '') errors.reason = 'Choose what is wrong.';
  else if (!isReportReason(reason)) errors.reason = 'Choose one of the reasons in the list.';
  if (length(text) > REPORT_TEXT_MAX) errors.text = `Use at most ${REPORT_TEXT_MAX.toLocaleString('en')} characters.`;
  else if (hasForbiddenCharacters(text)) errors.text = 'Use text only: no control characters.';
  let seconds: number | null = null;
  if (time !== '' && durationSeconds !== null) {
    seconds = time.length <= TIME_MAX_LENGTH ? timestampSeconds(time) : null;
    if (seconds === null) errors.time = 'Write the time as minutes:seconds (1:05) or hours:minutes:seconds (1:02:03).';
    else if (seconds > durationSeconds) errors.time = `This video is ${formatDuration(durationSeconds)} long: enter a time within it.`;
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors, values };
  return { ok: true, value: { reason: reason as ReportReason, text, videoTimeSeconds: seconds } };
}
