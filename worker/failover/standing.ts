import type { LiveMember } from "../coordinator/live-member";
import type { MemberRow } from "../db/schema/members";
import type { PoolRow } from "../db/schema/pools";
import { type FailoverMember, failureOf, notReadyReasons, servingProblem } from "./decide";
import { failoverMemberOf, policyOf } from "./inputs";

export type Liveness = "online" | "offline" | "never_seen";

/**
 * Where a member stands, in the failover engine's own terms: what the dashboard draws and what
 * the pool's health is made of. `serving`: heard from within the delay, its service up and its
 * frontend serving. `late`: online, but silent for more than half the failover delay.
 */
export interface MemberStanding {
  failoverMember: FailoverMember;
  role: "active" | "standby";
  liveness: Liveness;
  ready: boolean;
  notReadyReasons: string[];
  serving: boolean;
  late: boolean;
}

function livenessOf(status: LiveMember["status"]): Liveness {
  return status === "unknown" ? "never_seen" : status;
}

export function memberStanding(
  pool: PoolRow,
  row: MemberRow,
  live: LiveMember | undefined,
  now: number,
): MemberStanding {
  const failoverMember = failoverMemberOf(row, live);
  const policy = policyOf(pool);
  const reasons = notReadyReasons(failoverMember, policy, now);
  const liveness = livenessOf(live?.status ?? row.status);
  const { lastHeartbeatAt } = failoverMember;
  return {
    failoverMember,
    role: pool.activeMemberId === row.id ? "active" : "standby",
    liveness,
    ready: reasons.length === 0,
    notReadyReasons: reasons,
    serving:
      liveness === "online" &&
      failureOf(failoverMember, policy, now) === null &&
      servingProblem(failoverMember) === null,
    late:
      liveness === "online" &&
      lastHeartbeatAt !== null &&
      isLate(now - lastHeartbeatAt, policy.failoverDelayMs),
  };
}

/** Silent for longer than half the failover delay: failover may be near. */
export function isLate(silentMs: number, failoverDelayMs: number): boolean {
  return silentMs > failoverDelayMs / 2;
}
