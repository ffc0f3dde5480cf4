import { DurableObject } from "cloudflare:workers";
import { and, eq, inArray } from "drizzle-orm";
import type { z } from "zod";
import type { DnsProviderSettings } from "../../shared/dns";
import { HaproxyStatReport } from "../../shared/haproxy-stat";
import { Heartbeat, type HeartbeatResponse, type Whoami } from "../../shared/heartbeat";
import {
  type CreateJob,
  JOB_DEADLINE_S,
  JobAck,
  type JobKind,
  type JobKindAvailability,
  JobResult,
} from "../../shared/jobs";
import type { CreateMember, UpdateMember } from "../../shared/members";
import { FireSchedule, type JobSchedule, type PutSchedules } from "../../shared/schedules";
import type { AlertTestResult } from "../alerts/webhook";
import { parseConfig } from "../config";
import { type Db, openDb } from "../db/client";
import { D1Meter, type D1Totals } from "../db/meter";
import { type EventRow, events } from "../db/schema/events";
import { type JobRow, jobs } from "../db/schema/jobs";
import { type MemberRow, members } from "../db/schema/members";
import { metricSamples } from "../db/schema/metrics";
import { type PoolRow, pools } from "../db/schema/pools";
import { runWrites, type Write } from "../db/writes";
import { desiredAddresses } from "../dns/desired";
import type { DnsProvider } from "../dns/provider";
import { createDnsProvider } from "../dns/providers";
import { eventRow, type NewEvent } from "../events/store";
import { jobKindAvailability } from "../jobs/gating";
import { ipAllowed } from "../lib/ip";
import { SerialQueue } from "../lib/serial";
import { log, setLogLevel } from "../log";
import { enrollMember, removeMember, rotateSecret, updateMember } from "../members/store";
import { AlertDispatcher } from "./alert-dispatcher";
import { planCanary, shapeWithCanary } from "./canary-gate";
import { type AgentCaller, BAD_SECRET_MESSAGE, MemberCatalog } from "./catalog";
import { changeEvent } from "./change-events";
import { DnsSync } from "./dns-sync";
import { FailoverKeeper, type Flip, policyOf } from "./failover-keeper";
import { HaproxyStatBoard, type HaproxyStatTable } from "./haproxy-stat-board";
import { recordMembersHealth } from "./health-record";
import { DEAF_GAP_SLACK_MS, Hearing } from "./hearing";
import { admitJob, admitKind } from "./job-admission";
import { JobQueue } from "./job-queue";
import {
  type LiveMember,
  liveFromRow,
  type MemberChange,
  observeHeartbeat,
  offlineDeadline,
  resumeAfterRestart,
  silentMembers,
} from "./live-member";
import { attempt, type Outcome, ok, parseBody, refuse } from "./outcome";
import { Sampler } from "./sampler";
import { ScheduleBook } from "./schedule-book";

export interface CoordinatorStats extends D1Totals {
  heartbeats: number;
}

const UNFINISHED: JobRow["status"][] = ["held", "queued", "delivered", "running"];

/**
 * The brain of one pool. Every agent request and every change to the pool's members passes
 * through here, one at a time (SerialQueue), so no two decisions about the pool overlap. Live
 * state and the members' secrets stay in memory: a heartbeat costs no D1 query, D1 is written
 * only when something changes (and for a chart sample every METRIC_SAMPLE_INTERVAL_S), and an
 * alarm at the earliest deadline notices silence.
 */
export class PoolCoordinator extends DurableObject<Env> {
  /** The clock. Tests replace it to move time instead of sleeping. */
  now: () => number = () => Date.now();
  /** Sends webhook alerts. Tests put a recording receiver in its place. */
  alertFetch: typeof fetch = (input, init) => fetch(input, init);
  /** Builds the DNS provider from the pool's settings. Tests put an in-memory DNS in its place. */
  dnsProviderFor: (settings: DnsProviderSettings) => DnsProvider = (settings) =>
    createDnsProvider(settings, parseConfig(this.env));

  private readonly meter = new D1Meter();
  private readonly db: Db = openDb(this.env.DB, this.meter);
  private readonly queue = new SerialQueue();
  private readonly sampler = new Sampler(parseConfig(this.env).metricSampleIntervalMs);
  private readonly catalog = new MemberCatalog();
  private pool: PoolRow | null = null;
  private members = new Map<string, LiveMember>();
  private readonly write = (writes: Write[]) => this.writeBatch(writes);
  private readonly jobQueue = new JobQueue(
    this.db,
    (event, now) => this.event(event, now),
    this.write,
    (memberId) => this.catalog.get(memberId)?.name ?? memberId,
  );
  private readonly failover = new FailoverKeeper(this.db, (event, now) => this.event(event, now));
  private readonly schedules = new ScheduleBook(this.db, (event, now) => this.event(event, now));
  private readonly haproxyStats = new HaproxyStatBoard();
  private readonly dns = new DnsSync(
    this.db,
    (event, now) => this.event(event, now),
    this.write,
    () => this.pool,
    () => this.now(),
    (settings) => this.dnsProviderFor(settings),
  );
  private alarmAt: number | null = null;
  private heartbeats = 0;
  /** Since when this instance could hear its members (replaced on load). */
  private hearing = new Hearing(0);
  /** Event rows by the insert that writes them: once the batch is durable, they become alerts. */
  private readonly eventRows = new WeakMap<Write, EventRow>();
  private readonly alerts = new AlertDispatcher({
    storage: this.ctx.storage,
    now: () => this.now(),
    rearm: () => this.scheduleAlarm(),
    fetch: () => this.alertFetch,
    policy: parseConfig(this.env),
  });

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // A coordinator may run in an isolate that has served no request: set its log level here.
    setLogLevel(parseConfig(env).logLevel);
  }

  // ── Agent requests ────────────────────────────────────────────────────────────────────────

  /** Checks secret → caller address → body → hostname, then applies the heartbeat. */
  async heartbeat(
    poolId: string,
    caller: AgentCaller,
    body: string,
  ): Promise<Outcome<HeartbeatResponse>> {
    return this.queue.run(async () => {
      const verified = await this.verify(poolId, caller, { checkIp: true });
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
  async ackJob(poolId: string, caller: AgentCaller, jobId: string, body: string) {
    return this.agentRequest(poolId, caller, JobAck, body, (_member, ack) =>
      this.jobQueue.ack(caller.memberId, jobId, ack, this.now()),
    );
  }

  async reportJobResult(poolId: string, caller: AgentCaller, jobId: string, body: string) {
    return this.agentRequest(poolId, caller, JobResult, body, (_member, result) =>
      this.jobQueue.report(caller.memberId, jobId, result, this.now()),
    );
  }

  /** The caller's address as seen here, and whether the member allows it (no IP check). */
  async whoami(poolId: string, caller: AgentCaller): Promise<Outcome<Whoami>> {
    return this.queue.run(async () => {
      const verified = await this.verify(poolId, caller, { checkIp: false });
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

  /** The caller's checks alone (secret, address), for agent requests the Worker serves (backups). */
  async verifyAgent(poolId: string, caller: AgentCaller): Promise<Outcome<MemberRow>> {
    return this.queue.run(() => this.verify(poolId, caller, { checkIp: true }));
  }

  /** A schedule matched on the agent: queues its job once per schedule and minute. */
  async fireSchedule(poolId: string, caller: AgentCaller, scheduleId: string, body: string) {
    return this.agentRequest(poolId, caller, FireSchedule, body, (member, fire) => {
      const schedule = this.schedules.find(scheduleId);
      if (schedule?.memberId !== member.id) {
        return refuse<{ job: JobRow; created: boolean }>(
          "not_found",
          `Schedule ${scheduleId} does not exist for this member; the next heartbeat brings the current list`,
        );
      }
      const input: CreateJob = {
        kind: schedule.kind as JobKind,
        payload: {},
        idempotencyKey: `schedule:${schedule.id}:${fire.firedAt}`,
        deadlineS: JOB_DEADLINE_S.default,
      };
      return this.queueJob(member, input, `schedule:${schedule.id}`);
    });
  }

  /** The agent's full HAProxy status table; kept in memory only. */
  async reportHaproxyStat(poolId: string, caller: AgentCaller, body: string) {
    return this.agentRequest(poolId, caller, HaproxyStatReport, body, (member, report) => {
      this.haproxyStats.store(member.id, report);
      return ok(null);
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
      this.jobQueue.forgetMember(memberId);
      this.failover.forget(memberId);
      this.schedules.forget(memberId);
      this.haproxyStats.forget(memberId);
      await this.ctx.storage.delete(`member:${memberId}`);
      // Removing the active leaves the pool without one: the best ready member takes over.
      await this.commit([], this.evaluateFailover(this.now()));
      await this.scheduleAlarm();
      return removed;
    });
  }

  /** Queues a job for a member, at most once per idempotency key. */
  async enqueueJob(poolId: string, memberId: string, input: CreateJob, actor: string) {
    return this.memberRequest(poolId, memberId, (_pool, row) => this.queueJob(row, input, actor));
  }

  /** Which job kinds the member may run now, and why not. */
  async jobKinds(poolId: string, memberId: string): Promise<Outcome<JobKindAvailability[]>> {
    return this.memberRequest(poolId, memberId, (pool, row) => {
      const installed = this.members.get(memberId)?.installed ?? {};
      return ok(jobKindAvailability({ profile: pool.profile, memberName: row.name, installed }));
    });
  }

  /** Replaces a member's schedules; its next heartbeat response carries them. */
  async putSchedules(
    poolId: string,
    memberId: string,
    input: PutSchedules,
    actor: string,
  ): Promise<Outcome<JobSchedule[]>> {
    return this.memberRequest(poolId, memberId, async (pool, row) => {
      const live = this.members.get(memberId);
      const plan = this.schedules.plan(pool, row, live, input, actor, this.now());
      if (!plan.ok) return plan;
      await this.write(plan.value.writes);
      this.schedules.replace(memberId, plan.value.rows);
      return ok(this.schedules.forMember(memberId));
    });
  }

  /** The member's latest HAProxy status table; asks its agent for fresh ones for a while. */
  async haproxyStat(poolId: string, memberId: string): Promise<Outcome<HaproxyStatTable>> {
    return this.memberRequest(poolId, memberId, () =>
      ok(this.haproxyStats.request(memberId, this.now())),
    );
  }

  async cancelJob(poolId: string, jobId: string, actor: string): Promise<Outcome<JobRow>> {
    return this.queue.run(async () => {
      if (!(await this.open(poolId))) return refuse("not_found", `Job ${jobId} does not exist`);
      return this.jobQueue.cancel(jobId, actor, this.now());
    });
  }

  // ── Manual failover actions ───────────────────────────────────────────────────────────────

  /** Makes a member the active one now. It must be ready: Baton never sends traffic to a member it believes is down. */
  async makeActive(poolId: string, memberId: string, actor: string): Promise<Outcome<PoolRow>> {
    return this.queue.run(async () => {
      const pool = (await this.open(poolId)) ? this.pool : null;
      const row = this.catalog.get(memberId);
      if (!pool || !row) return refuse("not_found", `Member ${memberId} is not in pool ${poolId}`);
      const now = this.now();
      const flip = this.failover.planPromote(pool, this.failoverView(now), row, actor, now);
      return flip.ok ? this.commitFlip(flip.value) : flip;
    });
  }

  /** Moves traffic to the best ready standby. */
  async cutToNextStandby(poolId: string, actor: string): Promise<Outcome<PoolRow>> {
    return this.queue.run(async () => {
      const pool = (await this.open(poolId)) ? this.pool : null;
      if (!pool) return refuse("not_found", `Pool ${poolId} does not exist`);
      const now = this.now();
      const flip = this.failover.planNext(pool, this.failoverView(now), "manual", actor, now);
      return flip.ok ? this.commitFlip(flip.value) : flip;
    });
  }

  /** Pauses (maintenance) or resumes automatic failover. */
  async setAutoFailover(
    poolId: string,
    enabled: boolean,
    actor: string,
  ): Promise<Outcome<PoolRow>> {
    return this.queue.run(async () => {
      const pool = (await this.open(poolId)) ? this.pool : null;
      if (!pool) return refuse("not_found", `Pool ${poolId} does not exist`);
      if (pool.autoFailover === enabled) return ok(pool);
      const now = this.now();
      const type = enabled ? "failover.resumed" : "failover.paused";
      const message = enabled
        ? `Automatic failover resumed for ${pool.name}`
        : `Automatic failover paused for ${pool.name}`;
      await this.write([
        this.db
          .update(pools)
          .set({ autoFailover: enabled, updatedAt: now })
          .where(eq(pools.id, poolId)),
        this.event({ type, actor, message }, now),
      ]);
      this.pool = { ...pool, autoFailover: enabled, updatedAt: now };
      // Resuming may find the active already down.
      await this.commit([], this.evaluateFailover(now));
      await this.scheduleAlarm();
      return ok(this.pool);
    });
  }

  /** Drains a member: if it carries traffic, a ready standby takes it over first, in the same batch. */
  async drain(
    poolId: string,
    memberId: string,
    draining: boolean,
    actor: string,
  ): Promise<Outcome<MemberRow>> {
    return this.queue.run(async () => {
      const pool = (await this.open(poolId)) ? this.pool : null;
      const row = this.catalog.get(memberId);
      if (!pool || !row) return refuse("not_found", `Member ${memberId} is not in pool ${poolId}`);
      if (row.draining === draining) return ok(row);
      const now = this.now();
      let flip: Flip | null = null;
      if (draining && pool.activeMemberId === memberId) {
        const planned = this.failover.planNext(pool, this.failoverView(now), "drain", actor, now);
        if (!planned.ok) {
          return refuse(
            "no_ready_standby",
            `${row.name} carries traffic and no standby is ready to take it; nothing was changed`,
          );
        }
        flip = planned.value;
      }
      const after: MemberRow = { ...row, draining, updatedAt: now };
      const type = draining ? "member.drained" : "member.undrained";
      const message = draining
        ? `${row.name} is draining: it will not be promoted`
        : `${row.name} is no longer draining`;
      await this.commit(
        [
          this.db.update(members).set({ draining, updatedAt: now }).where(eq(members.id, memberId)),
          this.event({ memberId, type, actor, message }, now),
        ],
        { flip, writes: [] },
      );
      this.catalog.put(after);
      await this.scheduleAlarm();
      return ok(after);
    });
  }

  /** The pool's failover state and each member's readiness, for the admin API. */
  async failoverStatus(poolId: string) {
    return this.queue.run(async () => {
      const pool = (await this.open(poolId)) ? this.pool : null;
      if (!pool) return refuse<never>("not_found", `Pool ${poolId} does not exist`);
      const now = this.now();
      const members = this.failoverView(now).map((member) => {
        const notReady = this.failover.notReadyReasons(pool, member, now);
        return { ...member, ready: notReady.length === 0, notReadyReasons: notReady };
      });
      return ok({
        activeMemberId: pool.activeMemberId,
        lastFlipAt: pool.lastFlipAt,
        autoFailover: pool.autoFailover,
        members,
      });
    });
  }

  /** The pool's DNS settings changed through the API: reload them and write the records again. */
  async dnsChanged(poolId: string): Promise<void> {
    await this.queue.run(async () => {
      const loaded = this.pool?.id === poolId;
      if (!(await this.open(poolId))) return;
      // A coordinator that just started has read the new settings already.
      if (loaded) await this.dns.load(this.db, parseConfig(this.env).secretsKey, poolId);
      this.dns.rewrite();
      this.syncDns(null);
      await this.scheduleAlarm();
    });
  }

  /** The pool's webhook settings changed through the API. */
  async alertsChanged(poolId: string): Promise<void> {
    await this.queue.run(async () => {
      const loaded = this.pool?.id === poolId;
      if (!(await this.open(poolId)) || !loaded) return;
      await this.alerts.load(this.db, parseConfig(this.env).secretsKey, poolId);
    });
  }

  /** Sends a signed `alert.test` to the pool's webhook now and says what the receiver answered. */
  async testAlert(poolId: string, actor: string): Promise<Outcome<AlertTestResult>> {
    const pool = await this.queue.run(async () => ((await this.open(poolId)) ? this.pool : null));
    if (!pool) return refuse("not_found", `Pool ${poolId} does not exist`);
    // Outside the queue: a slow receiver (up to ALERT_TIMEOUT_MS) must not hold up heartbeats.
    const result = await this.alerts.sendTest(pool, actor);
    if (!result) return refuse("not_found", "This pool has no webhook: save one first");
    return ok(result);
  }

  /** Resolves once no alert is being sent (tests). */
  async alertsSettled(): Promise<void> {
    await this.alerts.settled();
  }

  /** Resolves once no DNS update is in flight (tests; operators' "sync now" later). */
  async dnsSettled(): Promise<void> {
    await this.dns.settled();
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
      // Read again in the queue: `pool` was read before the change, and a pause or resume may
      // have been written since; memory must not go back to the older flag.
      const current = await this.db.select().from(pools).where(eq(pools.id, pool.id)).get();
      if (!current) return;
      await this.load(current);
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
      this.jobQueue.clear();
      this.schedules.clear();
      this.haproxyStats.clear();
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
      const writes: Write[] = [...this.takeSample(now), ...this.jobQueue.expire(now)];
      const delayMs = pool.failoverDelayS * 1000;
      for (const member of silentMembers(this.members.values(), delayMs, now, this.hearing.since)) {
        const offline: LiveMember = { ...member, status: "offline" };
        this.members.set(member.memberId, offline);
        await this.ctx.storage.put(`member:${member.memberId}`, offline);
        const change: MemberChange = { kind: "offline", lastHeartbeatAt: member.lastHeartbeatAt };
        writes.push(...this.recordChanges(offline, [change], now));
      }
      await this.commit(writes, this.evaluateFailover(now));
      // Retries and drift checks talk to the provider beside the queue, never holding it.
      void this.dns.tick();
      void this.alerts.send();
      await this.scheduleAlarm();
      log("info", {
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
    const intervalMs = parseConfig(this.env).heartbeatIntervalMs;
    this.hearing.heard(now, intervalMs + DEAF_GAP_SLACK_MS);
    const writes: Write[] = [];

    const known = this.members.get(row.id) ?? liveFromRow(row);
    const { next, changes } = observeHeartbeat({ ...known, name: row.name }, report, now);
    this.members.set(next.memberId, next);
    if (changes.length > 0) {
      writes.push(...this.recordChanges(next, changes, now));
      await this.ctx.storage.put(`member:${next.memberId}`, next);
    }

    this.sampler.offer(next.memberId, report, now);
    writes.push(...this.takeSample(now), ...this.jobQueue.expire(now));
    const { deliveries, writes: deliveryWrites } = this.jobQueue.deliver(next.memberId, now);
    writes.push(...deliveryWrites);

    // A service-down report acts on the heartbeat that carries it.
    await this.commit(writes, this.evaluateFailover(now));
    await this.scheduleAlarm();
    return {
      jobs: deliveries,
      intervalMs,
      serverTime: now,
      schedules: this.schedules.forMember(next.memberId),
      wants: { haproxyStat: this.haproxyStats.wanted(next.memberId, now) },
    };
  }

  /** Queues a job after its admission checks (kind allowed, restore's backup), for a new job only. */
  private async queueJob(member: MemberRow, input: CreateJob, actor: string) {
    const pool = this.pool as PoolRow;
    const admit = () => admitJob(this.db, pool, member, this.members.get(member.id), input);
    const shape = (drafted: JobRow) => this.withCanary(pool, member, input, actor, drafted);
    const queued = await this.jobQueue.enqueue(
      pool.id,
      member,
      input,
      actor,
      this.now(),
      admit,
      shape,
    );
    await this.scheduleAlarm();
    return queued;
  }

  /** Holds a config change for the active behind a standby canary when it needs one (0018). */
  private async withCanary(
    pool: PoolRow,
    member: MemberRow,
    input: CreateJob,
    actor: string,
    drafted: JobRow,
  ) {
    const now = this.now();
    const plan = await planCanary({
      db: this.db,
      pool,
      member,
      kind: input.kind,
      payload: input.payload,
      force: input.force === true,
      actor,
      view: this.failoverView(now),
      policy: policyOf(pool),
      now,
      rowOf: (id) => this.catalog.get(id),
      unfinished: this.jobQueue.pending(),
      mayRun: (id) => {
        const row = this.catalog.get(id);
        return row ? admitKind(pool, row, this.members.get(id), input.kind).ok : false;
      },
    });
    return shapeWithCanary(plan, drafted, member.name, now);
  }

  /** An agent request with a body, in the queue: secret, address, then the body against `schema`. */
  private agentRequest<Schema extends z.ZodType, T>(
    poolId: string,
    caller: AgentCaller,
    schema: Schema,
    body: string,
    handle: (member: MemberRow, input: z.output<Schema>) => Outcome<T> | Promise<Outcome<T>>,
  ): Promise<Outcome<T>> {
    return this.queue.run(async () => {
      const verified = await this.verify(poolId, caller, { checkIp: true });
      if (!verified.ok) return verified;
      const input = parseBody(schema, body);
      return input.ok ? handle(verified.value, input.value) : input;
    });
  }

  /** An admin request about one member of the pool, in the queue; 404 when there is none. */
  private memberRequest<T>(
    poolId: string,
    memberId: string,
    handle: (pool: PoolRow, row: MemberRow) => Outcome<T> | Promise<Outcome<T>>,
  ): Promise<Outcome<T>> {
    return this.queue.run(async () => {
      const pool = (await this.open(poolId)) ? this.pool : null;
      const row = pool ? this.catalog.get(memberId) : undefined;
      if (!pool || !row) return refuse<T>("not_found", `Member ${memberId} does not exist`);
      return handle(pool, row);
    });
  }

  private failoverView(now: number) {
    const { pool, members, hearing } = this;
    return this.failover.view(pool as PoolRow, this.catalog.rows(), members, now, hearing.since);
  }

  private evaluateFailover(now: number) {
    if (!this.pool) return { flip: null, writes: [] };
    return this.failover.evaluate(this.pool, this.failoverView(now), now);
  }

  /**
   * Writes a request's changes and, in the same batch, any flip it decided: the decision is
   * durable before memory (and later DNS) moves on.
   */
  private async commit(writes: Write[], failover: { flip: Flip | null; writes: Write[] }) {
    const flipped = failover.flip?.pool ?? this.pool;
    const health = flipped
      ? recordMembersHealth(this.db, flipped, this.catalog.rows(), this.members, this.now())
      : null;
    await this.write([
      ...writes,
      ...failover.writes,
      ...(failover.flip?.writes ?? []),
      ...(health ? [health.write] : []),
    ]);
    if (failover.flip) this.pool = failover.flip.pool;
    if (health) this.pool = health.pool;
    this.syncDns(failover.flip);
  }

  /**
   * Hands DNS the addresses the pool's decision calls for: the active's public IPv4, or every
   * ready member's in round robin. Also how a changed public IP of the active reaches DNS.
   */
  private syncDns(flip: Flip | null): void {
    const pool = this.pool;
    if (!pool || this.dns.mode === null) return;
    const now = this.now();
    const members = this.failoverView(now).map((member) => ({
      ...member,
      ready: this.failover.isReady(pool, member, now),
    }));
    const addresses = desiredAddresses(
      this.dns.mode,
      pool.activeMemberId,
      members,
      pool.allowPrivateAddresses,
    );
    this.dns.want(addresses, flip?.timing);
  }

  /** Records a manual flip (or nothing, if none was needed) and answers with the pool after it. */
  private async commitFlip(flip: Flip | null): Promise<Outcome<PoolRow>> {
    if (flip) {
      await this.commit([], { flip, writes: [] });
      await this.scheduleAlarm();
    }
    return ok(this.pool as PoolRow);
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
   * their secrets and unfinished jobs. Silence before the restart does not count (`Hearing`), so
   * a restart alone never turns anyone offline.
   */
  private async load(pool: PoolRow): Promise<void> {
    const loaded = this.pool;
    // The failover state is this coordinator's to write: a row read elsewhere may be older.
    this.pool = loaded
      ? { ...pool, activeMemberId: loaded.activeMemberId, lastFlipAt: loaded.lastFlipAt }
      : pool;
    if (loaded) return;
    this.hearing = new Hearing(this.now());
    await this.ctx.storage.put("poolId", pool.id);
    await this.catalog.load(this.db, pool.id);
    await this.schedules.load(pool.id);
    const stored = await this.ctx.storage.list<LiveMember>({ prefix: "member:" });
    for (const member of stored.values()) {
      this.members.set(member.memberId, resumeAfterRestart(member));
    }
    const rows = await this.db
      .select()
      .from(jobs)
      .where(and(eq(jobs.poolId, pool.id), inArray(jobs.status, UNFINISHED)));
    this.jobQueue.load(rows);
    await this.dns.load(this.db, parseConfig(this.env).secretsKey, pool.id);
    await this.alerts.load(this.db, parseConfig(this.env).secretsKey, pool.id);
    this.alarmAt = await this.ctx.storage.getAlarm();
  }

  /** The caller's checks: the pool exists, the secret is current, and (optionally) the address. */
  private async verify(poolId: string, caller: AgentCaller, options: { checkIp: boolean }) {
    if (!(await this.open(poolId))) return refuse<MemberRow>("bad_secret", BAD_SECRET_MESSAGE);
    return this.catalog.verify(caller, options);
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
    const row = eventRow({ poolId: this.pool?.id ?? null, ...event }, now);
    const insert = this.db.insert(events).values(row);
    this.eventRows.set(insert, row);
    return insert;
  }

  /** Runs writes as one D1 batch; the events in it are then handed to the alert outbox. */
  private async writeBatch(writes: Write[]): Promise<void> {
    await runWrites(this.db, writes);
    const rows = writes.flatMap((write) => this.eventRows.get(write) ?? []);
    if (this.pool) await this.alerts.queue(this.pool, rows);
  }

  /** Keeps one alarm at the earliest deadline. Heartbeats only push deadlines later, so most set none. */
  private async scheduleAlarm(): Promise<void> {
    if (!this.pool) return;
    const delayMs = this.pool.failoverDelayS * 1000;
    const deadlines = [
      ...[...this.members.values()].map((member) =>
        offlineDeadline(member, delayMs, this.hearing.since),
      ),
      ...this.jobQueue.deadlines(),
      ...this.failover.deadlines(this.pool),
      this.dns.dueAt(),
      this.alerts.nextDueAt(),
      this.sampler.dueAt(),
    ].filter((at): at is number => at !== null);
    if (deadlines.length === 0) return;
    const earliest = Math.min(...deadlines);
    if (this.alarmAt !== null && this.alarmAt <= earliest) return;
    this.alarmAt = earliest;
    await this.ctx.storage.setAlarm(earliest);
  }
}
