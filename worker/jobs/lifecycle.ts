import {
  FINISHED_JOB_STATUSES,
  JOB_CATALOG,
  type JobDelivery,
  type JobStatus,
} from "../../shared/jobs";
import type { JobRow } from "../db/schema/jobs";

/** How long a delivered job may stay unacknowledged before the next heartbeat delivers it again. */
export const JOB_REDELIVERY_MS = 10_000;

export function isFinished(status: JobStatus): boolean {
  return FINISHED_JOB_STATUSES.includes(status);
}

/** Jobs to hand to `memberId` in this heartbeat: new ones, and delivered ones never acknowledged. */
export function dueDeliveries(jobs: Iterable<JobRow>, memberId: string, now: number): JobRow[] {
  return [...jobs]
    .filter((job) => job.memberId === memberId && job.deadlineAt > now)
    .filter(
      (job) =>
        job.status === "queued" ||
        (job.status === "delivered" && (job.deliveredAt ?? 0) + JOB_REDELIVERY_MS <= now),
    )
    .sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** Unfinished jobs whose deadline has passed. */
export function expiredJobs(jobs: Iterable<JobRow>, now: number): JobRow[] {
  return [...jobs].filter((job) => !isFinished(job.status) && job.deadlineAt <= now);
}

/** Whether an agent may start a job in this status (an ack). Running again is a retried ack. */
export function canStart(status: JobStatus): boolean {
  return status === "queued" || status === "delivered" || status === "running";
}

/** Whether an agent may report a result for a job in this status; queued jobs were never handed out. */
export function canReport(status: JobStatus): boolean {
  return status === "delivered" || status === "running";
}

/** A job as its agent receives it in a heartbeat response. */
export function toDelivery(job: JobRow): JobDelivery {
  return {
    id: job.id,
    kind: job.kind,
    payload: job.payload,
    timeoutMs: JOB_CATALOG[job.kind].timeoutMs,
    deadlineAt: job.deadlineAt,
    attempt: job.deliveryCount,
  };
}
