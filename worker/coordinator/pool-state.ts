import { and, eq, inArray } from "drizzle-orm";
import type { DnsProviderSettings } from "../../shared/dns";
import { heartbeatIntervalFor } from "../../shared/protocol";
import { type Config, parseConfig } from "../config";
import { type Db, openDb } from "../db/client";
import { D1Meter } from "../db/meter";
import { type JobRow, jobs } from "../db/schema/jobs";
import type { MemberRow } from "../db/schema/members";
import { type PoolRow, pools } from "../db/schema/pools";
import type { Write } from "../db/writes";
import type { DnsProvider } from "../dns/provider";
import { SerialQueue } from "../lib/serial";
import { type RevisionSource, storedRevision } from "../rollouts/revision-source";
import { AlertDispatcher } from "./alert-dispatcher";
import { type AgentCaller, BAD_SECRET_MESSAGE, MemberCatalog } from "./catalog";
import { DnsSync } from "./dns-sync";
import { EventLedger } from "./event-ledger";
import { type AskToReport, FailoverKeeper } from "./failover-keeper";
import { HaproxyStatBoard } from "./haproxy-stat-board";
import { DEAF_GAP_SLACK_MS, Hearing } from "./hearing";
import { HeartbeatLog } from "./heartbeat-log";
import { JobQueue } from "./job-queue";
import { type LiveMember, offlineDeadline, resumeAfterRestart } from "./live-member";
import { type Outcome, refuse } from "./outcome";
import { RolloutBook } from "./rollout-book";
import { Sampler } from "./sampler";
import { ScheduleBook } from "./schedule-book";

const UNFINISHED: JobRow["status"][] = ["held", "queued", "delivered", "running"];

/** What tests replace on a coordinator: the clock, the webhook sender, the DNS provider, revisions. */
export interface Seams {
  now: () => number;
  alertFetch: typeof fetch;
  dnsProviderFor: (settings: DnsProviderSettings) => DnsProvider;
  /** Rendered balancer revisions for rollouts (rollouts/revision-source.ts). */
  revisionSource?: RevisionSource;
}

type Handler<Args extends unknown[], T> = (...args: Args) => Outcome<T> | Promise<Outcome<T>>;

/**
 * Everything one pool's coordinator holds: the pool row, the member catalog and live state, the
 * job queue, schedules, DNS and alert state. Every call runs through `queue` (see SerialQueue),
 * and `open` makes sure the state is the pool's before a call reads it; the calls themselves
 * live in agent-calls.ts, admin-calls.ts and failover/manual-actions.ts.
 */
export class PoolState {
  pool: PoolRow | null = null;
  readonly members = new Map<string, LiveMember>();
  readonly catalog = new MemberCatalog();
  readonly queue = new SerialQueue();
  readonly config: Config;
  readonly meter = new D1Meter();
  readonly db: Db;
  readonly ledger: EventLedger;
  readonly sampler: Sampler;
  readonly jobQueue: JobQueue;
  readonly failover: FailoverKeeper;
  readonly schedules: ScheduleBook;
  readonly haproxyStats = new HaproxyStatBoard();
  readonly rollouts: RolloutBook;
  /** Recent heartbeat arrivals for the dashboard's heartbeat bars (memory only). */
  readonly heartbeatLog: HeartbeatLog;
  readonly dns: DnsSync;
  readonly alerts: AlertDispatcher;
  /** Since when this instance could hear its members (replaced on load). */
  hearing: Hearing;
  heartbeats = 0;
  /** Counted for `npm run bench:cost` (what billing counts): socket messages in, alarms run. */
  socketMessages = 0;
  alarms = 0;
  private alarmAt: number | null = null;

  constructor(
    readonly storage: DurableObjectStorage,
    env: Env,
    private readonly seams: Seams,
    /** Asks a member's agent to report now over its WebSocket; false when it has none. */
    readonly askToReport: AskToReport = () => false,
  ) {
    this.config = parseConfig(env);
    this.hearing = this.newHearing(0);
    this.heartbeatLog = new HeartbeatLog(this.now());
    this.db = openDb(env.DB, this.meter);
    this.rollouts = new RolloutBook(storage);
    this.alerts = new AlertDispatcher({
      storage,
      now: () => this.now(),
      rearm: () => this.scheduleAlarm(),
      fetch: () => this.seams.alertFetch,
      policy: this.config,
    });
    this.ledger = new EventLedger(this.db, () => this.pool, this.alerts);
    const event = this.ledger.event;
    const write = this.ledger.write;
    this.sampler = new Sampler(this.config.metricSampleIntervalMs);
    this.jobQueue = new JobQueue(
      this.db,
      event,
      write,
      (memberId) => this.catalog.get(memberId)?.name ?? memberId,
    );
    this.failover = new FailoverKeeper(this.db, event);
    this.schedules = new ScheduleBook(this.db, event);
    this.dns = new DnsSync(
      this.db,
      event,
      write,
      () => this.pool,
      () => this.now(),
      (settings) => this.seams.dnsProviderFor(settings),
    );
  }

  now(): number {
    return this.seams.now();
  }

  /** A rendered revision of the pool's balancer, or null when it does not exist. */
  readonly revisionSource: RevisionSource = (...args) =>
    (this.seams.revisionSource ?? storedRevision)(...args);

  /**
   * Runs `handle` in the queue once this coordinator serves `poolId`, or `otherwise` when the pool
   * does not exist. `wasOpen`: it served the pool before this call (its settings may be stale).
   */
  whenOpen<T>(
    poolId: string,
    handle: (pool: PoolRow, wasOpen: boolean) => T | Promise<T>,
    otherwise: () => T,
  ): Promise<T> {
    return this.queue.run(async () => {
      const wasOpen = this.pool?.id === poolId;
      return (await this.open(poolId)) ? handle(this.pool as PoolRow, wasOpen) : otherwise();
    });
  }

  /** `whenOpen` for a call that answers 404 with `missing` when the pool does not exist. */
  withPool<T>(
    poolId: string,
    handle: Handler<[PoolRow], T>,
    missing = `Pool ${poolId} does not exist`,
  ): Promise<Outcome<T>> {
    return this.whenOpen<Outcome<T>>(poolId, handle, () => refuse<T>("not_found", missing));
  }

  /** `withPool` for a call about one member of the pool: `missing` when there is no such member. */
  withMember<T>(
    poolId: string,
    memberId: string,
    handle: Handler<[PoolRow, MemberRow], T>,
    missing = `Member ${memberId} does not exist`,
  ): Promise<Outcome<T>> {
    return this.withPool(
      poolId,
      (pool) => {
        const row = this.catalog.get(memberId);
        return row ? handle(pool, row) : refuse<T>("not_found", missing);
      },
      missing,
    );
  }

  /** Runs an agent's call in the queue once the caller's checks pass (secret, and the address unless `checkIp` is off). */
  withAgent<T>(
    poolId: string,
    caller: AgentCaller,
    options: { checkIp: boolean },
    handle: Handler<[MemberRow], T>,
  ): Promise<Outcome<T>> {
    return this.whenOpen<Outcome<T>>(
      poolId,
      () => {
        const verified = this.catalog.verify(caller, options);
        return verified.ok ? handle(verified.value) : verified;
      },
      // An unknown pool answers as an unknown secret does: the caller learns nothing more.
      () => refuse<T>("bad_secret", BAD_SECRET_MESSAGE),
    );
  }

  /** Makes sure this coordinator serves `poolId`; false when the pool does not exist. */
  async open(poolId: string): Promise<boolean> {
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
  async load(pool: PoolRow): Promise<void> {
    const loaded = this.pool;
    // The failover state is this coordinator's to write: a row read elsewhere may be older.
    this.pool = loaded
      ? { ...pool, activeMemberId: loaded.activeMemberId, lastFlipAt: loaded.lastFlipAt }
      : pool;
    if (loaded) return;
    this.hearing = this.newHearing(this.now());
    await this.storage.put("poolId", pool.id);
    await this.catalog.load(this.db, pool.id);
    await this.schedules.load(pool.id);
    const stored = await this.storage.list<LiveMember>({ prefix: "member:" });
    for (const member of stored.values()) {
      this.members.set(member.memberId, resumeAfterRestart(member));
    }
    const rows = await this.db
      .select()
      .from(jobs)
      .where(and(eq(jobs.poolId, pool.id), inArray(jobs.status, UNFINISHED)));
    this.jobQueue.load(rows);
    await this.dns.load(this.db, this.config.secretsKey, pool.id);
    await this.alerts.load(this.db, this.config.secretsKey, pool.id);
    await this.rollouts.load(this.db, pool.id);
    this.alarmAt = await this.storage.getAlarm();
  }

  /** Stores a member's live state, so a restarted coordinator resumes from it. */
  async putLive(member: LiveMember): Promise<void> {
    this.members.set(member.memberId, member);
    await this.storage.put(`member:${member.memberId}`, member);
  }

  /** A removed member: nothing about it stays, in memory or in storage. */
  async forgetMember(memberId: string): Promise<void> {
    this.catalog.delete(memberId);
    this.members.delete(memberId);
    this.sampler.forget(memberId);
    this.jobQueue.forgetMember(memberId);
    this.failover.forget(memberId);
    this.schedules.forget(memberId);
    this.haproxyStats.forget(memberId);
    await this.rollouts.forget(memberId);
    this.heartbeatLog.forget(memberId);
    await this.storage.delete(`member:${memberId}`);
  }

  /** The pool is gone (or never was): forget everything. */
  async forgetPool(): Promise<void> {
    await this.storage.deleteAll();
    this.pool = null;
    this.catalog.clear();
    this.members.clear();
    this.jobQueue.clear();
    this.schedules.clear();
    this.haproxyStats.clear();
    this.rollouts.clear();
    this.heartbeatLog.clear();
    this.alarmAt = null;
  }

  /** Whether no member has been heard for more than an interval and the slack (see Hearing). */
  deaf(now: number): boolean {
    return this.hearing.deaf(now);
  }

  /** How often this pool's members beat: shorter than the control plane's for short delays. */
  get heartbeatIntervalMs(): number {
    const base = this.config.heartbeatIntervalMs;
    return this.pool ? heartbeatIntervalFor(base, this.pool.failoverDelayS) : base;
  }

  // The gap stays the control plane's interval plus the slack: a pool beating faster is heard
  // again sooner, and a longer gap only makes the coordinator slower to call itself deaf.
  private newHearing(startedAt: number): Hearing {
    return new Hearing(startedAt, this.config.heartbeatIntervalMs + DEAF_GAP_SLACK_MS);
  }

  /** Keeps one alarm at the earliest deadline. Heartbeats only push deadlines later, so most set none. */
  async scheduleAlarm(options: { reset?: boolean } = {}): Promise<void> {
    if (options.reset) this.alarmAt = null;
    if (!this.pool) return;
    const delayMs = this.pool.failoverDelayS * 1000;
    // While deaf failover decides nothing, so its deadlines wait for the next heartbeat.
    const deciding = !this.deaf(this.now());
    const deadlines = [
      ...[...this.members.values()].map((member) =>
        offlineDeadline(member, delayMs, this.hearing.since),
      ),
      ...this.jobQueue.deadlines(),
      ...(deciding ? this.failover.deadlines(this.pool) : []),
      this.dns.dueAt(),
      this.alerts.nextDueAt(),
      this.sampler.dueAt(),
    ].filter((at): at is number => at !== null);
    if (deadlines.length === 0) return;
    const earliest = Math.min(...deadlines);
    if (this.alarmAt !== null && this.alarmAt <= earliest) return;
    this.alarmAt = earliest;
    await this.storage.setAlarm(earliest);
  }

  /** The alarm fired: none is set until the next `scheduleAlarm`. */
  alarmFired(): void {
    this.alarmAt = null;
  }

  /** Runs writes as one D1 batch; its events then become alerts. */
  write(writes: Write[]): Promise<void> {
    return this.ledger.write(writes);
  }
}
