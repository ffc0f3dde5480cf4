import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { Role } from "../../shared/tokens";
import { roleAtLeast } from "../auth/admin";
import type { AppEnv, DashboardSession } from "../types";
import { findSession } from "../users/sessions";
import { hasUsers } from "../users/store";
import { sessionSecret } from "./auth/cookies";
import { csrfMatches, isCrossSite, isUnsafeMethod, submittedCsrf } from "./auth/csrf";
import { messagePage } from "./auth/pages";

/** Makes `session` the request's identity: pages read `session`, audit and `allow` read `actor`. */
export function signedInAs(c: Context<AppEnv>, session: DashboardSession) {
  c.set("session", session);
  c.set("actor", { id: `user:${session.userId}`, role: session.role });
}

/** The session of the request's cookie, or null when there is none or it has ended. */
export async function currentSession(c: Context<AppEnv>): Promise<DashboardSession | null> {
  const secret = sessionSecret(c);
  return secret ? findSession(c.get("db"), secret, Date.now()) : null;
}

/**
 * HTML pages: a signed-in user or a redirect, to /setup while there are no users yet and to
 * /login?next=<this page> otherwise.
 */
export const requireSession = createMiddleware<AppEnv>(async (c, next) => {
  const session = await currentSession(c);
  if (!session) {
    if (!(await hasUsers(c.get("db")))) return c.redirect("/setup", 302);
    const url = new URL(c.req.url);
    return c.redirect(`/login?next=${encodeURIComponent(url.pathname + url.search)}`, 302);
  }
  signedInAs(c, session);
  await next();
});

/** After requireSession: a 403 page for users below `role`. */
export function requireRole(role: Role) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const { role: has } = c.get("session");
    if (!roleAtLeast(has, role)) {
      return c.html(
        messagePage("Not allowed", `This page needs the ${role} role; your account has ${has}.`, {
          href: "/",
          text: "Back to the dashboard",
        }),
        403,
      );
    }
    await next();
  });
}

/** Why an unsafe request of a signed-in user is refused as forged, or null when it is not. */
export async function csrfRefusal(c: Context<AppEnv>): Promise<string | null> {
  if (!isUnsafeMethod(c.req.method)) return null;
  if (isCrossSite(c)) return "This request came from another site, so it was refused.";
  if (!csrfMatches(await submittedCsrf(c), c.get("session")?.csrf)) {
    return "This form has expired or was not sent by the dashboard. Reload the page and try again.";
  }
  return null;
}

/**
 * After requireSession, on every route that changes something: POST, PUT, PATCH and DELETE must
 * carry the session's CSRF token (form field `_csrf` or header `X-Baton-CSRF`) and must not come
 * from another site.
 */
export const verifyCsrf = createMiddleware<AppEnv>(async (c, next) => {
  const refusal = await csrfRefusal(c);
  if (refusal) {
    return c.html(
      messagePage("Request refused", refusal, { href: "/", text: "Back to the dashboard" }),
      403,
    );
  }
  await next();
});
