import { describe, expect, it } from "vitest";
import type { Event } from "../../../shared/events";
import type { User } from "../../../shared/users";
import { TEST_ADMIN_TOKEN } from "../../constants";
import { admin } from "../helpers";
import {
  browse,
  browseTestPages,
  cookieValue,
  openForm,
  PASSWORD,
  type SignedIn,
  withSession,
} from "./auth-helpers";

async function userCount(): Promise<number> {
  const result = await admin<{ users: User[] }>("/users");
  expect(result.status).toBe(200);
  return result.body.users.length;
}

async function postSetup(fields: Record<string, string>, csrf?: string) {
  const token = csrf ?? (await openForm("/setup"));
  return browse("/setup", {
    form: { _csrf: token, ...fields },
    cookies: { baton_csrf: token },
  });
}

// One database for the whole file: the steps run in order, from no users to set up.
describe("first-run setup", () => {
  it("sends every page to /setup while there are no users", async () => {
    expect((await browseTestPages("/page")).location).toBe("/setup");
    expect((await browse("/login")).location).toBe("/setup");
    const setup = await browse("/setup");
    expect(setup.status).toBe(200);
    expect(setup.text).toContain('<label for="token">');
    expect(setup.text).toContain('autocomplete="new-password"');
    expect(setup.setCookies.get("baton_csrf")).toContain("HttpOnly");
  });

  it("refuses a wrong bootstrap token and creates nobody", async () => {
    const result = await postSetup({
      token: "not-the-admin-token-0123456789",
      username: "root",
      password: PASSWORD,
    });
    expect(result.status).toBe(401);
    expect(result.text).toContain("not the bootstrap token");
    expect(result.setCookies.has("baton_session")).toBe(false);
    expect(await userCount()).toBe(0);
  });

  it("refuses a form without its CSRF cookie", async () => {
    const token = await openForm("/setup");
    const result = await browse("/setup", {
      form: { _csrf: token, token: TEST_ADMIN_TOKEN, username: "root", password: PASSWORD },
    });
    expect(result.status).toBe(403);
    expect(await userCount()).toBe(0);
  });

  it("refuses a short password, naming the rule", async () => {
    const result = await postSetup({
      token: TEST_ADMIN_TOKEN,
      username: "root",
      password: "short",
    });
    expect(result.status).toBe(400);
    expect(result.text).toContain("at least 12 characters");
    expect(await userCount()).toBe(0);
  });

  let session: SignedIn;

  it("creates the first admin, signs them in and records who did it", async () => {
    const result = await postSetup({
      token: TEST_ADMIN_TOKEN,
      username: "Root",
      password: PASSWORD,
    });
    expect(result.status).toBe(302);
    expect(result.location).toBe("/");
    const cookie = cookieValue(result.setCookies.get("baton_session"));
    session = { cookie, csrf: "", cookies: { baton_session: cookie } };

    const page = await browseTestPages("/page", { cookies: session.cookies });
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/^hello Root as user:usr_\w+ \(admin\)$/);

    const users = await withSession<{ users: User[] }>(session, "/users");
    expect(users.body.users).toEqual([
      expect.objectContaining({ username: "Root", role: "admin" }),
    ]);
    const events = await admin<{ events: Event[] }>("/events?type=user.created");
    expect(events.body.events[0]).toMatchObject({
      actor: "bootstrap",
      data: { userId: users.body.users[0]?.id, via: "setup" },
    });
  });

  it("happens only once", async () => {
    expect((await browse("/setup")).location).toBe("/login");
    const again = await postSetup(
      { token: TEST_ADMIN_TOKEN, username: "second", password: PASSWORD },
      "x".repeat(43),
    );
    expect(again.status).toBe(409);
    expect(again.setCookies.has("baton_session")).toBe(false);
    expect(await userCount()).toBe(1);
    expect((await browseTestPages("/page")).location).toBe("/login?next=%2Fpage");
  });
});
