import type { CreateJob, JobAck, JobDelivery, JobResult } from "../../shared/jobs";
import type { Db } from "../db/client";
import { type JobRow, jobs } from "../db/schema/jobs";
import type { MemberRow } from "../db/schema/members";
import type { Write } from "../db/writes";
import type { NewEvent } from "../events/store";
import {
  canReport,
  canStart,
  dueDeliveries,
  expiredJobs,
  isFinished,
  packDeliveries,
  toDelivery,
} from "../jobs/lifecycle";
import { findJob, findJobByIdempotencyKey, updateJob } from "../jobs/store";
import { newId } from "../lib/ids";
import { type Outcome, ok, refuse } from "./outcome";

/** Builds the insert of a pool event, to batch with the change it records. */
export type EventWriter = (event: Omit<NewEvent, "poolId">, now: number) => Write;
/** Runs writes as one D1 batch (the coordinator's, which also turns events into alerts). */
export type BatchWriter = (writes: Write[]) => Promise<void>;

/**
 * A pool's unfinished jobs, held by its coordinator (the only writer of jobs; see
 * docs/decisions/0002). Every change is written to D1 with its event before memory moves on.
 */
export class JobQueue {
  private unfinished = new Map<string, JobRow>();

  constructor(
    private readonly db: Db,
    private readonly event: EventWriter,
    private readonly write: BatchWriter,
  ) {}

  load(rows: JobRow[]): void {
    this.unfinished = new Map(rows.map((row) => [row.id, row]));
  }

  clear(): void {
    this.unfinished.clear();
  }

  forgetMember(memberId: string): void {
    for (const job of this.unfinished.values()) {
      if (job.memberId === memberId) this.unfinished.delete(job.id);
    }
  }

  deadlines(): number[] {
    return [...this.unfinished.values()].map((job) => job.deadlineAt);
  }

  /**
   * Queues a job, at most once per idempotency key: a repeat answers with the job it made.
   * `admit` checks a new job (not a repeat) before it is written.
   */
  async enqueue(
    poolId: string,
    member: MemberRow,
    input: CreateJob,
    actor: string,
    now: number,
    admit: () => Promise<Outcome<void>> = async () => ok(undefined),
  ): Promise<Outcome<{ job: JobRow; created: boolean }>> {
    const { kind, payload, idempotencyKey, deadlineS } = input;
    if (idempotencyKey) {
      const existing = await findJobByIdempotencyKey(this.db, member.id, idempotencyKey);
      if (existing) {
        const same =
          existing.kind === kind && JSON.stringify(existing.payload) === JSON.stringify(payload);
        if (same) return ok({ job: existing, created: false });
        return refuse<{ job: JobRow; created: boolean }>(
          "idempotency_conflict",
          `Idempotency key ${idempotencyKey} was used for job ${existing.id} with a different kind or payload`,
        );
      }
    }
    const admitted = await admit();
    if (!admitted.ok) return admitted;
    const job: JobRow = {
      id: newId("job", now),
      poolId,
      memberId: member.id,
      kind,
      payload,
      status: "queued",
      idempotencyKey: idempotencyKey ?? null,
      createdAt: now,
      deadlineAt: now + deadlineS * 1000,
      deliveredAt: null,
      deliveryCount: 0,
      startedAt: null,
      finishedAt: null,
      exitCode: null,
      outputTail: null,
      createdBy: actor,
      updatedAt: now,
    };
    const message = `Job ${kind} queued for ${member.name}`;
    const event = {
      memberId: member.id,
      type: "job.queued",
      actor,
      message,
      data: { jobId: job.id, kind },
    } as const;
    await this.write([this.db.insert(jobs).values(job), this.event(event, now)]);
    this.unfinished.set(job.id, job);
    return ok({ job, created: true });
  }

  async cancel(jobId: string, actor: string, now: number): Promise<Outcome<JobRow>> {
    const job = this.unfinished.get(jobId);
    if (!job) {
      const stored = await findJob(this.db, jobId);
      if (!stored) return refuse("not_found", `Job ${jobId} does not exist`);
      return refuse(
        "job_not_cancellable",
        `Job ${jobId} already ${stored.status}; only unfinished jobs can be cancelled`,
      );
    }
    const cancelled: JobRow = { ...job, status: "cancelled", finishedAt: now, updatedAt: now };
    await this.finish(job, cancelled, actor, `Job ${job.kind} cancelled`, now);
    return ok(cancelled);
  }

  /** The agent is starting the job. Refused for jobs that finished (cancelled, timed out). */
  async ack(memberId: string, jobId: string, ack: JobAck, now: number): Promise<Outcome<JobRow>> {
    const job = await this.membersJob(memberId, jobId);
    if (!job.ok) return job;
    if (!canStart(job.value.status))
      return refuse("job_finished", `Job ${jobId} is ${job.value.status}: do not run it`);
    if (job.value.status === "running") return job; // a retried ack
    const running: JobRow = {
      ...job.value,
      status: "running",
      startedAt: ack.startedAt ?? now,
      updatedAt: now,
    };
    await this.write([updateJob(this.db, job.value, running)]);
    this.unfinished.set(jobId, running);
    return ok(running);
  }

  async report(
    memberId: string,
    jobId: string,
    result: JobResult,
    now: number,
  ): Promise<Outcome<JobRow>> {
    const job = await this.membersJob(memberId, jobId);
    if (!job.ok) return job;
    const before = job.value;
    if (before.status === result.status && before.finishedAt === result.finishedAt) return job; // a retried report
    if (!canReport(before.status)) {
      const code = isFinished(before.status) ? "job_finished" : "job_not_running";
      return refuse(
        code,
        `Job ${jobId} is ${before.status}; a result is accepted only after the job was delivered`,
      );
    }
    const startedAt = before.startedAt ?? result.startedAt;
    if (result.finishedAt < startedAt) {
      return refuse(
        "validation_failed",
        `Invalid body: finishedAt: ${result.finishedAt} is before the job's acknowledged start (${startedAt}); a job cannot finish before it starts`,
        [{ path: "finishedAt", message: "must not be before the acknowledged start" }],
      );
    }
    const finished: JobRow = {
      ...before,
      status: result.status,
      exitCode: result.exitCode,
      outputTail: result.outputTail,
      startedAt,
      finishedAt: result.finishedAt,
      updatedAt: now,
    };
    const message = `Job ${before.kind} ${result.status} (exit code ${result.exitCode ?? "none"})`;
    await this.finish(before, finished, `agent:${memberId}`, message, now);
    return ok(finished);
  }

  /**
   * Jobs to hand to a member in this heartbeat, as many as fit its answer (`packDeliveries`),
   * marked delivered; the writes go in its batch.
   */
  deliver(memberId: string, now: number): { deliveries: JobDelivery[]; writes: Write[] } {
    const due = dueDeliveries(this.unfinished.values(), memberId, now);
    const byId = new Map(due.map((job) => [job.id, job]));
    const writes: Write[] = [];
    const deliveries = packDeliveries(
      due.map((job) => toDelivery({ ...job, deliveryCount: job.deliveryCount + 1 })),
    );
    for (const delivery of deliveries) {
      const job = byId.get(delivery.id) as JobRow;
      const delivered: JobRow = {
        ...job,
        status: "delivered",
        deliveredAt: now,
        deliveryCount: job.deliveryCount + 1,
        updatedAt: now,
      };
      writes.push(updateJob(this.db, job, delivered));
      this.unfinished.set(job.id, delivered);
    }
    return { deliveries, writes };
  }

  /** Times out unfinished jobs past their deadline; the writes go in the caller's batch. */
  expire(now: number): Write[] {
    return expiredJobs(this.unfinished.values(), now).flatMap((job) => {
      const timedOut: JobRow = { ...job, status: "timed_out", finishedAt: now, updatedAt: now };
      this.unfinished.delete(job.id);
      const event: Omit<NewEvent, "poolId"> = {
        memberId: job.memberId,
        type: "job.timed_out",
        actor: "system",
        message: `Job ${job.kind} timed out while ${job.status}`,
        data: { jobId: job.id, kind: job.kind, was: job.status },
      };
      return [updateJob(this.db, job, timedOut), this.event(event, now)];
    });
  }

  /** The member's own job; another member's is answered like a missing one. */
  private async membersJob(memberId: string, jobId: string): Promise<Outcome<JobRow>> {
    const job = this.unfinished.get(jobId) ?? (await findJob(this.db, jobId));
    if (!job || job.memberId !== memberId)
      return refuse("not_found", `Job ${jobId} does not exist for this member`);
    return ok(job);
  }

  private async finish(before: JobRow, after: JobRow, actor: string, message: string, now: number) {
    const type = `job.${after.status}` as NewEvent["type"];
    const data = { jobId: after.id, kind: after.kind, exitCode: after.exitCode };
    await this.write([
      updateJob(this.db, before, after),
      this.event({ memberId: after.memberId, type, actor, message, data }, now),
    ]);
    this.unfinished.delete(after.id);
  }
}
