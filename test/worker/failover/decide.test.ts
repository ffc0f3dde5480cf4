import { describe, expect, it } from "vitest";
import {
  type Decision,
  decideFailover,
  type FailoverMember,
  type FailoverPolicy,
  type FailoverState,
  FLAP_GUARD_MS,
  isReady,
} from "../../../worker/failover/decide";
import { failoverMember, NOW, POLICY } from "./fixtures";

const policy = POLICY;
const member = failoverMember;

const activeA: FailoverState = { activeMemberId: "a", lastFlipAt: null };

describe("decideFailover", () => {
  it.each<[string, Partial<FailoverPolicy>, FailoverState, FailoverMember[], Decision]>([
    [
      "a healthy active stays",
      {},
      activeA,
      [member("a"), member("b")],
      { kind: "stay", reason: "healthy" },
    ],
    [
      "heartbeat loss past the delay promotes the standby, detected at the deadline",
      {},
      activeA,
      [member("a", { lastHeartbeatAt: NOW - 10_000 }), member("b")],
      { kind: "promote", from: "a", to: "b", reason: "heartbeat_lost", detectedAt: NOW },
    ],
    [
      "a millisecond before the deadline nothing moves",
      {},
      activeA,
      [member("a", { lastHeartbeatAt: NOW - 9_999 }), member("b")],
      { kind: "stay", reason: "healthy" },
    ],
    [
      "haproxy reported inactive promotes at once",
      {},
      activeA,
      [member("a", { services: { haproxy: "inactive" } }), member("b")],
      { kind: "promote", from: "a", to: "b", reason: "service_down", detectedAt: NOW },
    ],
    [
      "haproxy reported failed promotes at once",
      {},
      activeA,
      [member("a", { services: { haproxy: "failed" } }), member("b")],
      { kind: "promote", from: "a", to: "b", reason: "service_down", detectedAt: NOW },
    ],
    [
      "reloading is not a failure",
      {},
      activeA,
      [member("a", { services: { haproxy: "reloading" } }), member("b")],
      { kind: "stay", reason: "healthy" },
    ],
    [
      "activating is not a failure",
      {},
      activeA,
      [member("a", { services: { haproxy: "activating" } }), member("b")],
      { kind: "stay", reason: "healthy" },
    ],
    [
      "nginx pools watch nginx, not haproxy",
      { monitoredService: "nginx" },
      activeA,
      [
        member("a", { services: { haproxy: "failed", nginx: "active" } }),
        member("b", { services: { nginx: "active" } }),
      ],
      { kind: "stay", reason: "healthy" },
    ],
    [
      "no ready standby: the record stays and an alert is raised",
      {},
      activeA,
      [
        member("a", { services: { haproxy: "failed" } }),
        member("b", { lastHeartbeatAt: NOW - 30_000 }),
      ],
      {
        kind: "alert",
        reason: "no_ready_standby",
        activeId: "a",
        failure: "service_down",
        detectedAt: NOW,
      },
    ],
    [
      "a standby whose haproxy is down is not ready",
      {},
      activeA,
      [member("a", { lastHeartbeatAt: null }), member("b", { services: { haproxy: "inactive" } })],
      {
        kind: "alert",
        reason: "no_ready_standby",
        activeId: "a",
        failure: "heartbeat_lost",
        detectedAt: NOW,
      },
    ],
    [
      "a standby without a public IPv4 is not ready",
      {},
      activeA,
      [
        member("a", { lastHeartbeatAt: null }),
        member("b", { publicIp: "2001:db8::1" }),
        member("c", { publicIp: null }),
        member("d", { publicIp: "0.0.0.0" }),
        member("e", { publicIp: "255.255.255.255" }),
        member("f", { publicIp: "127.0.0.1" }),
        member("g", { publicIp: "224.0.0.1" }),
      ],
      {
        kind: "alert",
        reason: "no_ready_standby",
        activeId: "a",
        failure: "heartbeat_lost",
        detectedAt: NOW,
      },
    ],
    [
      "outside a lab, a standby on a private address is not ready",
      { allowPrivateAddresses: false },
      activeA,
      [member("a", { lastHeartbeatAt: null }), member("b", { publicIp: "10.0.0.2" })],
      {
        kind: "alert",
        reason: "no_ready_standby",
        activeId: "a",
        failure: "heartbeat_lost",
        detectedAt: NOW,
      },
    ],
    [
      "the better priority wins",
      {},
      activeA,
      [
        member("a", { lastHeartbeatAt: null }),
        member("b", { priority: 20 }),
        member("c", { priority: 10 }),
      ],
      { kind: "promote", from: "a", to: "c", reason: "heartbeat_lost", detectedAt: NOW },
    ],
    [
      "equal priority: the freshest heartbeat wins",
      {},
      activeA,
      [
        member("a", { services: { haproxy: "failed" } }),
        member("b", { lastHeartbeatAt: NOW - 2_000 }),
        member("c", { lastHeartbeatAt: NOW - 500 }),
      ],
      { kind: "promote", from: "a", to: "c", reason: "service_down", detectedAt: NOW },
    ],
    [
      "a draining member is never promoted",
      {},
      activeA,
      [
        member("a", { lastHeartbeatAt: null }),
        member("b", { draining: true, priority: 1 }),
        member("c"),
      ],
      { kind: "promote", from: "a", to: "c", reason: "heartbeat_lost", detectedAt: NOW },
    ],
    [
      "a disabled member is never promoted",
      {},
      activeA,
      [member("a", { lastHeartbeatAt: null }), member("b", { disabled: true })],
      {
        kind: "alert",
        reason: "no_ready_standby",
        activeId: "a",
        failure: "heartbeat_lost",
        detectedAt: NOW,
      },
    ],
    [
      "the old active coming back after a flip does not take traffic back",
      {},
      { activeMemberId: "b", lastFlipAt: NOW - 600_000 },
      [member("a", { priority: 1 }), member("b", { priority: 50 })],
      { kind: "stay", reason: "healthy" },
    ],
    [
      "a preferred primary takes traffic back after its hold-down",
      { preferredPrimaryId: "a" },
      { activeMemberId: "b", lastFlipAt: NOW - 600_000 },
      [member("a", { readySince: NOW - 120_000 }), member("b")],
      { kind: "promote", from: "b", to: "a", reason: "failback", detectedAt: NOW },
    ],
    [
      "a preferred primary waits out its hold-down",
      { preferredPrimaryId: "a" },
      { activeMemberId: "b", lastFlipAt: NOW - 600_000 },
      [member("a", { readySince: NOW - 119_999 }), member("b")],
      { kind: "stay", reason: "hold_down" },
    ],
    [
      "the flap guard holds a failback back",
      { preferredPrimaryId: "a", failbackHoldDownMs: 0 },
      { activeMemberId: "b", lastFlipAt: NOW - FLAP_GUARD_MS + 1 },
      [member("a"), member("b")],
      { kind: "stay", reason: "flap_guard" },
    ],
    [
      "the flap guard does not hold back a flip away from a failing active",
      {},
      { activeMemberId: "b", lastFlipAt: NOW - 1_000 },
      [member("a"), member("b", { services: { haproxy: "failed" } })],
      { kind: "promote", from: "b", to: "a", reason: "service_down", detectedAt: NOW },
    ],
    [
      "an active that cannot serve (no backend server up) hands over to a ready standby",
      {},
      activeA,
      [member("a", { backends: [{ name: "web", serversUp: 0, serversTotal: 2 }] }), member("b")],
      { kind: "promote", from: "a", to: "b", reason: "cannot_serve", detectedAt: NOW },
    ],
    [
      "an active whose probe fails hands over to a ready standby",
      {},
      activeA,
      [member("a", { probe: { ok: false, status: 503 } }), member("b")],
      { kind: "promote", from: "a", to: "b", reason: "cannot_serve", detectedAt: NOW },
    ],
    [
      "an active that cannot serve stays when no standby could serve either",
      {},
      activeA,
      [
        member("a", { backends: [{ name: "web", serversUp: 0, serversTotal: 2 }] }),
        member("b", { backends: [{ name: "web", serversUp: 0, serversTotal: 2 }] }),
      ],
      { kind: "stay", reason: "healthy" },
    ],
    [
      "a standby that cannot serve is never promoted",
      {},
      activeA,
      [
        member("a", { services: { haproxy: "failed" } }),
        member("b", { backends: [{ name: "web", serversUp: 0, serversTotal: 1 }] }),
      ],
      {
        kind: "alert",
        reason: "no_ready_standby",
        activeId: "a",
        failure: "service_down",
        detectedAt: NOW,
      },
    ],
    [
      "automatic failover switched off: nothing moves",
      { autoFailover: false },
      activeA,
      [member("a", { lastHeartbeatAt: null }), member("b")],
      { kind: "stay", reason: "paused" },
    ],
    [
      "no active yet: the best ready member takes traffic",
      {},
      { activeMemberId: null, lastFlipAt: null },
      [member("a", { priority: 5 }), member("b", { priority: 1 })],
      { kind: "promote", from: null, to: "b", reason: "no_active", detectedAt: NOW },
    ],
    [
      "the active was removed and nobody is ready: wait for a ready member",
      {},
      { activeMemberId: "gone", lastFlipAt: null },
      [member("a", { draining: true })],
      { kind: "stay", reason: "waiting" },
    ],
  ])("%s", (_name, overrides, state, members, expected) => {
    expect(decideFailover({ ...policy, ...overrides }, state, members, NOW)).toEqual(expected);
  });
});

describe("isReady", () => {
  it.each<[string, Partial<FailoverMember>, Partial<FailoverPolicy>, boolean]>([
    ["a healthy member", {}, {}, true],
    ["a silent member", { lastHeartbeatAt: NOW - 10_000 }, {}, false],
    ["a member that never reported", { lastHeartbeatAt: null }, {}, false],
    ["a member whose haproxy was never reported", { services: {} }, {}, false],
    [
      "a generic pool's member without services",
      { services: {} },
      { monitoredService: null },
      true,
    ],
    ["a reloading member", { services: { haproxy: "reloading" } }, {}, false],
    ["a member whose probe failed", { probe: { ok: false, error: "ECONNREFUSED" } }, {}, false],
    ["a member whose probe passed", { probe: { ok: true, status: 200 } }, {}, true],
    [
      "a member whose only backend has no server up",
      { backends: [{ name: "web", serversUp: 0, serversTotal: 1 }] },
      {},
      false,
    ],
    [
      "a member with one backend of two up",
      {
        backends: [
          { name: "blue", serversUp: 0, serversTotal: 2 },
          { name: "green", serversUp: 1, serversTotal: 2 },
        ],
      },
      {},
      true,
    ],
    [
      "a member whose only backend has no servers (stats)",
      { backends: [{ name: "stats", serversUp: 0, serversTotal: 0 }] },
      {},
      true,
    ],
  ])("%s → %s", (_name, overrides, policyOverrides, expected) => {
    expect(isReady(member("a", overrides), { ...policy, ...policyOverrides }, NOW)).toBe(expected);
  });
});
