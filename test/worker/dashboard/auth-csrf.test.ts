import { beforeAll, describe, expect, it } from "vitest";
import type { Pool } from "../../../shared/pools";
import { createApiToken, expectError, withToken } from "../helpers";
import {
  browse,
  browseTestPages,
  createUser,
  openForm,
  PASSWORD,
  type SignedIn,
  signIn,
  withSession,
} from "./auth-helpers";

const NEW_POOL = { name: "edge", failoverHostname: "lb.example.com" };
let session: SignedIn;

beforeAll(async () => {
  await createUser("admin", "carol");
  session = await signIn("carol");
});

describe("verifyCsrf on dashboard forms", () => {
  it("lets a form with the session's token through", async () => {
    const result = await browseTestPages("/change", {
      form: { _csrf: session.csrf, name: "pool" },
      cookies: session.cookies,
    });
    expect(result.status).toBe(200);
    expect(result.text).toBe("changed pool");
  });

  it("accepts a multipart form and the X-Baton-CSRF header", async () => {
    const multipart = new FormData();
    multipart.set("_csrf", session.csrf);
    multipart.set("name", "multi");
    const form = await browseTestPages("/change", { body: multipart, cookies: session.cookies });
    expect(form.text).toBe("changed multi");
    const header = await browseTestPages("/change", {
      method: "POST",
      cookies: session.cookies,
      headers: { "X-Baton-CSRF": session.csrf },
    });
    expect(header.status).toBe(200);
  });

  it("refuses a missing or wrong token with a 403 page", async () => {
    const forms: Record<string, string>[] = [{ name: "x" }, { _csrf: "forged-token", name: "x" }];
    for (const form of forms) {
      const result = await browseTestPages("/change", { form, cookies: session.cookies });
      expect(result.status).toBe(403);
      expect(result.headers.get("Content-Type")).toContain("text/html");
      expect(result.text).toContain("Reload the page");
    }
  });

  it("refuses another session's token", async () => {
    const other = await signIn("carol");
    const result = await browseTestPages("/change", {
      form: { _csrf: other.csrf },
      cookies: session.cookies,
    });
    expect(result.status).toBe(403);
  });

  it("refuses a cross-site Origin even with the right token", async () => {
    const form = { _csrf: session.csrf, name: "x" };
    const crossSite = await browseTestPages("/change", {
      form,
      cookies: session.cookies,
      headers: { Origin: "https://evil.example" },
    });
    expect(crossSite.status).toBe(403);
    expect(crossSite.text).toContain("another site");
    const sameSite = await browseTestPages("/change", {
      form,
      cookies: session.cookies,
      headers: { Origin: "http://baton.test" },
    });
    expect(sameSite.status).toBe(200);
  });
});

describe("the sign-in form's double-submit token", () => {
  it("refuses a post without the cookie, with a mismatched one, or from another site", async () => {
    const token = await openForm("/login");
    const fields = { _csrf: token, username: "carol", password: PASSWORD, next: "/" };
    const cases = [
      { form: fields },
      { form: fields, cookies: { baton_csrf: `${token.slice(1)}x` } },
      { form: fields, cookies: { baton_csrf: token }, headers: { Origin: "https://evil.example" } },
      { form: { ...fields, _csrf: "" }, cookies: { baton_csrf: token } },
    ];
    for (const options of cases) {
      const result = await browse("/login", options);
      expect(result.status).toBe(403);
      expect(result.setCookies.has("baton_session")).toBe(false);
    }
    const accepted = await browse("/login", { form: fields, cookies: { baton_csrf: token } });
    expect(accepted.status).toBe(302);
  });

  it("keeps the browser's token across page loads", async () => {
    const token = await openForm("/login");
    const again = await browse("/login", { cookies: { baton_csrf: token } });
    expect(again.setCookies.has("baton_csrf")).toBe(false);
    expect(again.text).toContain(`value="${token}"`);
  });
});

describe("the admin API with a session cookie", () => {
  it("reads without a CSRF token", async () => {
    const result = await withSession<{ pools: Pool[] }>(session, "/pools", { csrf: null });
    expect(result.status).toBe(200);
  });

  it("refuses a change without X-Baton-CSRF, saying what to send", async () => {
    const result = await withSession(session, "/pools", { body: NEW_POOL, csrf: null });
    expectError(result, 403, "csrf_failed");
    expect((result.body as { error: { message: string } }).error.message).toContain("X-Baton-CSRF");
    expectError(
      await withSession(session, "/pools", { body: NEW_POOL, csrf: "forged" }),
      403,
      "csrf_failed",
    );
    const list = await withSession<{ pools: Pool[] }>(session, "/pools");
    expect(list.body.pools).toHaveLength(0);
  });

  it("refuses a change from another site even with the token", async () => {
    const result = await withSession(session, "/pools", {
      body: NEW_POOL,
      headers: { Origin: "https://evil.example" },
    });
    expectError(result, 403, "csrf_failed");
  });

  it("accepts a change with the session's token, recorded as the user", async () => {
    const created = await withSession<{ pool: Pool }>(session, "/pools", { body: NEW_POOL });
    expect(created.status).toBe(201);
    const events = await withSession<{ events: { actor: string }[] }>(
      session,
      `/pools/${created.body.pool.id}/events`,
    );
    expect(events.body.events[0]?.actor).toMatch(/^user:usr_\w+$/);
  });

  it("leaves bearer tokens alone: no CSRF token needed, the cookie ignored", async () => {
    const { token } = await createApiToken("admin");
    const created = await withToken<{ pool: Pool }>(token, "/pools", {
      body: { ...NEW_POOL, name: "by token", failoverHostname: "lb-token.example.com" },
      headers: { Cookie: `baton_session=${session.cookie}` },
    });
    expect(created.status).toBe(201);
    const bad = await withToken("bt_unknown", "/pools", {
      headers: { Cookie: `baton_session=${session.cookie}` },
    });
    expectError(bad, 401, "unauthorized");
  });
});
