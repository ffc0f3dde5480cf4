/**
 * `show stat` / `show info` parsers against output captured from a real HAProxy 2.6.12
 * (fixtures/haproxy-2.6-*: fe_web, backend be_app with app1 up and app2 on a dead port).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseShowInfo } from "../../../agent/parsers/haproxy-info";
import { parseShowStat, summarise } from "../../../agent/parsers/haproxy-stat";
import { HaproxySummary } from "../../../shared/heartbeat";

const fixture = (name: string) =>
  readFileSync(join(import.meta.dirname, "..", "fixtures", name), "utf8");

describe("parseShowStat", () => {
  it("types each row of a real capture, numbers as numbers and empty cells as null", () => {
    const rows = parseShowStat(fixture("haproxy-2.6-show-stat.csv"));
    expect(rows.map((r) => [r.proxy, r.service, r.kind, r.status])).toEqual([
      ["fe_web", "FRONTEND", "frontend", "OPEN"],
      ["be_app", "app1", "server", "UP"],
      ["be_app", "app2", "server", "DOWN"],
      ["be_app", "BACKEND", "backend", "UP"],
    ]);
    const [frontend, app1, app2] = rows;
    expect(frontend).toMatchObject({ scur: 0, smax: 1, stot: 5, rate: 5, checkStatus: null });
    // HTTP requests per second: what the overview's arrows carry for frontends.
    expect(frontend?.reqRate).toBe(5);
    expect(app1?.reqRate).toBeNull();
    expect(frontend?.weight).toBeNull();
    expect(app1).toMatchObject({ checkStatus: "L7OK", stot: 5, weight: 1, mode: "http" });
    expect(app1?.checkDesc).toBe("Layer7 check passed");
    expect(app2).toMatchObject({ checkStatus: "L4CON", stot: 0, addr: "127.0.0.1:18432" });
  });

  it("reads limits, bytes, errors, check code and duration, last check and downtime", () => {
    const [frontend, app1, app2, backend] = parseShowStat(fixture("haproxy-2.6-show-stat.csv"));
    expect(frontend).toMatchObject({ slim: 9979, bin: 410, bout: 520, ereq: 0, econ: null });
    expect(frontend).toMatchObject({ checkCode: null, checkDurationMs: null, downtime: null });
    expect(app1).toMatchObject({ checkCode: 200, checkDurationMs: 1, lastChk: null, downtime: 0 });
    expect(app1).toMatchObject({ econ: 0, eresp: 0, slim: null, bin: 410, bout: 520 });
    expect(app2).toMatchObject({ checkCode: null, checkDurationMs: 0, downtime: 2 });
    expect(app2?.lastChk).toBe("Connection refused");
    expect(backend).toMatchObject({ slim: 998, bin: 410, bout: 520, ereq: null });
  });

  it.each([
    { file: "haproxy-2.6-show-stat-drain.csv", app1: "DRAIN", backend: "DOWN" },
    { file: "haproxy-2.6-show-stat-maint.csv", app1: "MAINT", backend: "DOWN" },
  ])("reads $app1 from $file", ({ file, app1, backend }) => {
    const rows = parseShowStat(fixture(file));
    expect(rows.find((r) => r.service === "app1")?.status).toBe(app1);
    expect(rows.find((r) => r.kind === "backend")?.status).toBe(backend);
  });

  it("finds columns by header name, not position", () => {
    const rows = parseShowStat("# svname,status,pxname,scur\nweb1,UP,be_x,7\nBACKEND,UP,be_x,\n");
    expect(rows[0]).toMatchObject({ proxy: "be_x", service: "web1", status: "UP", scur: 7 });
    expect(rows[1]).toMatchObject({ kind: "backend", scur: null, checkStatus: null });
  });

  it.each(["", "Unknown command\n", "fe,FRONTEND,1\n"])("throws without a header: %j", (text) => {
    expect(() => parseShowStat(text)).toThrow(/header/);
  });
});

describe("parseShowInfo", () => {
  it("reads version, uptime, connections and session rate from a real capture", () => {
    expect(parseShowInfo(fixture("haproxy-2.6-show-info.txt"))).toEqual({
      version: "2.6.12-1+deb12u4",
      uptimeS: 1,
      currentConnections: 0,
      sessionRate: 5,
    });
  });

  it.each([
    { text: "", want: {} },
    {
      text: "Version: 2.8.3\nUptime_sec: -4\nCurrConns: x\nSessRate: 12\n",
      want: { version: "2.8.3", sessionRate: 12 },
    },
  ])("leaves out missing or malformed fields: $text", ({ text, want }) => {
    expect(parseShowInfo(text)).toEqual(want);
  });
});

describe("summarise", () => {
  const info = parseShowInfo(fixture("haproxy-2.6-show-info.txt"));
  it.each([
    { file: "haproxy-2.6-show-stat.csv", status: "UP", serversUp: 1 },
    { file: "haproxy-2.6-show-stat-drain.csv", status: "DOWN", serversUp: 0 },
    { file: "haproxy-2.6-show-stat-maint.csv", status: "DOWN", serversUp: 0 },
  ])("$file → $serversUp of 2 up, backend $status", ({ file, status, serversUp }) => {
    const summary = summarise(parseShowStat(fixture(file)), info);
    expect(summary).toEqual({
      ...info,
      backends: [{ name: "be_app", status, serversUp, serversTotal: 2, currentSessions: 0 }],
    });
    expect(HaproxySummary.safeParse(summary).success).toBe(true);
  });

  it("counts 'UP 1/2' (a server going down, still serving) as up", () => {
    const csv = "# pxname,svname,status,scur\nb,s1,UP 1/2,3\nb,s2,NOLB,0\nb,BACKEND,UP,3\n";
    expect(summarise(parseShowStat(csv)).backends).toEqual([
      { name: "b", status: "UP", serversUp: 1, serversTotal: 2, currentSessions: 3 },
    ]);
  });
});
