import assert from 'node:assert/strict';
import supertest from 'supertest';
import { useTestApp } from '../helpers/app.js';
import { apiDocument, documented } from '../helpers/api.js';

type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] }; match?: (path: string) => { path: string } | false; slash?: boolean };

/** Every route of the router mounted at /api/v1, as "GET /videos/{id}". */
function apiRoutes(app: unknown): string[] {
  const stack = (app as { router: { stack: Layer[] } }).router.stack;
  const mounted = stack.find((layer) => !layer.slash && layer.handle?.stack && layer.match?.('/api/v1') && (layer.match('/api/v1') as { path: string }).path === '/api/v1');
  assert.ok(mounted, 'a router is mounted at /api/v1');
  return mounted.handle!.stack!.flatMap((layer) => {
    if (!layer.route) return [];
    const path = layer.route.path.replace(/:(\w+)/g, '{$1}');
    return Object.keys(layer.route.methods).filter((m) => m !== '_all').map((m) => `${m.toUpperCase()} ${path}`);
  });
}

/** Every operation of the document, in the same form. */
function documentedOperations(): string[] {
  return Object.entries(apiDocument().paths).flatMap(([path, operations]) => Object.keys(operations).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, '{$1}')}`));
}

/** Path parameters are named by the route table (`:id`) and the document (`{id}`) alike; compared by position. */
const shape = (operation: string) => operation.replace(/\{\w+\}/g, '{}');

describe('GET /api/v1/openapi.json', () => {
  const t = useTestApp();

  it('describes every route of the API, and no route that does not exist', () => {
    const routes = apiRoutes(t.app).filter((r) => !r.startsWith('HEAD '));
    const operations = documentedOperations();
    assert.deepEqual(routes.map(shape).filter((r) => !operations.map(shape).includes(r)), [], 'routes the document lacks');
    assert.deepEqual(operations.map(shape).filter((o) => !routes.map(shape).includes(o)), [], 'operations the document names that no route answers');
    assert.deepEqual(routes.filter((r) => !operations.includes(r)), [], 'routes whose parameter names differ from the document');
  });

  it('is served as an OpenAPI 3.1 document naming this site, readable from any origin', async () => {
    const res = documented(await supertest(t.app).get('/api/v1/openapi.json').set('Origin', 'https://elsewhere.example'));
    assert.equal(res.status, 200);
    assert.equal(res.body.openapi, '3.1.0');
    assert.equal(res.body.servers[0].url, new URL('/api/v1', t.config.publicUrl).href);
    assert.equal(res.headers['access-control-allow-origin'], '*');
  });

  it('gives every operation an id, a summary, a security rule and a refusal', () => {
    const ids = new Set<string>();
    for (const [path, operations] of Object.entries(apiDocument().paths)) {
      for (const [method, op] of Object.entries(operations as Record<string, { operationId?: string; summary?: string; security?: unknown; responses?: Record<string, unknown> }>)) {
        const name = `${method.toUpperCase()} ${path}`;
        assert.ok(op.operationId && !ids.has(op.operationId), `${name}: a unique operationId`);
        ids.add(op.operationId);
        assert.ok(op.summary, `${name}: a summary`);
        assert.ok(Array.isArray(op.security), `${name}: a security rule`);
        assert.ok(Object.keys(op.responses ?? {}).some((s) => s.startsWith('2')), `${name}: a success answer`);
      }
    }
  });
});
