import { describe, expect, it } from "vitest";
import type { Member } from "../../../shared/members";
import { AGENT_IP, admin, createPool, type Enrolled, enroll, heartbeat } from "../helpers";
import { byTestId, textOf } from "./html";
import {
  browserAs,
  controlValue,
  eventsOf,
  fetchAs,
  htmlOf,
  postForm,
  shownSecretOf,
} from "./pages-as";

// Add member through the real Worker with a session from the login form: the form enrolls as
// POST /api/v1/pools/:poolId/members does, answers with the one-liner, and its fragment shows
// the first heartbeat once the agent sends it.
async function membersOf(poolId: string): Promise<Member[]> {
  const result = await admin<{ members: Member[] }>(`/pools/${poolId}/members`);
  expect(result.status).toBe(200);
  return result.body.members;
}

function newPool() {
  return createPool({ name: `add-${crypto.randomUUID().slice(0, 6)}` });
}

const FORM = {
  name: "edge north",
  hostname: "Edge-North",
  allowedIps: `${AGENT_IP}\n2001:db8::/48`,
};

describe("Add member", () => {
  it("is offered to admins on the pool overview and in its setup banner, not to others", async () => {
    const adminUser = await browserAs("admin");
    const viewer = await browserAs("viewer");
    const operator = await browserAs("operator");
    const pool = await newPool();
    const overview = await htmlOf(adminUser, `/pools/${pool.id}`);
    const href = `/pools/${pool.id}/members/new`;
    expect(byTestId(overview, "add-member-link").map((link) => link.href)).toEqual([href]);
    expect(byTestId(overview, "setup-add-member").map((link) => link.href)).toEqual([href]);
    for (const user of [viewer, operator]) {
      const html = await htmlOf(user, `/pools/${pool.id}`);
      expect(byTestId(html, "add-member-link")).toHaveLength(0);
      expect(byTestId(html, "setup-add-member")).toHaveLength(0);
    }
    // With two members the banner's item is gone, the button stays.
    await enroll(pool.id);
    await enroll(pool.id);
    const full = await htmlOf(adminUser, `/pools/${pool.id}`);
    expect(byTestId(full, "setup-add-member")).toHaveLength(0);
    expect(byTestId(full, "add-member-link")).toHaveLength(1);
  });

  it("enrolls as the API does and answers with the one-liner, never a redirect", async () => {
    const adminUser = await browserAs("admin");
    const pool = await newPool();
    const form = await htmlOf(adminUser, `/pools/${pool.id}/members/new`);
    expect(byTestId(form, "add-member-form")).toHaveLength(1);
    expect(controlValue(form, "member-name")).toBe("");

    const response = await postForm(adminUser, `/pools/${pool.id}/members/new`, {
      ...FORM,
      priority: "",
    });
    const { html, command, secret } = await shownSecretOf(response);

    const [member] = await membersOf(pool.id);
    expect(member).toMatchObject({
      name: "edge north",
      hostname: "edge-north",
      allowedIps: [AGENT_IP, "2001:db8::/48"],
      priority: 100,
      status: "unknown",
    });
    expect(html).toContain(`data-live-src="/ui/members/${member?.id}/first-heartbeat/fragment"`);
    expect(byTestId(html, "first-heartbeat")[0]?.["data-state"]).toBe("waiting");
    const [event] = await eventsOf(pool.id, "member.enrolled");
    expect(event).toMatchObject({ memberId: member?.id, actor: `user:${adminUser.userId}` });

    // The secret in the one-liner is the member's.
    const enrolled = { member, secret, installCommand: command } as Enrolled;
    expect((await heartbeat(enrolled)).status).toBe(200);
  });

  it("shows the first heartbeat once the agent sends it, then stops the live refresh", async () => {
    const adminUser = await browserAs("admin");
    const pool = await newPool();
    const enrolled = await enroll(pool.id);
    const path = `/ui/members/${enrolled.member.id}/first-heartbeat/fragment`;

    const before = await fetchAs(adminUser, path);
    expect(before.headers.get("X-Baton-Fragment")).toBe("1");
    const waiting = await before.text();
    expect(byTestId(waiting, "first-heartbeat")[0]).toMatchObject({ "data-state": "waiting" });
    expect(byTestId(waiting, "first-heartbeat")[0]).not.toHaveProperty("data-live-done");
    expect(textOf(waiting, "first-heartbeat")).toContain("Waiting for the first heartbeat");

    const sentAt = Date.now();
    expect(
      (await heartbeat(enrolled, { agentVersion: "1.4.2", publicIp: "198.51.100.77" })).status,
    ).toBe(200);
    // A later beat with another version: the fragment still shows the first.
    expect((await heartbeat(enrolled, { agentVersion: "1.5.0" })).status).toBe(200);
    const seen = await htmlOf(adminUser, path);
    const [region] = byTestId(seen, "first-heartbeat");
    expect(region?.["data-state"]).toBe("seen");
    expect(region?.["data-live-done"]).toContain("first heartbeat received");
    expect(textOf(seen, "first-heartbeat-agent")).toBe("1.4.2");
    expect(textOf(seen, "first-heartbeat-ip")).toBe("198.51.100.77");
    const at = Date.parse(`${textOf(seen, "first-heartbeat-at").replace(" UTC", "")}Z`);
    expect(Math.abs(at - sentAt)).toBeLessThan(5_000);
    expect(byTestId(seen, "enrolled-status-link")[0]?.href).toBe(
      `/members/${enrolled.member.id}/status`,
    );
  });

  it("shows what is wrong next to each field, keeps the input, and enrolls nobody", async () => {
    const adminUser = await browserAs("admin");
    const pool = await newPool();
    const response = await postForm(adminUser, `/pools/${pool.id}/members/new`, {
      name: "",
      hostname: "edge north",
      allowedIps: "203.0.113.300",
      priority: "first",
    });
    expect(response.status).toBe(400);
    const html = await response.text();
    for (const field of ["name", "hostname", "allowedIps", "priority"]) {
      expect(byTestId(html, `field-error-${field}`), field).toHaveLength(1);
    }
    expect(textOf(html, "field-error-allowedIps")).toMatch(/^203\.0\.113\.300: /);
    expect(controlValue(html, "member-hostname")).toBe("edge north");
    expect(controlValue(html, "member-allowedIps")).toBe("203.0.113.300");
    expect(controlValue(html, "member-priority")).toBe("first");
    expect(html).not.toContain("--token");
    expect(await membersOf(pool.id)).toEqual([]);
  });

  it("refuses a hostname the pool has, on the hostname field", async () => {
    const adminUser = await browserAs("admin");
    const pool = await newPool();
    const existing = await enroll(pool.id);
    const response = await postForm(adminUser, `/pools/${pool.id}/members/new`, {
      ...FORM,
      hostname: existing.member.hostname.toUpperCase(),
    });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(textOf(html, "field-error-hostname")).toContain("already has a member with hostname");
    expect(await membersOf(pool.id)).toHaveLength(1);
  });

  it.each(["viewer", "operator"] as const)(
    "shows a %s the form disabled and refuses the post with 403",
    async (role) => {
      const user = await browserAs(role);
      const pool = await newPool();
      const html = await htmlOf(user, `/pools/${pool.id}/members/new`);
      expect(textOf(html, "add-member-read-only")).toContain("Needs the admin role");
      expect(html.slice(html.indexOf('data-testid="add-member-form"'))).toMatch(
        /<fieldset[^>]*\bdisabled\b/,
      );
      const refused = await postForm(user, `/pools/${pool.id}/members/new`, FORM);
      expect(refused.status).toBe(403);
      expect(await refused.text()).not.toContain("--token");
      expect(await membersOf(pool.id)).toEqual([]);
    },
  );

  it("answers 404 for an unknown pool or member", async () => {
    const adminUser = await browserAs("admin");
    const missingPool = "pool_00000000000000000000000000";
    expect((await fetchAs(adminUser, `/pools/${missingPool}/members/new`)).status).toBe(404);
    expect((await postForm(adminUser, `/pools/${missingPool}/members/new`, FORM)).status).toBe(404);
    const path = "/ui/members/mem_00000000000000000000000000/first-heartbeat/fragment";
    expect((await fetchAs(adminUser, path)).status).toBe(404);
  });
});
