import { checkDisplayName, field, hasForbiddenCharacters, length, result, type FormResult } from './fields.js';

export const BIO_MAX = 1000;

export interface Profile {
  displayName: string;
  bio: string;
}

export function parseProfile(body: unknown): FormResult<Profile> {
  const displayName = field(body, 'displayName').trim();
  // Browsers send newlines as CRLF; keep them as LF so the 1,000-character limit counts what people see.
  const bio = field(body, 'bio').replace(/\r\n?/g, '\n').trim();
  const errors: Record<string, string> = {};
  const nameError = checkDisplayName(displayName);
  if (nameError) errors.displayName = nameError;
  if (length(bio) > BIO_MAX) errors.bio = `Use at most ${BIO_MAX} characters (this is ${length(bio)}).`;
  else if (hasForbiddenCharacters(bio)) errors.bio = 'Remove the invisible control characters from your bio.';
  return result(errors, { displayName, bio }, () => ({ displayName, bio }));
}
