import type { z } from "zod";
import { HaproxyStatReport } from "../../shared/haproxy-stat";
import { Heartbeat, type HeartbeatResponse, type Whoami } from "../../shared/heartbeat";
import { type CreateJob, JOB_DEADLINE_S, JobAck, type JobKind, JobResult } from "../../shared/jobs";
import { FireSchedule } from "../../shared/schedules";
import type { JobRow } from "../db/schema/jobs";
import type { MemberRow } from "../db/schema/members";
import type { Write } from "../db/writes";
import { ipAllowed } from "../lib/ip";
import { onBalancerHeartbeat } from "./balancer-heartbeat";
import type { AgentCaller } from "./catalog";
import { commit, evaluateFailover } from "./commit";
import { liveFromRow, observeHeartbeat } from "./live-member";
import { recordChanges, takeSample } from "./observations";
import { type Outcome, ok, parseBody, type RequestBody, refuse } from "./outcome";
import type { PoolState } from "./pool-state";
import { queueJob } from "./queue-job";
import { advanceRollout } from "./rollout-progress";

// Calls from the pool's agents. Each passes the caller's checks first (PoolState.withAgent).

/** Checks secret → caller address → body → hostname, then applies the heartbeat. */
export function heartbeat(
  state: PoolState,
  poolId: string,
  caller: AgentCaller,
  body: RequestBody,
): Promise<Outcome<HeartbeatResponse>> {
  return withBody(state, poolId, caller, Heartbeat, body, async (row, report) => {
    const mismatch = hostnameMismatch<HeartbeatResponse>(row, report.hostname);
    return mismatch ?? ok(await applyHeartbeat(state, row, report));
  });
}

/** The refusal for an agent naming another host than the secret's member; null when it matches. */
export function hostnameMismatch<T>(row: MemberRow, hostname: string): Outcome<T> | null {
  if (hostname.toLowerCase() === row.hostname) return null;
  return refuse(
    "hostname_mismatch",
    `This secret belongs to ${row.hostname}, but the agent runs on ${hostname}: use the secret enrolled for this host`,
  );
}

/** The agent is starting the job. Refused for jobs that finished (cancelled, timed out). */
export function ackJob(
  state: PoolState,
  poolId: string,
  caller: AgentCaller,
  jobId: string,
  body: RequestBody,
) {
  return withBody(state, poolId, caller, JobAck, body, (_member, ack) =>
    state.jobQueue.ack(caller.memberId, jobId, ack, state.now()),
  );
}

export function reportJobResult(
  state: PoolState,
  poolId: string,
  caller: AgentCaller,
  jobId: string,
  body: RequestBody,
) {
  return withBody(state, poolId, caller, JobResult, body, async (_member, result) => {
    const reported = await state.jobQueue.report(caller.memberId, jobId, result, state.now());
    if (reported.ok) await advanceRollout(state);
    return reported;
  });
}

/** The caller's address as seen here, and whether the member allows it (no IP check). */
export function whoami(
  state: PoolState,
  poolId: string,
  caller: AgentCaller,
): Promise<Outcome<Whoami>> {
  return state.withAgent(poolId, caller, { checkIp: false }, ({ id, hostname, allowedIps }) =>
    ok({ ip: caller.ip, memberId: id, hostname, ipAllowed: ipAllowed(caller.ip, allowedIps) }),
  );
}

/** The caller's checks alone (secret, address), for agent requests the Worker serves (backups). */
export function verifyAgent(
  state: PoolState,
  poolId: string,
  caller: AgentCaller,
): Promise<Outcome<MemberRow>> {
  return state.withAgent(poolId, caller, { checkIp: true }, ok);
}

/** A schedule matched on the agent: queues its job once per schedule and minute. */
export function fireSchedule(
  state: PoolState,
  poolId: string,
  caller: AgentCaller,
  scheduleId: string,
  body: RequestBody,
) {
  return withBody(state, poolId, caller, FireSchedule, body, (member, fire) => {
    const schedule = state.schedules.find(scheduleId);
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
    return queueJob(state, member, input, `schedule:${schedule.id}`);
  });
}

/** The agent's full HAProxy status table; kept in memory only. */
export function reportHaproxyStat(
  state: PoolState,
  poolId: string,
  caller: AgentCaller,
  body: RequestBody,
) {
  return withBody(state, poolId, caller, HaproxyStatReport, body, (member, report) => {
    state.haproxyStats.store(member.id, report);
    return ok(null);
  });
}

/** An agent call with a body: the caller's checks (secret, address), then the body against `schema`. */
function withBody<Schema extends z.ZodType, T>(
  state: PoolState,
  poolId: string,
  caller: AgentCaller,
  schema: Schema,
  body: RequestBody,
  handle: (member: MemberRow, input: z.output<Schema>) => Outcome<T> | Promise<Outcome<T>>,
): Promise<Outcome<T>> {
  return state.withAgent(poolId, caller, { checkIp: true }, (member) => {
    const input = parseBody(schema, body);
    return input.ok ? handle(member, input.value) : input;
  });
}

async function applyHeartbeat(
  state: PoolState,
  row: MemberRow,
  report: Heartbeat,
): Promise<HeartbeatResponse> {
  const now = state.now();
  state.heartbeats += 1;
  const intervalMs = state.heartbeatIntervalMs;
  state.hearing.heard(now);
  state.heartbeatLog.heard(row.id, now);
  const writes: Write[] = [];

  const known = state.members.get(row.id) ?? liveFromRow(row);
  const { next, changes } = observeHeartbeat({ ...known, name: row.name }, report, now);
  state.members.set(next.memberId, next);
  if (changes.length > 0) {
    writes.push(...recordChanges(state, next, changes, now));
    await state.putLive(next);
  } else if (known.balancer?.sha256 !== next.balancer?.sha256) {
    // Parity after a restart compares with this: store it when the member's file changes.
    await state.putLive(next);
  }

  state.rollouts.refreshParity(state.members, state.pool?.activeMemberId ?? null);
  // Before deliveries: a member that never had the live revision gets it in this answer.
  writes.push(...(await onBalancerHeartbeat(state, row, next)));
  state.sampler.offer(next.memberId, report, now);
  writes.push(...takeSample(state, now), ...state.jobQueue.expire(now));
  const { deliveries, writes: deliveryWrites } = state.jobQueue.deliver(next.memberId, now);
  writes.push(...deliveryWrites);

  // A service-down report acts on the heartbeat that carries it.
  await commit(state, writes, evaluateFailover(state, now));
  await advanceRollout(state);
  await state.scheduleAlarm();
  return {
    jobs: deliveries,
    intervalMs,
    serverTime: now,
    schedules: state.schedules.forMember(next.memberId),
    wants: { haproxyStat: state.haproxyStats.wanted(next.memberId, now) },
  };
}
