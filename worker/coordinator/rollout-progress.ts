/**
 * How a rollout moves: created with its steps, each step a `balancer.apply` job, and moved on by
 * `advanceRollout` after every job result, heartbeat, job cancel and alarm (no timers: an
 * evicted coordinator resumes from D1). A step whose job left the unfinished queue is read back
 * once and settles; a failed step ends the rollout with the later steps skipped.
 */
import type { BalancerApplyPayload } from "../../shared/balancer-apply";
import type { JobPayload } from "../../shared/jobs";
import type { JobRow } from "../db/schema/jobs";
import type { PoolRow } from "../db/schema/pools";
import {
  balancerRolloutSteps,
  balancerRollouts,
  type RolloutRow,
  type RolloutStepRow,
} from "../db/schema/rollouts";
import type { Write } from "../db/writes";
import { findJob } from "../jobs/store";
import { newId } from "../lib/ids";
import { nextMove, type PlanMember, planSteps } from "../rollouts/plan";
import type { RenderedRevision } from "../rollouts/revision-source";
import { type RolloutWithSteps, saveSettings, updateRollout, updateStep } from "../rollouts/store";
import type { PoolState } from "./pool-state";

/** How long one step's job may wait for its member and run (a member offline this long fails it). */
export const STEP_DEADLINE_S = 10 * 60;
export const NOTE_MAX_CHARS = 300;

export function targetOf(pool: PoolRow): "haproxy" | "nginx" | null {
  return pool.profile === "haproxy" || pool.profile === "nginx" ? pool.profile : null;
}

/** Loads the rendered revision a rollout applies (kept while it runs). */
async function renderedFor(
  state: PoolState,
  rollout: RolloutRow,
): Promise<RenderedRevision | null> {
  const cached = state.rollouts.rendered;
  if (cached?.revision === rollout.revision && cached.target === rollout.target) return cached;
  // What cannot be loaded any more (a certificate deleted since) fails the step that needs it.
  const rendered = await state
    .revisionSource(state.db, rollout.poolId, rollout.revision, rollout.target)
    .catch(() => null);
  state.rollouts.rendered = rendered;
  return rendered;
}

/** Creates a rollout and its steps, then starts its first step(s). */
export async function createRollout(
  state: PoolState,
  pool: PoolRow,
  rendered: RenderedRevision,
  kind: RolloutRow["kind"],
  strategy: RolloutRow["strategy"],
  members: PlanMember[],
  actor: string,
): Promise<RolloutWithSteps> {
  const now = state.now();
  const rollout: RolloutRow = {
    id: newId("rol", now),
    poolId: pool.id,
    kind,
    revision: rendered.revision,
    target: rendered.target,
    sha256: rendered.sha256,
    strategy,
    status: "running",
    createdBy: actor,
    createdAt: now,
    finishedAt: null,
    reason: null,
  };
  const steps: RolloutStepRow[] = planSteps(members, pool.activeMemberId).map((step) => ({
    ...step,
    rolloutId: rollout.id,
    jobId: null,
    startedAt: null,
    finishedAt: step.status === "skipped" ? now : null,
  }));
  const what = { rollout: "Rollout of", sync: "Sync of the live", repair: "Repair of the live" }[
    kind
  ];
  const order = steps.map(
    (step) => `${step.memberName}${step.status === "skipped" ? " (skipped)" : ""}`,
  );
  await state.write([
    state.db.insert(balancerRollouts).values(rollout),
    ...steps.map((step) => state.db.insert(balancerRolloutSteps).values(step)),
    state.ledger.event(
      {
        memberId: null,
        type: "rollout.started",
        actor,
        message: `${what} balancer revision ${rendered.revision} (${strategy}) started: ${order.join(" → ")}`,
        data: { rolloutId: rollout.id, revision: rendered.revision, kind, strategy },
      },
      now,
    ),
  ]);
  state.rollouts.rendered = rendered;
  state.rollouts.running = { rollout, steps };
  await advanceRollout(state);
  return state.rollouts.running?.rollout.id === rollout.id
    ? state.rollouts.running
    : { rollout: { ...rollout }, steps };
}

export function planMembers(state: PoolState, only?: string): PlanMember[] {
  return state.catalog
    .rows()
    .filter((row) => only === undefined || row.id === only)
    .map((row) => ({
      id: row.id,
      name: row.name,
      priority: row.priority,
      online: state.members.get(row.id)?.status === "online",
    }));
}

/** What a finished job says about its step. */
function settledStep(step: RolloutStepRow, job: JobRow | undefined, now: number): RolloutStepRow {
  const finishedAt = job?.finishedAt ?? now;
  if (job?.status === "succeeded") {
    const took = job.startedAt === null ? "" : ` in ${finishedAt - job.startedAt} ms`;
    return { ...step, status: "succeeded", finishedAt, note: `applied${took}` };
  }
  const lastLine = (job?.outputTail ?? "")
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .at(-1);
  const note = !job
    ? "its job is gone (the member was removed?)"
    : job.status === "failed"
      ? (lastLine ?? `the job failed (exit code ${job.exitCode ?? "none"})`)
      : `the job ${job.status === "timed_out" ? "timed out" : "was cancelled"} before a result came`;
  return { ...step, status: "failed", finishedAt, note: note.slice(0, NOTE_MAX_CHARS) };
}

/**
 * Moves the running rollout on: records steps whose job finished, then starts the next step(s),
 * or ends the rollout (succeeded: its revision becomes live; failed: later steps are skipped).
 */
export async function advanceRollout(state: PoolState): Promise<void> {
  const book = state.rollouts;
  const running = book.running;
  if (!running || !state.pool) return;
  const now = state.now();
  const unfinished = new Set([...state.jobQueue.pending()].map((job) => job.id));
  const writes: Write[] = [];
  for (const [index, step] of running.steps.entries()) {
    if (step.status !== "running" || !step.jobId || unfinished.has(step.jobId)) continue;
    const settled = settledStep(step, await findJob(state.db, step.jobId), now);
    running.steps[index] = settled;
    writes.push(updateStep(state.db, settled));
    if (settled.status === "succeeded") {
      book.applied.set(step.memberId, {
        revision: running.rollout.revision,
        sha256: running.rollout.sha256,
      });
      await book.clearDrift(step.memberId);
    }
  }
  if (running.rollout.status === "aborted") {
    await state.write(writes);
    if (!running.steps.some((step) => step.status === "running")) book.running = null;
    return;
  }
  const move = nextMove(running.steps, running.rollout.strategy);
  if (move.kind === "wait") return state.write(writes);
  if (move.kind === "start") {
    await state.write(writes);
    for (const position of move.positions) await startStep(state, running, position);
    // A step that could not even be queued failed at once: settle what that means.
    if (running.steps.some((step) => step.status === "failed")) await advanceRollout(state);
    return;
  }
  const rollout = running.rollout;
  if (move.kind === "succeeded") {
    const done: RolloutRow = { ...rollout, status: "succeeded", finishedAt: now };
    const settings = {
      poolId: rollout.poolId,
      managed: true,
      requireConfigParity: book.settings?.requireConfigParity ?? null,
      updatedAt: now,
      updatedBy: rollout.createdBy,
    };
    await state.write([
      ...writes,
      updateRollout(state.db, done),
      saveSettings(state.db, settings),
      state.ledger.event(
        {
          memberId: null,
          type: "rollout.succeeded",
          actor: "system",
          message: `Balancer revision ${rollout.revision} is live on ${appliedNames(running.steps)}`,
          data: { rolloutId: rollout.id, revision: rollout.revision, kind: rollout.kind },
        },
        now,
      ),
    ]);
    // A sync brings one member to the live revision; only a rollout changes what is live.
    if (rollout.kind === "rollout" || book.live === null)
      book.live = { revision: rollout.revision, sha256: rollout.sha256 };
    book.settings = settings;
    book.running = null;
    return;
  }
  const failed = running.steps.find((step) => step.position === move.position) as RolloutStepRow;
  const reason = `${failed.memberName}: ${failed.note ?? "failed"}`;
  const skipped = running.steps.map((step) =>
    step.status === "pending"
      ? {
          ...step,
          status: "skipped" as const,
          finishedAt: now,
          note: `not reached: the rollout stopped at ${failed.memberName}`,
        }
      : step,
  );
  const stopped: RolloutRow = { ...rollout, status: "failed", finishedAt: now, reason };
  await state.write([
    ...writes,
    ...skipped
      .filter((step, i) => step !== running.steps[i])
      .map((step) => updateStep(state.db, step)),
    updateRollout(state.db, stopped),
    state.ledger.event(
      {
        memberId: failed.memberId,
        type: "rollout.failed",
        actor: "system",
        message: `Rollout of balancer revision ${rollout.revision} stopped: ${reason}; ${untouched(skipped)}`,
        data: { rolloutId: rollout.id, revision: rollout.revision, kind: rollout.kind },
      },
      now,
    ),
  ]);
  book.running = null;
}

function appliedNames(steps: readonly RolloutStepRow[]): string {
  const names = steps.filter((step) => step.status === "succeeded").map((step) => step.memberName);
  const skipped = steps.filter((step) => step.status === "skipped").map((step) => step.memberName);
  return `${names.join(", ") || "no member"}${skipped.length > 0 ? ` (skipped: ${skipped.join(", ")})` : ""}`;
}

export function untouched(steps: readonly RolloutStepRow[]): string {
  const names = steps.filter((step) => step.status === "skipped").map((step) => step.memberName);
  return names.length > 0 ? `left untouched: ${names.join(", ")}` : "no member was left to reach";
}

/** Queues the step's job; a step that cannot be queued fails with the reason. */
async function startStep(state: PoolState, running: RolloutWithSteps, position: number) {
  const index = running.steps.findIndex((step) => step.position === position);
  const step = running.steps[index] as RolloutStepRow;
  const now = state.now();
  const member = state.catalog.get(step.memberId);
  const rendered = await renderedFor(state, running.rollout);
  let after: RolloutStepRow;
  if (!member || !rendered) {
    const why = !member
      ? "the member was removed"
      : `revision ${running.rollout.revision} can no longer be loaded`;
    after = { ...step, status: "failed", finishedAt: now, note: why };
  } else {
    const payload: BalancerApplyPayload = {
      target: rendered.target,
      revision: rendered.revision,
      sha256: rendered.sha256,
      text: rendered.text,
      certificates: rendered.certificates,
    };
    const queued = await state.jobQueue.enqueue(
      running.rollout.poolId,
      member,
      {
        kind: "balancer.apply",
        payload: payload as unknown as JobPayload,
        idempotencyKey: `rollout:${running.rollout.id}:${position}`,
        deadlineS: STEP_DEADLINE_S,
      },
      running.rollout.createdBy,
      now,
    );
    after = queued.ok
      ? { ...step, status: "running", jobId: queued.value.job.id, startedAt: now }
      : {
          ...step,
          status: "failed",
          finishedAt: now,
          note: queued.message.slice(0, NOTE_MAX_CHARS),
        };
  }
  running.steps[index] = after;
  await state.write([updateStep(state.db, after)]);
  await state.scheduleAlarm();
}
