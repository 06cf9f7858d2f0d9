import type { Request } from 'express';
import { csrfSync } from 'csrf-sync';

const isMultipart = (req: Request): boolean => req.is('multipart/form-data') === 'multipart/form-data';

/**
 * Synchronizer tokens (csrf-sync): one token per session, required on every unsafe method.
 * Forms send it as the hidden `_csrf` field, scripts as the X-CSRF-Token header. A multipart
 * form's body is not parsed until its route's upload handler runs, which is after this
 * check, so multipart forms carry the token in their action's query string instead; it is
 * accepted there for multipart requests only, and the request logger strips it.
 */
export const { csrfSynchronisedProtection: csrfProtection, generateToken: csrfToken, invalidCsrfTokenError } = csrfSync({
  getTokenFromRequest: (req) => {
    const fromBody = typeof req.body?._csrf === 'string' ? req.body._csrf : undefined;
    const fromHeader = req.get('x-csrf-token');
    const fromQuery = isMultipart(req) && typeof req.query._csrf === 'string' ? req.query._csrf : undefined;
    return fromBody ?? fromHeader ?? fromQuery;
  },
  // A view report carries its own signed token (see viewer-key.ts); everything else needs the session's.
  skipCsrfProtection: (req) => req.method === 'POST' && /^\/watch\/[A-Za-z0-9_-]{11}\/view$/.test(req.path),
  errorConfig: {
    statusCode: 403,
    message: 'This form has expired or did not come from this site. Go back, reload the page and try again.',
    code: 'EBADCSRFTOKEN',
  },
});
