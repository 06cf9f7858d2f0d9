/** An error whose status and message may be shown to the person who made the request. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
    /** Field messages of a refused form (422), by field name. */
    readonly fields?: Record<string, string>,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const badRequest = (message = 'That request could not be understood.') => new HttpError(400, message);
export const forbidden = (message = 'You are not allowed to see this page.') => new HttpError(403, message);
export const notFound = (message = 'This page does not exist, or it has been removed.') => new HttpError(404, message);
export const unauthorized = (message = 'Sign in, or send an access token, to do that.') => new HttpError(401, message);
export const unprocessable = (fields: Record<string, string>, message = Object.values(fields)[0] ?? 'Some fields need another look.') => new HttpError(422, message, {}, fields);
/** 413; with Retry-After when the limit frees up by itself (RFC 9110 allows it for a temporary condition). */
export const payloadTooLarge = (message = 'That upload is too large.', retryAfterSeconds: number | null = null) =>
  new HttpError(413, message, retryAfterSeconds === null ? {} : { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) });
export const tooManyRequests = (retryAfterSeconds: number, message = 'Too many attempts. Please wait and try again.') =>
  new HttpError(429, message, { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) });
