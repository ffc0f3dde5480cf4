import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { MemberMetrics } from "../../../shared/metrics";
import { refreshMs } from "../../../worker/dashboard/monitoring/routes";
import { admin, BASE, createPool, enroll } from "../helpers";
import { createUser, signIn as signInThroughForm } from "./auth-helpers";
import { byTestId, textOf } from "./html";

// The member workspace's Monitoring tab as the Worker serves it, signed in through the real
// login form, over sample rows written as the coordinator writes them.

const GIB = 1024 ** 3;
const FIGURES = ["rtt", "cpu", "memory", "sessions", "session-rate"];

async function viewerCookie() {
  const user = await createUser("viewer");
  const session = await signInThroughForm(user.username);
  return `baton_session=${session.cookie}`;
}

function fetchAs(cookie: string | null, path: string) {
  const headers = new Headers(cookie ? { Cookie: cookie } : {});
  return exports.default.fetch(`${BASE}${path}`, { headers, redirect: "manual" });
}

async function htmlOf(cookie: string, path: string) {
  const response = await fetchAs(cookie, path);
  expect(response.status, path).toBe(200);
  return response.text();
}

function sample(poolId: string, at: number, members: Record<string, object>) {
  return env.DB.prepare("INSERT INTO metric_samples (pool_id, at, members) VALUES (?, ?, ?)")
    .bind(poolId, at, JSON.stringify(members))
    .run();
}

/** A member with four samples in the last hour, absent from the third. */
async function sampledMember() {
  const pool = await createPool({ name: `mon-${crypto.randomUUID().slice(0, 6)}` });
  const edge = await enroll(pool.id);
  const id = edge.member.id;
  const now = Date.now();
  const figures = (cpuPercent: number, rttMs: number, sessions: number) => ({
    cpuPercent,
    rttMs,
    memUsedBytes: 1.5 * GIB,
    memTotalBytes: 4 * GIB,
    currentConnections: sessions,
    sessionRate: 5,
  });
  await sample(pool.id, now - 120_000, { [id]: figures(20, 10, 3) });
  await sample(pool.id, now - 90_000, { [id]: figures(60, 30, 17) });
  await sample(pool.id, now - 60_000, {}); // the member said nothing in this window
  await sample(pool.id, now - 30_000, { [id]: figures(42.5, 12, 11) });
  return { pool, member: edge.member };
}

describe("the member's Monitoring tab", () => {
  it("charts each figure with its latest, average, min and max, in its unit", async () => {
    const cookie = await viewerCookie();
    const { member } = await sampledMember();
    const html = await htmlOf(cookie, `/members/${member.id}/monitoring`);
    expect(byTestId(html, "tab-monitoring")[0]?.["aria-current"]).toBe("page");
    expect(byTestId(html, "monitoring")[0]?.["data-range"]).toBe("hour");
    const charts = byTestId(html, "chart-[a-z-]+").filter((tag) => tag.class === "chart");
    expect(charts.map((chart) => chart["data-testid"])).toEqual(
      FIGURES.map((figure) => `chart-${figure}`),
    );
    expect(textOf(html, "chart-rtt-latest")).toBe("12 ms");
    expect(textOf(html, "chart-rtt-max-value")).toBe("30 ms");
    expect(textOf(html, "chart-rtt-min")).toBe("10 ms");
    expect(textOf(html, "chart-rtt-avg")).toBe("17 ms"); // (10 + 30 + 12) / 3 = 17.3
    expect(textOf(html, "chart-cpu-latest")).toBe("42.5 %");
    expect(textOf(html, "chart-cpu-max-value")).toBe("60.0 %");
    expect(textOf(html, "chart-memory-latest")).toBe("1.5 GiB of 4.0 GiB");
    expect(textOf(html, "chart-sessions-latest")).toBe("11 sessions");
    expect(textOf(html, "chart-sessions-max-value")).toBe("17 sessions");
    expect(textOf(html, "chart-session-rate-latest")).toBe("5 sessions/s");
    // The absent sample breaks each line: three points, one gap, two runs (a line and a dot).
    const cpu = byTestId(html, "chart-cpu")[0];
    expect(cpu).toMatchObject({ "data-points": "3", "data-gaps": "1" });
    const line = byTestId(html, "chart-cpu-line")[0]?.d ?? "";
    expect(line.match(/M/g)).toHaveLength(1);
    expect(line.match(/L/g)).toHaveLength(1);
    expect(textOf(html, "chart-cpu")).toContain("max 60.0 %");
  });

  it("says in words what each chart shows, for screen readers", async () => {
    const cookie = await viewerCookie();
    const { member } = await sampledMember();
    const html = await htmlOf(cookie, `/members/${member.id}/monitoring`);
    expect(html).toContain(
      'viewBox="0 0 400 176" role="img" aria-labelledby="chart-rtt-title chart-rtt-desc"',
    );
    expect(html).toContain(
      '<title id="chart-rtt-title">Heartbeat round-trip, the last hour</title>',
    );
    expect(html).toContain(
      '<desc id="chart-memory-desc">Latest 1.5 GiB of 4.0 GiB, average 1.5 GiB, minimum 1.5 GiB, ' +
        "maximum 1.5 GiB; 3 points, 1 gap.</desc>",
    );
  });

  it("switches range with links, and refreshes in place at a pace that suits the range", async () => {
    const cookie = await viewerCookie();
    const { member } = await sampledMember();
    const hour = await htmlOf(cookie, `/members/${member.id}/monitoring`);
    expect(byTestId(hour, "range-hour")[0]).toMatchObject({ "aria-current": "page" });
    expect(byTestId(hour, "range-day")[0]?.href).toBe(`/members/${member.id}/monitoring?range=day`);
    const region = /<div id="monitoring-live"[^>]*>/.exec(hour)?.[0] ?? "";
    expect(region).toContain(
      `data-live-src="/ui/members/${member.id}/monitoring/fragment?range=hour"`,
    );
    expect(region).toContain('data-live-interval-ms="15000"');

    const day = await htmlOf(cookie, `/members/${member.id}/monitoring?range=day`);
    expect(byTestId(day, "range-day")[0]).toMatchObject({ "aria-current": "page" });
    expect(byTestId(day, "monitoring")[0]?.["data-range"]).toBe("day");
    expect(day).toContain('data-live-interval-ms="300000"');
    expect(day).toContain("Heartbeat round-trip, the last day");

    const fragment = await fetchAs(
      cookie,
      `/ui/members/${member.id}/monitoring/fragment?range=day`,
    );
    expect(fragment.status).toBe(200);
    expect(fragment.headers.get("X-Baton-Fragment")).toBe("1");
    const body = await fragment.text();
    expect(body.startsWith("<section")).toBe(true);
    expect(byTestId(body, "monitoring")[0]?.["data-range"]).toBe("day");
    expect(textOf(body, "chart-cpu-latest")).toBe("42.5 %");
  });

  it("draws the same series the API serves", async () => {
    const cookie = await viewerCookie();
    const { member } = await sampledMember();
    const api = await admin<MemberMetrics>(`/members/${member.id}/metrics?range=day`);
    const html = await htmlOf(cookie, `/members/${member.id}/monitoring?range=day`);
    const reported = api.body.points.filter((point) => point.sessionRate !== null);
    expect(byTestId(html, "chart-session-rate")[0]?.["data-points"]).toBe(String(reported.length));
  });

  it("an unknown range shows the hour and says so; no samples yet says so too", async () => {
    const cookie = await viewerCookie();
    const pool = await createPool({ name: "mon-empty" });
    const { member } = await enroll(pool.id);
    const html = await htmlOf(cookie, `/members/${member.id}/monitoring?range=week`);
    expect(textOf(html, "flash").replaceAll("&quot;", '"')).toBe(
      'There is no range "week": showing the last hour (choose hour or day)',
    );
    expect(byTestId(html, "monitoring")[0]?.["data-range"]).toBe("hour");
    expect(textOf(html, "monitoring-note")).toContain("No samples in the last hour yet");
    expect(textOf(html, "chart-cpu-latest")).toBe("—");
    expect(textOf(html, "chart-cpu")).toContain("Nothing reported");
    expect(html).not.toContain('class="line"');
  });

  it("needs a session, and answers 404 for a member that does not exist", async () => {
    const pool = await createPool({ name: "mon-auth" });
    const { member } = await enroll(pool.id);
    await createUser("viewer"); // users exist: no session means the login page
    const anonymous = await fetchAs(null, `/members/${member.id}/monitoring?range=day`);
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("Location")).toBe(
      `/login?next=${encodeURIComponent(`/members/${member.id}/monitoring?range=day`)}`,
    );
    const fragment = await fetchAs(null, `/ui/members/${member.id}/monitoring/fragment`);
    expect(fragment.status).toBe(302);
    const cookie = await viewerCookie();
    expect((await fetchAs(cookie, "/members/mem_missing/monitoring")).status).toBe(404);
    expect((await fetchAs(cookie, "/ui/members/mem_missing/monitoring/fragment")).status).toBe(404);
  });

  it("is a tab of every member page", async () => {
    const cookie = await viewerCookie();
    const { member } = await sampledMember();
    const jobs = await htmlOf(cookie, `/members/${member.id}/jobs`);
    expect(byTestId(jobs, "tab-monitoring")[0]?.href).toBe(`/members/${member.id}/monitoring`);
  });
});

describe("refreshMs", () => {
  it.each([
    ["hour", 30_000, 15_000],
    ["hour", 10_000, 5_000],
    ["hour", 2_000, 1_500],
    ["hour", 600_000, 15_000],
    ["day", 30_000, 300_000],
    ["day", 1_000, 300_000],
  ] as const)("%s at %d ms samples: every %d ms", (range, sampleMs, expected) => {
    expect(refreshMs(range, sampleMs)).toBe(expected);
  });
});
