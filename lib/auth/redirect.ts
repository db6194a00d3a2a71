// Where the browser goes after signing in: a path of this console, never another site. Pure.

const BASE = "http://console.invalid";

/**
 * A same-origin path ("/org/x/users?page=2"), or `fallback`. Refused: other origins ("https://evil",
 * "//evil", "/\\evil", which browsers read as "//evil"), other schemes ("javascript:"), control characters
 * (browsers drop tabs and newlines, so "/\t/evil" is "//evil"), and paths that normalise to "//…".
 */
export function safeRedirectPath(value: unknown, fallback = "/home"): string {
  if (typeof value !== "string" || !value.startsWith("/") || value.length > 2048) return fallback;
  if (/[\\\u0000-\u001f\u007f]/.test(value)) return fallback;
  let url: URL;
  try {
    url = new URL(value, BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== BASE) return fallback;
  const path = `${url.pathname}${url.search}${url.hash}`;
  return path.startsWith("//") ? fallback : path;
}

/** next-auth's redirect callback: relative paths and URLs of the console itself, nothing else. */
export function safeRedirectUrl(url: string, baseUrl: string): string {
  const base = new URL(baseUrl);
  if (url.startsWith("/")) return `${base.origin}${safeRedirectPath(url)}`;
  try {
    const target = new URL(url);
    if (target.origin === base.origin)
      return `${base.origin}${safeRedirectPath(`${target.pathname}${target.search}${target.hash}`)}`;
  } catch {
    // not a URL: the default below
  }
  return `${base.origin}/home`;
}
