import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Event } from "../../../shared/events";
import type { Job } from "../../../shared/jobs";
import type { User } from "../../../shared/users";
import { sha256Hex } from "../../../worker/lib/crypto";
import {
  browseTestPages,
  createUser,
  PASSWORD,
  postLogin,
  signIn,
  withSession,
} from "../dashboard/auth-helpers";
import {
  admin,
  call,
  createApiToken,
  createPool,
  enroll,
  expectError,
  withToken,
} from "../helpers";

const NEW_POOL = { name: "edge", failoverHostname: "lb.example.com" };

async function sessionCount(userId: string): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM sessions WHERE user_id = ?")
    .bind(userId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

async function latestEvent(type: string): Promise<Event | undefined> {
  const result = await admin<{ events: Event[] }>(`/events?type=${type}`);
  return result.body.events[0];
}

describe("POST /api/v1/users", () => {
  it("creates a user who can sign in; the hash never leaves", async () => {
    const result = await admin<{ user: User }>("/users", {
      body: { username: "dave", role: "operator", password: PASSWORD },
    });
    expect(result.status).toBe(201);
    expect(result.body.user).toMatchObject({
      username: "dave",
      role: "operator",
      disabledAt: null,
    });
    expect(JSON.stringify(result.body)).not.toMatch(/password|salt/i);
    expect(await latestEvent("user.created")).toMatchObject({
      actor: "bootstrap",
      data: { userId: result.body.user.id },
    });
    expect((await postLogin("dave", PASSWORD)).status).toBe(302);
    const stored = await env.DB.prepare("SELECT password_iterations AS i FROM users WHERE id = ?")
      .bind(result.body.user.id)
      .first<{ i: number }>();
    expect(stored?.i).toBe(100_000);
  });

  it("refuses a username taken in any case", async () => {
    await createUser("viewer", "Erin");
    const result = await admin("/users", {
      body: { username: "erin", role: "viewer", password: PASSWORD },
    });
    expectError(result, 409, "username_taken");
  });

  it("refuses short passwords, bad names and unknown roles", async () => {
    const bodies = [
      { username: "frank", role: "viewer", password: "11 chars..." },
      { username: "frank smith", role: "viewer", password: PASSWORD },
      { username: "frank", role: "root", password: PASSWORD },
      { username: "frank", role: "viewer", password: PASSWORD, extra: 1 },
    ];
    for (const body of bodies)
      expectError(await admin("/users", { body }), 400, "validation_failed");
  });

  it("needs the admin role", async () => {
    const { token } = await createApiToken("operator");
    const body = { username: "mallory", role: "admin", password: PASSWORD };
    expectError(await withToken(token, "/users", { body }), 403, "forbidden");
    expectError(await call("/api/v1/users", { body }), 401, "unauthorized");
    await createUser("operator", "olga");
    expectError(await withSession(await signIn("olga"), "/users", { body }), 403, "forbidden");
  });
});

describe("GET /api/v1/users", () => {
  it("lists users oldest first, in pages", async () => {
    await createUser("viewer", "page-a");
    await createUser("viewer", "page-b");
    const first = await admin<{ users: User[]; nextCursor: string | null }>("/users?limit=1");
    expect(first.body.users).toHaveLength(1);
    const second = await admin<{ users: User[] }>(`/users?limit=1&cursor=${first.body.nextCursor}`);
    expect((second.body.users[0]?.id ?? "") > (first.body.users[0]?.id ?? "")).toBe(true);
  });

  it("is refused to viewers", async () => {
    await createUser("viewer", "vera");
    expectError(await withSession(await signIn("vera"), "/users"), 403, "forbidden");
  });
});

describe("roles of session users", () => {
  it("a viewer reads but cannot change, through the API and on pages", async () => {
    const pool = await createPool();
    const viewer = await signIn((await createUser("viewer")).username);
    expect((await withSession(viewer, `/pools/${pool.id}`)).status).toBe(200);
    const refused = await withSession(viewer, "/pools", { body: NEW_POOL });
    expectError(refused, 403, "forbidden");
    expect((refused.body as { error: { message: string } }).error.message).toBe(
      "This needs the admin role; your account has viewer",
    );
    const { member } = await enroll(pool.id);
    const job = await withSession(viewer, `/members/${member.id}/jobs`, {
      body: { kind: "haproxy.reload" },
    });
    expectError(job, 403, "forbidden");
    const page = await browseTestPages("/operations", { cookies: viewer.cookies });
    expect(page.status).toBe(403);
    expect(page.text).toContain("needs the operator role");
  });

  it("an operator queues jobs as user:<id> but cannot create pools", async () => {
    const pool = await createPool();
    const { member } = await enroll(pool.id);
    const user = await createUser("operator");
    const operator = await signIn(user.username);
    expectError(await withSession(operator, "/pools", { body: NEW_POOL }), 403, "forbidden");
    const queued = await withSession<{ job: Job }>(operator, `/members/${member.id}/jobs`, {
      body: { kind: "haproxy.reload" },
    });
    expect(queued.status).toBe(201);
    const events = await admin<{ events: Event[] }>(`/pools/${pool.id}/events?type=job.queued`);
    expect(events.body.events[0]?.actor).toBe(`user:${user.id}`);
    expect((await browseTestPages("/operations", { cookies: operator.cookies })).status).toBe(200);
  });

  it("a role change applies to sessions already open", async () => {
    const user = await createUser("viewer");
    const session = await signIn(user.username);
    expect((await browseTestPages("/operations", { cookies: session.cookies })).status).toBe(403);
    const changed = await admin<{ user: User }>(`/users/${user.id}`, {
      method: "PATCH",
      body: { role: "operator" },
    });
    expect(changed.body.user.role).toBe("operator");
    expect((await browseTestPages("/operations", { cookies: session.cookies })).status).toBe(200);
    expect(await latestEvent("user.updated")).toMatchObject({
      actor: "bootstrap",
      data: { userId: user.id, role: "operator" },
    });
  });
});

describe("PATCH /api/v1/users/:id", () => {
  it("disabling ends the user's sessions and stops sign-in; enabling allows it again", async () => {
    const user = await createUser("operator");
    const session = await signIn(user.username);
    const patch = (disabled: boolean) =>
      admin<{ user: User }>(`/users/${user.id}`, { method: "PATCH", body: { disabled } });
    expect((await patch(true)).body.user.disabledAt).toEqual(expect.any(Number));
    expect(await sessionCount(user.id)).toBe(0);
    expectError(await withSession(session, "/pools"), 401, "unauthorized");
    expect((await postLogin(user.username, PASSWORD)).status).toBe(403);
    expect((await patch(false)).body.user.disabledAt).toBeNull();
    expect((await postLogin(user.username, PASSWORD)).status).toBe(302);
  });

  it("a new password replaces the old and ends other sessions, keeping the caller's", async () => {
    const user = await createUser("admin");
    const mine = await signIn(user.username);
    const elsewhere = await signIn(user.username);
    const newPassword = "a much better passphrase";
    const result = await withSession(mine, `/users/${user.id}`, {
      method: "PATCH",
      body: { password: newPassword },
    });
    expect(result.status).toBe(200);
    expect((await withSession(mine, "/pools")).status).toBe(200);
    expectError(await withSession(elsewhere, "/pools"), 401, "unauthorized");
    expect((await postLogin(user.username, PASSWORD)).status).toBe(401);
    expect((await postLogin(user.username, newPassword)).status).toBe(302);
    expect(await latestEvent("user.updated")).toMatchObject({ actor: `user:${user.id}` });
  });

  it("refuses an empty change, a short password and an unknown user", async () => {
    const user = await createUser("viewer");
    const path = `/users/${user.id}`;
    expectError(await admin(path, { method: "PATCH", body: {} }), 400, "validation_failed");
    expectError(
      await admin(path, { method: "PATCH", body: { password: "short" } }),
      400,
      "validation_failed",
    );
    expectError(
      await admin("/users/usr_nope", { method: "PATCH", body: { role: "admin" } }),
      404,
      "not_found",
    );
  });
});

describe("DELETE /api/v1/users/:id", () => {
  it("deletes the user and their sessions", async () => {
    const user = await createUser("operator");
    const session = await signIn(user.username);
    const result = await admin<{ user: User; deleted: boolean }>(`/users/${user.id}`, {
      method: "DELETE",
    });
    expect(result.body).toMatchObject({ user: { id: user.id }, deleted: true });
    expect(await sessionCount(user.id)).toBe(0);
    const id = await sha256Hex(session.cookie);
    expect(await env.DB.prepare("SELECT 1 FROM sessions WHERE id = ?").bind(id).first()).toBeNull();
    expectError(await withSession(session, "/pools"), 401, "unauthorized");
    expect(await latestEvent("user.deleted")).toMatchObject({ data: { userId: user.id } });
    expectError(await admin(`/users/${user.id}`, { method: "DELETE" }), 404, "not_found");
  });
});

describe("the last active admin", () => {
  it("cannot be demoted, disabled or deleted until another admin is active", async () => {
    // Start from no active admins but this one.
    await env.DB.prepare("UPDATE users SET role = 'viewer' WHERE role = 'admin'").run();
    const last = await createUser("admin");
    const other = await createUser("admin");
    await admin(`/users/${other.id}`, { method: "PATCH", body: { disabled: true } });
    const path = `/users/${last.id}`;
    const attempts = [
      admin(path, { method: "PATCH", body: { role: "operator" } }),
      admin(path, { method: "PATCH", body: { disabled: true } }),
      admin(path, { method: "DELETE" }),
    ];
    for (const result of await Promise.all(attempts)) expectError(result, 409, "last_admin");
    const session = await signIn(last.username);
    expectError(
      await withSession(session, path, { method: "PATCH", body: { role: "viewer" } }),
      409,
      "last_admin",
    );
    // Still an admin, still signed in.
    expect((await withSession(session, "/users")).status).toBe(200);
    // A disabled admin does not count; once enabled, the first may step down.
    await admin(`/users/${other.id}`, { method: "PATCH", body: { disabled: false } });
    const demoted = await admin<{ user: User }>(path, {
      method: "PATCH",
      body: { role: "operator" },
    });
    expect(demoted.status).toBe(200);
    expect(demoted.body.user.role).toBe("operator");
    expectError(await admin(`/users/${other.id}`, { method: "DELETE" }), 409, "last_admin");
  });

  it("may change their own password", async () => {
    const result = await admin<{ users: User[] }>("/users?limit=200");
    const onlyAdmin = result.body.users.find((user) => user.role === "admin" && !user.disabledAt);
    expect(onlyAdmin).toBeDefined();
    const changed = await admin(`/users/${onlyAdmin?.id}`, {
      method: "PATCH",
      body: { password: "yet another passphrase" },
    });
    expect(changed.status).toBe(200);
  });
});
