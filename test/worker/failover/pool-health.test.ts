// poolHealth's words for an active that would not serve (pure; the browser test shows the banner).
import { describe, expect, it } from "vitest";
import { HEARTBEAT_LOST_REASON } from "../../../worker/failover/decide";
import { type HealthMember, poolHealth } from "../../../worker/failover/pool-health";

const active = (overrides: Partial<HealthMember>): HealthMember => ({
  name: "edge-a",
  role: "active",
  liveness: "online",
  ready: false,
  serving: false,
  late: true,
  notReadyReasons: [],
  ...overrides,
});

const textOf = (member: HealthMember) =>
  poolHealth({
    autoFailover: false,
    active: member,
    standbys: [],
    dns: { state: "in_sync", lastError: null },
  }).findings[0]?.text;

describe("poolHealth, the active that would not serve", () => {
  it("calls an offline active offline, with why", () => {
    // memberStanding makes one past its deadline offline before the alarm marks it (standing.test.ts).
    expect(
      textOf(
        active({ liveness: "offline", late: false, notReadyReasons: [HEARTBEAT_LOST_REASON] }),
      ),
    ).toBe(
      "Traffic goes to edge-a, which is offline (no heartbeat within the failover delay). Automatic failover is paused.",
    );
  });

  it("names what else stops it from serving", () => {
    expect(textOf(active({ late: false, notReadyReasons: ["haproxy inactive"] }))).toBe(
      "Traffic goes to edge-a, which is haproxy inactive. Automatic failover is paused.",
    );
  });
});
