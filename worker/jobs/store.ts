import { and, desc, eq, inArray, lt, type SQL } from "drizzle-orm";
import type { Job, JobStatus } from "../../shared/jobs";
import type { PageQuery } from "../../shared/pagination";
import type { Db } from "../db/client";
import { type JobRow, jobs } from "../db/schema/jobs";
import { ApiError } from "../errors";
import { page } from "../lib/page";

export function toJob(row: JobRow): Job {
  const { updatedAt: _updatedAt, ...job } = row;
  return job;
}

export async function findJob(db: Db, jobId: string): Promise<JobRow | undefined> {
  return db.select().from(jobs).where(eq(jobs.id, jobId)).get();
}

/** The jobs with these ids that are still kept (finished jobs are swept after a while). */
export async function findJobs(db: Db, jobIds: string[]): Promise<JobRow[]> {
  const ids = [...new Set(jobIds)];
  if (ids.length === 0) return [];
  return db.select().from(jobs).where(inArray(jobs.id, ids));
}

export async function getJob(db: Db, jobId: string): Promise<JobRow> {
  const row = await findJob(db, jobId);
  if (!row) throw new ApiError("not_found", `Job ${jobId} does not exist`);
  return row;
}

export async function findJobByIdempotencyKey(db: Db, memberId: string, key: string) {
  return db
    .select()
    .from(jobs)
    .where(and(eq(jobs.memberId, memberId), eq(jobs.idempotencyKey, key)))
    .get();
}

/** Jobs of one member or one pool, newest first, optionally of some statuses. */
export async function listJobs(
  db: Db,
  owner: { memberId: string } | { poolId: string },
  statuses: JobStatus[] | undefined,
  query: PageQuery,
) {
  const conditions: SQL[] = [
    "memberId" in owner ? eq(jobs.memberId, owner.memberId) : eq(jobs.poolId, owner.poolId),
  ];
  if (statuses?.length) conditions.push(inArray(jobs.status, statuses));
  if (query.cursor) conditions.push(lt(jobs.id, query.cursor));
  const rows = await db
    .select()
    .from(jobs)
    .where(and(...conditions))
    .orderBy(desc(jobs.id))
    .limit(query.limit + 1);
  return page(rows.map(toJob), query.limit);
}

/**
 * The update that moves a job from the status it had to its new state. The status check makes it
 * a compare-and-swap: the coordinator is the only writer, and this keeps it honest.
 */
export function updateJob(db: Db, before: JobRow, after: JobRow) {
  return db
    .update(jobs)
    .set(after)
    .where(and(eq(jobs.id, before.id), eq(jobs.status, before.status)));
}
