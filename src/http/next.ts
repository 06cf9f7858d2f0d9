/**
 * The local path in a `?next=` value, or `fallback`. Only a path on this site is honoured:
 * "https://evil.example", "//evil.example" and "/\evil.example" (which browsers treat as
 * another host) all fall back.
 */
export function safeNextPath(value: unknown, fallback = '/'): string {
  if (typeof value !== 'string' || value.length > 2048) return fallback;
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return fallback;
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return fallback;
  const base = 'http://tubestead.invalid';
  let url: URL;
  try {
    url = new URL(value, base);
  } catch {
    return fallback;
  }
  if (url.origin !== base) return fallback;
  // Never send someone back to the sign-in or sign-up form they just used.
  if (url.pathname === '/login' || url.pathname === '/register' || url.pathname === '/logout') return fallback;
  return url.pathname + url.search + url.hash;
}
