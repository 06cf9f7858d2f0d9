import type { Request } from 'express';

/**
 * Whether `text` reads as a path on this site to a browser: it starts with one "/", and
 * not "//" or "/\" (which browsers treat as another host), with no control characters or
 * backslashes anywhere.
 */
function isLocalPathText(text: string): boolean {
  return text.startsWith('/') && !text.startsWith('//') && !text.startsWith('/\\') && !/[\u0000-\u001f\u007f\\]/.test(text);
}

const BASE = 'http://tubestead.invalid';

/**
 * `value` as the normalised local path it names, or null. The check runs on what is returned
 * as well as on what came in: "/.//evil.example", "/..//evil.example" and "/%2e//evil.example"
 * pass as text but normalise to "//evil.example", another site.
 */
function localPath(value: string): string | null {
  if (value.length > 2048 || !isLocalPathText(value)) return null;
  let url: URL;
  try {
    url = new URL(value, BASE);
  } catch {
    return null;
  }
  if (url.origin !== BASE) return null;
  const path = url.pathname + url.search + url.hash;
  return isLocalPathText(path) ? path : null;
}

/**
 * The local path in a `?next=` value, or `fallback`. Only a path on this site is honoured:
 * "https://evil.example", "//evil.example" and "/\evil.example" all fall back.
 */
export function safeNextPath(value: unknown, fallback = '/'): string {
  const path = typeof value === 'string' ? localPath(value) : null;
  if (path === null) return fallback;
  // Never send someone back to the sign-in or sign-up form they just used.
  const pathname = path.replace(/[?#].*$/s, '');
  if (pathname === '/login' || pathname === '/register' || pathname === '/logout') return fallback;
  return path;
}

/**
 * After a form post: the page the form was on (its Referer), when that is a page of this site,
 * or `fallback`. The referrer policy is same-origin, so other sites send none. The path goes
 * through the same check as `?next=`.
 */
export function backTo(req: Request, fallback: string): string {
  const referer = req.get('referer');
  if (!referer) return fallback;
  let url: URL;
  try {
    url = new URL(referer);
  } catch {
    return fallback;
  }
  if (url.host !== req.get('host')) return fallback;
  return localPath(url.pathname + url.search) ?? fallback;
}
