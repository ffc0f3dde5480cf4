import { and, asc, eq } from "drizzle-orm";
import type { JobSchedule, PutSchedules, SchedulableKind } from "../../shared/schedules";
import type { Db } from "../db/client";
import { type JobScheduleRow, jobSchedules } from "../db/schema/backups";
import type { MemberRow } from "../db/schema/members";
import type { Write } from "../db/writes";
import { newId } from "../lib/ids";

export function toJobSchedule(row: JobScheduleRow): JobSchedule {
  return { id: row.id, kind: row.kind as SchedulableKind, cron: row.cron };
}

/** A pool's schedules, oldest first (the coordinator loads them with its members). */
export async function loadPoolSchedules(db: Db, poolId: string): Promise<JobScheduleRow[]> {
  return db
    .select()
    .from(jobSchedules)
    .where(eq(jobSchedules.poolId, poolId))
    .orderBy(asc(jobSchedules.id));
}

/** A member's schedules, oldest first. */
export async function listMemberSchedules(db: Db, member: MemberRow): Promise<JobSchedule[]> {
  const rows = await db
    .select()
    .from(jobSchedules)
    .where(and(eq(jobSchedules.poolId, member.poolId), eq(jobSchedules.memberId, member.id)))
    .orderBy(asc(jobSchedules.id));
  return rows.map(toJobSchedule);
}

/**
 * The rows that replace a member's schedules. An entry equal to an existing one (same kind and
 * cron) keeps its id, so the agent's timers and the idempotency keys of its fires stay the same.
 */
export function planSchedules(
  member: MemberRow,
  existing: JobScheduleRow[],
  input: PutSchedules,
  now: number,
): JobScheduleRow[] {
  const unused = [...existing];
  return input.schedules.map(({ kind, cron }) => {
    const index = unused.findIndex((row) => row.kind === kind && row.cron === cron);
    const [kept] = index >= 0 ? unused.splice(index, 1) : [];
    return (
      kept ?? {
        id: newId("sch", now),
        poolId: member.poolId,
        memberId: member.id,
        kind,
        cron,
        createdAt: now,
      }
    );
  });
}

/** The writes that replace a member's schedules with `rows` (one batch with its event). */
export function replaceSchedules(db: Db, member: MemberRow, rows: JobScheduleRow[]): Write[] {
  const mine = and(eq(jobSchedules.poolId, member.poolId), eq(jobSchedules.memberId, member.id));
  const writes: Write[] = [db.delete(jobSchedules).where(mine)];
  if (rows.length > 0) writes.push(db.insert(jobSchedules).values(rows));
  return writes;
}
