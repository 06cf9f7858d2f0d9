import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';

/**
 * Browser features no page here uses are turned off, so an injected script or a framed page
 * cannot ask for them; the player keeps fullscreen and picture-in-picture (for its own origin,
 * including the embed player inside another site's iframe).
 */
export const PERMISSIONS_POLICY = [
  'accelerometer=()', 'camera=()', 'display-capture=()', 'geolocation=()', 'gyroscope=()', 'magnetometer=()',
  'microphone=()', 'midi=()', 'payment=()', 'usb=()', 'fullscreen=(self)', 'picture-in-picture=(self)',
].join(', ');

/**
 * A response is personal when it is made for a signed-in viewer, for a stored session (a flash
 * message), or sets a cookie (a session, a form's CSRF cookie): no shared cache may keep it and
 * no browser may write it to disk. Decided as the headers are written, after the session
 * middleware has set its cookie: this wrapper is installed before it, so it runs after it.
 */
function noStoreWhenPersonal(req: Request, res: Response): void {
  const writeHead = res.writeHead;
  res.writeHead = function writeHeadPersonal(this: Response, ...args: Parameters<Response['writeHead']>) {
    if (req.viewer || req.session?.persisted || res.getHeader('set-cookie')) res.setHeader('Cache-Control', 'private, no-store');
    return writeHead.apply(this, args);
  } as Response['writeHead'];
}

/**
 * Security headers. The Content-Security-Policy allows nothing inline and nothing from
 * another origin: every script, style, image and font comes from public/ or /media. Pages
 * may not be framed (the embed player, when it arrives, relaxes frame-ancestors for itself).
 * HSTS is sent only when the site is served over HTTPS. Cross-Origin-Resource-Policy is
 * same-origin (helmet's default) except on pictures other sites may show: avatars and the
 * thumbnails of videos anyone may see (app.ts, routes/media.ts).
 */
export function securityHeaders(https: boolean) {
  const headers = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'"],
        mediaSrc: ["'self'", 'blob:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: https ? { maxAge: 365 * 24 * 60 * 60, includeSubDomains: false } : false,
    // "same-origin" rather than helmet's "no-referrer": a form posted after the session
    // expired can send its author back to the page it was on.
    referrerPolicy: { policy: 'same-origin' },
    crossOriginEmbedderPolicy: false,
    xFrameOptions: { action: 'deny' },
  });
  return function security(req: Request, res: Response, next: NextFunction): void {
    res.setHeader('Permissions-Policy', PERMISSIONS_POLICY);
    noStoreWhenPersonal(req, res);
    headers(req, res, next);
  };
}
