import {
  FINISHED_JOB_STATUSES,
  JOB_CATALOG,
  type JobDelivery,
  type JobStatus,
} from "../../shared/jobs";
import { AGENT_ANSWER_MAX_BYTES, jsonBytes } from "../../shared/limits";
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

/**
 * The bytes of a heartbeat answer that job deliveries may fill: the agent's answer limit less
 * room for the rest of the answer (16 schedules, interval, server time: under 4 KiB).
 */
export const DELIVERY_BUDGET_BYTES = AGENT_ANSWER_MAX_BYTES - 64 * 1024;

/**
 * The deliveries that fit one heartbeat answer, oldest first: a job that does not fit beside the
 * ones already chosen waits for the next beat while smaller ones behind it still go, so a large
 * job never holds the others back. Any one capped payload fits an empty answer, so the oldest
 * due job always goes; a job too large for any answer (queued before the cap) waits for its
 * deadline instead of blocking the member.
 */
export function packDeliveries(
  deliveries: JobDelivery[],
  budgetBytes = DELIVERY_BUDGET_BYTES,
): JobDelivery[] {
  const packed: JobDelivery[] = [];
  let used = 0;
  for (const delivery of deliveries) {
    const bytes = jsonBytes(delivery) + 1; // and the comma between two
    if (used + bytes > budgetBytes) continue;
    packed.push(delivery);
    used += bytes;
  }
  return packed;
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
