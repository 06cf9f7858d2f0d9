/**
 * The OpenAPI document read back for people (the /api page, issue 15): every operation grouped
 * by its first tag, with its scope, parameters, body fields and answers, each reference resolved.
 * It walks whatever parts the document holds, so a group of routes that adds its part is on the
 * page with nothing more to do.
 */

import { escapeHtml } from '../../http/html.js';

type Json = Record<string, unknown>;
type Document = { paths: Record<string, Record<string, unknown>>; components: { schemas?: Json; parameters?: Json; responses?: Json } };

/** A description as the document writes it (Markdown's `code` only), as HTML: escaped, then the code spans marked. */
export function inlineCodeHtml(text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}

export interface FieldView { name: string; type: string; required: boolean; description: string }
export interface OperationView {
  /** An id for the page's anchors: the operationId, else method and path. */
  anchor: string;
  method: string;
  path: string;
  summary: string;
  description: string;
  /** The token scope it needs (null: none), and whether it also answers without a token. */
  scope: string | null;
  anonymous: boolean;
  parameters: (FieldView & { in: string })[];
  body: { contentType: string; fields: FieldView[] } | null;
  responses: { status: string; description: string }[];
}
export interface TagView { tag: string; anchor: string; operations: OperationView[] }

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown) => (typeof v === 'string' ? v : '');
const slug = (v: string) => v.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/** What `#/components/<kind>/<name>` points at, or the thing itself. */
function resolve(doc: Document, thing: unknown): Json {
  for (let i = 0; i < 10 && isObject(thing) && typeof thing.$ref === 'string'; i += 1) {
    const [, , kind, name] = thing.$ref.split('/');
    thing = (doc.components as Record<string, Json | undefined>)[kind!]?.[name!];
  }
  return isObject(thing) ? thing : {};
}

/** A schema's type in a few words: "string (uri)", "array of Video", "one of: public, unlisted". */
export function typeOf(doc: Document, schema: unknown): string {
  if (isObject(schema) && typeof schema.$ref === 'string') return schema.$ref.split('/').at(-1)!;
  if (!isObject(schema)) return 'any';
  if (Array.isArray(schema.enum)) return `one of: ${schema.enum.map(String).join(', ')}`;
  if (Array.isArray(schema.allOf)) return schema.allOf.map((s) => typeOf(doc, s)).join(' and ');
  const types = Array.isArray(schema.type) ? schema.type.map(String) : schema.type ? [String(schema.type)] : [];
  const named = types.map((t) => (t === 'array' ? `array of ${typeOf(doc, schema.items)}` : t === 'string' && schema.format ? `string (${String(schema.format)})` : t));
  return named.join(' or ') || 'object';
}

/** The top-level fields of an object schema, `allOf` merged. */
function fieldsOf(doc: Document, schema: unknown): FieldView[] {
  const resolved = resolve(doc, schema);
  if (Array.isArray(resolved.allOf)) return resolved.allOf.flatMap((s) => fieldsOf(doc, s));
  const required = new Set(Array.isArray(resolved.required) ? resolved.required.map(String) : []);
  return Object.entries(isObject(resolved.properties) ? resolved.properties : {}).map(([name, property]) => ({
    name, type: typeOf(doc, property), required: required.has(name), description: text(resolve(doc, property).description),
  }));
}

function operationView(doc: Document, path: string, method: string, op: Json, shared: unknown[]): OperationView {
  const security = Array.isArray(op.security) ? op.security.filter(isObject) : [];
  const scope = security.map((s) => (Array.isArray(s.bearer) ? String(s.bearer[0] ?? '') : '')).find(Boolean) ?? null;
  const parameters = [...shared, ...(Array.isArray(op.parameters) ? op.parameters : [])].map((p) => resolve(doc, p)).map((p) => ({
    name: text(p.name), in: text(p.in), required: p.required === true, type: typeOf(doc, p.schema), description: text(p.description),
  }));
  const content = isObject(resolve(doc, op.requestBody).content) ? (resolve(doc, op.requestBody).content as Json) : {};
  const [contentType, media] = Object.entries(content)[0] ?? [];
  return {
    anchor: slug(text(op.operationId) || `${method}-${path}`),
    method: method.toUpperCase(),
    path: `/api/v1${path}`,
    summary: text(op.summary),
    description: text(op.description),
    scope,
    anonymous: security.some((s) => Object.keys(s).length === 0),
    parameters,
    body: contentType ? { contentType, fields: fieldsOf(doc, resolve(doc, media).schema) } : null,
    responses: Object.entries(isObject(op.responses) ? op.responses : {}).map(([status, r]) => ({ status, description: text(resolve(doc, r).description) })),
  };
}

/** The document's operations by tag (tags in order of first appearance; paths in the document's order). */
export function readDocument(doc: Document): TagView[] {
  const tags = new Map<string, OperationView[]>();
  for (const [path, item] of Object.entries(doc.paths)) {
    const shared = Array.isArray(item.parameters) ? item.parameters : [];
    for (const method of METHODS) {
      const op = item[method];
      if (!isObject(op)) continue;
      const tag = Array.isArray(op.tags) && typeof op.tags[0] === 'string' ? op.tags[0] : 'Other';
      if (!tags.has(tag)) tags.set(tag, []);
      tags.get(tag)!.push(operationView(doc, path, method, op, shared));
    }
  }
  return [...tags.entries()].map(([tag, operations]) => ({ tag, anchor: `tag-${slug(tag)}`, operations }));
}
