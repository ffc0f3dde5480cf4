import { describe, expect, it } from "vitest";
import type { LiveMember } from "../../../worker/coordinator/live-member";
import { formatAge, formatBytes } from "../../../worker/dashboard/common/format";
import { type PoolViewInput, poolView } from "../../../worker/dashboard/overview/pool-view";
import type { MemberRow } from "../../../worker/db/schema/members";
import type { PoolRow } from "../../../worker/db/schema/pools";
import {
  type FailoverMember,
  type FailoverPolicy,
  notReadyReasons,
} from "../../../worker/failover/decide";

const NOW = 1_000_000;
const POLICY: FailoverPolicy = {
  autoFailover: true,
  failoverDelayMs: 10_000,
  monitoredService: "haproxy",
  preferredPrimaryId: null,
  failbackHoldDownMs: 0,
  // The members' addresses are documentation ones (198.51.100.x): a lab pool.
  allowPrivateAddresses: true,
};
const READY: FailoverMember = {
  id: "m1",
  priority: 1,
  lastHeartbeatAt: NOW - 1_000,
  services: { haproxy: "active" },
  draining: false,
  disabled: false,
  publicIp: "198.51.100.1",
  readySince: null,
};

describe("notReadyReasons: what the dashboard says and failover decides by", () => {
  it.each([
    ["a healthy member", {}, []],
    ["a draining member", { draining: true }, ["draining"]],
    ["a disabled, draining member", { disabled: true, draining: true }, ["disabled", "draining"]],
    [
      "a member never seen",
      { lastHeartbeatAt: null, publicIp: null },
      ["never seen", "no public IPv4 reported"],
    ],
    [
      "a silent member",
      { lastHeartbeatAt: NOW - 10_000 },
      ["no heartbeat within the failover delay"],
    ],
    ["a member whose haproxy failed", { services: { haproxy: "failed" } }, ["haproxy failed"]],
    ["a member that never reported haproxy", { services: {} }, ["haproxy not reported"]],
    ["a member reloading haproxy", { services: { haproxy: "reloading" } }, ["haproxy reloading"]],
    [
      "a member with an IPv6 address only",
      { publicIp: "2001:db8::1" },
      ["public IP 2001:db8::1 is not IPv4"],
    ],
    [
      "a member reporting 0.0.0.0",
      { publicIp: "0.0.0.0" },
      ["public IP 0.0.0.0 is not a unicast address (unspecified 0.0.0.0/8)"],
    ],
    [
      "a member whose probe got a 503",
      { probe: { ok: false, status: 503 } },
      ["its frontend answered 503"],
    ],
    [
      "a member whose probe was refused",
      { probe: { ok: false, error: "ECONNREFUSED" } },
      ["its frontend did not answer (ECONNREFUSED)"],
    ],
    [
      "a member whose backend has no server up",
      { backends: [{ name: "web", serversUp: 0, serversTotal: 2 }] },
      ["no backend server up (web 0/2)"],
    ],
  ] as const)("%s", (_name, patch, reasons) => {
    const member = { ...READY, ...patch } as FailoverMember;
    expect(notReadyReasons(member, POLICY, NOW)).toEqual(reasons);
  });

  it("says why a private address does not do outside a lab", () => {
    const member = { ...READY, publicIp: "10.0.0.5" };
    expect(notReadyReasons(member, { ...POLICY, allowPrivateAddresses: false }, NOW)).toEqual([
      'public IP 10.0.0.5 is not public (private 10.0.0.0/8); turn on "Allow private addresses (labs)" in the pool\'s settings for a lab',
    ]);
  });

  it("ignores services in a generic pool", () => {
    const member = { ...READY, services: {} };
    expect(notReadyReasons(member, { ...POLICY, monitoredService: null }, NOW)).toEqual([]);
  });
});

describe("formatAge and formatBytes", () => {
  it.each([
    [null, "never"],
    [-500, "0 s ago"],
    [1_999, "1 s ago"],
    [59_999, "59 s ago"],
    [60_000, "1 min ago"],
    [3_600_000, "1 h ago"],
    [49 * 3_600_000, "2 d ago"],
  ])("age %s ms reads %s", (age, text) => expect(formatAge(age)).toBe(text));

  it.each([
    [512, "512 B"],
    [1_536, "1.5 KiB"],
    [1_073_741_824, "1.0 GiB"],
    [12 * 1_073_741_824, "12 GiB"],
  ])("%s bytes read %s", (bytes, text) => expect(formatBytes(bytes)).toBe(text));
});

const POOL: PoolRow = {
  id: "pool_1",
  name: "edge",
  profile: "haproxy",
  failoverHostname: "lb.example.com",
  failoverDelayS: 10,
  autoFailover: true,
  preferredPrimaryId: null,
  failbackHoldDownS: 300,
  allowPrivateAddresses: true,
  activeMemberId: "m1",
  lastFlipAt: null,
  membersHealth: null,
  membersHealthSummary: null,
  dnsSyncedAt: NOW - 5_000,
  dnsLastError: null,
  createdAt: 0,
  updatedAt: 0,
};

function row(id: string, priority: number, patch: Partial<MemberRow> = {}): MemberRow {
  return {
    id,
    poolId: POOL.id,
    name: `edge-${id}`,
    hostname: `edge-${id}`,
    allowedIps: ["0.0.0.0/0"],
    priority,
    status: "unknown",
    lastHeartbeatAt: null,
    agentVersion: null,
    publicIp: null,
    draining: false,
    disabled: false,
    createdAt: 0,
    updatedAt: 0,
    ...patch,
  };
}

function live(memberId: string, patch: Partial<LiveMember> = {}): LiveMember {
  return {
    memberId,
    name: `edge-${memberId}`,
    status: "online",
    lastHeartbeatAt: NOW - 1_000,
    agentVersion: "0.1.0",
    publicIp: `198.51.100.${memberId.slice(1)}`,
    services: { haproxy: "active" },
    installed: { haproxy: true },
    haproxy: null,
    nginx: null,
    host: { cpuPercent: 12, memUsedBytes: 1, memTotalBytes: 2, load1: 0 },
    ...patch,
  };
}

const DNS = {
  kind: "cloudflare",
  mode: "active_standby",
  writeVerifiedAt: null,
  writeVerifiedBy: null,
  writeCheckError: null,
} as const;

describe("poolView", () => {
  it("keeps members in priority order whoever is active, each with role, tone and readiness", () => {
    const view = poolView({
      pool: POOL,
      members: [row("m3", 5), row("m1", 9), row("m2", 1), row("m4", 2)],
      live: [live("m1"), live("m2"), live("m3", { services: { haproxy: "failed" } })],
      dns: DNS,
      stats: {},
      now: NOW,
    });
    // Cards do not jump when traffic moves: the active (m1, priority 9) keeps its place.
    expect(view.members.map((member) => [member.id, member.role, member.tone])).toEqual([
      ["m2", "standby", "ready"],
      ["m4", "standby", "offline"],
      ["m3", "standby", "not-ready"],
      ["m1", "active", "active"],
    ]);
    expect(view.standbys.map((member) => member.id)).toEqual(["m2", "m4", "m3"]);
    expect(view.standbys.find((member) => member.id === "m3")?.notReadyReasons).toEqual([
      "haproxy failed",
    ]);
    // m4 was never heard and m3's HAProxy failed: two of four would serve.
    expect(view.membersServing).toBe(2);
    expect(view.active?.cpuPercent).toBe(12);
    expect(view.dns).toMatchObject({ state: "in_sync", provider: "cloudflare" });
    expect(view.setup.map((item) => item.key)).toEqual(["never_seen"]);
  });

  it.each([
    ["no DNS settings", null, {}, "not_connected"],
    ["a provider error", DNS, { dnsLastError: "zone not found" }, "error"],
    ["no confirmation yet", DNS, { dnsSyncedAt: null }, "pending"],
    ["a confirmed sync", DNS, {}, "in_sync"],
  ] as const)("DNS with %s reads %s", (_name, dns, patch, state) => {
    const view = poolView({
      pool: { ...POOL, ...patch },
      members: [],
      live: [],
      dns,
      stats: {},
      now: NOW,
    });
    expect(view.dns.state).toBe(state);
    expect(view.setup.some((item) => item.key === "dns")).toBe(state === "not_connected");
  });

  it("asks for a second member and names members never seen", () => {
    const view = poolView({
      pool: { ...POOL, activeMemberId: null },
      members: [row("m1", 1)],
      live: [],
      dns: DNS,
      stats: {},
      now: NOW,
    });
    expect(view.active).toBeNull();
    expect(view.setup).toEqual([
      { key: "members", message: "The pool has 1 member: failover needs at least two." },
      {
        key: "never_seen",
        message: "edge-m1 has never been seen: run its install command on the VM.",
      },
    ]);
    expect(view.standbys[0]).toMatchObject({
      liveness: "never_seen",
      ready: false,
      tone: "offline",
    });
  });

  it("gives the active member's backends their servers from the stat table", () => {
    const server = (proxy: string, service: string, status: string) => ({
      proxy,
      service,
      kind: "server" as const,
      status,
      checkStatus: "L7OK",
      checkDesc: null,
      scur: 0,
      smax: 0,
      stot: 0,
      rate: 0,
      weight: 1,
      lastchg: 0,
      addr: "10.0.0.1:80",
      mode: "http",
    });
    const backends = [
      { name: "web", status: "UP", serversUp: 1, serversTotal: 2, currentSessions: 3 },
    ];
    const view = poolView({
      pool: POOL,
      members: [row("m1", 1), row("m2", 2)],
      live: [live("m1", { haproxy: { backends } }), live("m2")],
      dns: DNS,
      stats: {
        m1: [server("web", "s1", "UP"), server("web", "s2", "DOWN"), server("api", "s9", "UP")],
      },
      now: NOW,
    });
    expect(view.backends).toEqual([
      expect.objectContaining({
        name: "web",
        serversUp: 1,
        servers: [
          expect.objectContaining({ name: "s1", up: true }),
          expect.objectContaining({ name: "s2", up: false }),
        ],
      }),
    ]);
  });
});

describe("each member's flow", () => {
  const statRow = (
    proxy: string,
    service: string,
    kind: "frontend" | "backend" | "server",
    status: string,
    scur = 0,
    rate = 0,
  ) => ({
    proxy,
    service,
    kind,
    status,
    checkStatus: null,
    checkDesc: null,
    scur,
    smax: 0,
    stot: 0,
    rate,
    weight: 1,
    lastchg: 0,
    addr: kind === "server" ? "10.0.0.1:80" : null,
    mode: "http",
  });
  const table = (app2: string) => [
    statRow("fe_web", "FRONTEND", "frontend", "OPEN", 5, 7),
    statRow("be_app", "app1", "server", "UP", 3, 4),
    statRow("be_app", "app2", "server", app2, 0, 0),
    statRow("be_app", "BACKEND", "backend", "UP", 3, 4),
  ];
  const SHA = (digit: string) => digit.repeat(64);

  it("draws every member from its own table: a server down on the standby only, and which config differs", () => {
    const view = poolView({
      pool: POOL,
      members: [row("m1", 1), row("m2", 2)],
      live: [
        live("m1", { balancer: { revision: 5, sha256: SHA("a") } }),
        live("m2", { balancer: { revision: 4, sha256: SHA("b") } }),
      ],
      dns: DNS,
      stats: { m1: table("UP"), m2: table("DOWN") },
      now: NOW,
    });
    const stateOf = (member: typeof view.active, name: string) =>
      member?.flow?.backends[0]?.servers.find((server) => server.name === name)?.state;
    expect(stateOf(view.active, "app2")).toBe("up");
    expect(stateOf(view.standbys[0] ?? null, "app2")).toBe("down");
    expect(view.standbys[0]?.flow).toMatchObject({
      source: "stat",
      frontends: [{ name: "fe_web", status: "OPEN", scur: 5, rate: 7 }],
      configDiffers: "config differs from the active: revision 4 vs 5",
    });
    expect(view.active?.flow?.configDiffers).toBeNull();
    // The overview's old fields stay the active's.
    expect(view.backends[0]?.servers.map((server) => server.state)).toEqual(["up", "up"]);
  });

  it("says where the figures come from: a table, the heartbeat's summary, nginx, or nothing", () => {
    const backends = [
      { name: "web", status: "UP", serversUp: 1, serversTotal: 1, currentSessions: 0 },
    ];
    const nginx = {
      activeConnections: 4,
      accepts: 9,
      handled: 9,
      requests: 30,
      reading: 0,
      writing: 1,
      waiting: 3,
    };
    const view = poolView({
      pool: POOL,
      members: [row("m1", 1), row("m2", 2), row("m3", 3), row("m4", 4)],
      live: [live("m1"), live("m2", { haproxy: { backends } }), live("m3", { nginx })],
      dns: DNS,
      stats: { m1: table("UP") },
      now: NOW,
    });
    const sources = view.members.map((member) => [member.id, member.flow?.source]);
    expect(sources).toEqual([
      ["m1", "stat"],
      ["m2", "summary"],
      ["m3", "nginx"],
      ["m4", "none"],
    ]);
  });
});

describe("pool health", () => {
  const twoMembers = (patch: Partial<PoolViewInput> = {}) =>
    poolView({
      pool: POOL,
      members: [row("m1", 1), row("m2", 2)],
      live: [live("m1"), live("m2")],
      dns: DNS,
      stats: {},
      now: NOW,
      ...patch,
    });

  it("is healthy when the active serves, a standby is ready and DNS is in sync", () => {
    expect(twoMembers().health).toEqual({ state: "healthy", findings: [] });
  });

  it("is at risk when the active is silent and automatic failover is paused", () => {
    const view = twoMembers({
      pool: { ...POOL, autoFailover: false },
      live: [live("m1", { status: "offline", lastHeartbeatAt: NOW - 30_000 }), live("m2")],
    });
    expect(view.health.state).toBe("at_risk");
    expect(view.health.findings[0]?.text).toBe(
      "Traffic goes to edge-m1, which is offline (no heartbeat within the failover delay). Automatic failover is paused.",
    );
    expect(view.health.findings[0]?.fix).toBe(
      "Resume automatic failover, or cut to the next standby.",
    );
    expect(view.active).toMatchObject({ serving: false, tone: "offline" });
  });

  it("is at risk while an online active's HAProxy is down, with failover under way", () => {
    const view = twoMembers({
      live: [live("m1", { services: { haproxy: "failed" } }), live("m2")],
    });
    expect(view.health.state).toBe("at_risk");
    expect(view.health.findings[0]?.text).toContain("which is haproxy failed");
    expect(view.active).toMatchObject({ liveness: "online", serving: false, tone: "failing" });
    expect(view.membersServing).toBe(1);
  });

  it("is degraded when no standby is ready: the pool cannot fail over", () => {
    const view = twoMembers({ members: [row("m1", 1), row("m2", 2, { draining: true })] });
    expect(view.health).toEqual({
      state: "degraded",
      findings: [
        {
          level: "degraded",
          text: "No standby is ready: the pool cannot fail over.",
          fix: "See each standby's reasons below and repair one.",
        },
      ],
    });
  });

  it("marks a member late past half the failover delay, before it counts as lost", () => {
    const view = twoMembers({ live: [live("m1"), live("m2", { lastHeartbeatAt: NOW - 6_000 })] });
    const late = view.standbys[0];
    expect(late).toMatchObject({ late: true, ready: true, tone: "late" });
    expect(view.health.state).toBe("degraded");
    expect(view.health.findings.map((finding) => finding.text)).toEqual([
      "edge-m2 is late: no heartbeat for over half the failover delay.",
    ]);
  });

  it("shows a HAProxy pool's HAProxy, not the nginx every agent reports", () => {
    const view = twoMembers({
      live: [live("m1", { services: { haproxy: "active", nginx: "inactive" } }), live("m2")],
    });
    expect(view.active?.services).toEqual([{ name: "haproxy", state: "active" }]);
  });
});
