import { PASSWORD_MAX_LENGTH } from '../auth/passwords.js';
import { field, hasForbiddenCharacters, length, result, type FormResult } from './fields.js';
import { EMAIL_PATTERN, checkNewPassword } from './register.js';

/** The longest address SMTP carries (RFC 5321), as the users and email_tokens tables check. */
export const EMAIL_MAX_LENGTH = 254;

/** An address as the sign-up form checks it; null when it is one. */
export function checkEmailAddress(email: string): string | null {
  if (email === '') return 'Enter an email address.';
  if (email.length > EMAIL_MAX_LENGTH || !EMAIL_PATTERN.test(email) || hasForbiddenCharacters(email)) return 'Enter an email address like name@example.org.';
  return null;
}

export interface EmailChange {
  email: string;
  /** '' when not typed; the handler asks for it (a 422 that keeps the typed address). */
  currentPassword: string;
}

export function parseEmailChange(body: unknown): FormResult<EmailChange> {
  const email = field(body, 'email').trim();
  const currentPassword = field(body, 'currentPassword');
  const errors: Record<string, string> = {};
  const emailError = checkEmailAddress(email);
  if (emailError) errors.email = emailError;
  if (length(currentPassword) > PASSWORD_MAX_LENGTH) errors.currentPassword = 'That is not your current password.';
  return result(errors, { email }, () => ({ email, currentPassword }));
}

/** The forgot-password form: only the address's shape is checked, never whether it has an account. */
export function parseForgotPassword(body: unknown): FormResult<{ email: string }> {
  const email = field(body, 'email').trim();
  const error = checkEmailAddress(email);
  return result(error ? { email: error } : {}, { email }, () => ({ email }));
}

/** A new password from a reset link, with the rules of sign-up and /settings/password. */
export function parsePasswordReset(body: unknown, handle: string): FormResult<{ newPassword: string }> {
  const newPassword = field(body, 'newPassword');
  const confirmPassword = field(body, 'confirmPassword');
  const errors: Record<string, string> = {};
  const newError = checkNewPassword(newPassword, handle);
  if (newError) errors.newPassword = newError;
  else if (newPassword !== confirmPassword) errors.confirmPassword = 'The two new passwords are not the same.';
  return result(errors, {}, () => ({ newPassword }));
}
