import fs from 'node:fs';
import type { NextFunction, Request, Response } from 'express';
import multer from 'multer';
import { HttpError } from './errors.js';
import { prefersJson } from './negotiation.js';

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Not signed in',
  403: 'Not allowed',
  404: 'Page not found',
  405: 'Not allowed here',
  410: 'Gone',
  413: 'Too large',
  415: 'Unsupported content',
  422: 'Not accepted',
  429: 'Too many attempts',
  500: 'Something went wrong',
  503: 'Unavailable',
};

interface Shown {
  status: number;
  message: string;
  headers: Record<string, string>;
}

/** Turns what was thrown into the status and message a person may see. */
function describe(err: unknown): Shown {
  if (err instanceof HttpError) return { status: err.status, message: err.message, headers: err.headers };
  if (err instanceof multer.MulterError) {
    if (err.code === 'LIMIT_FILE_SIZE') return { status: 413, message: 'That file is too large.', headers: {} };
    return { status: 400, message: 'That upload could not be read: send one file in the field the form names.', headers: {} };
  }
  const withStatus = err as { status?: number; statusCode?: number; type?: string; expose?: boolean };
  const status = withStatus.status ?? withStatus.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    if (withStatus.type === 'entity.too.large') return { status: 413, message: 'That form is too large to send.', headers: {} };
    return { status, message: withStatus.expose ? (err as Error).message : TITLES[status] ?? 'That request could not be handled.', headers: {} };
  }
  return { status: 500, message: 'We could not show this page because of an error on our side. It has been logged.', headers: {} };
}

function wantsJson(req: Request): boolean {
  return prefersJson(req);
}

/** Multer's file of a request that failed: refused uploads leave nothing behind. */
async function removeUploadedFiles(req: Request): Promise<void> {
  const files = [req.file, ...(Array.isArray(req.files) ? req.files : Object.values(req.files ?? {}).flat())];
  await Promise.all(files.filter((f) => f?.path).map((f) => fs.promises.rm(f!.path, { force: true })));
}

/**
 * What both handlers do first: remove a refused upload's file, then log (server errors with
 * their stack) and say what may be shown; null when the answer has already begun.
 */
async function refusal(err: unknown, req: Request, res: Response): Promise<Shown | null> {
  await removeUploadedFiles(req).catch(() => {});
  if (res.headersSent) return null;
  const shown = describe(err);
  if (shown.status >= 500) req.log?.error({ err }, 'request failed');
  else req.log?.info({ status: shown.status, reason: shown.message }, 'request refused');
  return shown;
}

/** The one error handler of pages: renders errors/*.ejs (JSON for the pages' scripts). */
export function errorHandler() {
  return async function handleError(err: unknown, req: Request, res: Response, next: NextFunction): Promise<void> {
    const shown = await refusal(err, req, res);
    if (!shown) return next(err);
    res.status(shown.status).set(shown.headers);
    const requestId = String(req.id ?? '');
    if (wantsJson(req)) {
      res.json({ error: { status: shown.status, message: shown.message, requestId } });
      return;
    }
    const view = [403, 404, 500].includes(shown.status) ? `errors/${shown.status}` : shown.status >= 500 ? 'errors/500' : 'errors/error';
    res.render(view, { title: TITLES[shown.status] ?? 'Error', status: shown.status, message: shown.message, requestId }, (renderErr, html) => {
      if (renderErr) {
        req.log?.error({ err: renderErr }, 'error page failed to render');
        res.type('text/plain').send(`${shown.status} ${TITLES[shown.status] ?? 'Error'}\nRequest id: ${requestId}\n`);
        return;
      }
      res.send(html);
    });
  };
}

/**
 * The API's error handler: the same statuses and messages as pages, as RFC 9457 problem
 * details (`application/problem+json`), with field messages for a refused form under `errors`.
 */
export function problemHandler() {
  return async function handleProblem(err: unknown, req: Request, res: Response, next: NextFunction): Promise<void> {
    const shown = await refusal(err, req, res);
    if (!shown) return next(err);
    const fields = err instanceof HttpError ? err.fields : undefined;
    res.status(shown.status).set(shown.headers).set('Cache-Control', 'no-store').type('application/problem+json').send(JSON.stringify({
      type: 'about:blank',
      title: TITLES[shown.status] ?? 'Error',
      status: shown.status,
      detail: shown.message,
      instance: req.originalUrl,
      requestId: String(req.id ?? ''),
      ...(fields ? { errors: fields } : {}),
    }));
  };
}

/** The last middleware: nothing matched. */
export function notFoundHandler(_req: Request, _res: Response, next: NextFunction): void {
  next(new HttpError(404, 'This page does not exist, or it has been removed.'));
}
