import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { CookieOptions } from "hono/utils/cookie";
import { randomToken } from "../../users/passwords";
import { SESSION_MAX_AGE_MS } from "../../users/sessions";

export const SESSION_COOKIE = "baton_session";
/** Double-submit token of the sign-in and setup forms, which have no session yet. */
export const FORM_CSRF_COOKIE = "baton_csrf";

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** Local development over plain http (wrangler dev): browsers drop Secure cookies there. */
export function isLocalHost(url: string): boolean {
  return LOCAL_HOSTS.has(new URL(url).hostname);
}

function cookieOptions(c: Context): CookieOptions {
  return { path: "/", httpOnly: true, sameSite: "Lax", secure: !isLocalHost(c.req.url) };
}

export function setSessionCookie(c: Context, secret: string) {
  setCookie(c, SESSION_COOKIE, secret, {
    ...cookieOptions(c),
    maxAge: SESSION_MAX_AGE_MS / 1000,
  });
}

export function clearSessionCookie(c: Context) {
  deleteCookie(c, SESSION_COOKIE, cookieOptions(c));
}

export function sessionSecret(c: Context): string | undefined {
  return getCookie(c, SESSION_COOKIE) || undefined;
}

/** The form CSRF token of this browser, set as a cookie the first time a form is shown. */
export function formCsrfToken(c: Context): string {
  const existing = getCookie(c, FORM_CSRF_COOKIE);
  if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
  const token = randomToken(32);
  setCookie(c, FORM_CSRF_COOKIE, token, cookieOptions(c));
  return token;
}

export function formCsrfCookie(c: Context): string | undefined {
  return getCookie(c, FORM_CSRF_COOKIE) || undefined;
}
