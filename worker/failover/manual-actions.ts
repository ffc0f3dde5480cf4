import { eq } from "drizzle-orm";
import { commit, evaluateFailover, failoverView } from "../coordinator/commit";
import type { Flip } from "../coordinator/failover-keeper";
import { type Outcome, ok, refuse } from "../coordinator/outcome";
import type { PoolState } from "../coordinator/pool-state";
import { type MemberRow, members } from "../db/schema/members";
import { type PoolRow, pools } from "../db/schema/pools";
import { planNext, planPromote } from "./manual-plans";

// What an operator does to a pool's traffic by hand. Each runs in the pool's coordinator, in its
// queue, so a manual flip and an automatic one can never overlap.

/** Makes a member the active one now. It must be ready: Baton never sends traffic to a member it believes is down. */
export function makeActive(
  state: PoolState,
  poolId: string,
  memberId: string,
  actor: string,
): Promise<Outcome<PoolRow>> {
  const missing = `Member ${memberId} is not in pool ${poolId}`;
  return state.withMember(
    poolId,
    memberId,
    (pool, row) => {
      const now = state.now();
      const flip = planPromote(state.failover, pool, failoverView(state, now), row, actor, now);
      return flip.ok ? commitFlip(state, flip.value) : flip;
    },
    missing,
  );
}

/** Moves traffic to the best ready standby. */
export function cutToNextStandby(
  state: PoolState,
  poolId: string,
  actor: string,
): Promise<Outcome<PoolRow>> {
  return state.withPool(poolId, (pool) => {
    const now = state.now();
    const flip = planNext(state.failover, pool, failoverView(state, now), "manual", actor, now);
    return flip.ok ? commitFlip(state, flip.value) : flip;
  });
}

/** Pauses (maintenance) or resumes automatic failover. */
export function setAutoFailover(
  state: PoolState,
  poolId: string,
  enabled: boolean,
  actor: string,
): Promise<Outcome<PoolRow>> {
  return state.withPool(poolId, async (pool) => {
    if (pool.autoFailover === enabled) return ok(pool);
    const now = state.now();
    const type = enabled ? "failover.resumed" : "failover.paused";
    const message = enabled
      ? `Automatic failover resumed for ${pool.name}`
      : `Automatic failover paused for ${pool.name}`;
    await state.write([
      state.db
        .update(pools)
        .set({ autoFailover: enabled, updatedAt: now })
        .where(eq(pools.id, poolId)),
      state.ledger.event({ type, actor, message }, now),
    ]);
    state.pool = { ...pool, autoFailover: enabled, updatedAt: now };
    // Resuming may find the active already down.
    await commit(state, [], evaluateFailover(state, now));
    await state.scheduleAlarm();
    return ok(state.pool);
  });
}

/** Drains a member: if it carries traffic, a ready standby takes it over first, in the same batch. */
export function drain(
  state: PoolState,
  poolId: string,
  memberId: string,
  draining: boolean,
  actor: string,
): Promise<Outcome<MemberRow>> {
  const missing = `Member ${memberId} is not in pool ${poolId}`;
  return state.withMember(
    poolId,
    memberId,
    async (pool, row) => {
      if (row.draining === draining) return ok(row);
      const now = state.now();
      let flip: Flip | null = null;
      if (draining && pool.activeMemberId === memberId) {
        const view = failoverView(state, now);
        const planned = planNext(state.failover, pool, view, "drain", actor, now);
        if (!planned.ok) {
          return refuse(
            "no_ready_standby",
            `${row.name} carries traffic and no standby is ready to take it; nothing was changed`,
          );
        }
        flip = planned.value;
      }
      const after: MemberRow = { ...row, draining, updatedAt: now };
      const type = draining ? "member.drained" : "member.undrained";
      const message = draining
        ? `${row.name} is draining: it will not be promoted`
        : `${row.name} is no longer draining`;
      await commit(
        state,
        [
          state.db
            .update(members)
            .set({ draining, updatedAt: now })
            .where(eq(members.id, memberId)),
          state.ledger.event({ memberId, type, actor, message }, now),
        ],
        { flip, writes: [] },
      );
      state.catalog.put(after);
      await state.scheduleAlarm();
      return ok(after);
    },
    missing,
  );
}

/** Records a manual flip (or nothing, if none was needed) and answers with the pool after it. */
async function commitFlip(state: PoolState, flip: Flip | null): Promise<Outcome<PoolRow>> {
  if (flip) {
    await commit(state, [], { flip, writes: [] });
    await state.scheduleAlarm();
  }
  return ok(state.pool as PoolRow);
}
