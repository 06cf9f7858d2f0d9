/**
 * The before and after values of an audit entry, as a short list a person reads: one line per
 * changed field ("status: failed → uploaded"), nested objects written as dotted paths. A whole
 * removed comment (only `before`) is its fields; unchanged fields are left out.
 */

export interface DiffLine {
  path: string;
  /** Absent: the field was not there before (or after). */
  before?: string;
  after?: string;
}

/** A value longer than this is cut with an ellipsis: the page is a summary, the row keeps the whole. */
export const DIFF_VALUE_MAX_CHARS = 300;
/** Lines shown per entry; the rest are counted. */
export const DIFF_LINES_MAX = 30;
const DEPTH_MAX = 4;

function show(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? 'null';
  const chars = [...text];
  return chars.length > DIFF_VALUE_MAX_CHARS ? `${chars.slice(0, DIFF_VALUE_MAX_CHARS).join('')}…` : text;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** path → shown leaf; arrays are leaves (a list of tags reads better whole). */
function flatten(value: unknown, prefix: string, into: Map<string, string>, depth: number): void {
  if (isPlainObject(value) && depth < DEPTH_MAX && Object.keys(value).length > 0) {
    for (const [key, inner] of Object.entries(value)) flatten(inner, prefix ? `${prefix}.${key}` : key, into, depth + 1);
    return;
  }
  into.set(prefix || 'value', show(value));
}

export function auditDiff(before: unknown, after: unknown): { lines: DiffLine[]; more: number } {
  const old = new Map<string, string>();
  const now = new Map<string, string>();
  if (before !== null && before !== undefined) flatten(before, '', old, 0);
  if (after !== null && after !== undefined) flatten(after, '', now, 0);
  const lines: DiffLine[] = [];
  for (const path of new Set([...old.keys(), ...now.keys()])) {
    const was = old.get(path);
    const is = now.get(path);
    if (was === is) continue;
    lines.push({ path, ...(was !== undefined ? { before: was } : {}), ...(is !== undefined ? { after: is } : {}) });
  }
  return { lines: lines.slice(0, DIFF_LINES_MAX), more: Math.max(0, lines.length - DIFF_LINES_MAX) };
}
