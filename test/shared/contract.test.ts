import { describe, expect, it } from "vitest";
import { EventListQuery } from "../../shared/events";
import { HEARTBEAT_RTT_MAX_MS, Heartbeat } from "../../shared/heartbeat";
import { CreateJob, JOB_KINDS, JobResult, parseJobPayload } from "../../shared/jobs";
import { CreateMember } from "../../shared/members";
import { CreatePool, UpdatePool } from "../../shared/pools";

function issues(result: {
  success: boolean;
  error?: { issues: { path: PropertyKey[]; message: string }[] };
}) {
  return (result.error?.issues ?? []).map((issue) => `${issue.path.join(".")}: ${issue.message}`);
}

describe("heartbeat", () => {
  it("needs only hostname and agentVersion", () => {
    expect(Heartbeat.safeParse({ hostname: "edge-1", agentVersion: "0.1.0" }).success).toBe(true);
  });

  it("names what is wrong in a probe section", () => {
    const result = Heartbeat.safeParse({
      hostname: "edge-1",
      agentVersion: "0.1.0",
      services: { haproxy: { installed: true, activeState: "sleeping" } },
      host: { cpuPercent: 140, memUsedBytes: 1, memTotalBytes: 1, load1: 0 },
      publicIp: "300.1.1.1",
    });
    expect(issues(result).map((line) => line.split(":")[0])).toEqual([
      "services.haproxy.activeState",
      "host.cpuPercent",
      "publicIp",
    ]);
  });

  it.each([
    [0, true],
    [37, true],
    [HEARTBEAT_RTT_MAX_MS, true],
    [HEARTBEAT_RTT_MAX_MS + 1, false],
    [-1, false],
    [12.5, false],
    ["12", false],
  ])("takes the previous beat's round-trip as whole ms within bounds: %j → %s", (rttMs, ok) => {
    const result = Heartbeat.safeParse({ hostname: "edge-1", agentVersion: "0.1.0", rttMs });
    expect(result.success).toBe(ok);
  });
});

describe("pools", () => {
  it("fills defaults and normalises the hostname", () => {
    expect(CreatePool.parse({ name: "edge", failoverHostname: "LB.Example.com." })).toEqual({
      name: "edge",
      profile: "haproxy",
      failoverHostname: "lb.example.com",
      failoverDelayS: 10,
      autoFailover: true,
      failbackHoldDownS: 300,
      allowPrivateAddresses: false,
    });
  });

  it.each([
    [{ failoverDelayS: 2 }, "failoverDelayS: must be at least 3 seconds"],
    [{ failoverDelayS: 121 }, "failoverDelayS: must be at most 120 seconds"],
    [{ failoverDelayS: 7.5 }, "failoverDelayS: must be a whole number of seconds"],
    [
      { failoverHostname: "localhost" },
      "failoverHostname: must be a fully qualified name such as lb.example.com",
    ],
    [{ profile: "traefik" }, "profile: "],
    [{ extra: 1 }, ""],
  ])("refuses %j", (overrides, message) => {
    const result = CreatePool.safeParse({
      name: "edge",
      failoverHostname: "lb.example.com",
      ...overrides,
    });
    expect(result.success).toBe(false);
    expect(issues(result).join("\n")).toContain(message);
  });

  it("refuses an empty update", () => {
    expect(UpdatePool.safeParse({}).success).toBe(false);
    expect(UpdatePool.safeParse({ autoFailover: false }).success).toBe(true);
  });
});

describe("members", () => {
  it.each(["203.0.113.7", "10.0.0.0/8", "2001:db8::1", "2001:db8::/48", "0.0.0.0/0"])(
    "accepts %s",
    (ip) => {
      expect(
        CreateMember.safeParse({ name: "a", hostname: "edge-1", allowedIps: [ip] }).success,
      ).toBe(true);
    },
  );

  it.each(["203.0.113", "10.0.0.0/33", "example.com", ""])("refuses allowed IP %j", (ip) => {
    const result = CreateMember.safeParse({ name: "a", hostname: "edge-1", allowedIps: [ip] });
    expect(issues(result)).toEqual([
      "allowedIps.0: must be an IPv4/IPv6 address or CIDR range, such as 203.0.113.7 or 2001:db8::/48",
    ]);
  });

  it("needs at least one allowed IP", () => {
    expect(
      issues(CreateMember.safeParse({ name: "a", hostname: "edge-1", allowedIps: [] }))[0],
    ).toContain("0.0.0.0/0 allows any");
  });
});

describe("jobs", () => {
  it("has the whole catalog", () => {
    expect(JOB_KINDS).toEqual([
      "haproxy.install",
      "haproxy.reload",
      "haproxy.start",
      "haproxy.restart",
      "haproxy.backup",
      "haproxy.restore",
      "haproxy.drain",
      "haproxy.ready",
      "haproxy.config.apply",
      "nginx.install",
      "nginx.reload",
      "nginx.start",
      "nginx.restart",
      "nginx.backup",
      "nginx.restore",
      "nginx.config.apply",
      "balancer.apply",
      "agent.update",
    ]);
  });

  it.each([
    ["haproxy.reload", {}, true],
    ["haproxy.reload", { command: "rm -rf /" }, false],
    ["haproxy.drain", { backend: "web" }, true],
    ["haproxy.drain", { backend: "web; reboot" }, false],
    ["haproxy.drain", {}, false],
    ["haproxy.restore", { backupId: "bak_1" }, true],
    ["agent.update", { version: "1.2.3", sha256: "a".repeat(64) }, true],
    ["agent.update", { version: "latest", sha256: "a".repeat(64) }, false],
  ] as const)("%s with %j → %s", (kind, payload, ok) => {
    expect(parseJobPayload(kind, payload).success).toBe(ok);
  });

  it("refuses unknown kinds and defaults the payload and deadline", () => {
    expect(CreateJob.safeParse({ kind: "shell.exec" }).success).toBe(false);
    expect(CreateJob.parse({ kind: "nginx.reload" })).toEqual({
      kind: "nginx.reload",
      payload: {},
      deadlineS: 3600,
    });
  });

  it("caps the output tail at 64 KiB", () => {
    const result = { status: "failed", exitCode: 1, startedAt: 1, finishedAt: 2 };
    expect(JobResult.safeParse({ ...result, outputTail: "x".repeat(65_536) }).success).toBe(true);
    expect(JobResult.safeParse({ ...result, outputTail: "x".repeat(65_537) }).success).toBe(false);
  });
});

it("event filters take exact types and prefixes", () => {
  expect(EventListQuery.parse({ type: "member.online,job.*" }).type).toEqual([
    "member.online",
    "job.*",
  ]);
  expect(EventListQuery.safeParse({ type: "member.exploded" }).success).toBe(false);
});
