import { field, result, type FormResult } from './fields.js';
import { checkNewPassword } from './register.js';

export interface PasswordChange {
  currentPassword: string;
  newPassword: string;
}

export function parsePasswordChange(body: unknown, handle: string): FormResult<PasswordChange> {
  const currentPassword = field(body, 'currentPassword');
  const newPassword = field(body, 'newPassword');
  const confirmPassword = field(body, 'confirmPassword');
  const errors: Record<string, string> = {};
  if (currentPassword === '') errors.currentPassword = 'Enter your current password.';
  const newError = checkNewPassword(newPassword, handle);
  if (newError) errors.newPassword = newError;
  else if (newPassword !== confirmPassword) errors.confirmPassword = 'The two new passwords are not the same.';
  return result(errors, {}, () => ({ currentPassword, newPassword }));
}

export interface AccountDeletion {
  password: string;
}

export function parseAccountDeletion(body: unknown, handle: string): FormResult<AccountDeletion> {
  const password = field(body, 'password');
  const confirmHandle = field(body, 'confirmHandle').trim().replace(/^@/, '').toLowerCase();
  const errors: Record<string, string> = {};
  if (confirmHandle !== handle) errors.confirmHandle = `Type your handle, ${handle}, to confirm.`;
  if (password === '') errors.password = 'Enter your password.';
  return result(errors, { confirmHandle }, () => ({ password }));
}
