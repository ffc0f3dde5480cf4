import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Pool } from "../../../shared/pools";
import type { Role } from "../../../shared/tokens";
import { admin, BASE, createPool, enroll, heartbeat } from "../helpers";
import { createUser, signIn as signInThroughForm } from "./auth-helpers";
import { byTestId } from "./html";

// The dashboard as the Worker serves it: behind requireSession and verifyCsrf, signed in
// through the real login form.
async function signIn(role: Role) {
  const user = await createUser(role);
  const session = await signInThroughForm(user.username);
  return { cookie: `baton_session=${session.cookie}`, csrf: session.csrf, username: user.username };
}

function fetchAs(cookie: string | null, path: string, init: RequestInit = {}) {
  const headers = new Headers(init.headers);
  if (cookie) headers.set("Cookie", cookie);
  return exports.default.fetch(`${BASE}${path}`, { ...init, headers, redirect: "manual" });
}

async function readyPool() {
  const pool = await createPool({ name: "wired" });
  const a = await enroll(pool.id, { priority: 1 });
  const b = await enroll(pool.id, { priority: 2 });
  for (const [member, ip] of [
    [a, "198.51.100.11"],
    [b, "198.51.100.12"],
  ] as const) {
    await heartbeat(member, {
      publicIp: ip,
      services: { haproxy: { installed: true, activeState: "active" } },
    });
  }
  return { pool, a: a.member, b: b.member };
}

describe("the dashboard in the Worker", () => {
  it("sends a visitor without a session away instead of rendering", async () => {
    const response = await fetchAs(null, "/");
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toMatch(/^\/(setup|login)/);
    expect((await fetchAs(null, "/ui/pool-list/fragment")).status).toBe(302);
  });

  it("renders the pools list and overview for a signed-in user", async () => {
    const { pool, a } = await readyPool();
    const { cookie, username } = await signIn("viewer");
    const list = await fetchAs(cookie, "/");
    expect(list.status).toBe(200);
    const html = await list.text();
    expect(html).toContain(username);
    expect(byTestId(html, "pool-row").map((row) => row["data-pool-id"])).toContain(pool.id);
    const overview = await (await fetchAs(cookie, `/pools/${pool.id}`)).text();
    expect(byTestId(overview, "flow-active")[0]?.["data-member-id"]).toBe(a.id);
  });

  it("lets an operator make a standby active with the session's CSRF token, and not without", async () => {
    const { pool, b } = await readyPool();
    const { cookie, csrf } = await signIn("operator");
    const forged = await fetchAs(cookie, `/ui/members/${b.id}/make-active`, {
      method: "POST",
      body: new URLSearchParams({ _csrf: "not-the-token" }),
    });
    expect(forged.status).toBe(403);
    const response = await fetchAs(cookie, `/ui/members/${b.id}/make-active`, {
      method: "POST",
      body: new URLSearchParams({ _csrf: csrf }),
    });
    expect(response.status).toBe(303);
    const after = await admin<{ pool: Pool }>(`/pools/${pool.id}`);
    expect(after.body.pool.activeMemberId).toBe(b.id);
  });

  it("refuses a viewer's action with 403", async () => {
    const { pool, a, b } = await readyPool();
    const { cookie, csrf } = await signIn("viewer");
    const response = await fetchAs(cookie, `/ui/members/${b.id}/make-active`, {
      method: "POST",
      body: new URLSearchParams({ _csrf: csrf }),
    });
    expect(response.status).toBe(403);
    expect((await admin<{ pool: Pool }>(`/pools/${pool.id}`)).body.pool.activeMemberId).toBe(a.id);
  });

  it("answers an unknown pool or member with an HTML page in the dashboard's frame", async () => {
    const { cookie, username } = await signIn("viewer");
    for (const path of ["/pools/no-such-pool", "/members/no-such-member/jobs"]) {
      const response = await fetchAs(cookie, path);
      expect(response.status, path).toBe(404);
      expect(response.headers.get("Content-Type"), path).toMatch(/^text\/html/);
      expect(response.headers.get("X-Baton-Error"), path).toBe("not_found");
      const html = await response.text();
      expect(byTestId(html, "error-page")[0]?.["data-error-code"], path).toBe("not_found");
      expect(html, "the navigation stays").toContain(username);
      expect(html).toContain("no-such-");
    }
  });

  it("answers a viewer's form post with a 403 page, and the API's callers with JSON", async () => {
    const { b } = await readyPool();
    const { cookie, csrf } = await signIn("viewer");
    const page = await fetchAs(cookie, `/ui/members/${b.id}/drain`, {
      method: "POST",
      body: new URLSearchParams({ _csrf: csrf }),
    });
    expect(page.status).toBe(403);
    expect(byTestId(await page.text(), "error-page")[0]?.["data-error-code"]).toBe("forbidden");
    const api = await fetchAs(cookie, `/api/v1/members/${b.id}/drain`, {
      method: "POST",
      headers: { "X-Baton-CSRF": csrf, Accept: "text/html" },
    });
    expect(api.status).toBe(403);
    expect(await api.json()).toMatchObject({ error: { code: "forbidden" } });
  });

  it("answers a browser's unknown path with an HTML 404 and a script's with JSON", async () => {
    const browser = await fetchAs(null, "/no/such/page", { headers: { Accept: "text/html" } });
    expect(browser.status).toBe(404);
    expect(await browser.text()).toContain("No route for GET /no/such/page");
    const script = await fetchAs(null, "/no/such/page", {
      headers: { Accept: "application/json" },
    });
    expect(script.status).toBe(404);
    expect(await script.json()).toMatchObject({ error: { code: "not_found" } });
    // The API answers JSON even to a browser (here: no credentials, so 401 before routing).
    const api = await fetchAs(null, "/api/v1/nothing", { headers: { Accept: "text/html" } });
    expect(await api.json()).toMatchObject({ error: { code: "unauthorized" } });
  });
});
