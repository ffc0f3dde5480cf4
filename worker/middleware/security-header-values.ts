// No imports: scripts/build-dashboard.mjs also loads this file, to write the static assets'
// _headers from the same values.

// Everything the dashboard loads comes from this Worker: no inline script, no CDN. JSON and
// text answers load nothing, so the same policy costs them nothing.
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
  "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/**
 * Sent with every answer: pages, fragments, the APIs, errors, 404s (worker/middleware/
 * security-headers.ts), and the static assets (`_headers`). No framing, no MIME sniffing, no
 * referrer to other sites.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "Content-Security-Policy": CONTENT_SECURITY_POLICY,
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "same-origin",
  "X-Frame-Options": "DENY",
};

/** Only over https (a browser ignores it on http, and `wrangler dev` serves http). */
export const STRICT_TRANSPORT_SECURITY = "max-age=31536000";

/**
 * The same headers as a Workers static-assets `_headers` file: assets are answered without
 * running the Worker, so the middleware never sees them.
 */
export function assetHeadersFile(): string {
  const lines = Object.entries(SECURITY_HEADERS).map(([name, value]) => `  ${name}: ${value}`);
  return ["/*", ...lines, `  Strict-Transport-Security: ${STRICT_TRANSPORT_SECURITY}`, ""].join(
    "\n",
  );
}
