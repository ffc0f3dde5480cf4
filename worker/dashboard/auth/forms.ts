import type { Context } from "hono";
import type { AppEnv } from "../../types";
import { formCsrfCookie } from "./cookies";
import { CSRF_FIELD, csrfMatches, isCrossSite } from "./csrf";

/** A submitted form's text fields; file fields and repeated names are ignored. */
export async function formFields(c: Context<AppEnv>): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(body)) {
    if (typeof value === "string") fields[name] = value;
  }
  return fields;
}

/**
 * The sign-in and setup forms have no session to hold a CSRF token, so the token is a cookie
 * the form repeats in `_csrf` (double submit): another site can post the form but can neither
 * read nor set the cookie. Returns why the form is refused, or null.
 */
export function formCsrfRefusal(c: Context<AppEnv>, fields: Record<string, string>) {
  if (isCrossSite(c)) return "This form was sent from another site, so it was refused.";
  if (!csrfMatches(fields[CSRF_FIELD], formCsrfCookie(c))) {
    return "This form has expired. Reload the page and try again.";
  }
  return null;
}
