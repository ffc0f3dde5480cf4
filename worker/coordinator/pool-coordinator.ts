import { DurableObject } from "cloudflare:workers";
import { and, eq, inArray } from "drizzle-orm";
import type { Heartbeat, HeartbeatResponse } from "../../shared/heartbeat";
import { type CreateJob, JOB_CATALOG, type JobDelivery, type JobResult } from "../../shared/jobs";
import { parseConfig } from "../config";
import { type Db, openDb } from "../db/client";
import { D1Meter, type D1Totals } from "../db/meter";
import { type JobRow, jobs } from "../db/schema/jobs";
import { type MemberRow, members } from "../db/schema/members";
import { metricSamples } from "../db/schema/metrics";
import { type PoolRow, pools } from "../db/schema/pools";
import { runWrites, type Write } from "../db/writes";
import { insertEvent, type NewEvent } from "../events/store";
import { canReport, canStart, dueDeliveries, expiredJobs, isFinished } from "../jobs/lifecycle";
import { findJob, findJobByIdempotencyKey, updateJob } from "../jobs/store";
import { newId } from "../lib/ids";
import { SerialQueue } from "../lib/serial";
import { log } from "../log";
import {
  type LiveMember,
  type MemberChange,
  observeHeartbeat,
  offlineDeadline,
  resumeAfterRestart,
  silentMembers,
} from "./live-member";
import { type Outcome, ok, refuse } from "./outcome";
import { Sampler } from "./sampler";

export interface HeartbeatInput {
  pool: PoolRow;
  member: MemberRow;
  report: Heartbeat;
}

export interface CoordinatorStats extends D1Totals {
  heartbeats: number;
}

const UNFINISHED: JobRow["status"][] = ["queued", "delivered", "running"];

/**
 * The brain of one pool. Every heartbeat of the pool's members passes through here: live state
 * stays in memory, D1 is written only when something changes (and for a sample every 30 s), and
 * an alarm at the earliest deadline notices silence. Requests run one at a time (SerialQueue),
 * so two heartbeats can never both act on the same state.
 */
export class PoolCoordinator extends DurableObject<Env> {
  /** The clock. Tests replace it to move time instead of sleeping. */
  now: () => number = () => Date.now();

  private readonly meter = new D1Meter();
  private readonly db: Db = openDb(this.env.DB, this.meter);
  private readonly queue = new SerialQueue();
  private readonly sampler = new Sampler();
  private pool: PoolRow | null = null;
  private members = new Map<string, LiveMember>();
  private jobs = new Map<string, JobRow>();
  private alarmAt: number | null = null;
  private heartbeats = 0;

  async heartbeat(input: HeartbeatInput): Promise<HeartbeatResponse> {
    return this.queue.run(async () => {
      await this.load(input.pool);
      const now = this.now();
      this.heartbeats += 1;
      const writes: Write[] = [];

      const known = this.members.get(input.member.id) ?? this.fromRow(input.member);
      const previous = { ...known, name: input.member.name };
      const { next, changes } = observeHeartbeat(previous, input.report, now);
      this.members.set(next.memberId, next);
      if (changes.length > 0) {
        writes.push(...this.recordChanges(input.member, next, changes, now));
        await this.ctx.storage.put(`member:${next.memberId}`, next);
      }

      this.sampler.offer(next.memberId, input.report, now);
      writes.push(...this.takeSample(now), ...this.expireJobs(now));
      const deliveries = dueDeliveries(this.jobs.values(), next.memberId, now).map((job) => {
        const delivered: JobRow = {
          ...job,
          status: "delivered",
          deliveredAt: now,
          deliveryCount: job.deliveryCount + 1,
          updatedAt: now,
        };
        writes.push(updateJob(this.db, job, delivered));
        this.jobs.set(job.id, delivered);
        return toDelivery(delivered);
      });

      await runWrites(this.db, writes);
      await this.scheduleAlarm();
      return {
        jobs: deliveries,
        intervalMs: parseConfig(this.env).heartbeatIntervalMs,
        serverTime: now,
      };
    });
  }

  /** Fires at the earliest deadline: members gone silent, jobs past their deadline, samples due. */
  override async alarm(): Promise<void> {
    await this.queue.run(async () => {
      this.alarmAt = null;
      const poolId = await this.ctx.storage.get<string>("poolId");
      const pool = poolId
        ? await this.db.select().from(pools).where(eq(pools.id, poolId)).get()
        : undefined;
      if (!pool) {
        await this.ctx.storage.deleteAll();
        return;
      }
      await this.load(pool);
      const now = this.now();
      const writes: Write[] = [...this.takeSample(now), ...this.expireJobs(now)];
      for (const member of silentMembers(this.members.values(), pool.failoverDelayS * 1000, now)) {
        const offline: LiveMember = { ...member, status: "offline" };
        this.members.set(member.memberId, offline);
        await this.ctx.storage.put(`member:${member.memberId}`, offline);
        const change: MemberChange = { kind: "offline", lastHeartbeatAt: member.lastHeartbeatAt };
        writes.push(...this.recordChanges(null, offline, [change], now));
      }
      await runWrites(this.db, writes);
      await this.scheduleAlarm();
      log("info", {
        msg: "coordinator alarm",
        poolId,
        writes: writes.length,
        durationMs: this.now() - now,
      });
    });
  }

  /** Queues a job for a member, at most once per idempotency key. */
  async enqueueJob(input: {
    pool: PoolRow;
    member: MemberRow;
    job: CreateJob;
    actor: string;
  }): Promise<Outcome<{ job: JobRow; created: boolean }>> {
    return this.queue.run(async () => {
      await this.load(input.pool);
      const now = this.now();
      const { kind, payload, idempotencyKey, deadlineS } = input.job;
      if (idempotencyKey) {
        const existing = await findJobByIdempotencyKey(this.db, input.member.id, idempotencyKey);
        if (existing) {
          const same =
            existing.kind === kind && JSON.stringify(existing.payload) === JSON.stringify(payload);
          if (same) return ok({ job: existing, created: false });
          return refuse(
            "idempotency_conflict",
            `Idempotency key ${idempotencyKey} was used for job ${existing.id} with a different kind or payload`,
          );
        }
      }
      const job: JobRow = {
        id: newId("job", now),
        poolId: input.pool.id,
        memberId: input.member.id,
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
        createdBy: input.actor,
        updatedAt: now,
      };
      await runWrites(this.db, [
        this.db.insert(jobs).values(job),
        this.event(
          {
            memberId: job.memberId,
            type: "job.queued",
            actor: input.actor,
            message: `Job ${kind} queued for ${input.member.name}`,
            data: { jobId: job.id, kind },
          },
          now,
        ),
      ]);
      this.jobs.set(job.id, job);
      await this.scheduleAlarm();
      return ok({ job, created: true });
    });
  }

  async cancelJob(poolId: string, jobId: string, actor: string): Promise<Outcome<JobRow>> {
    return this.queue.run(async () => {
      await this.loadById(poolId);
      const job = this.jobs.get(jobId);
      if (!job) {
        const stored = await findJob(this.db, jobId);
        if (!stored) return refuse("not_found", `Job ${jobId} does not exist`);
        return refuse(
          "job_not_cancellable",
          `Job ${jobId} already ${stored.status}; only unfinished jobs can be cancelled`,
        );
      }
      const now = this.now();
      const cancelled: JobRow = { ...job, status: "cancelled", finishedAt: now, updatedAt: now };
      await this.finishJob(job, cancelled, actor, `Job ${job.kind} cancelled`, now);
      return ok(cancelled);
    });
  }

  /** The agent is starting the job. Refused for jobs that finished (cancelled, timed out). */
  async ackJob(
    poolId: string,
    memberId: string,
    jobId: string,
    startedAt: number | undefined,
  ): Promise<Outcome<JobRow>> {
    return this.queue.run(async () => {
      await this.loadById(poolId);
      const job = await this.ownJob(memberId, jobId);
      if (!job.ok) return job;
      if (!canStart(job.value.status))
        return refuse("job_finished", `Job ${jobId} is ${job.value.status}: do not run it`);
      if (job.value.status === "running") return job;
      const now = this.now();
      const running: JobRow = {
        ...job.value,
        status: "running",
        startedAt: startedAt ?? now,
        updatedAt: now,
      };
      await runWrites(this.db, [updateJob(this.db, job.value, running)]);
      this.jobs.set(jobId, running);
      return ok(running);
    });
  }

  async reportJobResult(
    poolId: string,
    memberId: string,
    jobId: string,
    result: JobResult,
  ): Promise<Outcome<JobRow>> {
    return this.queue.run(async () => {
      await this.loadById(poolId);
      const job = await this.ownJob(memberId, jobId);
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
      const now = this.now();
      const finished: JobRow = {
        ...before,
        status: result.status,
        exitCode: result.exitCode,
        outputTail: result.outputTail,
        startedAt: before.startedAt ?? result.startedAt,
        finishedAt: result.finishedAt,
        updatedAt: now,
      };
      const message = `Job ${before.kind} ${result.status} (exit code ${result.exitCode ?? "none"})`;
      await this.finishJob(before, finished, `agent:${memberId}`, message, now);
      return ok(finished);
    });
  }

  /** Live state of every member the coordinator has heard from, for the admin API. */
  async snapshot(poolId: string): Promise<LiveMember[]> {
    return this.queue.run(async () => {
      await this.loadById(poolId);
      return [...this.members.values()];
    });
  }

  /** The pool's settings changed: deadlines move with the failover delay. */
  async poolChanged(pool: PoolRow): Promise<void> {
    await this.queue.run(async () => {
      await this.load(pool);
      this.alarmAt = null;
      await this.scheduleAlarm();
    });
  }

  async memberRemoved(poolId: string, memberId: string): Promise<void> {
    await this.queue.run(async () => {
      await this.loadById(poolId);
      this.members.delete(memberId);
      this.sampler.forget(memberId);
      for (const job of this.jobs.values()) if (job.memberId === memberId) this.jobs.delete(job.id);
      await this.ctx.storage.delete(`member:${memberId}`);
    });
  }

  /** The pool is gone: forget everything. */
  async poolDeleted(): Promise<void> {
    await this.queue.run(async () => {
      await this.ctx.storage.deleteAll();
      this.pool = null;
      this.members.clear();
      this.jobs.clear();
      this.alarmAt = null;
    });
  }

  async stats(): Promise<CoordinatorStats> {
    return { ...this.meter.totals, heartbeats: this.heartbeats };
  }

  private async loadById(poolId: string): Promise<void> {
    if (this.pool?.id === poolId) return;
    const pool = await this.db.select().from(pools).where(eq(pools.id, poolId)).get();
    if (!pool) throw new Error(`Pool ${poolId} does not exist`);
    await this.load(pool);
  }

  /**
   * Takes the pool's latest settings; on the first call after a (re)start, also reloads members
   * and unfinished jobs. A restart counts every online member as seen at the restart.
   */
  private async load(pool: PoolRow): Promise<void> {
    const firstLoad = this.pool === null;
    this.pool = pool;
    if (!firstLoad) return;
    const startedAt = this.now();
    await this.ctx.storage.put("poolId", pool.id);
    const stored = await this.ctx.storage.list<LiveMember>({ prefix: "member:" });
    for (const member of stored.values())
      this.members.set(member.memberId, resumeAfterRestart(member, startedAt));
    const rows = await this.db
      .select()
      .from(jobs)
      .where(and(eq(jobs.poolId, pool.id), inArray(jobs.status, UNFINISHED)));
    for (const row of rows) this.jobs.set(row.id, row);
    this.alarmAt = await this.ctx.storage.getAlarm();
  }

  private fromRow(row: MemberRow): LiveMember {
    return {
      memberId: row.id,
      name: row.name,
      status: row.status,
      lastHeartbeatAt: row.lastHeartbeatAt,
      agentVersion: row.agentVersion,
      publicIp: row.publicIp,
      services: {},
    };
  }

  private async ownJob(memberId: string, jobId: string): Promise<Outcome<JobRow>> {
    const job = this.jobs.get(jobId) ?? (await findJob(this.db, jobId));
    // Another member's job is answered like a missing one: agents learn nothing of others' work.
    if (!job || job.memberId !== memberId)
      return refuse("not_found", `Job ${jobId} does not exist for this member`);
    return ok(job);
  }

  private async finishJob(
    before: JobRow,
    after: JobRow,
    actor: string,
    message: string,
    now: number,
  ) {
    const type = `job.${after.status}` as NewEvent["type"];
    await runWrites(this.db, [
      updateJob(this.db, before, after),
      this.event(
        {
          memberId: after.memberId,
          type,
          actor,
          message,
          data: { jobId: after.id, kind: after.kind, exitCode: after.exitCode },
        },
        now,
      ),
    ]);
    this.jobs.delete(after.id);
  }

  private expireJobs(now: number): Write[] {
    return expiredJobs(this.jobs.values(), now).flatMap((job) => {
      const timedOut: JobRow = { ...job, status: "timed_out", finishedAt: now, updatedAt: now };
      this.jobs.delete(job.id);
      return [
        updateJob(this.db, job, timedOut),
        this.event(
          {
            memberId: job.memberId,
            type: "job.timed_out",
            actor: "system",
            message: `Job ${job.kind} timed out while ${job.status}`,
            data: { jobId: job.id, kind: job.kind, was: job.status },
          },
          now,
        ),
      ];
    });
  }

  private takeSample(now: number): Write[] {
    const sample = this.pool ? this.sampler.take(now) : null;
    if (!sample || !this.pool) return [];
    return [
      this.db
        .insert(metricSamples)
        .values({ poolId: this.pool.id, at: now, members: sample })
        .onConflictDoNothing(),
    ];
  }

  /** Events and catalog updates for what changed about a member. */
  private recordChanges(
    row: MemberRow | null,
    member: LiveMember,
    changes: MemberChange[],
    now: number,
  ): Write[] {
    const name = row?.name ?? member.name;
    const writes: Write[] = [];
    for (const change of changes) {
      if (change.kind === "online") {
        const after =
          change.silentForMs === null
            ? ""
            : ` after ${Math.round(change.silentForMs / 1000)} s of silence`;
        writes.push(
          this.event(
            {
              memberId: member.memberId,
              type: "member.online",
              actor: "system",
              message: `${name} is online${after}`,
              data: { agentVersion: member.agentVersion, publicIp: member.publicIp },
            },
            now,
          ),
        );
      } else if (change.kind === "offline") {
        const delayS = this.pool?.failoverDelayS ?? 0;
        writes.push(
          this.event(
            {
              memberId: member.memberId,
              type: "member.offline",
              actor: "system",
              message: `${name} is offline: no heartbeat for ${delayS} s`,
              data: { lastHeartbeatAt: change.lastHeartbeatAt, failoverDelayS: delayS },
            },
            now,
          ),
        );
      } else if (change.kind === "service") {
        const was = change.from ? ` (was ${change.from})` : "";
        writes.push(
          this.event(
            {
              memberId: member.memberId,
              type: "member.service_changed",
              actor: "system",
              message: `${change.service} on ${name} is ${change.to}${was}`,
              data: { service: change.service, from: change.from, to: change.to },
            },
            now,
          ),
        );
      }
    }
    writes.push(
      this.db
        .update(members)
        .set({
          status: member.status,
          lastHeartbeatAt: member.lastHeartbeatAt,
          agentVersion: member.agentVersion,
          publicIp: member.publicIp,
        })
        .where(eq(members.id, member.memberId)),
    );
    return writes;
  }

  private event(event: Omit<NewEvent, "poolId">, now: number): Write {
    return insertEvent(this.db, { poolId: this.pool?.id ?? null, ...event }, now);
  }

  /** Keeps one alarm at the earliest deadline. Heartbeats only push deadlines later, so most set none. */
  private async scheduleAlarm(): Promise<void> {
    if (!this.pool) return;
    const delayMs = this.pool.failoverDelayS * 1000;
    const deadlines = [
      ...[...this.members.values()].map((member) => offlineDeadline(member, delayMs)),
      ...[...this.jobs.values()].map((job) => job.deadlineAt),
      this.sampler.dueAt(),
    ].filter((at): at is number => at !== null);
    if (deadlines.length === 0) return;
    const earliest = Math.min(...deadlines);
    if (this.alarmAt !== null && this.alarmAt <= earliest) return;
    this.alarmAt = earliest;
    await this.ctx.storage.setAlarm(earliest);
  }
}

function toDelivery(job: JobRow): JobDelivery {
  return {
    id: job.id,
    kind: job.kind,
    payload: job.payload,
    timeoutMs: JOB_CATALOG[job.kind].timeoutMs,
    deadlineAt: job.deadlineAt,
    attempt: job.deliveryCount,
  };
}
