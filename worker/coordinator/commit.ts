import type { Write } from "../db/writes";
import { desiredAddresses } from "../dns/desired";
import type { FailoverMember } from "../failover/decide";
import type { Flip } from "./failover-keeper";
import { recordMembersHealth } from "./health-record";
import type { PoolState } from "./pool-state";

/** What failover decided for one call: a flip (carrying its own writes), alert events, or nothing. */
export interface FailoverOutcome {
  flip: Flip | null;
  writes: Write[];
}

/** The pool's members as failover sees them at `now` (silence before the coordinator could hear does not count). */
export function failoverView(state: PoolState, now: number): FailoverMember[] {
  const { pool, members, hearing, catalog } = state;
  if (!pool) return [];
  return state.failover.view(pool, catalog.rows(), members, now, hearing.since);
}

export function evaluateFailover(state: PoolState, now: number): FailoverOutcome {
  if (!state.pool) return { flip: null, writes: [] };
  return state.failover.evaluate(state.pool, failoverView(state, now), now, {
    askToReport: state.askToReport,
    heartbeatIntervalMs: state.heartbeatIntervalMs,
  });
}

/**
 * Writes a call's changes and, in the same batch, any flip it decided: the decision is durable
 * before memory (and later DNS) moves on.
 */
export async function commit(
  state: PoolState,
  writes: Write[],
  failover: FailoverOutcome,
): Promise<void> {
  const flipped = failover.flip?.pool ?? state.pool;
  const health = flipped
    ? recordMembersHealth(state.db, flipped, state.catalog.rows(), state.members, state.now())
    : null;
  await state.write([
    ...writes,
    ...failover.writes,
    ...(failover.flip?.writes ?? []),
    ...(health ? [health.write] : []),
  ]);
  if (failover.flip) state.pool = failover.flip.pool;
  if (health) state.pool = health.pool;
  syncDns(state, failover.flip);
}

/**
 * Hands DNS the addresses the pool's decision calls for: the active's public IPv4, or every
 * ready member's in round robin. Also how a changed public IP of the active reaches DNS.
 */
export function syncDns(state: PoolState, flip: Flip | null): void {
  const pool = state.pool;
  if (!pool || state.dns.mode === null) return;
  const now = state.now();
  const members = failoverView(state, now).map((member) => ({
    ...member,
    ready: state.failover.isReady(pool, member, now),
  }));
  const addresses = desiredAddresses(
    state.dns.mode,
    pool.activeMemberId,
    members,
    pool.allowPrivateAddresses,
  );
  state.dns.want(addresses, flip?.timing);
}
