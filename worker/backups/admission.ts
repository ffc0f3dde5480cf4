import { eq } from "drizzle-orm";
import { JOB_ID_HEADER } from "../../shared/backups";
import type { MonitoredService } from "../../shared/heartbeat";
import type { Db } from "../db/client";
import { backups } from "../db/schema/backups";
import type { JobRow } from "../db/schema/jobs";
import type { MemberRow } from "../db/schema/members";
import type { PoolRow } from "../db/schema/pools";
import { ApiError } from "../errors";
import { isFinished } from "../jobs/lifecycle";
import { findJob } from "../jobs/store";

/**
 * Whether a pool stores backups of `service`: an HAProxy pool HAProxy backups, an nginx pool
 * nginx ones. A generic pool takes either; the backup job the upload answers was admitted only
 * where the member reports that service installed, and must be of the same service.
 */
export function checkBackupService(pool: Pick<PoolRow, "name" | "profile">, service: string) {
  if (pool.profile === "generic" || pool.profile === service) return;
  throw new ApiError(
    "backup_mismatch",
    `Pool ${pool.name} is a ${pool.profile} pool and stores ${pool.profile} backups only; this upload says service=${service}`,
  );
}

/**
 * The backup job an upload answers (`X-Baton-Job-Id`): a `<service>.backup` job of this member
 * that has not finished and has stored no backup yet. A member's secret alone therefore cannot
 * store backups: each one answers a job an operator or a schedule queued. 400 without the
 * header, 404 for another member's or an unknown job, 409 for the wrong kind, a finished job,
 * or a second upload.
 */
export async function admitUploadJob(
  db: Db,
  member: MemberRow,
  service: MonitoredService,
  jobId: string | undefined,
): Promise<JobRow> {
  if (!jobId) {
    throw new ApiError(
      "validation_failed",
      `Name the backup job this archive answers in ${JOB_ID_HEADER}: backups are stored only for a ${service}.backup job queued on this member`,
      [{ path: JOB_ID_HEADER, message: "is required" }],
    );
  }
  const job = await findJob(db, jobId);
  if (job?.memberId !== member.id) {
    throw new ApiError(
      "not_found",
      `Job ${jobId} (${JOB_ID_HEADER}) does not exist for this member: send the id of the backup job that made the archive`,
    );
  }
  if (job.kind !== `${service}.backup`) {
    throw new ApiError(
      "backup_mismatch",
      `Job ${jobId} is a ${job.kind} job; a ${service} backup is stored only for a ${service}.backup job`,
    );
  }
  if (isFinished(job.status)) {
    throw new ApiError(
      "job_finished",
      `Job ${jobId} has finished (${job.status}); queue another ${service}.backup to store a backup`,
    );
  }
  const earlier = await db
    .select({ id: backups.id })
    .from(backups)
    .where(eq(backups.jobId, jobId))
    .get();
  if (earlier) throw backupExists(jobId, earlier.id);
  return job;
}

/** A second upload for one job (also what the unique index answers in a race). */
export function backupExists(jobId: string, backupId?: string): ApiError {
  const stored = backupId ? `backup ${backupId}` : "a backup";
  return new ApiError(
    "backup_exists",
    `Job ${jobId} already stored ${stored}; each backup job stores one backup: queue another to make another`,
  );
}
