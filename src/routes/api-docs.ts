import type { Request, Response } from 'express';
import { SCOPES } from '../auth/api-tokens.js';
import { API_PAGE_DEFAULT, API_PAGE_MAX } from '../api/pages.js';
import { openApiDocument } from '../api/openapi/document.js';
import { inlineCodeHtml, readDocument } from '../api/openapi/reading.js';
import type { RouteDeps } from './deps.js';

/**
 * GET /api (issue 15): the API's reference for people, read from the same OpenAPI document the
 * API serves (/api/v1/openapi.json), so the page names every operation the parts describe and
 * nothing else. Read once per process: the document depends only on the site's address.
 */
export function apiDocsRoutes({ config }: RouteDeps) {
  const document = openApiDocument(config.publicUrl);
  const tags = readDocument(document);
  return {
    show(_req: Request, res: Response): void {
      res.render('site/api', {
        title: 'API',
        description: `The JSON API of ${String(res.locals.siteName)}: personal access tokens, scopes, errors, pages, limits, and every operation.`,
        tags,
        inlineCodeHtml,
        baseUrl: document.servers[0]!.url,
        scopes: Object.entries(SCOPES).map(([name, s]) => ({ name, label: s.label, anonymous: s.anonymous })),
        pageDefault: API_PAGE_DEFAULT,
        pageMax: API_PAGE_MAX,
        requestsPerMinute: config.apiRequestsPerMinute,
        uploadUrl: new URL('/api/v1/uploads', config.publicUrl).href,
      });
    },
  };
}
