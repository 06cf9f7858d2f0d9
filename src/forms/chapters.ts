import { CHAPTER_SOURCES, chaptersFromTable, MAX_CHAPTERS, type Chapter, type ChapterRow, type ChapterSource } from '../chapters.js';

/** Blank rows the page offers under the chapters, to add some without scripts. */
export const SPARE_ROWS = 5;
/**
 * Rows a form may send: the most chapters and the blank rows the page offers. The urlencoded
 * parser's 100-field limit (app.ts) stops a form near this, but a JSON body (express.json) has no
 * field limit: 64 kB of JSON carried 5,000 rows, each checked and shown again on a 2 MB page.
 */
export const MAX_TABLE_ROWS = MAX_CHAPTERS + SPARE_ROWS;

export interface ChaptersForm {
  source: ChapterSource;
  /** The table's chapters, saved whichever source is chosen (an empty table is allowed). */
  table: Chapter[];
}

/** What was typed, to show the form again: the choice and every row, blank ones too. */
export interface ChaptersFormValues {
  source: string;
  rows: ChapterRow[];
}

export type ChaptersFormResult = { ok: true; value: ChaptersForm } | { ok: false; errors: Record<string, string>; values: ChaptersFormValues };

/** A repeated field as a list of strings (one value arrives as a string, several as an array), at most `max` of them. */
function list(body: unknown, name: string, max: number): { values: string[]; sent: number } {
  if (!body || typeof body !== 'object') return { values: [], sent: 0 };
  const value = (body as Record<string, unknown>)[name];
  if (typeof value === 'string') return { values: [value], sent: 1 };
  if (!Array.isArray(value)) return { values: [], sent: 0 };
  return { values: value.slice(0, max).map((v) => (typeof v === 'string' ? v : '')), sent: value.length };
}

/**
 * The studio's chapters form: the choice of source and the table's rows (`start` and `title`,
 * repeated as `start[]` and `title[]`, in the order shown; the site's form parser keeps
 * the brackets in the names and gives repeated fields as arrays). The table is checked by the rules of src/chapters.ts whichever
 * source is chosen, because it is saved either way: what the creator sees is what is kept.
 */
export function parseChaptersForm(body: unknown, durationSeconds: number): ChaptersFormResult {
  const source = typeof (body as Record<string, unknown> | null)?.source === 'string' ? String((body as Record<string, unknown>).source) : '';
  const starts = list(body, 'start[]', MAX_TABLE_ROWS);
  const titles = list(body, 'title[]', MAX_TABLE_ROWS);
  const rows: ChapterRow[] = Array.from({ length: Math.max(starts.values.length, titles.values.length) }, (_, i) => ({ start: starts.values[i] ?? '', title: titles.values[i] ?? '' }));
  const values = { source, rows };

  const errors: Record<string, string> = {};
  if (!(CHAPTER_SOURCES as readonly string[]).includes(source)) errors.source = 'Choose where the chapters come from.';
  // Refused before any row is checked; the page comes back with the first rows only.
  const sent = Math.max(starts.sent, titles.sent);
  if (sent > MAX_TABLE_ROWS) return { ok: false, errors: { ...errors, table: `The table has ${sent} rows: send at most ${MAX_TABLE_ROWS} (${MAX_CHAPTERS} chapters and blank rows).` }, values };
  const table = chaptersFromTable(rows, durationSeconds);
  if (!table.ok) Object.assign(errors, table.errors);
  if (Object.keys(errors).length > 0 || !table.ok) return { ok: false, errors, values };
  return { ok: true, value: { source: source as ChapterSource, table: table.chapters } };
}
