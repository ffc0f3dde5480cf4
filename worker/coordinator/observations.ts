import { eq } from "drizzle-orm";
import { members } from "../db/schema/members";
import { metricSamples } from "../db/schema/metrics";
import type { Write } from "../db/writes";
import { policyOf } from "../failover/inputs";
import { changeEvent } from "./change-events";
import type { LiveMember, MemberChange } from "./live-member";
import type { PoolState } from "./pool-state";

/** Events, and the catalog row update, for what changed about a member. */
export function recordChanges(
  state: PoolState,
  member: LiveMember,
  changes: MemberChange[],
  now: number,
): Write[] {
  const delayS = state.pool?.failoverDelayS ?? 0;
  const monitored = state.pool ? policyOf(state.pool).monitoredService : null;
  const writes: Write[] = [];
  for (const change of changes) {
    const event = changeEvent(member, change, delayS, monitored);
    if (event) writes.push(state.ledger.event(event, now));
  }
  const { status, lastHeartbeatAt, agentVersion, publicIp } = member;
  writes.push(
    state.db
      .update(members)
      .set({ status, lastHeartbeatAt, agentVersion, publicIp })
      .where(eq(members.id, member.memberId)),
  );
  return writes;
}

/** The chart sample of the pool's members, when one is due. */
export function takeSample(state: PoolState, now: number): Write[] {
  const sample = state.pool ? state.sampler.take(now) : null;
  if (!sample || !state.pool) return [];
  const row = { poolId: state.pool.id, at: now, members: sample };
  return [state.db.insert(metricSamples).values(row).onConflictDoNothing()];
}
