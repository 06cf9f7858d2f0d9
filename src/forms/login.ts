import { PASSWORD_MAX_LENGTH } from '../auth/passwords.js';
import { field, length, result, type FormResult } from './fields.js';

export interface Login {
  login: string;
  password: string;
}

export function parseLogin(body: unknown): FormResult<Login> {
  const login = field(body, 'login').trim();
  const password = field(body, 'password');
  const errors: Record<string, string> = {};
  if (login === '' || login.length > 254) errors.login = 'Enter your handle or email address.';
  if (password === '') errors.password = 'Enter your password.';
  else if (length(password) > PASSWORD_MAX_LENGTH) errors.password = 'That password is not right.';
  return result(errors, { login }, () => ({ login: login.replace(/^@/, ''), password }));
}
