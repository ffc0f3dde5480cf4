/**
 * Rollouts of the managed balancer as the admin API asks for them: start (refused while one
 * runs, for a revision that does not exist, with members offline unless forced), abort, detach,
 * the parity setting. How a rollout then moves is rollout-progress.ts.
 */
import type { BalancerState, CreateRollout, PutConfigParity, Rollout } from "../../shared/rollouts";
import type { PoolRow } from "../db/schema/pools";
import type { RolloutRow } from "../db/schema/rollouts";
import type { RenderedRevision } from "../rollouts/revision-source";
import { saveSettings, toRollout, updateRollout, updateStep } from "../rollouts/store";
import { attempt, type Outcome, ok, refuse } from "./outcome";
import type { PoolState } from "./pool-state";
import {
  advanceRollout,
  createRollout,
  planMembers,
  targetOf,
  untouched,
} from "./rollout-progress";

export function balancerStateOf(state: PoolState): BalancerState {
  const book = state.rollouts;
  return {
    managed: book.managed(),
    liveRevision: book.live?.revision ?? null,
    requireConfigParity: book.settings?.requireConfigParity ?? null,
    parityEnforced: book.parityRequired(),
  };
}

/** `POST /rollouts`: refused while one runs, for a revision that does not exist, or with members offline (unless forced). */
export function startRollout(
  state: PoolState,
  poolId: string,
  input: CreateRollout,
  actor: string,
) {
  return state.withPool<Rollout>(poolId, async (pool) => {
    if (state.rollouts.running) return oneAtATime(pool, state.rollouts.running.rollout);
    const target = targetOf(pool);
    if (!target) {
      return refuse(
        "validation_failed",
        `Pool ${pool.name} has the generic profile: set its profile to haproxy or nginx so Baton knows which config to roll out`,
      );
    }
    const loaded = await renderedRevision(state, pool, input.revision, target);
    if (!loaded.ok) return loaded;
    const rendered = loaded.value;
    const members = planMembers(state);
    if (members.length === 0)
      return refuse("validation_failed", `Pool ${pool.name} has no members to roll out to`);
    const offline = members.filter((member) => !member.online);
    if (offline.length > 0 && !input.force) {
      return refuse(
        "member_not_ready",
        `${offline.map((m) => m.name).join(", ")} ${offline.length === 1 ? "is" : "are"} offline: its step would wait until its job times out. Bring it back, or send force: true to skip it (it keeps its config and is not ready under parity)`,
      );
    }
    const created = await createRollout(
      state,
      pool,
      rendered,
      "rollout",
      input.strategy,
      members,
      actor,
    );
    return ok(toRollout(created));
  });
}

/** The revision rendered for the pool's target, or why it cannot be: missing (404), unsendable. */
async function renderedRevision(
  state: PoolState,
  pool: PoolRow,
  revision: number,
  target: RenderedRevision["target"],
): Promise<Outcome<RenderedRevision>> {
  const loaded = await attempt(() => state.revisionSource(state.db, pool.id, revision, target));
  if (!loaded.ok) return loaded;
  if (!loaded.value) {
    return refuse(
      "not_found",
      `Revision ${revision} of pool ${pool.name}'s balancer does not exist: see GET /api/v1/pools/${pool.id}/balancer/revisions`,
    );
  }
  return ok(loaded.value);
}

/** The refusal while a rollout runs: one at a time. */
function oneAtATime(pool: PoolRow, running: RolloutRow): Outcome<never> {
  return refuse(
    "rollout_running",
    `Rollout ${running.id} of revision ${running.revision} is still running: wait for it or abort it (POST /api/v1/pools/${pool.id}/rollouts/${running.id}/abort)`,
  );
}

/**
 * `POST /members/:id/balancer/reapply`: the live revision applied again to one member, as a
 * one-step `repair` rollout (say, after its file was edited by hand: drift). Refused while a
 * rollout runs, before a revision is live, and for an offline member.
 */
export function reapplyLive(state: PoolState, poolId: string, memberId: string, actor: string) {
  return state.withPool<Rollout>(poolId, async (pool) => {
    if (state.rollouts.running) return oneAtATime(pool, state.rollouts.running.rollout);
    const live = state.rollouts.live;
    const target = targetOf(pool);
    if (!live || !target || !state.rollouts.managed()) {
      return refuse(
        "balancer_not_managed",
        `Pool ${pool.name} has no live balancer revision to put back: save a model and roll it out first (PUT /api/v1/pools/${pool.id}/balancer, then POST /api/v1/pools/${pool.id}/rollouts)`,
      );
    }
    const [member] = planMembers(state, memberId);
    if (!member) return refuse("not_found", `Member ${memberId} is not in pool ${pool.name}`);
    if (!member.online) {
      return refuse(
        "member_not_ready",
        `${member.name} is offline: its step would wait until its job times out. Bring it back first`,
      );
    }
    const loaded = await renderedRevision(state, pool, live.revision, target);
    if (!loaded.ok) return loaded;
    const created = await createRollout(
      state,
      pool,
      loaded.value,
      "repair",
      "rolling",
      [member],
      actor,
    );
    return ok(toRollout(created));
  });
}

/** `POST /rollouts/:id/abort`: no further step starts; a step already running finishes and is recorded. */
export function abortRollout(state: PoolState, poolId: string, rolloutId: string, actor: string) {
  return state.withPool<Rollout>(poolId, async () => {
    const running = state.rollouts.running;
    if (running?.rollout.id !== rolloutId || running.rollout.status !== "running") {
      return refuse(
        "rollout_finished",
        `Rollout ${rolloutId} is not running (only a running rollout can be aborted): see GET /api/v1/pools/${poolId}/rollouts/${rolloutId}`,
      );
    }
    const now = state.now();
    const steps = running.steps.map((step) =>
      step.status === "pending"
        ? {
            ...step,
            status: "skipped" as const,
            finishedAt: now,
            note: `not reached: aborted by ${actor}`,
          }
        : step,
    );
    const aborted: RolloutRow = {
      ...running.rollout,
      status: "aborted",
      finishedAt: now,
      reason: `aborted by ${actor}`,
    };
    const stillRunning = steps
      .filter((step) => step.status === "running")
      .map((step) => step.memberName);
    await state.write([
      ...steps
        .filter((step, i) => step !== running.steps[i])
        .map((step) => updateStep(state.db, step)),
      updateRollout(state.db, aborted),
      state.ledger.event(
        {
          memberId: null,
          type: "rollout.aborted",
          actor,
          message: `Rollout of balancer revision ${aborted.revision} aborted${stillRunning.length > 0 ? `; ${stillRunning.join(", ")} finishes its running step` : ""}; ${untouched(steps)}`,
          data: { rolloutId, revision: aborted.revision },
        },
        now,
      ),
    ]);
    state.rollouts.running = { rollout: aborted, steps };
    await advanceRollout(state);
    return ok(toRollout({ rollout: aborted, steps }));
  });
}

/** `POST /balancer/detach` (admin): the config is the members' own again; raw config apply is allowed. */
export function detachBalancer(state: PoolState, poolId: string, actor: string) {
  return state.withPool<BalancerState>(poolId, async (pool) => {
    if (state.rollouts.running) {
      return refuse(
        "rollout_running",
        "A rollout is running: abort it before detaching the managed config",
      );
    }
    const now = state.now();
    const settings = {
      poolId,
      managed: false,
      requireConfigParity: state.rollouts.settings?.requireConfigParity ?? null,
      updatedAt: now,
      updatedBy: actor,
    };
    await state.write([
      saveSettings(state.db, settings),
      state.ledger.event(
        {
          memberId: null,
          type: "balancer.detached",
          actor,
          message: `Pool ${pool.name}'s balancer config is no longer managed: raw config apply is allowed, the next rollout manages it again`,
          data: { liveRevision: state.rollouts.live?.revision ?? null },
        },
        now,
      ),
    ]);
    state.rollouts.settings = settings;
    return ok(balancerStateOf(state));
  });
}

/** `PUT /balancer/parity`. */
export function setConfigParity(
  state: PoolState,
  poolId: string,
  input: PutConfigParity,
  actor: string,
) {
  return state.withPool<BalancerState>(poolId, async (pool) => {
    const now = state.now();
    const settings = {
      poolId,
      managed: state.rollouts.managed(),
      requireConfigParity: input.requireConfigParity,
      updatedAt: now,
      updatedBy: actor,
    };
    const said =
      input.requireConfigParity === null
        ? "the default (on once a revision is live)"
        : input.requireConfigParity
          ? "on"
          : "off";
    await state.write([
      saveSettings(state.db, settings),
      state.ledger.event(
        {
          memberId: null,
          type: "balancer.settings_updated",
          actor,
          message: `Config parity for pool ${pool.name} set to ${said}`,
          data: { requireConfigParity: input.requireConfigParity },
        },
        now,
      ),
    ]);
    state.rollouts.settings = settings;
    state.rollouts.refreshParity(state.members, pool.activeMemberId);
    return ok(balancerStateOf(state));
  });
}
