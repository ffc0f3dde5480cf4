import { DurableObject } from "cloudflare:workers";
import { and, eq, inArray } from "drizzle-orm";
import { Heartbeat, type HeartbeatResponse, type Whoami } from "../../shared/heartbeat";
import { type CreateJob, JobAck, JobResult } from "../../shared/jobs";
import type { CreateMember, UpdateMember } from "../../shared/members";
import { parseConfig } from "../config";
import { type Db, openDb } from "../db/client";
import { D1Meter, type D1Totals } from "../db/meter";
import { type JobRow, jobs } from "../db/schema/jobs";
import { type MemberRow, members } from "../db/schema/members";
import { metricSamples } from "../db/schema/metrics";
import { type PoolRow, pools } from "../db/schema/pools";
import { runWrites, type Write } from "../db/writes";
import { insertEvent, type NewEvent } from "../events/store";
import {
  canReport,
  canStart,
  dueDeliveries,
  expiredJobs,
  isFinished,
  toDelivery,
} from "../jobs/lifecycle";
import { findJob, findJobByIdempotencyKey, updateJob } from "../jobs/store";
import { newId } from "../lib/ids";
import { ipAllowed } from "../lib/ip";
import { SerialQueue } from "../lib/serial";
import { log } from "../log";
import { enrollMember, removeMember, rotateSecret, updateMember } from "../members/store";
import { type AgentCaller, BAD_SECRET_MESSAGE, MemberCatalog } from "./catalog";
import { changeEvent } from "./change-events";
import {
  type LiveMember,
  type MemberChange,
  observeHeartbeat,
  offlineDeadline,
  resumeAfterRestart,
  silentMembers,
} from "./live-member";
import { attempt, type Outcome, ok, parseBody, refuse } from "./outcome";
import { Sampler } from "./sampler";

export interface CoordinatorStats extends D1Totals {
  heartbeats: number;
}

const UNFINISHED: JobRow["status"][] = ["queued", "delivered", "running"];

/**
 * The brain of one pool. Every agent request and every change to the pool's members passes
 * through here, one at a time (SerialQueue), so no two decisions about the pool overlap. Live
 * state and the members' secrets stay in memory: a heartbeat costs no D1 query, D1 is written
 * only when something changes (and for a sample every 30 s), and an alarm at the earliest
 * deadline notices silence.
 */
export class PoolCoordinator extends DurableObject<Env> {
  /** The clock. Tests replace it to move time instead of sleeping. */
  now: () => number = () => Date.now();

  private readonly meter = new D1Meter();
  private readonly db: Db = openDb(this.env.DB, this.meter);
  private readonly queue = new SerialQueue();
  private readonly sampler = new Sampler();
  private readonly catalog = new MemberCatalog();
  private pool: PoolRow | null = null;
  private members = new Map<string, LiveMember>();
  private jobs = new Map<string, JobRow>();
  private alarmAt: number | null = null;
  private heartbeats = 0;

  // ── Agent requests ────────────────────────────────────────────────────────────────────────

  /** Checks secret → caller address → body → hostname, then applies the heartbeat. */
  async heartbeat(
    poolId: string,
    caller: AgentCaller,
    body: string,
  ): Promise<Outcome<HeartbeatResponse>> {
    return this.queue.run(async () => {
      if (!(await this.open(poolId))) return refuse("bad_secret", BAD_SECRET_MESSAGE);
      const verified = this.catalog.verify(caller, { checkIp: true });
      if (!verified.ok) return verified;
      const report = parseBody(Heartbeat, body);
      if (!report.ok) return report;
      const row = verified.value;
      if (report.value.hostname.toLowerCase() !== row.hostname) {
        return refuse(
          "hostname_mismatch",
          `This secret belongs to ${row.hostname}, but the agent runs on ${report.value.hostname}: use the secret enrolled for this host`,
        );
      }
      return ok(await this.applyHeartbeat(row, report.value));
    });
  }

  /** The agent is starting the job. Refused for jobs that finished (cancelled, timed out). */
  async ackJob(
    poolId: string,
    caller: AgentCaller,
    jobId: string,
    body: string,
  ): Promise<Outcome<JobRow>> {
    return this.queue.run(async () => {
      const job = await this.callersJob(poolId, caller, jobId);
      if (!job.ok) return job;
      const ack = parseBody(JobAck, body);
      if (!ack.ok) return ack;
      if (!canStart(job.value.status)) {
        return refuse("job_finished", `Job ${jobId} is ${job.value.status}: do not run it`);
      }
      if (job.value.status === "running") return job;
      const now = this.now();
      const running: JobRow = {
        ...job.value,
        status: "running",
        startedAt: ack.value.startedAt ?? now,
        updatedAt: now,
      };
      await runWrites(this.db, [updateJob(this.db, job.value, running)]);
      this.jobs.set(jobId, running);
      return ok(running);
    });
  }

  async reportJobResult(
    poolId: string,
    caller: AgentCaller,
    jobId: string,
    body: string,
  ): Promise<Outcome<JobRow>> {
    return this.queue.run(async () => {
      const job = await this.callersJob(poolId, caller, jobId);
      if (!job.ok) return job;
      const result = parseBody(JobResult, body);
      if (!result.ok) return result;
      const before = job.value;
      const reported = result.value;
      if (before.status === reported.status && before.finishedAt === reported.finishedAt)
        return job; // a retried report
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
        status: reported.status,
        exitCode: reported.exitCode,
        outputTail: reported.outputTail,
        startedAt: before.startedAt ?? reported.startedAt,
        finishedAt: reported.finishedAt,
        updatedAt: now,
      };
      const message = `Job ${before.kind} ${reported.status} (exit code ${reported.exitCode ?? "none"})`;
      await this.finishJob(before, finished, `agent:${caller.memberId}`, message, now);
      return ok(finished);
    });
  }

  /** The caller's address as seen here, and whether the member allows it (no IP check). */
  async whoami(poolId: string, caller: AgentCaller): Promise<Outcome<Whoami>> {
    return this.queue.run(async () => {
      if (!(await this.open(poolId))) return refuse("bad_secret", BAD_SECRET_MESSAGE);
      const verified = this.catalog.verify(caller, { checkIp: false });
      if (!verified.ok) return verified;
      const { id, hostname, allowedIps } = verified.value;
      return ok({
        ip: caller.ip,
        memberId: id,
        hostname,
        ipAllowed: ipAllowed(caller.ip, allowedIps),
      });
    });
  }

  // ── Admin changes: members and jobs ───────────────────────────────────────────────────────

  async enrollMember(pool: PoolRow, input: CreateMember, actor: string) {
    return this.queue.run(async () => {
      await this.load(pool);
      const enrolled = await attempt(() => enrollMember(this.db, pool, input, actor, this.now()));
      if (enrolled.ok) this.catalog.put(enrolled.value.row, enrolled.value.secretHash);
      return enrolled;
    });
  }

  async updateMember(poolId: string, memberId: string, patch: UpdateMember, actor: string) {
    return this.queue.run(async () => {
      if (!(await this.open(poolId)))
        return refuse<MemberRow>("not_found", `Pool ${poolId} does not exist`);
      const updated = await attempt(() =>
        updateMember(this.db, memberId, patch, actor, this.now()),
      );
      if (updated.ok) this.catalog.put(updated.value);
      return updated;
    });
  }

  /** A new secret; the old one stops working with this call. */
  async rotateSecret(poolId: string, memberId: string, actor: string) {
    return this.queue.run(async () => {
      if (!(await this.open(poolId))) {
        return refuse<Awaited<ReturnType<typeof rotateSecret>>>(
          "not_found",
          `Pool ${poolId} does not exist`,
        );
      }
      const rotated = await attempt(() => rotateSecret(this.db, memberId, actor, this.now()));
      if (rotated.ok) this.catalog.put(rotated.value.row, rotated.value.secretHash);
      return rotated;
    });
  }

  async removeMember(poolId: string, memberId: string, actor: string) {
    return this.queue.run(async () => {
      if (!(await this.open(poolId)))
        return refuse<MemberRow>("not_found", `Pool ${poolId} does not exist`);
      const removed = await attempt(() => removeMember(this.db, memberId, actor, this.now()));
      if (!removed.ok) return removed;
      this.catalog.delete(memberId);
      this.members.delete(memberId);
      this.sampler.forget(memberId);
      for (const job of this.jobs.values()) if (job.memberId === memberId) this.jobs.delete(job.id);
      await this.ctx.storage.delete(`member:${memberId}`);
      return removed;
    });
  }

  /** Queues a job for a member, at most once per idempotency key. */
  async enqueueJob(
    poolId: string,
    memberId: string,
    input: CreateJob,
    actor: string,
  ): Promise<Outcome<{ job: JobRow; created: boolean }>> {
    return this.queue.run(async () => {
      const member = (await this.open(poolId)) ? this.catalog.get(memberId) : undefined;
      if (!member) return refuse("not_found", `Member ${memberId} does not exist`);
      const now = this.now();
      const { kind, payload, idempotencyKey, deadlineS } = input;
      if (idempotencyKey) {
        const existing = await findJobByIdempotencyKey(this.db, memberId, idempotencyKey);
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
        poolId,
        memberId,
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
      const queued: Omit<NewEvent, "poolId"> = {
        memberId,
        type: "job.queued",
        actor,
        message: `Job ${kind} queued for ${member.name}`,
        data: { jobId: job.id, kind },
      };
      await runWrites(this.db, [this.db.insert(jobs).values(job), this.event(queued, now)]);
      this.jobs.set(job.id, job);
      await this.scheduleAlarm();
      return ok({ job, created: true });
    });
  }

  async cancelJob(poolId: string, jobId: string, actor: string): Promise<Outcome<JobRow>> {
    return this.queue.run(async () => {
      const job = (await this.open(poolId)) ? this.jobs.get(jobId) : undefined;
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

  // ── Pool lifecycle and reads ──────────────────────────────────────────────────────────────

  /** Live state of every member the coordinator has heard from, for the admin API. */
  async snapshot(poolId: string): Promise<LiveMember[]> {
    return this.queue.run(async () =>
      (await this.open(poolId)) ? [...this.members.values()] : [],
    );
  }

  /** The pool's settings changed: deadlines move with the failover delay. */
  async poolChanged(pool: PoolRow): Promise<void> {
    await this.queue.run(async () => {
      await this.load(pool);
      this.alarmAt = null;
      await this.scheduleAlarm();
    });
  }

  /** The pool is gone: forget everything. */
  async poolDeleted(): Promise<void> {
    await this.queue.run(async () => {
      await this.ctx.storage.deleteAll();
      this.pool = null;
      this.catalog.clear();
      this.members.clear();
      this.jobs.clear();
      this.alarmAt = null;
    });
  }

  async stats(): Promise<CoordinatorStats> {
    return { ...this.meter.totals, heartbeats: this.heartbeats };
  }

  /** Fires at the earliest deadline: members gone silent, jobs past their deadline, samples due. */
  override async alarm(): Promise<void> {
    await this.queue.run(async () => {
      this.alarmAt = null;
      const poolId = await this.ctx.storage.get<string>("poolId");
      if (!poolId || !(await this.open(poolId))) {
        await this.ctx.storage.deleteAll();
        return;
      }
      const pool = this.pool as PoolRow;
      const now = this.now();
      const writes: Write[] = [...this.takeSample(now), ...this.expireJobs(now)];
      for (const member of silentMembers(this.members.values(), pool.failoverDelayS * 1000, now)) {
        const offline: LiveMember = { ...member, status: "offline" };
        this.members.set(member.memberId, offline);
        await this.ctx.storage.put(`member:${member.memberId}`, offline);
        const change: MemberChange = { kind: "offline", lastHeartbeatAt: member.lastHeartbeatAt };
        writes.push(...this.recordChanges(offline, [change], now));
      }
      await runWrites(this.db, writes);
      await this.scheduleAlarm();
      log("debug", {
        msg: "coordinator alarm",
        poolId,
        writes: writes.length,
        durationMs: this.now() - now,
      });
    });
  }

  // ── Internals ─────────────────────────────────────────────────────────────────────────────

  private async applyHeartbeat(row: MemberRow, report: Heartbeat): Promise<HeartbeatResponse> {
    const now = this.now();
    this.heartbeats += 1;
    const writes: Write[] = [];

    const known = this.members.get(row.id) ?? fromRow(row);
    const { next, changes } = observeHeartbeat({ ...known, name: row.name }, report, now);
    this.members.set(next.memberId, next);
    if (changes.length > 0) {
      writes.push(...this.recordChanges(next, changes, now));
      await this.ctx.storage.put(`member:${next.memberId}`, next);
    }

    this.sampler.offer(next.memberId, report, now);
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
  }

  /** Makes sure this coordinator serves `poolId`; false when the pool does not exist. */
  private async open(poolId: string): Promise<boolean> {
    if (this.pool?.id === poolId) return true;
    const pool = await this.db.select().from(pools).where(eq(pools.id, poolId)).get();
    if (!pool) return false;
    await this.load(pool);
    return true;
  }

  /**
   * Takes the pool's latest settings; on the first call after a (re)start, also loads members,
   * their secrets and unfinished jobs. A restart counts every online member as seen at the
   * restart, so a restart alone never turns anyone offline.
   */
  private async load(pool: PoolRow): Promise<void> {
    const firstLoad = this.pool === null;
    this.pool = pool;
    if (!firstLoad) return;
    const startedAt = this.now();
    await this.ctx.storage.put("poolId", pool.id);
    await this.catalog.load(this.db, pool.id);
    const stored = await this.ctx.storage.list<LiveMember>({ prefix: "member:" });
    for (const member of stored.values()) {
      this.members.set(member.memberId, resumeAfterRestart(member, startedAt));
    }
    const rows = await this.db
      .select()
      .from(jobs)
      .where(and(eq(jobs.poolId, pool.id), inArray(jobs.status, UNFINISHED)));
    for (const row of rows) this.jobs.set(row.id, row);
    this.alarmAt = await this.ctx.storage.getAlarm();
  }

  /** The caller's own job: after the secret and address checks; other members' jobs are 404. */
  private async callersJob(
    poolId: string,
    caller: AgentCaller,
    jobId: string,
  ): Promise<Outcome<JobRow>> {
    if (!(await this.open(poolId))) return refuse("bad_secret", BAD_SECRET_MESSAGE);
    const verified = this.catalog.verify(caller, { checkIp: true });
    if (!verified.ok) return verified;
    const job = this.jobs.get(jobId) ?? (await findJob(this.db, jobId));
    if (!job || job.memberId !== caller.memberId) {
      return refuse("not_found", `Job ${jobId} does not exist for this member`);
    }
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
    const data = { jobId: after.id, kind: after.kind, exitCode: after.exitCode };
    await runWrites(this.db, [
      updateJob(this.db, before, after),
      this.event({ memberId: after.memberId, type, actor, message, data }, now),
    ]);
    this.jobs.delete(after.id);
  }

  private expireJobs(now: number): Write[] {
    return expiredJobs(this.jobs.values(), now).flatMap((job) => {
      const timedOut: JobRow = { ...job, status: "timed_out", finishedAt: now, updatedAt: now };
      this.jobs.delete(job.id);
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

  private takeSample(now: number): Write[] {
    const sample = this.pool ? this.sampler.take(now) : null;
    if (!sample || !this.pool) return [];
    const row = { poolId: this.pool.id, at: now, members: sample };
    return [this.db.insert(metricSamples).values(row).onConflictDoNothing()];
  }

  /** Events, and the catalog row update, for what changed about a member. */
  private recordChanges(member: LiveMember, changes: MemberChange[], now: number): Write[] {
    const delayS = this.pool?.failoverDelayS ?? 0;
    const writes: Write[] = [];
    for (const change of changes) {
      const event = changeEvent(member, change, delayS);
      if (event) writes.push(this.event(event, now));
    }
    const { status, lastHeartbeatAt, agentVersion, publicIp } = member;
    writes.push(
      this.db
        .update(members)
        .set({ status, lastHeartbeatAt, agentVersion, publicIp })
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

function fromRow(row: MemberRow): LiveMember {
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
