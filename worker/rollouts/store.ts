/** D1 reads and writes of rollouts, their steps and the pool's balancer settings. */
import { and, desc, eq } from "drizzle-orm";
import type { Rollout } from "../../shared/rollouts";
import type { Db } from "../db/client";
import {
  type BalancerSettingsRow,
  balancerRolloutSteps,
  balancerRollouts,
  balancerSettings,
  type RolloutRow,
  type RolloutStepRow,
} from "../db/schema/rollouts";
import type { Write } from "../db/writes";
import { ApiError } from "../errors";

/** A revision as applied to a member, or as the pool's live one. */
export interface Applied {
  revision: number;
  sha256: string;
}

export interface RolloutWithSteps {
  rollout: RolloutRow;
  steps: RolloutStepRow[];
}

export function toRollout({ rollout, steps }: RolloutWithSteps): Rollout {
  const ordered = [...steps].sort((a, b) => a.position - b.position);
  return {
    ...rollout,
    steps: ordered.map(({ rolloutId: _rolloutId, ...step }) => step),
  };
}

export async function loadSettings(db: Db, poolId: string) {
  return db.select().from(balancerSettings).where(eq(balancerSettings.poolId, poolId)).get();
}

/** Writes the pool's settings (insert or replace). */
export function saveSettings(db: Db, row: BalancerSettingsRow): Write {
  return db
    .insert(balancerSettings)
    .values(row)
    .onConflictDoUpdate({
      target: balancerSettings.poolId,
      set: {
        managed: row.managed,
        requireConfigParity: row.requireConfigParity,
        updatedAt: row.updatedAt,
        updatedBy: row.updatedBy,
      },
    });
}

async function stepsOf(db: Db, rolloutId: string): Promise<RolloutStepRow[]> {
  return db
    .select()
    .from(balancerRolloutSteps)
    .where(eq(balancerRolloutSteps.rolloutId, rolloutId))
    .orderBy(balancerRolloutSteps.position);
}

export async function findRollout(
  db: Db,
  poolId: string,
  rolloutId: string,
): Promise<RolloutWithSteps | null> {
  const rollout = await db
    .select()
    .from(balancerRollouts)
    .where(and(eq(balancerRollouts.poolId, poolId), eq(balancerRollouts.id, rolloutId)))
    .get();
  return rollout ? { rollout, steps: await stepsOf(db, rollout.id) } : null;
}

export async function getRollout(db: Db, poolId: string, rolloutId: string) {
  const found = await findRollout(db, poolId, rolloutId);
  if (!found) throw new ApiError("not_found", `Rollout ${rolloutId} does not exist in this pool`);
  return found;
}

/** The pool's rollouts, newest first (at most `limit`), without their steps. */
export async function listRollouts(db: Db, poolId: string, limit = 50): Promise<RolloutRow[]> {
  return db
    .select()
    .from(balancerRollouts)
    .where(eq(balancerRollouts.poolId, poolId))
    .orderBy(desc(balancerRollouts.id))
    .limit(limit);
}

/** The running rollout of the pool, with its steps; null when none runs. */
export async function runningRollout(db: Db, poolId: string): Promise<RolloutWithSteps | null> {
  const rollout = await db
    .select()
    .from(balancerRollouts)
    .where(and(eq(balancerRollouts.poolId, poolId), eq(balancerRollouts.status, "running")))
    .get();
  return rollout ? { rollout, steps: await stepsOf(db, rollout.id) } : null;
}

/** The live revision: what the pool's last completed rollout applied; null before the first. */
export async function liveRevision(db: Db, poolId: string): Promise<Applied | null> {
  const row = await db
    .select({ revision: balancerRollouts.revision, sha256: balancerRollouts.sha256 })
    .from(balancerRollouts)
    .where(and(eq(balancerRollouts.poolId, poolId), eq(balancerRollouts.status, "succeeded")))
    .orderBy(desc(balancerRollouts.finishedAt))
    .get();
  return row ?? null;
}

/** Each member's last successfully applied revision. */
export async function appliedByMember(db: Db, poolId: string): Promise<Map<string, Applied>> {
  const rows = await db
    .select({
      memberId: balancerRolloutSteps.memberId,
      revision: balancerRollouts.revision,
      sha256: balancerRollouts.sha256,
    })
    .from(balancerRolloutSteps)
    .innerJoin(balancerRollouts, eq(balancerRollouts.id, balancerRolloutSteps.rolloutId))
    .where(and(eq(balancerRollouts.poolId, poolId), eq(balancerRolloutSteps.status, "succeeded")))
    .orderBy(balancerRolloutSteps.finishedAt);
  return new Map(rows.map(({ memberId, ...applied }) => [memberId, applied]));
}

export function updateStep(db: Db, step: RolloutStepRow): Write {
  const { rolloutId, position, ...rest } = step;
  return db
    .update(balancerRolloutSteps)
    .set(rest)
    .where(
      and(
        eq(balancerRolloutSteps.rolloutId, rolloutId),
        eq(balancerRolloutSteps.position, position),
      ),
    );
}

export function updateRollout(db: Db, rollout: RolloutRow): Write {
  const { id, ...rest } = rollout;
  return db.update(balancerRollouts).set(rest).where(eq(balancerRollouts.id, id));
}
