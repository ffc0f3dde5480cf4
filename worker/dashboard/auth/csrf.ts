import type { Context } from "hono";
import { secretsEqual } from "../../lib/crypto";

export const CSRF_HEADER = "X-Baton-CSRF";
export const CSRF_FIELD = "_csrf";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Methods that change something and so need a CSRF token. */
export function isUnsafeMethod(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

/**
 * Whether the browser says the request came from another site: an `Origin` other than this
 * request's own (including the opaque `null`), or `Sec-Fetch-Site: cross-site`. Requests
 * without these headers (curl, old browsers) are judged by their token alone.
 */
export function isCrossSite(c: Context): boolean {
  const origin = c.req.header("Origin");
  if (origin !== undefined && origin !== new URL(c.req.url).origin) return true;
  return c.req.header("Sec-Fetch-Site") === "cross-site";
}

function isForm(c: Context): boolean {
  const type = c.req.header("Content-Type") ?? "";
  return /^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(type);
}

/** The token a request carries: the `X-Baton-CSRF` header, else the form field `_csrf`. */
export async function submittedCsrf(c: Context): Promise<string | undefined> {
  const header = c.req.header(CSRF_HEADER);
  if (header) return header;
  if (!isForm(c)) return undefined;
  // Hono caches the parsed body, so the handler can still read the form.
  const field = (await c.req.parseBody())[CSRF_FIELD];
  return typeof field === "string" ? field : undefined;
}

/** Constant-time comparison of a submitted token with the expected one. */
export function csrfMatches(submitted: string | undefined, expected: string | undefined): boolean {
  return !!submitted && !!expected && secretsEqual(submitted, expected);
}
