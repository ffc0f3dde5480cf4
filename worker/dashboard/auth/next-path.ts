const PLACEHOLDER_ORIGIN = "http://baton.invalid";

function isBackslashOrControl(char: string): boolean {
  const code = char.charCodeAt(0);
  return char === "\\" || code < 0x20 || code === 0x7f;
}

/**
 * Where to go after signing in: `next` when it is a path on this site, else `/`. Refuses
 * absolute and scheme-relative URLs (`//evil.example`, `/\evil.example`) so the sign-in page
 * cannot be used to bounce people to another site. The rule is checked again on the normalised
 * path: `/..//evil.example` normalises to `//evil.example`, which a browser reads as another host.
 */
export function safeNextPath(next: unknown): string {
  if (typeof next !== "string" || !next.startsWith("/")) return "/";
  // Browsers read a backslash as a slash, and control characters are dropped, so /\ and
  // /<tab>/ would both become //.
  if (next.startsWith("//") || [...next].some(isBackslashOrControl)) return "/";
  let url: URL;
  try {
    url = new URL(next, PLACEHOLDER_ORIGIN);
  } catch {
    return "/";
  }
  if (url.origin !== PLACEHOLDER_ORIGIN || url.pathname.startsWith("//")) return "/";
  if (url.pathname === "/login" || url.pathname === "/logout" || url.pathname === "/setup") {
    return "/";
  }
  return `${url.pathname}${url.search}${url.hash}`;
}
