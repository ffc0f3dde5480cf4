import { describe, expect, it } from "vitest";
import type { HaproxyStatRow } from "../../../shared/haproxy-stat";
import {
  formatCount,
  formatSeconds,
  groupBackends,
  STAT_STALE_MS,
  statTableView,
  statTone,
} from "../../../worker/dashboard/member-status/haproxy-table";

const NOW = 1_700_000_000_000;

function row(patch: Partial<HaproxyStatRow>): HaproxyStatRow {
  return {
    proxy: "be_app",
    service: "app1",
    kind: "server",
    status: "UP",
    checkStatus: null,
    checkDesc: null,
    scur: 0,
    smax: 0,
    stot: 0,
    rate: 0,
    weight: 1,
    lastchg: 1,
    addr: null,
    mode: "http",
    ...patch,
  };
}

// In the order HAProxy lists them: a frontend, a backend's servers then its BACKEND line.
const ROWS = [
  row({ proxy: "fe_web", service: "FRONTEND", kind: "frontend", status: "OPEN" }),
  row({ service: "app1" }),
  row({ service: "app2", status: "DOWN" }),
  row({ service: "BACKEND", kind: "backend" }),
  row({ proxy: "be_api", service: "api1", status: "MAINT" }),
  row({ proxy: "be_api", service: "BACKEND", kind: "backend", status: "DOWN" }),
];

describe("statTone", () => {
  it.each([
    ["UP", "up"],
    ["OPEN", "up"],
    ["DOWN", "down"],
    ["STOP", "down"],
    ["MAINT", "maint"],
    ["MAINT (via be_x/app1)", "maint"],
    ["MAINT (resolution)", "maint"],
    ["DRAIN", "drain"],
    ["DRAIN (agent)", "drain"],
    ["NOLB", "drain"],
    ["no check", "nocheck"],
    ["UP 1/3", "transition"],
    ["DOWN 1/2", "transition"],
    ["FULL", "transition"],
    ["weird", "unknown"],
    [null, "unknown"],
  ] as const)("%j is %s", (status, tone) => {
    expect(statTone(status)).toBe(tone);
  });
});

describe("groupBackends", () => {
  it("puts each backend's BACKEND line with its servers, in the order of first appearance", () => {
    const groups = groupBackends(ROWS);
    expect(groups.map((group) => group.name)).toEqual(["be_app", "be_api"]);
    expect(groups[0]?.backend?.service).toBe("BACKEND");
    expect(groups[0]?.servers.map((server) => server.service)).toEqual(["app1", "app2"]);
    expect(groups[1]?.servers.map((server) => server.status)).toEqual(["MAINT"]);
  });

  it("keeps servers of a table cut before their BACKEND line", () => {
    expect(groupBackends([row({ service: "app1" })])).toEqual([
      { name: "be_app", backend: null, servers: [row({ service: "app1" })] },
    ]);
  });
});

describe("statTableView", () => {
  it("asks nothing of an nginx pool", () => {
    expect(statTableView("nginx", "online", null, NOW)).toEqual({
      state: "not_haproxy",
      profile: "nginx",
    });
  });

  it.each(["haproxy", "generic"] as const)("waits in a %s pool until a table came", (profile) => {
    expect(statTableView(profile, "online", { collectedAt: null, rows: [] }, NOW)).toEqual({
      state: "waiting",
      profile,
      liveness: "online",
    });
  });

  it("groups a fresh table, frontends and listeners apart from backends", () => {
    const listener = row({ proxy: "fe_web", service: "sock-1", kind: "listener", status: "OPEN" });
    const view = statTableView(
      "haproxy",
      "online",
      { collectedAt: NOW - 1_500, rows: [...ROWS, listener] },
      NOW,
    );
    expect(view).toMatchObject({ state: "table", ageMs: 1_500, stale: false });
    if (view.state !== "table") return;
    expect(view.frontends.map((each) => each.service)).toEqual(["FRONTEND", "sock-1"]);
    expect(view.backends).toHaveLength(2);
  });

  it("calls a table stale past STAT_STALE_MS, with its age", () => {
    const at = (ageMs: number) =>
      statTableView("haproxy", "offline", { collectedAt: NOW - ageMs, rows: ROWS }, NOW);
    expect(at(STAT_STALE_MS)).toMatchObject({ stale: false });
    expect(at(STAT_STALE_MS + 1)).toMatchObject({ stale: true, ageMs: STAT_STALE_MS + 1 });
    // An agent clock ahead of ours is no negative age.
    expect(at(-5_000)).toMatchObject({ stale: false, ageMs: 0 });
  });
});

describe("formatSeconds and formatCount", () => {
  it.each([
    [null, "–"],
    [undefined, "–"],
    [0, "0 s"],
    [59.9, "59 s"],
    [60, "1 min"],
    [3_600, "1 h"],
    [3_600 + 5 * 60, "1 h 5 min"],
    [48 * 3_600, "2 d"],
    [50 * 3_600, "2 d 2 h"],
  ])("formatSeconds(%j) = %j", (seconds, text) => {
    expect(formatSeconds(seconds)).toBe(text);
  });

  it.each([
    [null, "–"],
    [0, "0"],
    [999, "999"],
    [1_000, "1,000"],
    [1_234_567, "1,234,567"],
  ])("formatCount(%j) = %j", (value, text) => {
    expect(formatCount(value)).toBe(text);
  });
});
