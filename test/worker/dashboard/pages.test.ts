import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { describe, expect, it } from "vitest";
import type { Event } from "../../../shared/events";
import type { Member } from "../../../shared/members";
import type { Pool } from "../../../shared/pools";
import type { Role } from "../../../shared/tokens";
import { dashboardPages } from "../../../worker/dashboard/index";
import { D1Meter } from "../../../worker/db/meter";
import { onError, onNotFound } from "../../../worker/errors";
import { requestContext } from "../../../worker/middleware/request-context";
import type { AppEnv } from "../../../worker/types";
import { admin, createPool, type Enrolled, enroll, heartbeat } from "../helpers";
import { byTestId, textOf } from "./html";

// The dashboard sub-app behind a stand-in for the session layer, which sets what
// requireSession sets (session and actor). The real wiring is covered in pages-wiring.test.ts.
const CSRF = "test-csrf-token";

function dashboardAs(role: Role | null) {
  const session = { userId: "u1", username: "ada", role: role ?? "viewer", csrf: CSRF };
  const signIn = createMiddleware<AppEnv>(async (c, next) => {
    if (role) {
      c.set("session", session);
      c.set("actor", { id: "user:u1", role });
    }
    await next();
  });
  const app = new Hono<AppEnv>()
    .use("*", requestContext(new D1Meter()))
    .route("/", dashboardPages([signIn]));
  app.onError(onError);
  app.notFound(onNotFound);
  return (path: string, init?: RequestInit) => app.request(`http://baton.test${path}`, init, env);
}

const operator = dashboardAs("operator");
const viewer = dashboardAs("viewer");

function post(as: typeof operator, path: string, fields: Record<string, string> = { _csrf: CSRF }) {
  return as(path, { method: "POST", body: new URLSearchParams(fields), redirect: "manual" });
}

/** A heartbeat that makes a member ready in an HAProxy pool, with host metrics and backends. */
function readyBeat(enrolled: Enrolled, ip: string) {
  return heartbeat(enrolled, {
    publicIp: ip,
    services: { haproxy: { installed: true, activeState: "active" } },
    host: {
      cpuPercent: 37.4,
      memUsedBytes: 1_073_741_824,
      memTotalBytes: 4_294_967_296,
      load1: 0.3,
    },
    haproxy: {
      backends: [{ name: "web", status: "UP", serversUp: 2, serversTotal: 3, currentSessions: 4 }],
    },
  });
}

async function poolOf(poolId: string): Promise<Pool> {
  return (await admin<{ pool: Pool }>(`/pools/${poolId}`)).body.pool;
}

/** A pool whose two members are both ready, `a` (priority 1) active. */
async function twoReady() {
  const pool = await createPool({ name: `edge-${crypto.randomUUID().slice(0, 6)}` });
  const a = await enroll(pool.id, { priority: 1 });
  const b = await enroll(pool.id, { priority: 2 });
  expect((await readyBeat(a, "198.51.100.1")).status).toBe(200);
  expect((await readyBeat(b, "198.51.100.2")).status).toBe(200);
  expect((await poolOf(pool.id)).activeMemberId).toBe(a.member.id);
  return { pool, a: a.member, b: b.member, agentA: a };
}

function cardOf(html: string, member: Member) {
  return byTestId(html, "member-card").find((card) => card["data-member-id"] === member.id);
}

describe("GET / (pools list)", () => {
  it("shows each pool's hostname, active member and IP, members up, DNS and failover state", async () => {
    const { pool, a } = await twoReady();
    const response = await operator("/");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toMatch(/text\/html/);
    const html = await response.text();
    expect(html.startsWith("<!doctype html>")).toBe(true);
    const row = byTestId(html, "pool-row").find((each) => each["data-pool-id"] === pool.id);
    expect(row).toBeDefined();
    const start = html.indexOf(`data-pool-id="${pool.id}"`);
    const text = html.slice(start, html.indexOf("</li>", start)).replace(/<[^>]+>/g, " ");
    expect(text).toContain(pool.failoverHostname);
    expect(text).toContain(`${a.name} (198.51.100.1)`);
    expect(text).toMatch(/2\s*\/\s*2/);
    expect(text).toContain("DNS not connected");
    expect(text).toContain("on");
    expect(textOf(html, "signed-in-user")).toBe("ada");
    expect(html).toContain(`name="_csrf" value="${CSRF}"`);
  });

  it("serves the list's live fragment without the page around it", async () => {
    const { pool } = await twoReady();
    const response = await operator("/ui/pool-list/fragment");
    expect(response.headers.get("X-Baton-Fragment")).toBe("1");
    const html = await response.text();
    expect(html).not.toContain("<html");
    expect(byTestId(html, "pool-row").map((row) => row["data-pool-id"])).toContain(pool.id);
  });

  it("answers 401 when no session reached the pages", async () => {
    expect((await dashboardAs(null)("/")).status).toBe(401);
  });
});

describe("GET /pools/:poolId (overview)", () => {
  it("draws the flow with the active member, ready standbys, backends and member cards", async () => {
    const { pool, a, b } = await twoReady();
    const html = await (await operator(`/pools/${pool.id}`)).text();
    expect(byTestId(html, "flow-diagram")).toHaveLength(1);
    expect(byTestId(html, "flow-active")[0]?.["data-member-id"]).toBe(a.id);
    // The first active taking the traffic is no failover.
    expect(byTestId(html, "last-failover")).toHaveLength(0);
    expect(byTestId(html, "flow-standby")).toEqual([
      expect.objectContaining({ "data-member-id": b.id, "data-ready": "true" }),
    ]);
    expect(textOf(html, "flow-backend")).toContain("web · 2/3 up · 4 sess");
    // Some servers down: amber, not the green of all up; the box leads to the backend's rows.
    expect(byTestId(html, "flow-backend")[0]?.["data-tone"]).toBe("some-down");
    expect(html).toContain(`href="/members/${a.id}/status#backend-web"`);
    expect(textOf(html, "flow-sessions")).toBe("4 sessions");
    expect(cardOf(html, a)).toMatchObject({ "data-role": "active", "data-online": "true" });
    expect(cardOf(html, b)).toMatchObject({ "data-role": "standby", "data-online": "true" });
    const ages = byTestId(html, "heartbeat-age");
    expect(ages).toHaveLength(2);
    expect(Number(ages[0]?.["data-last-heartbeat-at"])).toBeGreaterThan(Date.now() - 60_000);
    const card = textOf(html, "member-card");
    expect(card).toContain("37 %");
    expect(card).toContain("1.0 GiB of 4.0 GiB");
    expect(card).toContain("198.51.100.1");
    expect(card).toContain("0.1.0");
    // The cut names who loses the traffic, who takes it and where DNS will point.
    expect(html).toContain(
      `data-confirm="Cut traffic from ${a.name} to ${b.name}? DNS will point at 198.51.100.2."`,
    );
    // Only DNS is missing: two members, both seen.
    expect(byTestId(html, "setup-banner")).toHaveLength(1);
    expect(html).toContain('data-setup-item="dns"');
    expect(html).not.toContain('data-setup-item="members"');
    expect(html).not.toContain('data-setup-item="never_seen"');
  });

  it("raises an alarm when traffic goes to an active that does not serve and failover is paused", async () => {
    const { pool, a, agentA } = await twoReady();
    expect((await post(operator, `/ui/pools/${pool.id}/pause`)).status).toBe(303);
    const down = await heartbeat(agentA, {
      publicIp: "198.51.100.1",
      services: { haproxy: { installed: true, activeState: "failed" } },
    });
    expect(down.status).toBe(200);
    const html = await (await operator(`/pools/${pool.id}`)).text();
    expect(byTestId(html, "pool-health")[0]).toMatchObject({
      "data-health": "at_risk",
      role: "alert",
    });
    expect(textOf(html, "pool-health")).toContain(
      `Traffic goes to ${a.name}, which is haproxy failed. Automatic failover is paused.`,
    );
    expect(byTestId(html, "flow-edge-active")[0]?.class).toContain("edge-dead");
    expect(textOf(html, "members-serving")).toBe("Members serving: 1/2");

    // The pools list says the same, from what the coordinator recorded in D1.
    const list = await (await operator("/")).text();
    const row = byTestId(list, "pool-row").find((each) => each["data-pool-id"] === pool.id);
    expect(row?.["data-health"]).toBe("at_risk");
    const listed = list.slice(list.indexOf(`data-pool-id="${pool.id}"`));
    expect(textOf(listed, "pool-health-summary")).toBe(
      `Traffic goes to ${a.name}, which is haproxy failed. Automatic failover is paused.`,
    );
  });

  it("lists a pool whose members are all well as healthy but for DNS, and says so", async () => {
    const { pool } = await twoReady();
    const list = await (await operator("/")).text();
    const row = byTestId(list, "pool-row").find((each) => each["data-pool-id"] === pool.id);
    // No DNS provider yet: the members are fine, the pool is degraded until DNS is connected.
    expect(row?.["data-health"]).toBe("degraded");
    const listed = list.slice(list.indexOf(`data-pool-id="${pool.id}"`));
    expect(textOf(listed, "pool-health-summary")).toBe(
      "DNS is not connected: the hostname will not follow failover.",
    );
  });

  it("lists what setup is missing and says why a standby is not ready", async () => {
    const pool = await createPool({ name: "new" });
    const edge = await enroll(pool.id);
    const html = await (await operator(`/pools/${pool.id}`)).text();
    expect(byTestId(html, "flow-active")).toHaveLength(0);
    expect(byTestId(html, "flow-no-active")).toHaveLength(1);
    expect(byTestId(html, "flow-standby")[0]).toMatchObject({
      "data-member-id": edge.member.id,
      "data-ready": "false",
    });
    expect(cardOf(html, edge.member)).toMatchObject({ "data-online": "false" });
    expect(textOf(html, "member-card")).toContain("Not ready: never seen");
    const banner = textOf(html, "setup-banner");
    expect(banner).toContain("DNS is not connected");
    expect(byTestId(html, "setup-dns-link")[0]?.href).toBe(`/pools/${pool.id}/dns`);
    expect(banner).toContain("The pool has 1 member: failover needs at least two.");
    expect(banner).toContain(`${edge.member.name} has never been seen`);
  });

  it("serves the live part as a fragment and as JSON, the same view", async () => {
    const { pool, a, b } = await twoReady();
    const fragment = await operator(`/ui/pools/${pool.id}/fragment`);
    expect(fragment.status).toBe(200);
    expect(fragment.headers.get("X-Baton-Fragment")).toBe("1");
    expect(fragment.headers.get("Cache-Control")).toBe("no-store");
    const html = await fragment.text();
    expect(html).not.toContain("<html");
    expect(byTestId(html, "flow-active")[0]?.["data-member-id"]).toBe(a.id);
    expect(byTestId(html, "member-card")).toHaveLength(2);
    const live = await operator(`/ui/pools/${pool.id}/live`);
    const { view } = (await live.json()) as {
      view: { active: { id: string }; standbys: { id: string; ready: boolean }[] };
    };
    expect(view.active.id).toBe(a.id);
    expect(view.standbys).toEqual([expect.objectContaining({ id: b.id, ready: true })]);
  });

  it("draws an nginx member's lane from what nginx reports, and says what it does not", async () => {
    const pool = await createPool({ name: "edge-nginx", profile: "nginx" });
    const edge = await enroll(pool.id);
    const beat = await heartbeat(edge, {
      publicIp: "198.51.100.9",
      services: { nginx: { installed: true, activeState: "active" } },
      nginx: {
        activeConnections: 12,
        accepts: 40,
        handled: 40,
        requests: 345,
        reading: 1,
        writing: 2,
        waiting: 9,
      },
    });
    expect(beat.status).toBe(200);
    const html = await (await operator(`/pools/${pool.id}`)).text();
    const lane = byTestId(html, "flow-lane").find(
      (each) => each["data-member-id"] === edge.member.id,
    );
    expect(lane?.["data-role"]).toBe("active");
    const nginx = textOf(html, "flow-nginx");
    expect(nginx).toContain("nginx · 12 connections");
    expect(nginx).toContain("1 reading · 2 writing · 9 waiting · 345 requests since start");
    expect(nginx).toContain("no per-backend or per-server state");
    expect(byTestId(html, "flow-backend")).toHaveLength(0);
  });

  it("answers 404 for a pool that does not exist", async () => {
    expect((await operator("/pools/pool_missing")).status).toBe(404);
    expect((await operator("/ui/pools/pool_missing/fragment")).status).toBe(404);
  });

  it("shows a viewer the actions disabled", async () => {
    const { pool } = await twoReady();
    const html = await (await viewer(`/pools/${pool.id}`)).text();
    const buttons = [
      ...byTestId(html, "action-make-active"),
      ...byTestId(html, "action-cut-next"),
      ...byTestId(html, "action-pause"),
      ...byTestId(html, "action-drain"),
    ];
    expect(buttons.length).toBe(5);
    for (const button of buttons) expect(button).toHaveProperty("disabled");
    const operatorHtml = await (await operator(`/pools/${pool.id}`)).text();
    expect(byTestId(operatorHtml, "action-make-active")[0]).not.toHaveProperty("disabled");
  });
});

describe("dashboard actions", () => {
  it("makes a standby active and says so after the redirect", async () => {
    const { pool, b } = await twoReady();
    const response = await post(operator, `/ui/members/${b.id}/make-active`);
    expect(response.status).toBe(303);
    const location = response.headers.get("Location") ?? "";
    expect(location).toBe(
      `/pools/${pool.id}?flash=${encodeURIComponent(`${b.name} is now active`).replace(/%20/g, "+")}`,
    );
    expect((await poolOf(pool.id)).activeMemberId).toBe(b.id);
    const html = await (await operator(location)).text();
    expect(textOf(html, "flash")).toBe(`${b.name} is now active`);
    expect(byTestId(html, "flow-active")[0]?.["data-member-id"]).toBe(b.id);
    // The move stays on the overview after the flash is gone.
    expect(textOf(html, "last-failover")).toMatch(
      new RegExp(`^Last failover: edge-\\w+ → ${b.name}: switched by hand, \\d+ s ago$`),
    );
  });

  it("cuts to the next standby, pauses and resumes failover, drains and undrains", async () => {
    const { pool, a, b } = await twoReady();
    expect((await post(operator, `/ui/pools/${pool.id}/next`)).status).toBe(303);
    expect((await poolOf(pool.id)).activeMemberId).toBe(b.id);
    expect((await post(operator, `/ui/pools/${pool.id}/pause`)).status).toBe(303);
    expect((await poolOf(pool.id)).autoFailover).toBe(false);
    const paused = await (await operator(`/pools/${pool.id}`)).text();
    expect(textOf(paused, "auto-failover")).toContain("paused");
    expect(byTestId(paused, "action-resume")).toHaveLength(1);
    expect((await post(operator, `/ui/pools/${pool.id}/resume`)).status).toBe(303);
    expect((await poolOf(pool.id)).autoFailover).toBe(true);
    expect((await post(operator, `/ui/members/${a.id}/drain`)).status).toBe(303);
    const drained = await admin<{ member: Member }>(`/members/${a.id}`);
    expect(drained.body.member.draining).toBe(true);
    const html = await (await operator(`/pools/${pool.id}`)).text();
    expect(byTestId(html, "flow-standby")[0]).toMatchObject({ "data-ready": "false" });
    expect(byTestId(html, "action-undrain")).toHaveLength(1);
    expect((await post(operator, `/ui/members/${a.id}/undrain`)).status).toBe(303);
    expect((await admin<{ member: Member }>(`/members/${a.id}`)).body.member.draining).toBe(false);
    // Each of those changes is in the pool's audit trail under the signed-in user.
    const { events } = (await admin<{ events: Event[] }>(`/pools/${pool.id}/events?limit=50`)).body;
    const byUser = (type: string) =>
      events.filter((event) => event.type === type).map((event) => event.actor);
    for (const type of [
      "failover.promoted",
      "failover.paused",
      "failover.resumed",
      "member.drained",
      "member.undrained",
    ]) {
      expect(byUser(type), type).toContain("user:u1");
    }
  });

  it("brings a refusal back as an error flash, changing nothing", async () => {
    const pool = await createPool({ name: "refuse" });
    const a = await enroll(pool.id);
    const b = await enroll(pool.id);
    await readyBeat(a, "198.51.100.3");
    const response = await post(operator, `/ui/members/${b.member.id}/make-active`);
    expect(response.status).toBe(303);
    const location = new URL(response.headers.get("Location") ?? "", "http://baton.test");
    expect(location.searchParams.get("flashKind")).toBe("error");
    expect(location.searchParams.get("flash")).toContain("is not ready");
    expect((await poolOf(pool.id)).activeMemberId).toBe(a.member.id);
  });

  it("refuses a viewer with 403 and leaves traffic where it is", async () => {
    const { pool, a, b } = await twoReady();
    expect((await post(viewer, `/ui/members/${b.id}/make-active`)).status).toBe(403);
    expect((await post(viewer, `/ui/pools/${pool.id}/pause`)).status).toBe(403);
    expect((await post(viewer, `/ui/members/${a.id}/drain`)).status).toBe(403);
    const after = await poolOf(pool.id);
    expect(after.activeMemberId).toBe(a.id);
    expect(after.autoFailover).toBe(true);
  });

  it("answers 404 for an action on a member that does not exist", async () => {
    expect((await post(operator, "/ui/members/mem_missing/make-active")).status).toBe(404);
  });
});
