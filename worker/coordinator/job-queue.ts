import type { CreateJob, JobAck, JobDelivery, JobResult } from "../../shared/jobs";
import type { Db } from "../db/client";
import { type JobRow, jobs } from "../db/schema/jobs";
import type { MemberRow } from "../db/schema/members";
import type { Write } from "../db/writes";
import type { NewEvent } from "../events/store";
import { settleHeld } from "../jobs/canary";
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
 * Shapes a new job before it is written: the standby canary (canary-gate.ts) may hold it and
 * add a canary job on another member, written in the same batch.
 */
export type JobShaper = (
  drafted: JobRow,
) => Promise<{ job: JobRow; canary?: { job: JobRow; memberName: string } }>;

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
    /** A member's name for event messages and canary notes. */
    private readonly nameOf: (memberId: string) => string = (memberId) => memberId,
  ) {}

  /** The unfinished jobs (the canary gate looks for one with the same content). */
  pending(): Iterable<JobRow> {
    return this.unfinished.values();
  }

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
    shape: JobShaper = async (drafted) => ({ job: drafted }),
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
    const drafted: JobRow = {
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
      contentHash: null,
      canaryJobId: null,
      canaryNote: null,
      updatedAt: now,
    };
    const { job, canary } = await shape(drafted);
    const writes: Write[] = [];
    if (canary) {
      const { job: first, memberName } = canary;
      writes.push(this.db.insert(jobs).values(first));
      writes.push(
        this.queuedEvent(
          first,
          `Job ${kind} queued for ${memberName} as the canary for ${member.name}`,
          actor,
          now,
        ),
      );
    }
    const held = job.status === "held" ? ", held" : "";
    const note = job.canaryNote ? `${held}: ${job.canaryNote}` : "";
    const message = `Job ${kind} queued for ${member.name}${note}`;
    writes.push(this.db.insert(jobs).values(job), this.queuedEvent(job, message, actor, now));
    await this.write(writes);
    if (canary) this.unfinished.set(canary.job.id, canary.job);
    this.unfinished.set(job.id, job);
    return ok({ job, created: true });
  }

  private queuedEvent(job: JobRow, message: string, actor: string, now: number): Write {
    const data = {
      jobId: job.id,
      kind: job.kind,
      ...(job.canaryJobId ? { canaryJobId: job.canaryJobId } : {}),
    };
    return this.event({ memberId: job.memberId, type: "job.queued", actor, message, data }, now);
  }

  /**
   * What finishing `finished` does to the jobs held for it as their canary: released (queued)
   * when it succeeded, failed with its reason otherwise. The writes go with the finish; `apply`
   * moves memory once they are durable.
   */
  private settleHeldFor(finished: JobRow, now: number): { writes: Write[]; apply: () => void } {
    const settled = [...this.unfinished.values()]
      .filter((job) => job.status === "held" && job.canaryJobId === finished.id)
      .map((held) => ({
        held,
        after: settleHeld(held, finished, this.nameOf(finished.memberId), now),
      }));
    const writes = settled.flatMap(({ held, after }) => {
      const released = after.status === "queued";
      const message = released
        ? `Job ${held.kind} released for ${this.nameOf(held.memberId)}: ${after.canaryNote}`
        : `Job ${held.kind} failed for ${this.nameOf(held.memberId)}: ${after.canaryNote}`;
      const event: Omit<NewEvent, "poolId"> = {
        memberId: held.memberId,
        type: released ? "job.queued" : "job.failed",
        actor: "system",
        message,
        data: { jobId: held.id, kind: held.kind, canaryJobId: finished.id },
      };
      return [updateJob(this.db, held, after), this.event(event, now)];
    });
    const apply = () => {
      for (const { after } of settled) {
        if (after.status === "queued") this.unfinished.set(after.id, after);
        else this.unfinished.delete(after.id);
      }
    };
    return { writes, apply };
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
    // The canary's word first, so the output says whether the change was proven on a standby.
    const canaryLine = before.canaryNote ? `[baton] ${before.canaryNote}\n` : "";
    const finished: JobRow = {
      ...before,
      status: result.status,
      exitCode: result.exitCode,
      outputTail: `${canaryLine}${result.outputTail}`,
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
      // A held job whose canary timed out just before was failed with it.
      if (!this.unfinished.has(job.id)) return [];
      const timedOut: JobRow = { ...job, status: "timed_out", finishedAt: now, updatedAt: now };
      this.unfinished.delete(job.id);
      const settle = this.settleHeldFor(timedOut, now);
      settle.apply();
      const event: Omit<NewEvent, "poolId"> = {
        memberId: job.memberId,
        type: "job.timed_out",
        actor: "system",
        message: `Job ${job.kind} timed out while ${job.status}`,
        data: { jobId: job.id, kind: job.kind, was: job.status },
      };
      return [updateJob(this.db, job, timedOut), this.event(event, now), ...settle.writes];
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
    const settle = this.settleHeldFor(after, now);
    await this.write([
      updateJob(this.db, before, after),
      this.event({ memberId: after.memberId, type, actor, message, data }, now),
      ...settle.writes,
    ]);
    this.unfinished.delete(after.id);
    settle.apply();
  }
}
