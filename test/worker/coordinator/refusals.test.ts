/**
 * What the coordinator answers when the pool or member a call names is not there. Routes check
 * D1 first, so these refusals are reached mostly in races (a pool deleted between the route's
 * read and the call); each call must still answer with the code and words a person can act on.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { AgentCaller } from "../../../worker/coordinator/catalog";
import { type CoordinatorApi, coordinatorFor } from "../../../worker/coordinator/client";
import type { Outcome } from "../../../worker/coordinator/outcome";
import { createPool } from "../helpers";

const MEMBER = "mem_missing";
const JOB = "job_missing";
const CALLER: AgentCaller = { memberId: MEMBER, secretHash: "0".repeat(64), ip: "203.0.113.10" };
const JOB_INPUT = {
  kind: "haproxy.reload",
  payload: {},
  idempotencyKey: "k",
  deadlineS: 60,
} as const;

type Call = (api: CoordinatorApi, poolId: string) => Promise<Outcome<unknown>>;

/** Admin calls, each with the refusal it gives when the pool is missing (`pool`) or only the member (`member`). */
const ADMIN_CALLS: [string, Call, { pool: string; member: string | null }][] = [
  [
    "updateMember",
    (api, poolId) => api.updateMember(poolId, MEMBER, { priority: 5 }, "usr_test"),
    { pool: "Pool {pool} does not exist", member: null },
  ],
  [
    "rotateSecret",
    (api, poolId) => api.rotateSecret(poolId, MEMBER, "usr_test"),
    { pool: "Pool {pool} does not exist", member: null },
  ],
  [
    "removeMember",
    (api, poolId) => api.removeMember(poolId, MEMBER, "usr_test"),
    { pool: "Pool {pool} does not exist", member: null },
  ],
  [
    "enqueueJob",
    (api, poolId) => api.enqueueJob(poolId, MEMBER, JOB_INPUT, "usr_test"),
    { pool: "Member {member} does not exist", member: "Member {member} does not exist" },
  ],
  [
    "jobKinds",
    (api, poolId) => api.jobKinds(poolId, MEMBER),
    { pool: "Member {member} does not exist", member: "Member {member} does not exist" },
  ],
  [
    "putSchedules",
    (api, poolId) => api.putSchedules(poolId, MEMBER, { schedules: [] }, "usr_test"),
    { pool: "Member {member} does not exist", member: "Member {member} does not exist" },
  ],
  [
    "haproxyStat",
    (api, poolId) => api.haproxyStat(poolId, MEMBER),
    { pool: "Member {member} does not exist", member: "Member {member} does not exist" },
  ],
  [
    "cancelJob",
    (api, poolId) => api.cancelJob(poolId, JOB, "usr_test"),
    { pool: "Job {job} does not exist", member: null },
  ],
  [
    "makeActive",
    (api, poolId) => api.makeActive(poolId, MEMBER, "usr_test"),
    {
      pool: "Member {member} is not in pool {pool}",
      member: "Member {member} is not in pool {pool}",
    },
  ],
  [
    "drain",
    (api, poolId) => api.drain(poolId, MEMBER, true, "usr_test"),
    {
      pool: "Member {member} is not in pool {pool}",
      member: "Member {member} is not in pool {pool}",
    },
  ],
  [
    "cutToNextStandby",
    (api, poolId) => api.cutToNextStandby(poolId, "usr_test"),
    { pool: "Pool {pool} does not exist", member: null },
  ],
  [
    "setAutoFailover",
    (api, poolId) => api.setAutoFailover(poolId, false, "usr_test"),
    { pool: "Pool {pool} does not exist", member: null },
  ],
  [
    "failoverStatus",
    (api, poolId) => api.failoverStatus(poolId),
    { pool: "Pool {pool} does not exist", member: null },
  ],
];

const AGENT_CALLS: [string, Call][] = [
  ["heartbeat", (api, poolId) => api.heartbeat(poolId, CALLER, "{}")],
  ["ackJob", (api, poolId) => api.ackJob(poolId, CALLER, JOB, "{}")],
  ["reportJobResult", (api, poolId) => api.reportJobResult(poolId, CALLER, JOB, "{}")],
  ["whoami", (api, poolId) => api.whoami(poolId, CALLER)],
  ["verifyAgent", (api, poolId) => api.verifyAgent(poolId, CALLER)],
  ["fireSchedule", (api, poolId) => api.fireSchedule(poolId, CALLER, "sch_missing", "{}")],
  ["reportHaproxyStat", (api, poolId) => api.reportHaproxyStat(poolId, CALLER, "{}")],
];

function words(template: string, poolId: string): string {
  return template.replace("{pool}", poolId).replace("{member}", MEMBER).replace("{job}", JOB);
}

describe("a pool the coordinator cannot find", () => {
  const poolId = "pool_missing";

  it.each(ADMIN_CALLS)("%s answers 404 naming what is missing", async (_name, call, expected) => {
    const outcome = await call(coordinatorFor(env, poolId), poolId);
    expect(outcome).toEqual({
      ok: false,
      code: "not_found",
      message: words(expected.pool, poolId),
    });
  });

  it.each(AGENT_CALLS)("%s answers as an unknown secret does", async (_name, call) => {
    const outcome = await call(coordinatorFor(env, poolId), poolId);
    expect(outcome).toMatchObject({ ok: false, code: "bad_secret" });
  });

  it("has no live members to show", async () => {
    expect(await coordinatorFor(env, poolId).snapshot(poolId)).toEqual([]);
  });
});

describe("a member the pool does not have", () => {
  const memberCalls = ADMIN_CALLS.filter(([, , expected]) => expected.member !== null);

  it.each(memberCalls)("%s answers 404 naming the member", async (_name, call, expected) => {
    const pool = await createPool();
    const outcome = await call(coordinatorFor(env, pool.id), pool.id);
    const message = words(expected.member ?? "", pool.id);
    expect(outcome).toEqual({ ok: false, code: "not_found", message });
  });

  it.each(AGENT_CALLS)("%s refuses a secret the pool never issued", async (_name, call) => {
    const pool = await createPool();
    const outcome = await call(coordinatorFor(env, pool.id), pool.id);
    expect(outcome).toMatchObject({ ok: false, code: "bad_secret" });
  });
});
