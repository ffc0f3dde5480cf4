import { createMiddleware } from "hono/factory";
import { SECURITY_HEADERS, STRICT_TRANSPORT_SECURITY } from "./security-header-values";

/**
 * SECURITY_HEADERS on every response the Worker makes (pages, fragments, APIs, errors, 404s),
 * and HSTS when the request came over https.
 */
export const securityHeaders = createMiddleware(async (c, next) => {
  await next();
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.header(name, value);
  if (new URL(c.req.url).protocol === "https:") {
    c.header("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY);
  }
});
