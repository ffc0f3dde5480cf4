import { describe, expect, it } from "vitest";
import type { HaproxyStatRow } from "../../../shared/haproxy-stat";
import { agentCall, createPool, type Enrolled, enroll, heartbeat } from "../helpers";
import { byTestId, textOf } from "./html";
import { browserAs, fetchAs, htmlOf } from "./pages-as";

// The member's Status tab through the real Worker, signed in through the login form: the
// heartbeat facts, and HAProxy's table as the member's agent sends it (POST /agent/v1/haproxy/stat).
const MISSING_MEMBER = "mem_00000000000000000000000000";

function server(service: string, patch: Partial<HaproxyStatRow> = {}): HaproxyStatRow {
  return {
    proxy: "be_app",
    service,
    kind: "server",
    status: "UP",
    checkStatus: "L7OK",
    checkDesc: "Layer7 check passed",
    scur: 2,
    smax: 9,
    stot: 1234,
    rate: 1,
    weight: 1,
    lastchg: 3_700,
    addr: "10.0.0.5:8080",
    mode: "http",
    checkCode: 200,
    checkDurationMs: 3,
    bin: 2_048,
    bout: 1_048_576,
    econ: 0,
    eresp: 1,
    downtime: 0,
    ...patch,
  };
}

const TABLE: HaproxyStatRow[] = [
  {
    ...server("FRONTEND"),
    proxy: "fe_web",
    kind: "frontend",
    status: "OPEN",
    checkStatus: null,
    checkDesc: null,
    slim: 9979,
    ereq: 4,
  },
  server("app1"),
  server("app2", {
    status: "DOWN",
    checkStatus: "L4CON",
    checkCode: null,
    checkDurationMs: 0,
    checkDesc: "Layer4 connection problem",
    lastChk: "Connection refused",
    downtime: 125,
  }),
  { ...server("BACKEND"), kind: "backend", checkStatus: null, slim: 998 },
];

async function beating(profile: "haproxy" | "nginx" | "generic" = "haproxy") {
  const pool = await createPool({ name: `status-${crypto.randomUUID().slice(0, 6)}`, profile });
  const edge = await enroll(pool.id);
  const service = profile === "nginx" ? "nginx" : "haproxy";
  const beat = await heartbeat(edge, {
    agentVersion: "1.4.2",
    publicIp: "198.51.100.40",
    services: { [service]: { installed: true, activeState: "active" } },
    haproxy: profile === "nginx" ? undefined : { version: "2.6.12", uptimeS: 7_200 },
  });
  expect(beat.status).toBe(200);
  return { pool, edge, member: edge.member };
}

function sendTable(edge: Enrolled, rows: HaproxyStatRow[], collectedAt = Date.now()) {
  return agentCall(edge, "/haproxy/stat", { body: { collectedAt, rows } });
}

function rows(html: string) {
  return byTestId(html, "stat-row").map((row) => ({
    proxy: row["data-proxy"],
    service: row["data-service"],
    kind: row["data-kind"],
    status: row["data-status"],
    tone: row["data-tone"],
  }));
}

describe("the member's Status tab", () => {
  it("shows the heartbeat's facts and asks the agent for HAProxy's table", async () => {
    const viewer = await browserAs("viewer");
    const { edge, member } = await beating();
    const html = await htmlOf(viewer, `/members/${member.id}/status`);
    expect(byTestId(html, "tab-status")[0]?.["aria-current"]).toBe("page");
    expect(html).toContain(`data-live-src="/ui/members/${member.id}/status/fragment"`);
    const [facts] = byTestId(html, "member-facts");
    expect(facts).toMatchObject({ "data-role": "active", "data-online": "true" });
    expect(Number(byTestId(html, "heartbeat-age")[0]?.["data-last-heartbeat-at"])).toBeGreaterThan(
      Date.now() - 60_000,
    );
    expect(textOf(html, "member-agent-version")).toBe("1.4.2");
    expect(textOf(html, "member-public-ip")).toBe("198.51.100.40");
    expect(textOf(html, "service-haproxy")).toBe("active");
    expect(textOf(html, "member-facts")).toContain("2.6.12, up 2 h");

    // No table yet: the page says so, and the agent's next heartbeat is asked for one.
    expect(byTestId(html, "stat-none")[0]?.["data-stat-state"]).toBe("waiting");
    expect(textOf(html, "stat-none")).toContain("sends it with its next heartbeats");
    const beat = await heartbeat(edge);
    expect(beat.body.wants.haproxyStat).toBe(true);
  });

  it("shows the table the agent sent, grouped by proxy, with check results, and live", async () => {
    const viewer = await browserAs("viewer");
    const { edge, member } = await beating();
    await htmlOf(viewer, `/members/${member.id}/status`);
    expect((await sendTable(edge, TABLE)).status).toBe(204);

    const response = await fetchAs(viewer, `/ui/members/${member.id}/status/fragment`);
    expect(response.status).toBe(200);
    expect(response.headers.get("X-Baton-Fragment")).toBe("1");
    const html = await response.text();
    expect(byTestId(html, "stat-age")[0]?.["data-stale"]).toBe("false");
    expect(byTestId(html, "stat-frontends")).toHaveLength(1);
    expect(byTestId(html, "stat-backend").map((group) => group["data-proxy"])).toEqual(["be_app"]);
    // Frontends first; then each backend's line above its servers.
    expect(rows(html)).toEqual([
      { proxy: "fe_web", service: "FRONTEND", kind: "frontend", status: "OPEN", tone: "up" },
      { proxy: "be_app", service: "BACKEND", kind: "backend", status: "UP", tone: "up" },
      { proxy: "be_app", service: "app1", kind: "server", status: "UP", tone: "up" },
      { proxy: "be_app", service: "app2", kind: "server", status: "DOWN", tone: "down" },
    ]);
    const backends = textOf(html, "stat-backends");
    expect(backends).toContain("L7OK 200 · 3 ms");
    expect(backends).toContain("L4CON · 0 ms Connection refused");
    expect(backends).toContain("2 / 9 / 998"); // sessions cur / max / limit of the backend
    expect(backends).toContain("2 min"); // app2's downtime
    expect(backends).toContain("1 h 1 min ago"); // last status change
    expect(backends).toContain("1.0 MiB");
    expect(textOf(html, "stat-frontends")).toContain("2 / 9 / 9,979");
  });

  it("says how old a table is when the agent has not sent a newer one", async () => {
    const viewer = await browserAs("viewer");
    const { edge, member } = await beating();
    await htmlOf(viewer, `/members/${member.id}/status`);
    expect((await sendTable(edge, TABLE, Date.now() - 5 * 60_000)).status).toBe(204);
    const html = await htmlOf(viewer, `/members/${member.id}/status`);
    expect(byTestId(html, "stat-age")[0]?.["data-stale"]).toBe("true");
    expect(textOf(html, "stat-age")).toMatch(/^Stale: this table was collected 5 min ago/);
    expect(rows(html)).toHaveLength(4);
  });

  it("says an nginx pool has no table and asks its agent for none", async () => {
    const viewer = await browserAs("viewer");
    const { edge, member } = await beating("nginx");
    const html = await htmlOf(viewer, `/members/${member.id}/status`);
    expect(byTestId(html, "stat-none")[0]?.["data-stat-state"]).toBe("not_haproxy");
    expect(textOf(html, "stat-none")).toContain("nginx pool");
    expect(textOf(html, "service-nginx")).toBe("active");
    expect((await heartbeat(edge)).body.wants.haproxyStat).toBe(false);
  });

  it("explains the wait for a member never seen, and in a generic pool", async () => {
    const viewer = await browserAs("viewer");
    const pool = await createPool({ name: "status-unseen" });
    const unseen = await enroll(pool.id);
    const html = await htmlOf(viewer, `/members/${unseen.member.id}/status`);
    expect(textOf(html, "stat-none")).toContain("never reported");
    expect(byTestId(html, "member-facts")[0]?.["data-online"]).toBe("false");
    expect(textOf(html, "heartbeat-age")).toBe("never");

    const { member } = await beating("generic");
    const generic = await htmlOf(viewer, `/members/${member.id}/status`);
    expect(textOf(generic, "stat-none")).toContain("only when HAProxy runs");
  });

  it("is the member's default tab, linked from its name on the pool's card", async () => {
    const viewer = await browserAs("viewer");
    const { pool, member } = await beating();
    const overview = await htmlOf(viewer, `/pools/${pool.id}`);
    expect(byTestId(overview, "member-status-link").map((link) => link.href)).toEqual([
      `/members/${member.id}/status`,
    ]);
    const bare = await fetchAs(viewer, `/members/${member.id}`);
    expect(bare.status).toBe(302);
    expect(bare.headers.get("Location")).toBe(`/members/${member.id}/status`);
    const tabs = byTestId(await htmlOf(viewer, `/members/${member.id}/jobs`), "tab-status");
    expect(tabs.map((tab) => tab.href)).toEqual([`/members/${member.id}/status`]);
  });

  it("answers 404 for an unknown member, and sends a signed-out browser to log in", async () => {
    const viewer = await browserAs("viewer");
    for (const path of [
      `/members/${MISSING_MEMBER}`,
      `/members/${MISSING_MEMBER}/status`,
      `/ui/members/${MISSING_MEMBER}/status/fragment`,
    ]) {
      expect((await fetchAs(viewer, path)).status, path).toBe(404);
    }
    const { member } = await beating();
    const anonymous = await fetchAs(
      { cookie: "", csrf: "", userId: "", username: "" },
      `/members/${member.id}/status`,
    );
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("Location")).toContain("/login?next=");
  });
});
