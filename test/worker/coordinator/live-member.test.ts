import { describe, expect, it } from "vitest";
import type { Heartbeat } from "../../../shared/heartbeat";
import {
  type LiveMember,
  observeHeartbeat,
  offlineDeadline,
  resumeAfterRestart,
  silentMembers,
} from "../../../worker/coordinator/live-member";

const base: LiveMember = {
  memberId: "mem_1",
  name: "edge-1",
  status: "online",
  lastHeartbeatAt: 1_000,
  agentVersion: "0.1.0",
  publicIp: "203.0.113.7",
  services: { haproxy: "active" },
  installed: { haproxy: true },
  haproxy: null,
  nginx: null,
  host: null,
};
const report = (extra: Partial<Heartbeat> = {}): Heartbeat => ({
  hostname: "edge-1",
  agentVersion: "0.1.0",
  ...extra,
});
const haproxy = (activeState: "active" | "inactive" | "reloading") => ({
  services: { haproxy: { installed: true, activeState } },
});

describe("observeHeartbeat", () => {
  it.each([
    ["an unchanged beat", base, report(), []],
    [
      "the first beat ever",
      { ...base, status: "unknown" as const, lastHeartbeatAt: null },
      report(),
      [{ kind: "online", silentForMs: null }],
    ],
    [
      "a beat after going offline",
      { ...base, status: "offline" as const },
      report(),
      [{ kind: "online", silentForMs: 4_000 }],
    ],
    [
      "haproxy going down",
      base,
      report(haproxy("inactive")),
      [{ kind: "service", service: "haproxy", from: "active", to: "inactive" }],
    ],
    [
      "haproxy reloading",
      base,
      report(haproxy("reloading")),
      [{ kind: "service", service: "haproxy", from: "active", to: "reloading" }],
    ],
    ["the same service state", base, report(haproxy("active")), []],
    [
      "a new public IP",
      base,
      report({ publicIp: "198.51.100.2" }),
      [{ kind: "identity", agentVersion: "0.1.0", publicIp: "198.51.100.2" }],
    ],
    [
      "an upgraded agent",
      base,
      report({ agentVersion: "0.2.0" }),
      [{ kind: "identity", agentVersion: "0.2.0", publicIp: "203.0.113.7" }],
    ],
    [
      "nginx reported installed for the first time",
      base,
      report({ services: { nginx: { installed: true, activeState: "inactive" } } }),
      [
        { kind: "service", service: "nginx", from: null, to: "inactive" },
        { kind: "installed", service: "nginx", installed: true },
      ],
    ],
    [
      "haproxy uninstalled",
      base,
      report({ services: { haproxy: { installed: false, activeState: "active" } } }),
      [{ kind: "installed", service: "haproxy", installed: false }],
    ],
  ])("%s", (_name, previous, beat, changes) => {
    const result = observeHeartbeat(previous, beat, 5_000);
    expect(result.changes).toEqual(changes);
    expect(result.next.status).toBe("online");
    expect(result.next.lastHeartbeatAt).toBe(5_000);
  });

  it("keeps the latest HAProxy summary and nginx status, and drops them when a beat has none", () => {
    const nginx = {
      activeConnections: 3,
      accepts: 10,
      handled: 10,
      requests: 42,
      reading: 0,
      writing: 1,
      waiting: 2,
    };
    const haproxySummary = { currentConnections: 7 };
    const first = observeHeartbeat(base, report({ nginx, haproxy: haproxySummary }), 5_000);
    expect(first.next).toMatchObject({ nginx, haproxy: haproxySummary });
    expect(first.changes).toEqual([]);
    const second = observeHeartbeat(first.next, report(), 6_000);
    expect(second.next).toMatchObject({ nginx: null, haproxy: null });
  });

  it("remembers whether each service is installed", () => {
    const beat = report({ services: { nginx: { installed: false, activeState: "inactive" } } });
    expect(observeHeartbeat(base, beat, 5_000).next.installed).toEqual({
      haproxy: true,
      nginx: false,
    });
  });

  it("keeps the last known public IP when a beat has none", () => {
    expect(observeHeartbeat(base, report(), 5_000).next.publicIp).toBe("203.0.113.7");
  });
});

describe("deadlines", () => {
  it("counts only online members", () => {
    expect(offlineDeadline(base, 10_000)).toBe(11_000);
    expect(offlineDeadline({ ...base, status: "offline" }, 10_000)).toBeNull();
    expect(
      offlineDeadline({ ...base, status: "unknown", lastHeartbeatAt: null }, 10_000),
    ).toBeNull();
  });

  it("finds members silent for the whole delay, not a millisecond less", () => {
    const fresh = { ...base, memberId: "mem_2", lastHeartbeatAt: 5_000 };
    expect(silentMembers([base, fresh], 10_000, 10_999)).toEqual([]);
    expect(silentMembers([base, fresh], 10_000, 11_000)).toEqual([base]);
    expect(silentMembers([base, fresh], 10_000, 15_000)).toEqual([base, fresh]);
  });

  it("counts silence only from when the coordinator could hear again", () => {
    expect(offlineDeadline(base, 10_000, 50_000)).toBe(60_000);
    expect(offlineDeadline({ ...base, lastHeartbeatAt: 55_000 }, 10_000, 50_000)).toBe(65_000);
    expect(silentMembers([base], 10_000, 59_999, 50_000)).toEqual([]);
    expect(silentMembers([base], 10_000, 60_000, 50_000)).toEqual([base]);
  });

  it("keeps a restarted member's real last heartbeat", () => {
    expect(resumeAfterRestart(base).lastHeartbeatAt).toBe(base.lastHeartbeatAt);
    const offline = { ...base, status: "offline" as const };
    expect(resumeAfterRestart(offline)).toEqual(offline);
  });

  it("fills in fields that state stored by an older coordinator lacks", () => {
    const { installed: _installed, haproxy: _haproxy, nginx: _nginx, ...old } = base;
    const resumed = resumeAfterRestart(old as LiveMember);
    expect(resumed).toMatchObject({ installed: {}, haproxy: null, nginx: null });
  });
});
