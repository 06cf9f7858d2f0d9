import helmet from 'helmet';

/**
 * Security headers. The Content-Security-Policy allows nothing inline and nothing from
 * another origin: every script, style, image and font comes from public/ or /media. Pages
 * may not be framed (the embed player, when it arrives, relaxes frame-ancestors for itself).
 * HSTS is sent only when the site is served over HTTPS.
 */
export function securityHeaders(https: boolean) {
  return helmet({
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
}
