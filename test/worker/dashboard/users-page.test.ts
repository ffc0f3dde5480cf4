import { describe, expect, it } from "vitest";
import type { User } from "../../../shared/users";
import { admin } from "../helpers";
import { PASSWORD, signIn } from "./auth-helpers";
import { byTestId, textOf } from "./html";
import {
  browserAs,
  eventsOf,
  fetchAs,
  flashIn,
  htmlOf,
  locationOf,
  postForm,
  unescapeHtml,
} from "./pages-as";

// The Users page: the users API's store functions behind forms, admins only, every change an
// audit event with the acting user, the last admin protected.

async function users(): Promise<User[]> {
  return (await admin<{ users: User[] }>("/users?limit=200")).body.users;
}

async function userNamed(username: string) {
  return (await users()).find((user) => user.username === username);
}

function rowOf(html: string, username: string) {
  const start = html.indexOf(`data-username="${username}"`);
  expect(start, `row of ${username}`).toBeGreaterThan(0);
  return html.slice(start, html.indexOf("</li>", start));
}

describe("the Users page", () => {
  it("is for admins: linked in their header, 403 for others", async () => {
    const adminUser = await browserAs("admin");
    const operator = await browserAs("operator");
    const html = await htmlOf(adminUser, "/users");
    expect(byTestId(html, "nav-users")[0]?.href).toBe("/users");
    expect(byTestId(html, "user-row").map((row) => row["data-username"])).toContain(
      adminUser.username,
    );
    expect(byTestId(await htmlOf(operator, "/"), "nav-users")).toHaveLength(0);
    await htmlOf(operator, "/users", 403);
    expect((await postForm(operator, "/ui/users", { username: "x", role: "admin" })).status).toBe(
      403,
    );
  });

  it("adds a user who can sign in, recorded with the acting admin", async () => {
    const adminUser = await browserAs("admin");
    const username = `viewer-${crypto.randomUUID().slice(0, 6)}`;
    const location = locationOf(
      await postForm(adminUser, "/ui/users", { username, password: PASSWORD, role: "viewer" }),
    );
    expect(flashIn(location)).toBe(`User ${username} (viewer) added`);
    const created = await userNamed(username);
    expect(created?.role).toBe("viewer");
    await signIn(username);
    const html = await htmlOf(adminUser, "/users");
    expect(rowOf(html, username)).toContain("Last sign-in");
    expect(rowOf(html, username)).not.toContain("not known");
    const event = (await eventsOf(null, "user.created")).find(
      (candidate) => candidate.data.userId === created?.id,
    );
    expect(event?.actor).toBe(`user:${adminUser.userId}`);
  });

  it("shows bad input again with field errors, keeping the username", async () => {
    const adminUser = await browserAs("admin");
    const short = await postForm(adminUser, "/ui/users", {
      username: "shorty",
      password: "too short",
      role: "operator",
    });
    expect(short.status).toBe(400);
    const html = await short.text();
    expect(textOf(html, "error-user-password")).toBe("must be at least 12 characters");
    expect(html).toContain('value="shorty"');
    expect(html).toContain('<option value="operator" selected="">');
    expect(await userNamed("shorty")).toBeUndefined();

    const taken = await postForm(adminUser, "/ui/users", {
      username: adminUser.username.toUpperCase(),
      password: PASSWORD,
      role: "viewer",
    });
    expect(taken.status).toBe(409);
    expect(textOf(await taken.text(), "error-user-name")).toContain("is taken");
  });

  it("changes a role and resets a password, each an audit event", async () => {
    const adminUser = await browserAs("admin");
    const target = await browserAs("viewer");
    const role = locationOf(
      await postForm(adminUser, `/ui/users/${target.userId}/role`, { role: "operator" }),
    );
    expect(flashIn(role)).toBe(`${target.username} is now operator`);
    expect((await userNamed(target.username))?.role).toBe("operator");
    const updates = (await eventsOf(null, "user.updated")).filter(
      (event) => event.data.userId === target.userId,
    );
    expect(updates[0]).toMatchObject({
      actor: `user:${adminUser.userId}`,
      data: { role: "operator" },
    });

    const bad = await postForm(adminUser, `/ui/users/${target.userId}/password`, {
      password: "short",
    });
    expect(bad.status).toBe(400);
    expect(textOf(rowOf(await bad.text(), target.username), "user-password-error")).toBe(
      "Not reset: must be at least 12 characters",
    );
    const reset = locationOf(
      await postForm(adminUser, `/ui/users/${target.userId}/password`, {
        password: "a brand new passphrase",
      }),
    );
    expect(flashIn(reset)).toContain("New password set");
    await signIn(target.username, "a brand new passphrase");
    // The target's session from before the reset has ended.
    const stale = await fetchAs(target, "/");
    expect(stale.status).toBe(302);
    expect(stale.headers.get("Location")).toMatch(/^\/login/);
  });

  it("never demotes or deletes the last admin, and says so on the page", async () => {
    const last = await browserAs("admin");
    // Leave `last` the only active admin.
    for (const user of await users()) {
      if (user.role === "admin" && user.id !== last.userId) {
        expect((await admin(`/users/${user.id}`, { method: "DELETE" })).status).toBe(200);
      }
    }
    const html = await htmlOf(last, "/users");
    const row = rowOf(html, last.username);
    expect(textOf(row, "last-admin")).toContain("cannot be demoted or deleted");
    expect(byTestId(row, "user-delete")[0]).toHaveProperty("disabled");
    expect(byTestId(row, "user-role-submit")[0]).toHaveProperty("disabled");

    const demote = locationOf(
      await postForm(last, `/ui/users/${last.userId}/role`, { role: "viewer" }),
    );
    expect(flashIn(demote)).toContain("last active admin");
    const remove = locationOf(await postForm(last, `/ui/users/${last.userId}/delete`));
    expect(flashIn(remove)).toContain("last active admin");
    expect((await userNamed(last.username))?.role).toBe("admin");

    // With a second admin, the first may go.
    const other = await browserAs("viewer");
    locationOf(await postForm(last, `/ui/users/${other.userId}/role`, { role: "admin" }));
    const deleted = locationOf(await postForm(other, `/ui/users/${last.userId}/delete`));
    expect(unescapeHtml(flashIn(deleted) ?? "")).toBe(`User ${last.username} deleted`);
    expect(await userNamed(last.username)).toBeUndefined();
    const [event] = (await eventsOf(null, "user.deleted")).filter(
      (candidate) => candidate.data.userId === last.userId,
    );
    expect(event?.actor).toBe(`user:${other.userId}`);
  });
});
