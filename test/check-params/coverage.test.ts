// Attack covered: a route added without its bad-parameters group. Every route the app declares
// must be named in a describe() title of a file here ("GET /a, /b and POST /c" names three).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestApp } from '../helpers/app.js';
import { declaredRoutes, routeKey } from '../helpers/routes.js';

const DIR = path.dirname(fileURLToPath(import.meta.url));

/** "METHOD /path" for every route named in the describe() titles of the check-params files. */
function namedRoutes(): Set<string> {
  const named = new Set<string>();
  for (const file of fs.readdirSync(DIR).filter((f) => f.endsWith('.test.ts'))) {
    const source = fs.readFileSync(path.join(DIR, file), 'utf8');
    for (const [, title] of source.matchAll(/describe\('([^']+)'/g)) {
      let method: string | null = null;
      for (const part of title!.split(/,\s*|\s+and\s+/)) {
        const withMethod = /^(GET|HEAD|OPTIONS|POST|PUT|PATCH|DELETE)\s+(\/\S*)$/.exec(part.trim());
        if (withMethod) method = withMethod[1]!;
        const route = withMethod?.[2] ?? /^(\/\S*)$/.exec(part.trim())?.[1];
        if (method && route) named.add(`${method} ${route}`);
      }
    }
  }
  return named;
}

describe('check params: coverage', () => {
  it('has a bad-parameters group for every route the app declares', () => {
    const named = namedRoutes();
    const missing = declaredRoutes(createTestApp().app).map(routeKey).filter((key) => !named.has(key));
    assert.deepEqual(missing, [], `routes without a group in test/check-params/: ${missing.join(', ')}`);
  });
});
