import { CHAPTER_SOURCES, chaptersFromTable, type Chapter, type ChapterRow, type ChapterSource } from '../chapters.js';

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

/** A repeated field as a list of strings: one value arrives as a string, several as an array. */
function list(body: unknown, name: string): string[] {
  if (!body || typeof body !== 'object') return [];
  const value = (body as Record<string, unknown>)[name];
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v : '')) : [];
}

/**
 * The studio's chapters form: the choice of source and the table's rows (`start` and `title`,
 * repeated as `start[]` and `title[]`, in the order shown; the site's form parser keeps
 * the brackets in the names and gives repeated fields as arrays). The table is checked by the rules of src/chapters.ts whichever
 * source is chosen, because it is saved either way: what the creator sees is what is kept.
 */
export function parseChaptersForm(body: unknown, durationSeconds: number): ChaptersFormResult {
  const source = typeof (body as Record<string, unknown> | null)?.source === 'string' ? String((body as Record<string, unknown>).source) : '';
  const starts = list(body, 'start[]');
  const titles = list(body, 'title[]');
  const rows: ChapterRow[] = Array.from({ length: Math.max(starts.length, titles.length) }, (_, i) => ({ start: starts[i] ?? '', title: titles[i] ?? '' }));
  const values = { source, rows };

  const errors: Record<string, string> = {};
  if (!(CHAPTER_SOURCES as readonly string[]).includes(source)) errors.source = 'Choose where the chapters come from.';
  const table = chaptersFromTable(rows, durationSeconds);
  if (!table.ok) Object.assign(errors, table.errors);
  if (Object.keys(errors).length > 0 || !table.ok) return { ok: false, errors, values };
  return { ok: true, value: { source: source as ChapterSource, table: table.chapters } };
}
