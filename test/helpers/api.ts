import assert from 'node:assert/strict';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type supertest from 'supertest';
import { SCOPE_NAMES, newTokenSecret, type Scope } from '../../src/auth/api-tokens.js';
import { openApiDocument } from '../../src/api/openapi/document.js';
import { insertApiToken } from '../../src/db/api-tokens.js';
import { testPool } from './database.js';

/**
 * Helpers for API tests (issue 15): tokens made straight in the database, the problem-details
 * check, and every answer checked against the OpenAPI document's schemas.
 */

/** A personal access token of `user` with `scopes` (all of them unless told); its secret. */
export async function createToken(user: { id: number }, scopes: readonly Scope[] = SCOPE_NAMES, options: { name?: string; expiresAt?: Date | null; kind?: 'personal' | 'sharex' } = {}): Promise<string> {
  const { secret, hash, shownStart } = newTokenSecret();
  const token = await insertApiToken(testPool(), { userId: user.id, name: options.name ?? 'test token', scopes: [...scopes], kind: options.kind, hash, shownStart, expiresAt: options.expiresAt ?? null });
  assert.ok(token, 'the token was stored');
  return secret;
}

/** `Authorization: Bearer …` for supertest's `.set()`. */
export const bearer = (secret: string) => ({ Authorization: `Bearer ${secret}` });

/** An RFC 9457 answer of `status`. */
export function assertProblem(res: supertest.Response, status: number): void {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${res.text.slice(0, 300)}`);
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  assert.equal(res.body.status, status);
  assert.equal(typeof res.body.detail, 'string');
}

type Document = ReturnType<typeof openApiDocument>;
let documentCache: { doc: Document; ajv: InstanceType<typeof Ajv2020> } | null = null;

function compiled() {
  if (!documentCache) {
    const doc = openApiDocument('http://localhost');
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;
    (addFormats as unknown as (a: unknown) => void)(ajv);
    ajv.addSchema(doc as object, 'openapi');
    documentCache = { doc, ajv };
  }
  return documentCache;
}

/** The document's path template that `path` (under /api/v1) matches, such as `/videos/{id}`. */
export function documentedPath(doc: Document, path: string): string | null {
  for (const template of Object.keys(doc.paths)) {
    const pattern = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`);
    if (pattern.test(path)) return template;
  }
  return null;
}

const pointer = (...segments: string[]) => segments.map((s) => encodeURIComponent(s.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');

/**
 * Asserts that an answer of the API is one its document describes: the operation exists, the
 * status is among its responses, and the body matches that response's schema (JSON or problem
 * details). Returns the answer, to chain.
 */
export function documented(res: supertest.Response): supertest.Response {
  const { doc, ajv } = compiled();
  const req = (res as unknown as { req: { method: string; path: string } }).req;
  const url = new URL(req.path, 'http://localhost');
  assert.ok(url.pathname.startsWith('/api/v1/'), `${url.pathname} is not under /api/v1`);
  const path = url.pathname.slice('/api/v1'.length);
  const template = documentedPath(doc, path);
  assert.ok(template, `${req.method} ${path}: no such path in the OpenAPI document`);
  const method = req.method.toLowerCase();
  const operation = (doc.paths[template] as Record<string, { responses: Record<string, unknown> }>)[method];
  assert.ok(operation, `${req.method} ${template}: no such operation in the OpenAPI document`);
  const status = String(res.status);
  assert.ok(operation.responses[status] || operation.responses.default, `${req.method} ${template}: the document lists no ${status} answer (it lists ${Object.keys(operation.responses).join(', ')})`);
  if (res.status === 204 || res.status === 304 || method === 'head') return res;
  const type = String(res.headers['content-type'] ?? '').split(';')[0]!.trim();
  let response = operation.responses[status] ?? operation.responses.default;
  const reference = (response as { $ref?: string }).$ref;
  let schemaPointer: string;
  if (reference) {
    const name = reference.split('/').at(-1)!;
    response = (doc.components.responses as Record<string, unknown>)[name];
    schemaPointer = pointer('components', 'responses', name, 'content', type, 'schema');
  } else {
    schemaPointer = pointer('paths', template, method, 'responses', operation.responses[status] ? status : 'default', 'content', type, 'schema');
  }
  const content = (response as { content?: Record<string, unknown> }).content ?? {};
  assert.ok(content[type], `${req.method} ${template} ${status}: the document has no ${type} answer (it has ${Object.keys(content).join(', ') || 'none'})`);
  const validate = ajv.getSchema(`openapi#/${schemaPointer}`) ?? ajv.compile({ $ref: `openapi#/${schemaPointer}` });
  const valid = validate(res.body);
  assert.ok(valid, `${req.method} ${template} ${status}: the body does not match the document: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(res.body).slice(0, 500)}`);
  return res;
}

export function apiDocument(): Document {
  return compiled().doc;
}
