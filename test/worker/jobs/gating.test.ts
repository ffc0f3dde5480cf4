import { describe, expect, it } from "vitest";
import type { MonitoredService } from "../../../shared/heartbeat";
import { JOB_KINDS, type JobKind } from "../../../shared/jobs";
import type { PoolProfile } from "../../../shared/pools";
import {
  availabilityForRole,
  gateJobKind,
  gateJobRole,
  jobKindAvailability,
} from "../../../worker/jobs/gating";

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

describe("gateJobRole", () => {
  it.each([
    ["viewer", "haproxy.reload", false],
    ["operator", "haproxy.reload", true],
    ["operator", "haproxy.backup", true],
    ["operator", "haproxy.drain", true],
    ["operator", "haproxy.config.apply", false],
    ["operator", "nginx.restore", false],
    ["operator", "nginx.install", false],
    ["operator", "agent.update", false],
    ["admin", "agent.update", true],
    ["admin", "haproxy.config.apply", true],
  ] as const)("a %s may queue %s: %s", (role, kind, allowed) => {
    expect(gateJobRole(kind, role).allowed).toBe(allowed);
  });

  it("says which role is needed, the caller's, and why", () => {
    expect(gateJobRole("haproxy.restore", "operator").reason).toBe(
      "Needs the admin role (you have operator): raw config apply, restore, install and agent update change what a VM runs as root",
    );
  });
});

describe("availabilityForRole", () => {
  it("narrows what the member runs to what the role may queue, keeping the member's reasons", () => {
    const kinds = availabilityForRole(
      jobKindAvailability({ profile: "haproxy", memberName: "x", installed: {} }),
      "operator",
    );
    const byKind = new Map(kinds.map((entry) => [entry.kind, entry]));
    expect(byKind.get("haproxy.reload")).toEqual({ kind: "haproxy.reload", allowed: true });
    expect(byKind.get("haproxy.config.apply")?.reason).toContain("Needs the admin role");
    expect(byKind.get("nginx.config.apply")?.reason).toContain("haproxy pool");
  });
});
