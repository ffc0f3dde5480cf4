import { describe, expect, it } from "vitest";
import type { MonitoredService } from "../../../shared/heartbeat";
import { JOB_KINDS, type JobKind } from "../../../shared/jobs";
import type { PoolProfile } from "../../../shared/pools";
import { gateJobKind, jobKindAvailability } from "../../../worker/jobs/gating";

type Installed = Partial<Record<MonitoredService, boolean>>;

function allowed(profile: PoolProfile, kind: JobKind, installed: Installed = {}) {
  return gateJobKind(kind, { profile, memberName: "edge-1", installed }).allowed;
}

describe("gateJobKind", () => {
  it.each<[PoolProfile, JobKind, Installed, boolean]>([
    ["haproxy", "haproxy.reload", {}, true],
    ["haproxy", "haproxy.install", { haproxy: false }, true],
    ["haproxy", "haproxy.restore", {}, true],
    ["haproxy", "nginx.reload", { nginx: true }, false],
    ["haproxy", "nginx.backup", {}, false],
    ["haproxy", "agent.update", {}, true],
    ["nginx", "nginx.config.apply", {}, true],
    ["nginx", "nginx.install", { nginx: false }, true],
    ["nginx", "haproxy.drain", { haproxy: true }, false],
    ["nginx", "agent.update", {}, true],
    ["generic", "agent.update", {}, true],
    ["generic", "haproxy.backup", {}, false],
    ["generic", "haproxy.backup", { haproxy: false }, false],
    ["generic", "haproxy.backup", { haproxy: true }, true],
    ["generic", "haproxy.reload", { nginx: true }, false],
    ["generic", "nginx.restore", { nginx: true }, true],
    ["generic", "nginx.reload", { haproxy: true, nginx: false }, false],
  ])("a %s pool, %s, installed %j → allowed %s", (profile, kind, installed, expected) => {
    expect(allowed(profile, kind, installed)).toBe(expected);
  });

  it("says why and what to do when it refuses", () => {
    const other = gateJobKind("nginx.reload", {
      profile: "haproxy",
      memberName: "edge-1",
      installed: {},
    });
    expect(other.reason).toContain("haproxy pool");
    expect(other.reason).toContain("set the pool's profile to nginx or generic");

    const unreported = gateJobKind("haproxy.backup", {
      profile: "generic",
      memberName: "edge-1",
      installed: {},
    });
    expect(unreported.reason).toContain("has not reported haproxy yet");
    const missing = gateJobKind("haproxy.backup", {
      profile: "generic",
      memberName: "edge-1",
      installed: { haproxy: false },
    });
    expect(missing.reason).toContain("reports haproxy not installed");
    expect(missing.reason).toContain("install haproxy on the VM");
  });

  it("gives no reason for an allowed kind", () => {
    expect(
      gateJobKind("agent.update", { profile: "nginx", memberName: "x", installed: {} }),
    ).toEqual({ kind: "agent.update", allowed: true });
  });
});

describe("jobKindAvailability", () => {
  it("lists every kind of the catalog once, in catalog order", () => {
    const kinds = jobKindAvailability({ profile: "haproxy", memberName: "x", installed: {} });
    expect(kinds.map((entry) => entry.kind)).toEqual(JOB_KINDS);
  });
});
