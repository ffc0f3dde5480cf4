/**
 * Decides, when a job is queued, whether it needs a standby canary and which: see
 * worker/jobs/canary.ts for the rules and docs/decisions/0018. The coordinator calls it with the
 * pool's live view; it reads D1 only for a config change queued for the active.
 */
import { and, desc, eq, gt, inArray, ne } from "drizzle-orm";
import { CANARY_KINDS, type JobKind, type JobPayload } from "../../shared/jobs";
import type { Db } from "../db/client";
import { type JobRow, jobs } from "../db/schema/jobs";
import type { MemberRow } from "../db/schema/members";
import type { PoolRow } from "../db/schema/pools";
import type { FailoverMember, FailoverPolicy } from "../failover/decide";
import { contentHash, needsCanary, pickCanaryMember } from "../jobs/canary";
import { newId } from "../lib/ids";

export type CanaryPlan =
  /** Run it as queued; `note` says why there is no canary (null: the job is not for the active). */
  | { kind: "direct"; hash: string | null; note: string | null }
  /** Hold it until `canaryJobId`, already queued on a standby, finishes. */
  | { kind: "hold"; hash: string; canaryJobId: string; note: string }
  /** Queue a canary on `member` and hold the job until it finishes. */
  | { kind: "canary"; hash: string; member: MemberRow; how: string };

export interface CanaryInput {
  db: Db;
  pool: PoolRow;
  member: MemberRow;
  kind: JobKind;
  payload: JobPayload;
  force: boolean;
  actor: string;
  view: readonly FailoverMember[];
  policy: FailoverPolicy;
  now: number;
  rowOf: (memberId: string) => MemberRow | undefined;
  unfinished: Iterable<JobRow>;
  mayRun: (memberId: string) => boolean;
}

/** The kinds that change the same service's config as `kind`. */
function sameService(kind: JobKind): JobKind[] {
  const service = kind.split(".")[0];
  return CANARY_KINDS.filter((other) => other.startsWith(`${service}.`));
}

/**
 * A member other than the active that succeeded with this content and has not changed its
 * config since, so it runs this content now: proof enough, no new canary needed.
 */
async function provenOn(input: CanaryInput, hash: string): Promise<JobRow | null> {
  const { db, pool, member } = input;
  const succeeded = await db
    .select()
    .from(jobs)
    .where(
      and(
        eq(jobs.poolId, pool.id),
        eq(jobs.contentHash, hash),
        eq(jobs.status, "succeeded"),
        ne(jobs.memberId, member.id),
      ),
    )
    .orderBy(desc(jobs.finishedAt))
    .limit(5);
  for (const job of succeeded) {
    if (!input.rowOf(job.memberId)) continue;
    const later = await db
      .select({ id: jobs.id })
      .from(jobs)
      .where(
        and(
          eq(jobs.memberId, job.memberId),
          eq(jobs.status, "succeeded"),
          inArray(jobs.kind, sameService(input.kind)),
          gt(jobs.finishedAt, job.finishedAt ?? 0),
        ),
      )
      .limit(1);
    if (later.length === 0) return job;
  }
  return null;
}

export async function planCanary(input: CanaryInput): Promise<CanaryPlan> {
  const { pool, member, kind, payload } = input;
  if (!needsCanary(kind)) return { kind: "direct", hash: null, note: null };
  const hash = await contentHash(kind, payload);
  if (pool.activeMemberId !== member.id) return { kind: "direct", hash, note: null };
  if (input.force) {
    return { kind: "direct", hash, note: `no canary: skipped (force) by ${input.actor}` };
  }
  const name = (id: string) => input.rowOf(id)?.name ?? id;
  const pending = [...input.unfinished].find(
    (job) => job.contentHash === hash && job.memberId !== member.id && job.status !== "held",
  );
  if (pending) {
    const note = `waiting for canary ${pending.id} on ${name(pending.memberId)}`;
    return { kind: "hold", hash, canaryJobId: pending.id, note };
  }
  const proven = await provenOn(input, hash);
  if (proven) {
    const note = `canary ${proven.id} succeeded on ${name(proven.memberId)} with the same content`;
    return { kind: "direct", hash, note };
  }
  const pick = pickCanaryMember(input.view, input.policy, member.id, input.now, input.mayRun);
  const row = pick && input.rowOf(pick.member.id);
  if (!pick || !row) {
    return { kind: "direct", hash, note: "no canary: no other member of the pool is online" };
  }
  return { kind: "canary", hash, member: row, how: pick.how };
}

/** The job as `plan` says to queue it, and the canary job to queue with it, if any. */
export function shapeWithCanary(
  plan: CanaryPlan,
  drafted: JobRow,
  memberName: string,
  now: number,
): { job: JobRow; canary?: { job: JobRow; memberName: string } } {
  const contentHash = plan.hash;
  if (plan.kind === "direct") return { job: { ...drafted, contentHash, canaryNote: plan.note } };
  if (plan.kind === "hold") {
    const { canaryJobId, note: canaryNote } = plan;
    return { job: { ...drafted, status: "held", contentHash, canaryJobId, canaryNote } };
  }
  const canary: JobRow = {
    ...drafted,
    id: newId("job", now),
    memberId: plan.member.id,
    idempotencyKey: null,
    contentHash,
    canaryJobId: drafted.id,
    canaryNote: `canary for ${drafted.id} on ${memberName} (the active); ${plan.member.name} is ${plan.how}`,
  };
  const held: JobRow = {
    ...drafted,
    status: "held",
    contentHash,
    canaryJobId: canary.id,
    canaryNote: `waiting for canary ${canary.id} on ${plan.member.name}`,
  };
  return { job: held, canary: { job: canary, memberName: plan.member.name } };
}
