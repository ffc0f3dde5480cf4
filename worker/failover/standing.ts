import type { LiveMember } from "../coordinator/live-member";
import type { MemberRow } from "../db/schema/members";
import type { PoolRow } from "../db/schema/pools";
import { type FailoverMember, failureOf, notReadyReasons, servingProblem } from "./decide";
import { failoverMemberOf, policyOf } from "./inputs";

export type Liveness = "online" | "offline" | "never_seen";

/**
 * Where a member stands, in the failover engine's own terms: what the dashboard draws and what
 * the pool's health is made of. `liveness`: as the coordinator marked it, and offline once silent
 * for the failover delay. `serving`: heard from within the delay, its service up and its
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
  const failure = failureOf(failoverMember, policy, now);
  const marked = livenessOf(live?.status ?? row.status);
  // Past its deadline a member is offline even before the coordinator's alarm has marked it so:
  // the card, the diagram and the pool's health never say "late" and "offline" at once.
  const liveness = marked === "online" && failure === "heartbeat_lost" ? "offline" : marked;
  const { lastHeartbeatAt } = failoverMember;
  return {
    failoverMember,
    role: pool.activeMemberId === row.id ? "active" : "standby",
    liveness,
    ready: reasons.length === 0,
    notReadyReasons: reasons,
    serving: liveness === "online" && failure === null && servingProblem(failoverMember) === null,
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
