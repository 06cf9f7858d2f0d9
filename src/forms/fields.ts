/** What a form parser returns: the clean value, or field messages plus what was typed. */
export type FormResult<T> =
  | { ok: true; value: T }
  | { ok: false; errors: Record<string, string>; values: Record<string, string> };

/** A body field as a string: anything else (arrays from repeated fields, objects) reads as ''. */
export function field(body: unknown, name: string): string {
  if (!body || typeof body !== 'object') return '';
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : '';
}

// C0/C1 control characters other than tab, newline and carriage return; Unicode non-characters
// (U+FDD0–U+FDEF and the last two code points of every plane: U+FFFE, U+FFFF, U+1FFFE …), which
// are for a program's own use and never text; and halves of surrogate pairs. XML forbids some of
// these outright (a title with U+FFFE would make every feed it is in unreadable), and none of
// them shows as anything.
const FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\p{Noncharacter_Code_Point}\p{Cs}]/u;

export function hasForbiddenCharacters(value: string): boolean {
  return FORBIDDEN.test(value);
}

/** For text nobody typed (a file's name): the same characters dropped instead of refused. */
export function withoutForbiddenCharacters(value: string): string {
  return value.replace(new RegExp(FORBIDDEN.source, 'gu'), '');
}

/** Length in characters as people count them (code points), not UTF-16 units. */
export function length(value: string): number {
  return [...value].length;
}

export const DISPLAY_NAME_MAX = 50;

export function checkDisplayName(value: string): string | null {
  if (value === '') return 'Enter the name people will see.';
  if (length(value) > DISPLAY_NAME_MAX) return `Use at most ${DISPLAY_NAME_MAX} characters.`;
  if (hasForbiddenCharacters(value) || /[\r\n\t]/.test(value)) return 'Use letters, digits, spaces and punctuation only.';
  return null;
}

export function result<T>(errors: Record<string, string>, values: Record<string, string>, value: () => T): FormResult<T> {
  return Object.keys(errors).length > 0 ? { ok: false, errors, values } : { ok: true, value: value() };
}
