import { and, desc, eq } from "drizzle-orm";
import type { RolloutKind, RolloutStepStatus } from "../../../shared/rollouts";
import type { Db } from "../../db/client";
import { balancerRolloutSteps, balancerRollouts } from "../../db/schema/rollouts";
import { liveRevision, loadSettings } from "../../rollouts/store";

/**
 * A new member of a pool with a managed balancer receives the live revision on its first
 * heartbeat (a one-step `sync` rollout, docs/decisions/0027) and is not ready until it runs it.
 * What the Add member page shows of that: the revision, and its step's status once there is one.
 */
export interface BalancerSync {
  revision: number;
  /** `waiting`: no step for the member yet (its first heartbeat starts one). */
  status: RolloutStepStatus | "waiting";
  kind: RolloutKind | null;
  note: string | null;
}

/** Null when the pool has no managed balancer live: there is nothing to sync. */
export async function balancerSyncOf(
  db: Db,
  member: { id: string; poolId: string },
): Promise<BalancerSync | null> {
  const [settings, live] = await Promise.all([
    loadSettings(db, member.poolId),
    liveRevision(db, member.poolId),
  ]);
  if (!settings?.managed || !live) return null;
  const step = await db
    .select({
      revision: balancerRollouts.revision,
      kind: balancerRollouts.kind,
      status: balancerRolloutSteps.status,
      note: balancerRolloutSteps.note,
    })
    .from(balancerRolloutSteps)
    .innerJoin(balancerRollouts, eq(balancerRollouts.id, balancerRolloutSteps.rolloutId))
    .where(
      and(eq(balancerRollouts.poolId, member.poolId), eq(balancerRolloutSteps.memberId, member.id)),
    )
    .orderBy(desc(balancerRollouts.createdAt))
    .limit(1)
    .get();
  if (!step) return { revision: live.revision, status: "waiting", kind: null, note: null };
  return step;
}

/** Whether the Add member page may stop polling: the sync, if any, has settled. */
export const syncSettled = (sync: BalancerSync | null) =>
  sync === null ||
  (sync.status !== "waiting" && sync.status !== "pending" && sync.status !== "running");
