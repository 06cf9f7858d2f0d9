import { components, coreApi } from './common.js';
import type { ApiPart } from './part.js';
import { videosApi } from './videos.js';
import { commentsApi } from './comments.js';
import { playlistsApi } from './playlists.js';
import { accountApi } from './account.js';
import { uploadsApi } from './uploads.js';

/**
 * The parts of the document, one per group of API routes. A group adds its part here, one per
 * line; the coverage test compares the result with the route table.
 */
const PARTS: ApiPart[] = [
  coreApi,
  videosApi,
  commentsApi,
  playlistsApi,
  accountApi,
  uploadsApi,
];

/**
 * The OpenAPI 3.1 document of /api/v1 (served at /api/v1/openapi.json, read by /api). Built once
 * per process: it depends only on the site's public address.
 */
export function openApiDocument(publicUrl: URL | string) {
  const paths: Record<string, Record<string, unknown>> = {};
  const schemas: Record<string, unknown> = {};
  for (const part of PARTS) {
    for (const [path, operations] of Object.entries(part.paths)) {
      for (const method of Object.keys(operations)) if (paths[path]?.[method]) throw new Error(`OpenAPI: ${method.toUpperCase()} ${path} is described twice`);
      paths[path] = { ...paths[path], ...operations };
    }
    for (const [name, schema] of Object.entries(part.schemas ?? {})) {
      if (schemas[name]) throw new Error(`OpenAPI: the schema ${name} is described twice`);
      schemas[name] = schema;
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tubestead API',
      version: '1',
      description: 'Read and manage videos, channels, comments, playlists and your account. Public data answers without a token; everything else takes a personal access token as `Authorization: Bearer tst_…`. Errors are RFC 9457 problem details (`application/problem+json`). Listings are pages of `items` with the address of the `next` page.',
    },
    servers: [{ url: new URL('/api/v1', publicUrl).href }],
    components: { ...components, schemas },
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
  };
}
