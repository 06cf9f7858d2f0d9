import { field, hasForbiddenCharacters, result, type FormResult } from './fields.js';
import { EMAIL_PATTERN } from './register.js';

/** The administrators' test message (/admin/mail): the address it goes to. */
export function parseTestMail(body: unknown): FormResult<{ to: string }> {
  const to = field(body, 'to').trim();
  const errors: Record<string, string> = {};
  if (to === '') errors.to = 'Enter the address the test message goes to.';
  else if (to.length > 254 || !EMAIL_PATTERN.test(to) || hasForbiddenCharacters(to)) errors.to = 'Enter an email address like name@example.org.';
  return result(errors, { to }, () => ({ to }));
}
