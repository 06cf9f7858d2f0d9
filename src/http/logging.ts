import crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../log.js';

/**
 * Strips secrets that travel in query strings: the CSRF token of multipart forms, and the setup
 * token (also inside a sign-in link's encoded next=); and the signature of an unsubscribe link
 * (its path), which would let whoever reads the logs stop someone's mail. The token of a mailed
 * reset or confirmation link is a key to the account: redacted in the path, and encoded in a
 * next= (a sign-in link from such a page, or a 403 page's). So is the key of an upload's deletion link.
 */
export function redactUrl(url: string): string {
  return url.replace(/([?&]_csrf=)[^&#]*/g, '$1[redacted]').replace(/((?:[?&]|%3F|%26)token(?:=|%3D))(?:(?!&|%26|#)[^])*/gi, '$1[redacted]')
    .replace(/(\/unsubscribe\/[^/?#.]*\.[^/?#.]*\.)[^/?#]*/g, '$1[redacted]')
    .replace(/(\/(?:reset-password|confirm-email)\/)[^/?#]*/gi, '$1[redacted]')
    .replace(/(%2F(?:reset-password|confirm-email)%2F)(?:(?!&|%26|%2F|%3F|%23|#)[^])*/gi, '$1[redacted]')
    // An API upload's deletion link (/delete/:id/:key): the key deletes the video.
    .replace(/(\/delete\/[^/?#]*\/)[^/?#]*/gi, '$1[redacted]')
    .replace(/(%2Fdelete%2F(?:(?!&|%26|%2F|%3F|%23|#)[^])*%2F)(?:(?!&|%26|%2F|%3F|%23|#)[^])*/gi, '$1[redacted]');
}

/**
 * One log line per request, and `req.log` for handlers, all carrying the request id. The id is
 * sent back as X-Request-Id and printed on error pages, so a report can be matched to the logs.
 */
export function requestLogger(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId: (_req: IncomingMessage, res: ServerResponse) => {
      const id = crypto.randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    serializers: {
      req: (req: { id: unknown; method: string; url: string; remoteAddress?: string }) => ({
        id: req.id,
        method: req.method,
        url: redactUrl(req.url),
        remoteAddress: req.remoteAddress,
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  });
}
