import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { openDb } from "../../../worker/db/client";
import { D1Meter } from "../../../worker/db/meter";
import { sha256Hex } from "../../../worker/lib/crypto";
import { findSession, SESSION_IDLE_MS, SESSION_MAX_AGE_MS } from "../../../worker/users/sessions";
import { throttleSubject } from "../../../worker/users/throttle";
import { call, expectError } from "../helpers";
import {
  browse,
  browseTestPages,
  cookieValue,
  createUser,
  csrfField,
  PASSWORD,
  postLogin,
  signIn,
  sql,
  withSession,
} from "./auth-helpers";

const WRONG = "Wrong username or password";

beforeAll(async () => {
  await createUser("operator", "alice");
});

describe("POST /login", () => {
  it("signs in, sets the session cookie and goes to next", async () => {
    const result = await postLogin("alice", PASSWORD, { next: "/pools/p1?tab=members" });
    expect(result.status).toBe(302);
    expect(result.location).toBe("/pools/p1?tab=members");
    const cookie = result.setCookies.get("baton_session") ?? "";
    expect(cookieValue(cookie)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");
    expect(cookie).toContain("Path=/");
    expect(cookie).toContain("Secure");
    expect(cookie).toContain(`Max-Age=${SESSION_MAX_AGE_MS / 1000}`);
    const page = await browseTestPages("/page", {
      cookies: { baton_session: cookieValue(cookie) },
    });
    expect(page.text).toMatch(/^hello alice as user:usr_\w+ \(operator\)$/);
  });

  it("stores only the SHA-256 of the cookie", async () => {
    const { cookie } = await signIn("alice");
    const rows = await env.DB.prepare("SELECT id FROM sessions").all<{ id: string }>();
    const ids = rows.results.map((row) => row.id);
    expect(ids).toContain(await sha256Hex(cookie));
    expect(ids).not.toContain(cookie);
  });

  it("leaves Secure off on localhost, where wrangler dev serves plain http", async () => {
    for (const host of ["http://localhost:8787", "http://127.0.0.1:8787"]) {
      const form = await browse(`${host}/login`);
      expect(form.setCookies.get("baton_csrf")).not.toContain("Secure");
      const csrf = csrfField(form.text);
      const result = await browse(`${host}/login`, {
        form: { _csrf: csrf, username: "alice", password: PASSWORD, next: "/" },
        cookies: { baton_csrf: csrf },
      });
      expect(result.status).toBe(302);
      const cookie = result.setCookies.get("baton_session") ?? "";
      expect(cookie).toContain("HttpOnly");
      expect(cookie).not.toContain("Secure");
    }
  });

  it("ignores case in the username", async () => {
    expect((await postLogin("ALICE", PASSWORD)).status).toBe(302);
  });

  it("goes only to paths on this site", async () => {
    const offsite = [
      "//evil.example/x",
      "https://evil.example/",
      "/\\evil.example",
      "pools",
      "/..//evil.example",
      "/x/../..//evil.example/",
      "/%2e%2e//evil.example",
      "/./\\evil.example",
    ];
    for (const next of offsite) {
      const result = await postLogin("alice", PASSWORD, { next });
      expect(result.location).toBe("/");
    }
  });

  it("answers a wrong password and an unknown user alike, with no cookie", async () => {
    const wrong = await postLogin("alice", "wrong password here");
    const unknown = await postLogin("nobody", PASSWORD);
    for (const result of [wrong, unknown]) {
      expect(result.status).toBe(401);
      expect(result.text).toContain(WRONG);
      expect(result.setCookies.has("baton_session")).toBe(false);
    }
    // The form comes back filled in, ready for another try.
    expect(wrong.text).toContain('value="alice"');
    expect(wrong.text).toContain('autocomplete="current-password"');
  });

  it("refuses a disabled user", async () => {
    const user = await createUser("viewer");
    await sql("UPDATE users SET disabled_at = ? WHERE id = ?", Date.now(), user.id);
    const result = await postLogin(user.username, PASSWORD);
    expect(result.status).toBe(403);
    expect(result.setCookies.has("baton_session")).toBe(false);
  });
});

describe("sign-in throttling", () => {
  it("refuses a username from one address after 5 failures in 15 minutes, even with the right password", async () => {
    const user = await createUser("viewer");
    const ip = { "CF-Connecting-IP": "198.51.100.1" };
    for (let i = 0; i < 5; i++) {
      expect((await postLogin(user.username, "wrong password!!", { headers: ip })).status).toBe(
        401,
      );
    }
    const refused = await postLogin(user.username, PASSWORD, { headers: ip });
    expect(refused.status).toBe(429);
    expect(refused.text).toContain("Try again in 15 minutes");
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(14 * 60);
    expect(refused.setCookies.has("baton_session")).toBe(false);
    // Another user from the same address is not affected.
    expect((await postLogin("alice", PASSWORD, { headers: ip })).status).toBe(302);

    // The window has passed (moved back instead of waiting): the right password works again.
    await sql(
      "UPDATE login_throttles SET window_started_at = ? WHERE subject = ?",
      Date.now() - 15 * 60_000 - 1,
      await throttleSubject("pair", user.username, ip["CF-Connecting-IP"]),
    );
    expect((await postLogin(user.username, PASSWORD, { headers: ip })).status).toBe(302);
  });

  it("starts a new window after an old one has run out", async () => {
    const user = await createUser("viewer");
    const pair = await throttleSubject("pair", user.username, "unknown");
    await sql(
      "INSERT INTO login_throttles VALUES ('pair', ?, 5, ?)",
      pair,
      Date.now() - 16 * 60_000,
    );
    expect((await postLogin(user.username, "wrong password!!")).status).toBe(401);
    const row = await env.DB.prepare("SELECT failures FROM login_throttles WHERE subject = ?")
      .bind(pair)
      .first<{ failures: number }>();
    expect(row?.failures).toBe(1);
    expect((await postLogin(user.username, PASSWORD)).status).toBe(302);
  });

  it("forgives a username's failures when it signs in", async () => {
    const user = await createUser("viewer");
    const tryWrong = async () => {
      for (let i = 0; i < 4; i++)
        expect((await postLogin(user.username, "nope nope nope")).status).toBe(401);
    };
    await tryWrong();
    expect((await postLogin(user.username, PASSWORD)).status).toBe(302);
    await tryWrong();
    // 8 failures in the window, but the sign-in between reset the count.
    expect((await postLogin(user.username, PASSWORD)).status).toBe(302);
  });

  it("refuses an address after 20 failures, whatever the username", async () => {
    const address = await throttleSubject("ip", "", "192.0.2.99");
    await sql("INSERT INTO login_throttles VALUES ('ip', ?, 20, ?)", address, Date.now());
    const blocked = await postLogin("alice", PASSWORD, {
      headers: { "CF-Connecting-IP": "192.0.2.99" },
    });
    expect(blocked.status).toBe(429);
    const other = await postLogin("alice", PASSWORD, {
      headers: { "CF-Connecting-IP": "192.0.2.100" },
    });
    expect(other.status).toBe(302);
  });

  it("counts 19 failures from an address as not yet enough", async () => {
    const address = await throttleSubject("ip", "", "192.0.2.98");
    await sql("INSERT INTO login_throttles VALUES ('ip', ?, 19, ?)", address, Date.now());
    const headers = { "CF-Connecting-IP": "192.0.2.98" };
    expect((await postLogin("alice", PASSWORD, { headers })).status).toBe(302);
    expect((await postLogin("alice", "wrong password!!", { headers })).status).toBe(401);
    expect((await postLogin("alice", PASSWORD, { headers })).status).toBe(429);
  });
});

describe("sign-in throttling under attack", () => {
  it("checks at most 5 of 40 concurrent wrong passwords from one address", async () => {
    const user = await createUser("viewer");
    const attacker = { "CF-Connecting-IP": "203.0.113.40" };
    const results = await Promise.all(
      Array.from({ length: 40 }, () =>
        postLogin(user.username, "wrong password!!", { headers: attacker }),
      ),
    );
    const statuses = results.map((result) => result.status);
    // A 401 means the password was checked; a 429 means it was refused before any check.
    expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(35);
    // The 41st try from there is refused even with the right password ...
    expect((await postLogin(user.username, PASSWORD, { headers: attacker })).status).toBe(429);
    // ... while the user, from their own address, still signs in.
    const own = { "CF-Connecting-IP": "198.51.100.41" };
    expect((await postLogin(user.username, PASSWORD, { headers: own })).status).toBe(302);
  });

  it("does not lock a username for everyone after failures from one address", async () => {
    const user = await createUser("viewer");
    for (let i = 0; i < 5; i++) {
      const headers = { "CF-Connecting-IP": "203.0.113.50" };
      expect((await postLogin(user.username, "wrong password!!", { headers })).status).toBe(401);
    }
    const headers = { "CF-Connecting-IP": "198.51.100.50" };
    expect((await postLogin(user.username, PASSWORD, { headers })).status).toBe(302);
  });

  it("refuses a username everywhere after 50 failures from many addresses in an hour", async () => {
    const user = await createUser("viewer");
    await Promise.all(
      Array.from({ length: 10 }, async (_, address) => {
        const headers = { "CF-Connecting-IP": `203.0.113.${100 + address}` };
        for (let i = 0; i < 5; i++) {
          expect((await postLogin(user.username, "wrong password!!", { headers })).status).toBe(
            401,
          );
        }
      }),
    );
    const fresh = { "CF-Connecting-IP": "198.51.100.60" };
    const refused = await postLogin(user.username, PASSWORD, { headers: fresh });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(59 * 60);
  });

  it("refuses an over-long username without storing it", async () => {
    const huge = "a".repeat(3 * 1024 * 1024);
    const result = await postLogin(huge, PASSWORD);
    expect(result.status).toBe(400);
    expect(result.text).toContain("at most 64 characters");
    expect(result.text.length).toBeLessThan(100_000);
    const longest = await env.DB.prepare(
      "SELECT max(length(subject)) AS n FROM login_throttles",
    ).first<{ n: number | null }>();
    expect(longest?.n ?? 0).toBeLessThanOrEqual(64);
  });
});

describe("GET /login", () => {
  it("never redirects a signed-in user off the site", async () => {
    const session = await signIn("alice");
    for (const next of ["/..//evil.example", "/a/..//evil.example/x"]) {
      const page = await browse(`/login?next=${encodeURIComponent(next)}`, {
        cookies: session.cookies,
      });
      expect(page.status).toBe(302);
      expect(page.location).toBe("/");
    }
  });

  it("renders a labelled form that keeps next", async () => {
    const page = await browse("/login?next=%2Fpools");
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/^<!DOCTYPE html>/);
    expect(page.text).toContain('<label for="username">');
    expect(page.text).toContain('autocomplete="username"');
    expect(page.text).toContain('name="next" value="/pools"');
    // Styled from a file: the content policy (style-src 'self') would drop an inline <style>.
    expect(page.headers.get("Content-Security-Policy")).toContain("style-src 'self'");
    expect(page.text).not.toContain("<style");
    expect(page.text).toContain('<link rel="stylesheet" href="/dashboard/auth.css"/>');
  });

  it("sends a signed-in user straight on", async () => {
    const session = await signIn("alice");
    const page = await browse("/login?next=%2Fpools", { cookies: session.cookies });
    expect(page.status).toBe(302);
    expect(page.location).toBe("/pools");
  });
});

describe("sessions", () => {
  it("end after 12 hours without a request", async () => {
    const session = await signIn("alice");
    const id = await sha256Hex(session.cookie);
    await sql(
      "UPDATE sessions SET last_seen_at = ? WHERE id = ?",
      Date.now() - SESSION_IDLE_MS + 60_000,
      id,
    );
    expect((await withSession(session, "/pools")).status).toBe(200);
    await sql(
      "UPDATE sessions SET last_seen_at = ? WHERE id = ?",
      Date.now() - SESSION_IDLE_MS - 1,
      id,
    );
    expectError(await withSession(session, "/pools"), 401, "unauthorized");
    const page = await browseTestPages("/page?x=1", { cookies: session.cookies });
    expect(page.status).toBe(302);
    expect(page.location).toBe("/login?next=%2Fpage%3Fx%3D1");
  });

  it("slide: a request more than a minute after the last one moves last_seen_at", async () => {
    const session = await signIn("alice");
    const id = await sha256Hex(session.cookie);
    const lastSeen = async () =>
      (
        await env.DB.prepare("SELECT last_seen_at FROM sessions WHERE id = ?")
          .bind(id)
          .first<{ last_seen_at: number }>()
      )?.last_seen_at;
    const recent = Date.now() - 10_000;
    await sql("UPDATE sessions SET last_seen_at = ? WHERE id = ?", recent, id);
    await withSession(session, "/pools");
    expect(await lastSeen()).toBe(recent);
    const old = Date.now() - 2 * 60_000;
    await sql("UPDATE sessions SET last_seen_at = ? WHERE id = ?", old, id);
    await withSession(session, "/pools");
    expect(await lastSeen()).toBeGreaterThan(old + 60_000);
  });

  it("end 7 days after sign-in however busy", async () => {
    const session = await signIn("alice");
    const id = await sha256Hex(session.cookie);
    await sql("UPDATE sessions SET expires_at = ? WHERE id = ?", Date.now() - 1, id);
    expectError(await withSession(session, "/pools"), 401, "unauthorized");
  });

  it("are judged at the time given", async () => {
    const session = await signIn("alice");
    const db = openDb(env.DB, new D1Meter());
    const now = Date.now();
    await sql(
      "UPDATE sessions SET last_seen_at = ? WHERE id = ?",
      now,
      await sha256Hex(session.cookie),
    );
    expect(await findSession(db, session.cookie, now + SESSION_IDLE_MS - 1)).toMatchObject({
      username: "alice",
      role: "operator",
      csrf: session.csrf,
    });
    // That look moved last_seen_at to now + 12 h - 1 ms; 12 h of quiet later it has ended.
    expect(await findSession(db, session.cookie, now + 2 * SESSION_IDLE_MS)).toBeNull();
    expect(await findSession(db, "not-a-session", now)).toBeNull();
  });

  it("refuse a cookie that was never issued", async () => {
    const fake = { cookie: "A".repeat(43), csrf: "x", cookies: { baton_session: "A".repeat(43) } };
    expectError(await withSession(fake, "/pools"), 401, "unauthorized");
    expect((await browseTestPages("/page", { cookies: fake.cookies })).location).toBe(
      "/login?next=%2Fpage",
    );
  });
});

describe("POST /logout", () => {
  it("ends the session and clears the cookie", async () => {
    const session = await signIn("alice");
    const result = await browse("/logout", {
      form: { _csrf: session.csrf },
      cookies: session.cookies,
    });
    expect(result.status).toBe(302);
    expect(result.location).toBe("/login");
    expect(result.setCookies.get("baton_session")).toMatch(/^baton_session=;.*Max-Age=0/);
    const row = await env.DB.prepare("SELECT 1 FROM sessions WHERE id = ?")
      .bind(await sha256Hex(session.cookie))
      .first();
    expect(row).toBeNull();
    expectError(await withSession(session, "/pools"), 401, "unauthorized");
  });

  it("needs the session's CSRF token", async () => {
    const session = await signIn("alice");
    for (const form of [{}, { _csrf: "forged" }] as Record<string, string>[]) {
      const result = await browse("/logout", { form, cookies: session.cookies });
      expect(result.status).toBe(403);
      expect(result.setCookies.has("baton_session")).toBe(false);
    }
    expect((await withSession(session, "/pools")).status).toBe(200);
  });

  it("without a session just goes to the sign-in page", async () => {
    const result = await browse("/logout", { method: "POST" });
    expect(result.status).toBe(302);
    expect(result.location).toBe("/login");
  });
});

describe("the admin API without credentials", () => {
  it("still says how to authenticate", async () => {
    expectError(await call("/api/v1/pools"), 401, "unauthorized");
  });
});
