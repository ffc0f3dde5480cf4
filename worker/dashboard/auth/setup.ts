import { Hono } from "hono";
import { z } from "zod";
import { Password, Username } from "../../../shared/users";
import { secretsEqual } from "../../lib/crypto";
import type { AppEnv } from "../../types";
import { createSession } from "../../users/sessions";
import { createFirstAdmin, hasUsers } from "../../users/store";
import { signedInAs } from "../session";
import { formCsrfToken, setSessionCookie } from "./cookies";
import { formCsrfRefusal, formFields } from "./forms";
import { messagePage, setupPage } from "./pages";

const SetupForm = z.object({ username: Username, password: Password });
const ALREADY_SET_UP = ["Already set up", "Baton has users already; sign in instead."] as const;
const LOGIN_LINK = { href: "/login", text: "Sign in" };

/** First run: whoever holds the bootstrap token (ADMIN_TOKEN) creates the first admin. */
export const setupRoutes = new Hono<AppEnv>()
  .get("/setup", async (c) => {
    if (await hasUsers(c.get("db"))) return c.redirect("/login", 302);
    return c.html(setupPage({ csrf: formCsrfToken(c) }));
  })
  .post("/setup", async (c) => {
    const db = c.get("db");
    if (await hasUsers(db)) return c.html(messagePage(...ALREADY_SET_UP, LOGIN_LINK), 409);
    const fields = await formFields(c);
    const refusal = formCsrfRefusal(c, fields);
    if (refusal) return c.html(messagePage("Setup refused", refusal), 403);

    const form = { csrf: formCsrfToken(c), username: fields.username ?? "" };
    const adminToken = c.get("config").adminToken;
    if (!adminToken) {
      const error = "Set the ADMIN_TOKEN secret first; setup is proved with it.";
      return c.html(setupPage({ ...form, error }), 503);
    }
    if (!secretsEqual(fields.token ?? "", adminToken)) {
      const error = "That is not the bootstrap token (ADMIN_TOKEN).";
      return c.html(setupPage({ ...form, error }), 401);
    }
    const parsed = SetupForm.safeParse(fields);
    if (!parsed.success) {
      const error = parsed.error.issues
        .map((issue) => `${issue.path.join(".")}: ${issue.message}`)
        .join("; ");
      return c.html(setupPage({ ...form, error: `Fix these: ${error}` }), 400);
    }

    const now = Date.now();
    const user = await createFirstAdmin(db, parsed.data, now);
    if (!user) return c.html(messagePage(...ALREADY_SET_UP, LOGIN_LINK), 409);
    const { secret, row } = await createSession(db, user.id, now);
    setSessionCookie(c, secret);
    signedInAs(c, { userId: user.id, username: user.username, role: user.role, csrf: row.csrf });
    return c.redirect("/", 302);
  });
