import { PERMISSIONS, type Permission } from '../auth/permissions.js';
import type { PersonStatus } from '../db/people.js';
import { field, hasForbiddenCharacters, length, type FormResult } from './fields.js';

/** A role's name as the roles table checks it: lower case, 2 to 31 characters. */
export const ROLE_NAME_PATTERN = /^[a-z][a-z0-9_-]{1,30}$/;
export const ROLE_DESCRIPTION_MAX = 200;

export interface RoleForm {
  name: string;
  description: string;
  permissions: Permission[];
}

function isPermission(value: string): value is Permission {
  return Object.hasOwn(PERMISSIONS, value);
}

/** The ticked boxes of a checklist: one value arrives as a string, several as an array. */
function ticked(body: unknown, name: string): unknown[] {
  if (!body || typeof body !== 'object') return [];
  const value = (body as Record<string, unknown>)[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * The role form: a name (when creating), a description, and permissions of the catalogue. A
 * permission this version does not know is refused rather than dropped, so that nothing the form
 * did not offer ('*' above all) is stored.
 */
export function parseRoleForm(body: unknown, creating: boolean): FormResult<RoleForm> {
  const name = creating ? field(body, 'name').trim() : '';
  const description = field(body, 'description').replace(/\s+/g, ' ').trim();
  const chosen = ticked(body, 'permissions');
  const values = { name, description, permissions: chosen.filter((p): p is string => typeof p === 'string').join(' ') };
  const errors: Record<string, string> = {};
  if (creating) {
    if (name === '') errors.name = 'Enter a name for the role.';
    else if (!ROLE_NAME_PATTERN.test(name)) errors.name = 'Use 2 to 31 lower-case letters, digits, - or _, starting with a letter.';
  }
  if (description === '') errors.description = 'Say what the role is for.';
  else if (length(description) > ROLE_DESCRIPTION_MAX) errors.description = `Use at most ${ROLE_DESCRIPTION_MAX} characters.`;
  else if (hasForbiddenCharacters(description)) errors.description = 'Use text only: no control characters.';
  if (chosen.length > Object.keys(PERMISSIONS).length || !chosen.every((p) => typeof p === 'string' && isPermission(p))) {
    errors.permissions = 'Choose permissions from the list.';
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors, values };
  return { ok: true, value: { name, description, permissions: [...new Set(chosen as Permission[])].sort() } };
}

export const PERSON_STATUSES: Record<PersonStatus, string> = { active: 'Active', banned: 'Banned', deleted: 'Deleted', pending: 'Waiting for approval' };
const SEARCH_MAX = 254;
const HANDLE_CURSOR = /^[a-z0-9_.-]{1,30}$/;

export type PeopleFilters = { search: string | null; role: string | null; status: PersonStatus | null; after: string | null };

/**
 * /admin/users's query: `q` (a handle's start, '@' in front allowed, or an email address's),
 * `role`, `status`, `after` (the cursor). 'bad' for a query no form of ours sends (a role name the
 * roles table would refuse, an unknown status, an over-long search): a 400. A malformed cursor reads
 * as the first page, as on the other listings.
 */
export function parsePeopleQuery(query: unknown): PeopleFilters | 'bad' {
  const q = field(query, 'q').trim().toLowerCase().replace(/^@/, '');
  const role = field(query, 'role');
  const status = field(query, 'status');
  const after = field(query, 'after');
  if (length(q) > SEARCH_MAX || hasForbiddenCharacters(q)) return 'bad';
  if (role !== '' && !ROLE_NAME_PATTERN.test(role)) return 'bad';
  if (status !== '' && !Object.hasOwn(PERSON_STATUSES, status)) return 'bad';
  return {
    search: q === '' ? null : q,
    role: role === '' ? null : role,
    status: status === '' ? null : (status as PersonStatus),
    after: HANDLE_CURSOR.test(after) ? after : null,
  };
}
