import { DurableObject } from "cloudflare:workers";
import { SOCKET_PING, SOCKET_PONG } from "../../shared/agent-socket";
import type { HeartbeatResponse, Whoami } from "../../shared/heartbeat";
import type { CreateJob, JobKindAvailability } from "../../shared/jobs";
import type { CreateMember, UpdateMember } from "../../shared/members";
import type { BalancerState, CreateRollout, PutConfigParity } from "../../shared/rollouts";
import type { JobSchedule, PutSchedules } from "../../shared/schedules";
import type { AlertTestResult } from "../alerts/webhook";
import { parseConfig } from "../config";
import type { D1Totals } from "../db/meter";
import type { JobRow } from "../db/schema/jobs";
import type { MemberRow } from "../db/schema/members";
import type { PoolRow } from "../db/schema/pools";
import { createDnsProvider } from "../dns/providers";
import * as manual from "../failover/manual-actions";
import { log, setLogLevel } from "../log";
import * as admin from "./admin-calls";
import * as agent from "./agent-calls";
import { acceptAgentSocket, onAgentMessage, pushDueJobs, pushTo } from "./agent-sockets";
import { onAlarm } from "./alarm";
import type { AgentCaller } from "./catalog";
import { raiseCertificateExpiry } from "./certificate-expiry";
import type { HaproxyStatTable } from "./haproxy-stat-board";
import type { LiveMember } from "./live-member";
import { type Outcome, ok } from "./outcome";
import { PoolState, type Seams } from "./pool-state";
import * as rollouts from "./rollout-calls";

export interface CoordinatorStats extends D1Totals {
  heartbeats: number;
  /** Messages agents sent on their WebSockets (billed 20:1 as requests), and alarms run. */
  socketMessages: number;
  alarms: number;
}

/**
 * The brain of one pool. Every agent request and every change to the pool's members passes
 * through here, one at a time (SerialQueue), so no two decisions about the pool overlap. Live
 * state and the members' secrets stay in memory: a heartbeat costs no D1 query, D1 is written
 * only when something changes (and for a chart sample every METRIC_SAMPLE_INTERVAL_S), and an
 * alarm at the earliest deadline notices silence.
 *
 * Its public methods are the Durable Object's RPC surface (client.ts derives the stub's type
 * from them), grouped by who calls them; each hands over to a module that holds the logic.
 */
export class PoolCoordinator extends DurableObject<Env> {
  /** Tests replace these to move time, record webhooks and fake DNS. */
  readonly seams: Seams = {
    now: () => Date.now(),
    alertFetch: (input, init) => fetch(input, init),
    dnsProviderFor: (settings) => createDnsProvider(settings, parseConfig(this.env)),
  };
  private readonly state = new PoolState(this.ctx.storage, this.env, this.seams, (memberId) =>
    pushTo(this.ctx, memberId, { type: "report-now" }),
  );

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // A coordinator may run in an isolate that has served no request: set its log level here.
    setLogLevel(parseConfig(env).logLevel);
    // Keep-alive pings are answered by the runtime: they never wake the object nor bill a request.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(SOCKET_PING, SOCKET_PONG));
  }

  // ── Agents (agent-calls.ts) ───────────────────────────────────────────────────────────────

  async heartbeat(
    poolId: string,
    caller: AgentCaller,
    body: string,
  ): Promise<Outcome<HeartbeatResponse>> {
    return agent.heartbeat(this.state, poolId, caller, body);
  }

  async ackJob(poolId: string, caller: AgentCaller, jobId: string, body: string) {
    return agent.ackJob(this.state, poolId, caller, jobId, body);
  }

  async reportJobResult(poolId: string, caller: AgentCaller, jobId: string, body: string) {
    // A result may release a job held behind a canary: push it to its member now.
    return this.thenPushJobs(agent.reportJobResult(this.state, poolId, caller, jobId, body));
  }

  async whoami(poolId: string, caller: AgentCaller): Promise<Outcome<Whoami>> {
    return agent.whoami(this.state, poolId, caller);
  }

  async verifyAgent(poolId: string, caller: AgentCaller): Promise<Outcome<MemberRow>> {
    return agent.verifyAgent(this.state, poolId, caller);
  }

  async fireSchedule(poolId: string, caller: AgentCaller, scheduleId: string, body: string) {
    return this.thenPushJobs(agent.fireSchedule(this.state, poolId, caller, scheduleId, body));
  }

  async reportHaproxyStat(poolId: string, caller: AgentCaller, body: string) {
    return agent.reportHaproxyStat(this.state, poolId, caller, body);
  }

  // ── Admins: members, jobs, schedules (admin-calls.ts) ─────────────────────────────────────

  async enrollMember(pool: PoolRow, input: CreateMember, actor: string) {
    return admin.enrollMember(this.state, pool, input, actor);
  }

  async updateMember(poolId: string, memberId: string, patch: UpdateMember, actor: string) {
    return admin.updateMember(this.state, poolId, memberId, patch, actor);
  }

  async rotateSecret(poolId: string, memberId: string, actor: string) {
    return admin.rotateSecret(this.state, poolId, memberId, actor);
  }

  async removeMember(poolId: string, memberId: string, actor: string) {
    return admin.removeMember(this.state, poolId, memberId, actor);
  }

  async enqueueJob(poolId: string, memberId: string, input: CreateJob, actor: string) {
    return this.thenPushJobs(admin.enqueueJob(this.state, poolId, memberId, input, actor));
  }

  async cancelJob(poolId: string, jobId: string, actor: string): Promise<Outcome<JobRow>> {
    const outcome = await admin.cancelJob(this.state, poolId, jobId, actor);
    if (outcome.ok) pushTo(this.ctx, outcome.value.memberId, { type: "cancel", jobId });
    // Cancelling a canary may release or fail the jobs held behind it.
    await pushDueJobs(this.ctx, this.state);
    return outcome;
  }

  async jobKinds(poolId: string, memberId: string): Promise<Outcome<JobKindAvailability[]>> {
    return admin.jobKinds(this.state, poolId, memberId);
  }

  async putSchedules(
    poolId: string,
    memberId: string,
    input: PutSchedules,
    actor: string,
  ): Promise<Outcome<JobSchedule[]>> {
    return admin.putSchedules(this.state, poolId, memberId, input, actor);
  }

  async haproxyStat(poolId: string, memberId: string): Promise<Outcome<HaproxyStatTable>> {
    const alreadyWanted = this.state.haproxyStats.wanted(memberId, this.state.now());
    const outcome = await admin.haproxyStat(this.state, poolId, memberId);
    // Newly wanted: an agent on a socket beats now (its answer asks for the table), not in an interval.
    if (outcome.ok && !alreadyWanted) pushTo(this.ctx, memberId, { type: "report-now" });
    return outcome;
  }

  /** Every member's latest table (the overview's flow); newly wanted agents on a socket beat now. */
  async haproxyStats(poolId: string): Promise<Outcome<Record<string, HaproxyStatTable>>> {
    const now = this.state.now();
    const ids = this.state.catalog.rows().map((row) => row.id);
    const alreadyWanted = new Set(ids.filter((id) => this.state.haproxyStats.wanted(id, now)));
    const outcome = await admin.haproxyStats(this.state, poolId);
    if (outcome.ok)
      for (const id of Object.keys(outcome.value))
        if (!alreadyWanted.has(id)) pushTo(this.ctx, id, { type: "report-now" });
    return outcome;
  }

  // ── Admins: the managed balancer's rollouts (rollout-calls.ts) ─────────────────────────────

  async startRollout(poolId: string, input: CreateRollout, actor: string) {
    // The first step's job goes to its member's socket now, not at its next heartbeat.
    return this.thenPushJobs(rollouts.startRollout(this.state, poolId, input, actor));
  }

  async reapplyLive(poolId: string, memberId: string, actor: string) {
    return this.thenPushJobs(rollouts.reapplyLive(this.state, poolId, memberId, actor));
  }

  async abortRollout(poolId: string, rolloutId: string, actor: string) {
    return rollouts.abortRollout(this.state, poolId, rolloutId, actor);
  }

  async detachBalancer(poolId: string, actor: string) {
    return rollouts.detachBalancer(this.state, poolId, actor);
  }

  async setConfigParity(poolId: string, input: PutConfigParity, actor: string) {
    return rollouts.setConfigParity(this.state, poolId, input, actor);
  }

  async balancerState(poolId: string): Promise<Outcome<BalancerState>> {
    return this.state.withPool(poolId, () => ok(rollouts.balancerStateOf(this.state)));
  }

  // ── Admins: traffic (failover/manual-actions.ts) ──────────────────────────────────────────

  async makeActive(poolId: string, memberId: string, actor: string): Promise<Outcome<PoolRow>> {
    return manual.makeActive(this.state, poolId, memberId, actor);
  }

  async cutToNextStandby(poolId: string, actor: string): Promise<Outcome<PoolRow>> {
    return manual.cutToNextStandby(this.state, poolId, actor);
  }

  async setAutoFailover(
    poolId: string,
    enabled: boolean,
    actor: string,
  ): Promise<Outcome<PoolRow>> {
    return manual.setAutoFailover(this.state, poolId, enabled, actor);
  }

  async drain(
    poolId: string,
    memberId: string,
    draining: boolean,
    actor: string,
  ): Promise<Outcome<MemberRow>> {
    return manual.drain(this.state, poolId, memberId, draining, actor);
  }

  // ── Admins: the pool, its settings, reads (admin-calls.ts) ────────────────────────────────

  async failoverStatus(poolId: string) {
    return admin.failoverStatus(this.state, poolId);
  }

  async snapshot(poolId: string): Promise<LiveMember[]> {
    return admin.snapshot(this.state, poolId);
  }

  async trafficFacts(poolId: string): Promise<admin.TrafficFacts | null> {
    return admin.trafficFacts(this.state, poolId);
  }

  async dnsChanged(poolId: string): Promise<void> {
    return admin.dnsChanged(this.state, poolId);
  }

  async alertsChanged(poolId: string): Promise<void> {
    return admin.alertsChanged(this.state, poolId);
  }

  async testAlert(poolId: string, actor: string): Promise<Outcome<AlertTestResult>> {
    return admin.testAlert(this.state, poolId, actor);
  }

  async poolChanged(pool: PoolRow): Promise<void> {
    return admin.poolChanged(this.state, pool);
  }

  /** The cron: raises the pool's due certificate expiry notices (certificate-expiry.ts). */
  async certificateExpiry(poolId: string, now: number): Promise<number> {
    return raiseCertificateExpiry(this.state, poolId, now);
  }

  async poolDeleted(): Promise<void> {
    return admin.poolDeleted(this.state);
  }

  async stats(): Promise<CoordinatorStats> {
    const { heartbeats, socketMessages, alarms } = this.state;
    return { ...this.state.meter.totals, heartbeats, socketMessages, alarms };
  }

  // ── Tests and benchmarks ──────────────────────────────────────────────────────────────────

  /** Resolves once no alert is being sent. */
  async alertsSettled(): Promise<void> {
    await this.state.alerts.settled();
  }

  /** Resolves once no DNS update is in flight (operators' "sync now" later). */
  async dnsSettled(): Promise<void> {
    await this.state.dns.settled();
  }

  // ── The runtime ───────────────────────────────────────────────────────────────────────────

  override async alarm(): Promise<void> {
    this.state.alarms += 1;
    await onAlarm(this.state);
    // Deliveries nobody acknowledged become due again; sockets get them without waiting for a beat.
    await pushDueJobs(this.ctx, this.state);
  }

  /** An agent's WebSocket upgrade, authenticated by the Worker (routes/agent.ts). */
  override async fetch(request: Request): Promise<Response> {
    return acceptAgentSocket(this.ctx, this.state, request);
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    this.state.socketMessages += 1;
    if (await onAgentMessage(this.state, ws, message)) await pushDueJobs(this.ctx, this.state);
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    const memberId = this.ctx.getTags(ws)[0];
    log("info", { msg: "agent socket closed", memberId, code, reason });
  }

  override async webSocketError(ws: WebSocket, error: unknown): Promise<void> {
    const memberId = this.ctx.getTags(ws)[0];
    log("warn", { msg: "agent socket failed", memberId, error: String(error) });
  }

  /** Runs a call, then pushes whatever jobs it made due to their members' sockets. */
  private async thenPushJobs<T>(pending: Promise<T>): Promise<T> {
    const result = await pending;
    await pushDueJobs(this.ctx, this.state);
    return result;
  }
}
