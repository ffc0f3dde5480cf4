import { describe, expect, it } from "vitest";
import type { Member } from "../../../shared/members";
import {
  AGENT_IP,
  admin,
  createPool,
  type Enrolled,
  enroll,
  expectError,
  heartbeat,
} from "../helpers";
import { byTestId, textOf } from "./html";
import {
  type Browser,
  browserAs,
  controlValue,
  eventsOf,
  fetchAs,
  htmlOf,
  postForm,
  shownSecretOf,
} from "./pages-as";

// The member's Settings tab through the real Worker and a session from the login form; what it
// changes is checked through the admin API and the agent API.
async function memberOf(id: string): Promise<Member> {
  const result = await admin<{ member: Member }>(`/members/${id}`);
  expect(result.status).toBe(200);
  return result.body.member;
}

async function twoMembers() {
  const pool = await createPool({ name: `settings-${crypto.randomUUID().slice(0, 6)}` });
  const a = await enroll(pool.id, { priority: 10 });
  const b = await enroll(pool.id, { priority: 20 });
  return { pool, a, b };
}

/** The Settings form's fields as the page shows them, with some changed. */
function fieldsOf(member: Member, change: Record<string, string> = {}) {
  return {
    name: member.name,
    hostname: member.hostname,
    allowedIps: member.allowedIps.join("\n"),
    priority: String(member.priority),
    ...change,
  };
}

function save(as: Browser, member: Member, change: Record<string, string>) {
  return postForm(as, `/members/${member.id}/settings`, fieldsOf(member, change));
}

describe("the member's Settings tab", () => {
  it("shows the member's values in the form", async () => {
    const adminUser = await browserAs("admin");
    const { a } = await twoMembers();
    const html = await htmlOf(adminUser, `/members/${a.member.id}/settings`);
    expect(byTestId(html, "tab-settings")[0]?.["aria-current"]).toBe("page");
    expect(controlValue(html, "member-name")).toBe(a.member.name);
    expect(controlValue(html, "member-hostname")).toBe(a.member.hostname);
    expect(controlValue(html, "member-allowedIps")).toBe(AGENT_IP);
    expect(controlValue(html, "member-priority")).toBe("10");
    expect(html).not.toMatch(/<fieldset[^>]*\bdisabled\b/);
    expect(byTestId(html, "rotate-secret")[0]).not.toHaveProperty("disabled");
    // The stored secret is never shown.
    expect(html).not.toContain(a.secret);
  });

  it("saves priority and allowed IPs as the API does, with the user in the audit event", async () => {
    const adminUser = await browserAs("admin");
    const { pool, a } = await twoMembers();
    const response = await save(adminUser, a.member, {
      priority: "3",
      allowedIps: `${AGENT_IP}\n198.51.100.0/24\n`,
    });
    expect(response.status).toBe(303);
    const location = response.headers.get("Location") ?? "";
    expect(location).toMatch(new RegExp(`^/members/${a.member.id}/settings\\?`));
    expect(textOf(await htmlOf(adminUser, location), "flash")).toBe("Saved allowed IPs, priority");
    expect(await memberOf(a.member.id)).toMatchObject({
      priority: 3,
      allowedIps: [AGENT_IP, "198.51.100.0/24"],
      name: a.member.name,
    });
    const [event] = await eventsOf(pool.id, "member.updated");
    expect(event).toMatchObject({
      memberId: a.member.id,
      actor: `user:${adminUser.userId}`,
    });
    // Only what changed: the name, hostname and the rest were sent unchanged.
    expect(event?.data).toEqual({
      changes: { priority: 3, allowedIps: [AGENT_IP, "198.51.100.0/24"] },
    });
    // The agent keeps working from its address.
    expect((await heartbeat(a)).status).toBe(200);
  });

  it("shows a bad CIDR next to its field, keeps what was typed, and changes nothing", async () => {
    const adminUser = await browserAs("admin");
    const { pool, a } = await twoMembers();
    const typed = `${AGENT_IP}\n10.0.0.0/33`;
    const response = await save(adminUser, a.member, {
      name: "renamed in vain",
      allowedIps: typed,
      priority: "4",
    });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(textOf(html, "field-error-allowedIps")).toMatch(
      /^10\.0\.0\.0\/33: must be an IPv4\/IPv6 address or CIDR range/,
    );
    expect(byTestId(html, "member-allowedIps")[0]?.["aria-invalid"]).toBe("true");
    expect(byTestId(html, "field-error-name")).toHaveLength(0);
    expect(textOf(html, "form-error")).toContain("Nothing was saved");
    expect(controlValue(html, "member-allowedIps")).toBe(typed);
    expect(controlValue(html, "member-name")).toBe("renamed in vain");
    expect(controlValue(html, "member-priority")).toBe("4");
    expect(await memberOf(a.member.id)).toMatchObject({
      name: a.member.name,
      priority: 10,
      allowedIps: [AGENT_IP],
    });
    expect(await eventsOf(pool.id, "member.updated")).toEqual([]);
  });

  it("refuses a hostname another member has, on the hostname field", async () => {
    const adminUser = await browserAs("admin");
    const { a, b } = await twoMembers();
    const response = await save(adminUser, a.member, { hostname: b.member.hostname });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(textOf(html, "field-error-hostname")).toContain("already has a member with hostname");
    expect((await memberOf(a.member.id)).hostname).toBe(a.member.hostname);
  });

  it("says when nothing changed and records no event", async () => {
    const adminUser = await browserAs("admin");
    const { pool, a } = await twoMembers();
    const response = await save(adminUser, a.member, {});
    expect(response.status).toBe(303);
    const html = await htmlOf(adminUser, response.headers.get("Location") ?? "");
    expect(textOf(html, "flash")).toBe("Nothing changed");
    expect(await eventsOf(pool.id, "member.updated")).toEqual([]);
  });

  it("rotates the secret: the new one-liner in the answer, the old secret refused", async () => {
    const adminUser = await browserAs("admin");
    const { pool, a } = await twoMembers();
    expect((await heartbeat(a)).status).toBe(200);
    const response = await postForm(adminUser, `/members/${a.member.id}/settings/rotate-secret`);
    const { html, secret } = await shownSecretOf(response);
    expect(secret).not.toBe(a.secret);
    expect(textOf(html, "old-secret-warning")).toContain("old secret has stopped working");
    expect(byTestId(html, "copy-install-command")[0]).toMatchObject({
      "data-copy": "install-command",
    });

    expectError(await heartbeat(a), 401, "bad_secret");
    const renewed: Enrolled = { ...a, secret };
    expect((await heartbeat(renewed)).status).toBe(200);
    const [event] = await eventsOf(pool.id, "member.secret_rotated");
    expect(event).toMatchObject({ memberId: a.member.id, actor: `user:${adminUser.userId}` });
    // Shown once: the Settings page does not show it again.
    expect(await htmlOf(adminUser, `/members/${a.member.id}/settings`)).not.toContain(secret);
  });

  it("removes a standby and goes back to the pool with a flash", async () => {
    const adminUser = await browserAs("admin");
    const { pool, a, b } = await twoMembers();
    const response = await postForm(adminUser, `/members/${b.member.id}/settings/remove`);
    expect(response.status).toBe(303);
    const location = response.headers.get("Location") ?? "";
    expect(location).toMatch(new RegExp(`^/pools/${pool.id}\\?`));
    expect(textOf(await htmlOf(adminUser, location), "flash")).toBe(
      `Removed ${b.member.name} (${b.member.hostname})`,
    );
    expectError(await admin(`/members/${b.member.id}`), 404, "not_found");
    expectError(await heartbeat(b), 401, "bad_secret");
    expect((await memberOf(a.member.id)).id).toBe(a.member.id);
    const [event] = await eventsOf(pool.id, "member.removed");
    expect(event).toMatchObject({ memberId: b.member.id, actor: `user:${adminUser.userId}` });
    // The page of a removed member is gone.
    expect((await fetchAs(adminUser, `/members/${b.member.id}/settings`)).status).toBe(404);
  });

  it.each(["viewer", "operator"] as const)(
    "shows a %s the values with disabled controls, and refuses every post with 403",
    async (role) => {
      const user = await browserAs(role);
      const { pool, a } = await twoMembers();
      const html = await htmlOf(user, `/members/${a.member.id}/settings`);
      expect(textOf(html, "settings-read-only")).toContain("Needs the admin role");
      expect(html.slice(html.indexOf('data-testid="settings-form"'))).toMatch(
        /<fieldset[^>]*\bdisabled\b/,
      );
      expect(controlValue(html, "member-priority")).toBe("10");
      expect(byTestId(html, "rotate-secret")[0]).toHaveProperty("disabled");
      expect(byTestId(html, "remove-member")[0]).toHaveProperty("disabled");

      expect((await save(user, a.member, { priority: "1" })).status).toBe(403);
      for (const action of ["rotate-secret", "remove"]) {
        const refused = await postForm(user, `/members/${a.member.id}/settings/${action}`);
        expect(refused.status, action).toBe(403);
        expect(await refused.text()).not.toContain("--token");
      }
      expect((await memberOf(a.member.id)).priority).toBe(10);
      expect((await heartbeat(a)).status, "the old secret still works").toBe(200);
      const changes = "member.updated,member.secret_rotated,member.removed";
      expect(await eventsOf(pool.id, changes)).toEqual([]);
    },
  );
});
