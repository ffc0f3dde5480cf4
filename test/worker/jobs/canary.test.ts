import { describe, expect, it } from "vitest";
import type { JobRow } from "../../../worker/db/schema/jobs";
import { canaryFailure, contentHash, pickCanaryMember } from "../../../worker/jobs/canary";
import { failoverMember, NOW, POLICY } from "../failover/fixtures";

const policy = POLICY;
const member = failoverMember;

describe("pickCanaryMember", () => {
  const anyone = () => true;

  it("picks the ready standby failover would promote next: best priority, then freshest", () => {
    const members = [
      member("active", { priority: 1 }),
      member("b", { priority: 5, lastHeartbeatAt: NOW - 2_000 }),
      member("c", { priority: 5, lastHeartbeatAt: NOW - 500 }),
      member("d", { priority: 9 }),
    ];
    expect(pickCanaryMember(members, policy, "active", NOW, anyone)?.member.id).toBe("c");
  });

  it("falls back to an online member that is not ready, never a silent or disabled one", () => {
    const members = [
      member("active"),
      member("silent", { lastHeartbeatAt: NOW - 20_000 }),
      member("off", { disabled: true }),
      member("down", { services: { haproxy: "failed" } }),
    ];
    const pick = pickCanaryMember(members, policy, "active", NOW, anyone);
    expect(pick?.member.id).toBe("down");
    expect(pick?.how).toMatch(/not ready/);
    expect(pickCanaryMember(members.slice(0, 3), policy, "active", NOW, anyone)).toBeNull();
  });

  it("skips members that may not run the kind", () => {
    const members = [member("active"), member("nginx-only"), member("b", { priority: 50 })];
    const mayRun = (id: string) => id !== "nginx-only";
    expect(pickCanaryMember(members, policy, "active", NOW, mayRun)?.member.id).toBe("b");
  });
});

describe("contentHash", () => {
  it("is the same for the same kind and payload whatever the key order, else different", async () => {
    const one = await contentHash("haproxy.drain", { backend: "web", server: "a" });
    expect(one).toMatch(/^[0-9a-f]{64}$/);
    expect(await contentHash("haproxy.drain", { server: "a", backend: "web" })).toBe(one);
    expect(await contentHash("haproxy.ready", { backend: "web", server: "a" })).not.toBe(one);
    expect(await contentHash("haproxy.drain", { backend: "web", server: "b" })).not.toBe(one);
  });
});

describe("canaryFailure", () => {
  const finished = (overrides: Partial<JobRow>) =>
    ({ exitCode: 1, outputTail: null, ...overrides }) as JobRow;

  it("gives the agent's last line, or how the canary ended", () => {
    const tail = "haproxy: new configuration is valid\nfailed: listener 10.99.99.99:8443: nope\n\n";
    expect(canaryFailure(finished({ status: "failed", outputTail: tail }))).toBe(
      "it failed: listener 10.99.99.99:8443: nope",
    );
    expect(canaryFailure(finished({ status: "timed_out" }))).toBe("it timed out");
    expect(canaryFailure(finished({ status: "cancelled" }))).toBe("it was cancelled");
    expect(canaryFailure(finished({ status: "failed" }))).toBe("it failed (exit code 1)");
  });
});
