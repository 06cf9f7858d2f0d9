/**
 * A CSV cell (RFC 4180): quoted when it holds a comma, quote or line break. A text cell that a
 * spreadsheet would read as a formula (starting with = + - @, or a tab or carriage return that
 * some strip before looking) gets a leading apostrophe, so a video titled "=HYPERLINK(…)" stays
 * text (OWASP's CSV injection advice). Numbers are written as they are: they cannot be formulas.
 */
export function csvCell(value: string | number): string {
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Rows as CSV text, CRLF line ends as RFC 4180 asks. */
export function csv(rows: (string | number)[][]): string {
  return rows.map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
