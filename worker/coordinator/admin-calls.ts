import { eq } from "drizzle-orm";
import type { CreateJob, JobKindAvailability } from "../../shared/jobs";
import type { CreateMember, UpdateMember } from "../../shared/members";
import type { JobSchedule, PutSchedules } from "../../shared/schedules";
import type { AlertTestResult } from "../alerts/webhook";
import type { JobRow } from "../db/schema/jobs";
import { type PoolRow, pools } from "../db/schema/pools";
import { jobKindAvailability } from "../jobs/gating";
import * as memberStore from "../members/store";
import { commit, evaluateFailover, failoverView, syncDns } from "./commit";
import type { HaproxyStatTable } from "./haproxy-stat-board";
import type { HeartbeatLogSnapshot } from "./heartbeat-log";
import type { LiveMember } from "./live-member";
import { attempt, type Outcome, ok, refuse } from "./outcome";
import type { PoolState } from "./pool-state";
import { queueJob } from "./queue-job";
import { advanceRollout } from "./rollout-progress";

// Calls from the admin API and the dashboard: members, jobs, schedules, settings, reads.
// (The manual failover actions are in failover/manual-actions.ts.)

export function enrollMember(state: PoolState, pool: PoolRow, input: CreateMember, actor: string) {
  return state.queue.run(async () => {
    await state.load(pool);
    const enrolled = await attempt(() =>
      memberStore.enrollMember(state.db, pool, input, actor, state.now()),
    );
    if (enrolled.ok) state.catalog.put(enrolled.value.row, enrolled.value.secretHash);
    return enrolled;
  });
}

export function updateMember(
  state: PoolState,
  poolId: string,
  memberId: string,
  patch: UpdateMember,
  actor: string,
) {
  return state.withPool(poolId, async () => {
    const updated = await attempt(() =>
      memberStore.updateMember(state.db, memberId, patch, actor, state.now()),
    );
    if (updated.ok) state.catalog.put(updated.value);
    return updated;
  });
}

/** A new secret; the old one stops working with this call. */
export function rotateSecret(state: PoolState, poolId: string, memberId: string, actor: string) {
  return state.withPool(poolId, async () => {
    const rotated = await attempt(() =>
      memberStore.rotateSecret(state.db, memberId, actor, state.now()),
    );
    if (rotated.ok) state.catalog.put(rotated.value.row, rotated.value.secretHash);
    return rotated;
  });
}

export function removeMember(state: PoolState, poolId: string, memberId: string, actor: string) {
  return state.withPool(poolId, async () => {
    const removed = await attempt(() =>
      memberStore.removeMember(state.db, memberId, actor, state.now()),
    );
    if (!removed.ok) return removed;
    await state.forgetMember(memberId);
    // Removing the active leaves the pool without one: the best ready member takes over.
    await commit(state, [], evaluateFailover(state, state.now()));
    await state.scheduleAlarm();
    return removed;
  });
}

/** Queues a job for a member, at most once per idempotency key. */
export function enqueueJob(
  state: PoolState,
  poolId: string,
  memberId: string,
  input: CreateJob,
  actor: string,
) {
  return state.withMember(poolId, memberId, (_pool, row) => queueJob(state, row, input, actor));
}

/** Which job kinds the member may run now, and why not. */
export function jobKinds(
  state: PoolState,
  poolId: string,
  memberId: string,
): Promise<Outcome<JobKindAvailability[]>> {
  return state.withMember(poolId, memberId, (pool, row) => {
    const installed = state.members.get(memberId)?.installed ?? {};
    return ok(jobKindAvailability({ profile: pool.profile, memberName: row.name, installed }));
  });
}

/** Replaces a member's schedules; its next heartbeat response carries them. */
export function putSchedules(
  state: PoolState,
  poolId: string,
  memberId: string,
  input: PutSchedules,
  actor: string,
): Promise<Outcome<JobSchedule[]>> {
  return state.withMember(poolId, memberId, async (pool, row) => {
    const live = state.members.get(memberId);
    const plan = state.schedules.plan(pool, row, live, input, actor, state.now());
    if (!plan.ok) return plan;
    await state.write(plan.value.writes);
    state.schedules.replace(memberId, plan.value.rows);
    return ok(state.schedules.forMember(memberId));
  });
}

/** The member's latest HAProxy status table; asks its agent for fresh ones for a while. */
export function haproxyStat(
  state: PoolState,
  poolId: string,
  memberId: string,
): Promise<Outcome<HaproxyStatTable>> {
  return state.withMember(poolId, memberId, () =>
    ok(state.haproxyStats.request(memberId, state.now())),
  );
}

/**
 * Every member's latest HAProxy status table, by member id (the overview draws each member's
 * frontends and backends); asks each agent for fresh ones for a while, as `haproxyStat` does.
 */
export function haproxyStats(
  state: PoolState,
  poolId: string,
): Promise<Outcome<Record<string, HaproxyStatTable>>> {
  return state.withPool(poolId, () => {
    const now = state.now();
    const ids = state.catalog.rows().map((row) => row.id);
    return ok(Object.fromEntries(ids.map((id) => [id, state.haproxyStats.request(id, now)])));
  });
}

export function cancelJob(
  state: PoolState,
  poolId: string,
  jobId: string,
  actor: string,
): Promise<Outcome<JobRow>> {
  return state.withPool(
    poolId,
    async () => {
      const cancelled = await state.jobQueue.cancel(jobId, actor, state.now());
      // A rollout step's job cancelled by hand fails that step.
      if (cancelled.ok) await advanceRollout(state);
      return cancelled;
    },
    `Job ${jobId} does not exist`,
  );
}

/** The pool's failover state and each member's readiness, for the admin API. */
export function failoverStatus(state: PoolState, poolId: string) {
  return state.withPool(poolId, (pool) => {
    const now = state.now();
    const members = failoverView(state, now).map((member) => {
      const notReady = state.failover.notReadyReasons(pool, member, now);
      return { ...member, ready: notReady.length === 0, notReadyReasons: notReady };
    });
    return ok({
      activeMemberId: pool.activeMemberId,
      lastFlipAt: pool.lastFlipAt,
      autoFailover: pool.autoFailover,
      members,
    });
  });
}

/** Live state of every member the coordinator has heard from, for the admin API. */
export function snapshot(state: PoolState, poolId: string): Promise<LiveMember[]> {
  return state.whenOpen(
    poolId,
    () => [...state.members.values()],
    () => [],
  );
}

/** What the overview's traffic view needs beyond the snapshot: heartbeat arrivals, DNS served. */
export interface TrafficFacts {
  heartbeats: HeartbeatLogSnapshot;
  /** The addresses the provider serves as last confirmed; null when not known. */
  dnsServes: string[] | null;
}

export function trafficFacts(state: PoolState, poolId: string): Promise<TrafficFacts | null> {
  return state.whenOpen(
    poolId,
    () => ({ heartbeats: state.heartbeatLog.snapshot(), dnsServes: state.dns.served }),
    () => null,
  );
}

/** The pool's DNS settings changed through the API: reload them and write the records again. */
export function dnsChanged(state: PoolState, poolId: string): Promise<void> {
  const changed = async (_pool: PoolRow, wasOpen: boolean) => {
    // A coordinator that just opened the pool has read the new settings already.
    if (wasOpen) await state.dns.load(state.db, state.config.secretsKey, poolId);
    state.dns.rewrite();
    syncDns(state, null);
    await state.scheduleAlarm();
  };
  return state.whenOpen(poolId, changed, () => undefined);
}

/** The pool's webhook settings changed through the API. */
export function alertsChanged(state: PoolState, poolId: string): Promise<void> {
  const changed = async (_pool: PoolRow, wasOpen: boolean) => {
    // A coordinator that just opened the pool has read the new settings already.
    if (wasOpen) await state.alerts.load(state.db, state.config.secretsKey, poolId);
  };
  return state.whenOpen(poolId, changed, () => undefined);
}

/** The pool's settings changed: deadlines move with the failover delay. */
export function poolChanged(state: PoolState, pool: PoolRow): Promise<void> {
  return state.queue.run(async () => {
    // Read again in the queue: `pool` was read before the change, and a pause or resume may
    // have been written since; memory must not go back to the older flag.
    const current = await state.db.select().from(pools).where(eq(pools.id, pool.id)).get();
    if (!current) return;
    await state.load(current);
    await state.scheduleAlarm({ reset: true });
  });
}

/** The pool is gone: forget everything. */
export function poolDeleted(state: PoolState): Promise<void> {
  return state.queue.run(() => state.forgetPool());
}

/** Sends a signed `alert.test` to the pool's webhook now, outside the queue: what the receiver answered. */
export async function testAlert(
  state: PoolState,
  poolId: string,
  actor: string,
): Promise<Outcome<AlertTestResult>> {
  const pool = await state.whenOpen<PoolRow | null>(
    poolId,
    (open) => open,
    () => null,
  );
  if (!pool) return refuse("not_found", `Pool ${poolId} does not exist`);
  // Sent after the queue call returns: a slow receiver (up to 10 s) must not hold up heartbeats.
  const result = await state.alerts.sendTest(pool, actor);
  return result ? ok(result) : refuse("not_found", "This pool has no webhook: save one first");
}
