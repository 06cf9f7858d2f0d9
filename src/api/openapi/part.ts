/**
 * A part of the OpenAPI document (src/api/openapi/document.ts): the paths one group of routes
 * answers at, relative to /api/v1, and the schemas they name (`#/components/schemas/<name>`).
 * Each group of API routes writes its own part beside its handlers' shapes; the coverage test
 * (test/api/openapi-coverage.test.ts) fails when the route table and the parts disagree.
 */
export interface ApiPart {
  paths: Record<string, Record<string, unknown>>;
  schemas?: Record<string, unknown>;
}

/** `#/components/schemas/<name>`. */
export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** A JSON answer of `schema`. */
export const json = (description: string, schema: unknown) => ({ description, content: { 'application/json': { schema } } });

/** What each refusal means, for the document's shared responses (`#/components/responses/Problem<status>`). */
export const PROBLEM_STATUSES: Record<number, string> = {
  400: 'The request could not be read.',
  401: 'No valid access token (or signed-in session, for reading).',
  403: 'The token lacks the scope, or the account may not do this.',
  404: 'Nothing here, or nothing this caller may see.',
  409: 'The state changed meanwhile.',
  413: 'Too large, or past a quota.',
  415: 'The body is not of a type this operation reads.',
  422: 'A field was refused; `errors` names each field and says why.',
  429: 'Too many requests; wait for `Retry-After` seconds.',
};

/** Problem-details answers for the statuses an operation may refuse with (each in PROBLEM_STATUSES). */
export function problems(...statuses: number[]): Record<string, unknown> {
  return Object.fromEntries(statuses.map((s) => [String(s), { $ref: `#/components/responses/Problem${s}` }]));
}

/** A page of `item`s with the address of the next page (cursor pagination). */
export const page = (item: unknown) => ({
  type: 'object',
  required: ['items', 'next'],
  properties: {
    items: { type: 'array', items: item },
    next: { type: ['string', 'null'], format: 'uri', description: 'The next page, or null on the last one.' },
  },
});

/** The `limit` and `cursor` query parameters of every listing. */
export const pageParameters = [{ $ref: '#/components/parameters/limit' }, { $ref: '#/components/parameters/cursor' }];

/** The security of an operation: the bearer token with `scope`; `orAnonymous` when public data also answers without one. */
export const security = (scope: string, orAnonymous = false) => (orAnonymous ? [{ bearer: [scope] }, {}] : [{ bearer: [scope] }]);
