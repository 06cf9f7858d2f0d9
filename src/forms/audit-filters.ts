import type { FormResult } from './fields.js';

/**
 * The audit log's filters (/admin/audit?actor=&action=&kind=&target=&from=&to=&after=), from the
 * query string. Every value is checked against the shapes the table itself allows (its CHECK
 * constraints), so a filter that cannot match is told apart from one that matched nothing.
 */
export interface AuditQuery {
  actor: string | null;
  action: string | null;
  kind: string | null;
  target: string | null;
  from: string | null;
  to: string | null;
  after: number | null;
}

export const AUDIT_FILTER_FIELDS = ['actor', 'action', 'kind', 'target', 'from', 'to'] as const;

const HANDLE = /^@?[A-Za-z0-9_.-]{3,30}$/;
const ACTION = /^[a-z_]+(\.[a-z_]+)+$/;
const KIND = /^[a-z_]{1,30}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const ROW_ID = /^[1-9]\d{0,15}$/;
/** The oldest day a filter may name: before any Tubestead was installed, and inside Postgres's date range. */
const FIRST_DAY = '2000-01-01';
const LAST_DAY = '2999-12-31';

/** A real day of the calendar ('2026-02-30' is not). */
function isDay(value: string): boolean {
  if (!DAY.test(value) || value < FIRST_DAY || value > LAST_DAY) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

export function parseAuditQuery(query: Record<string, unknown>): FormResult<AuditQuery> {
  const values: Record<string, string> = {};
  const errors: Record<string, string> = {};
  for (const name of [...AUDIT_FILTER_FIELDS, 'after'] as const) {
    const raw = query[name];
    if (raw === undefined) continue;
    if (typeof raw !== 'string') {
      errors[name] = 'Give this filter once.';
      continue;
    }
    values[name] = raw.trim().slice(0, 120);
  }
  const given = (name: string) => (values[name] ? values[name]! : null);
  const actor = given('actor');
  if (actor !== null && !HANDLE.test(actor)) errors.actor ??= 'A handle is 3 to 30 letters, digits, dots, dashes or underscores.';
  const action = given('action');
  if (action !== null && (action.length > 60 || !ACTION.test(action))) errors.action ??= 'An action is written like comment.remove.';
  const kind = given('kind');
  if (kind !== null && !KIND.test(kind)) errors.kind ??= 'A kind of target is written like video, comment or user.';
  const target = given('target');
  if (target !== null && (target.length > 100 || /[\u0000-\u001f]/.test(target))) errors.target ??= 'A target id is up to 100 characters.';
  if (target !== null && kind === null) errors.kind ??= 'Choose the kind of target the id belongs to.';
  const from = given('from');
  if (from !== null && !isDay(from)) errors.from ??= 'Give a day as YYYY-MM-DD.';
  const to = given('to');
  if (to !== null && !isDay(to)) errors.to ??= 'Give a day as YYYY-MM-DD.';
  if (from !== null && to !== null && !errors.from && !errors.to && to < from) errors.to = 'The last day comes on or after the first.';
  const after = given('after');
  if (after !== null && !ROW_ID.test(after)) errors.after ??= 'That page of the log does not exist; start again from the first page.';
  if (Object.keys(errors).length > 0) return { ok: false, errors, values };
  return {
    ok: true,
    value: { actor: actor?.replace(/^@/, '').toLowerCase() ?? null, action, kind, target, from, to, after: after === null ? null : Number(after) },
  };
}

/** The query string of the same filters on another page (the cursor replaced). */
export function auditQueryString(query: AuditQuery, after: number | null): string {
  const params = new URLSearchParams();
  for (const name of AUDIT_FILTER_FIELDS) {
    const value = query[name];
    if (value) params.set(name, value);
  }
  if (after !== null) params.set('after', String(after));
  const text = params.toString();
  return text ? `?${text}` : '';
}
