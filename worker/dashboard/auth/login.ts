import { Hono } from "hono";
import { MAX_PASSWORD_LENGTH, MAX_USERNAME_LENGTH } from "../../../shared/users";
import { callerIp } from "../../auth/agent";
import type { AppEnv } from "../../types";
import { deleteSession } from "../../users/sessions";
import { attemptSignIn } from "../../users/sign-in";
import { hasUsers } from "../../users/store";
import { csrfRefusal, currentSession, signedInAs } from "../session";
import { clearSessionCookie, formCsrfToken, sessionSecret, setSessionCookie } from "./cookies";
import { formCsrfRefusal, formFields } from "./forms";
import { safeNextPath } from "./next-path";
import { loginPage, messagePage } from "./pages";

/** One message for an unknown user and a wrong password: it must not tell which. */
export const WRONG_CREDENTIALS = "Wrong username or password";
const LOGIN_LINK = { href: "/login", text: "Back to sign-in" };
const HOME_LINK = { href: "/", text: "Back to the dashboard" };
const TOO_LONG = `Usernames are at most ${MAX_USERNAME_LENGTH} characters and passwords at most ${MAX_PASSWORD_LENGTH}`;

function retryMessage(retryAt: number, now: number): string {
  const minutes = Math.max(1, Math.ceil((retryAt - now) / 60_000));
  const at = new Date(retryAt).toISOString().slice(11, 16);
  const plural = minutes === 1 ? "" : "s";
  return `Too many failed sign-ins. Try again in ${minutes} minute${plural} (at ${at} UTC).`;
}

export const loginRoutes = new Hono<AppEnv>()
  .get("/login", async (c) => {
    const next = safeNextPath(c.req.query("next"));
    if (await currentSession(c)) return c.redirect(next, 302);
    if (!(await hasUsers(c.get("db")))) return c.redirect("/setup", 302);
    return c.html(loginPage({ csrf: formCsrfToken(c), next }));
  })
  .post("/login", async (c) => {
    const fields = await formFields(c);
    const refusal = formCsrfRefusal(c, fields);
    if (refusal) return c.html(messagePage("Sign-in refused", refusal, LOGIN_LINK), 403);

    const username = (fields.username ?? "").trim();
    const password = fields.password ?? "";
    const form = { csrf: formCsrfToken(c), next: safeNextPath(fields.next), username };
    if (!username || !password) {
      return c.html(loginPage({ ...form, error: "Enter your username and password" }), 400);
    }
    // No such user can exist; refused before anything is counted, stored or echoed.
    if (username.length > MAX_USERNAME_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
      return c.html(loginPage({ ...form, username: "", error: TOO_LONG }), 400);
    }

    const now = Date.now();
    const ip = callerIp(c.req.header("CF-Connecting-IP"));
    const outcome = await attemptSignIn(c.get("db"), { username, password, ip }, now);
    switch (outcome.kind) {
      case "throttled":
        c.header("Retry-After", String(Math.ceil((outcome.retryAt - now) / 1000)));
        return c.html(loginPage({ ...form, error: retryMessage(outcome.retryAt, now) }), 429);
      case "wrong_credentials":
        return c.html(loginPage({ ...form, error: WRONG_CREDENTIALS }), 401);
      case "disabled":
        return c.html(loginPage({ ...form, error: "This account is disabled; ask an admin" }), 403);
      case "signed_in":
        setSessionCookie(c, outcome.secret);
        signedInAs(c, outcome.session);
        return c.redirect(form.next, 302);
    }
  })
  .post("/logout", async (c) => {
    const secret = sessionSecret(c);
    const session = await currentSession(c);
    if (secret && session) {
      signedInAs(c, session);
      const refusal = await csrfRefusal(c);
      if (refusal) return c.html(messagePage("Sign-out refused", refusal, HOME_LINK), 403);
      await deleteSession(c.get("db"), secret);
    }
    clearSessionCookie(c);
    return c.redirect("/login", 302);
  });
