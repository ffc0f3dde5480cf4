// memberStanding: one verdict per member for the card, the diagram and the pool's health, even
// in the moment between a member's deadline and the coordinator's alarm marking it offline.
import { describe, expect, it } from "vitest";
import type { MemberRow } from "../../../worker/db/schema/members";
import type { PoolRow } from "../../../worker/db/schema/pools";
import { HEARTBEAT_LOST_REASON } from "../../../worker/failover/decide";
import { memberStanding } from "../../../worker/failover/standing";

const NOW = 1_800_000_000_000;
const DELAY_S = 20;

const POOL: PoolRow = {
  id: "pool-1",
  name: "edge",
  profile: "haproxy",
  failoverHostname: "lb.example.com",
  failoverDelayS: DELAY_S,
  autoFailover: false,
  preferredPrimaryId: null,
  failbackHoldDownS: 300,
  allowPrivateAddresses: false,
  activeMemberId: "m-a",
  lastFlipAt: null,
  membersHealth: null,
  membersHealthSummary: null,
  dnsSyncedAt: null,
  dnsLastError: null,
  createdAt: 0,
  updatedAt: 0,
};

/** The active, marked online by the coordinator, last heard `silentMs` ago. */
function activeSilentFor(silentMs: number) {
  const row: MemberRow = {
    id: "m-a",
    poolId: POOL.id,
    name: "edge-a",
    hostname: "edge-a",
    allowedIps: [],
    priority: 1,
    status: "online",
    lastHeartbeatAt: NOW - silentMs,
    agentVersion: "1.0.0",
    publicIp: "203.0.113.10",
    draining: false,
    disabled: false,
    createdAt: 0,
    updatedAt: 0,
  };
  return memberStanding(POOL, row, undefined, NOW);
}

describe("memberStanding", () => {
  it("is online and late past half the delay", () => {
    const standing = activeSilentFor(DELAY_S * 600);
    expect(standing).toMatchObject({ liveness: "online", late: true });
    expect(standing.notReadyReasons).not.toContain(HEARTBEAT_LOST_REASON);
  });

  it("is offline, not late, once the delay has passed, before the alarm marks it so", () => {
    const standing = activeSilentFor(DELAY_S * 1000 + 1);
    expect(standing).toMatchObject({ liveness: "offline", late: false, serving: false });
    expect(standing.notReadyReasons).toContain(HEARTBEAT_LOST_REASON);
  });
});
