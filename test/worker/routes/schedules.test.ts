import { abortAllDurableObjects } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ErrorBody } from "../../../shared/errors";
import type { Event } from "../../../shared/events";
import type { Job } from "../../../shared/jobs";
import type { FiredSchedule, JobSchedule } from "../../../shared/schedules";
import { requestMeter } from "../../../worker/app";
import type { CoordinatorStats } from "../../../worker/coordinator/pool-coordinator";
import { coordinatorStub, setClock } from "../coordinator/clock";
import {
  admin,
  agentCall,
  call,
  createApiToken,
  createPool,
  type Enrolled,
  enroll,
  expectError,
  heartbeat,
  withToken,
} from "../helpers";
import { tomorrowAt } from "../time";

const MISSING_MEMBER = "mem_00000000000000000000000000";
const T0 = tomorrowAt(3);
const NIGHTLY = { kind: "haproxy.backup", cron: "0 3 * * *" };

function put(memberId: string, schedules: unknown[]) {
  return admin<{ schedules: JobSchedule[] }>(`/members/${memberId}/schedules`, {
    method: "PUT",
    body: { schedules },
  });
}

async function scheduled(enrolled: Enrolled, schedules: unknown[]) {
  const result = await put(enrolled.member.id, schedules);
  expect(result.status).toBe(200);
  return result.body.schedules;
}

function fire(enrolled: Enrolled, scheduleId: string, body: unknown = { firedAt: T0 }) {
  return agentCall<FiredSchedule>(enrolled, `/schedules/${scheduleId}/fire`, { body });
}

function issuePaths(result: { body: unknown }) {
  return (result.body as ErrorBody).error.issues?.map((issue) => issue.path);
}

describe("PUT /api/v1/members/:memberId/schedules", () => {
  it("replaces the list, records it, and hands it to the agent in every heartbeat", async () => {
    const pool = await createPool();
    const enrolled = await enroll(pool.id);
    const schedules = await scheduled(enrolled, [
      NIGHTLY,
      { kind: "haproxy.backup", cron: "*/15 * * * *" },
    ]);
    expect(schedules).toEqual([
      { id: expect.stringMatching(/^sch_/), ...NIGHTLY },
      { id: expect.stringMatching(/^sch_/), kind: "haproxy.backup", cron: "*/15 * * * *" },
    ]);
    const got = await admin<{ schedules: JobSchedule[] }>(
      `/members/${enrolled.member.id}/schedules`,
    );
    expect(got.body.schedules).toEqual(schedules);
    expect((await heartbeat(enrolled)).body.schedules).toEqual(schedules);
    expect((await heartbeat(enrolled)).body.schedules).toEqual(schedules);

    const events = await admin<{ events: Event[] }>(
      `/pools/${pool.id}/events?type=member.schedules_updated`,
    );
    expect(events.body.events[0]).toMatchObject({
      memberId: enrolled.member.id,
      actor: "bootstrap",
    });
    expect(events.body.events[0]?.message).toContain('haproxy.backup at "0 3 * * *"');
  });

  it("keeps the ids of unchanged entries, and clears with an empty list", async () => {
    const enrolled = await enroll((await createPool()).id);
    const [nightly] = await scheduled(enrolled, [NIGHTLY]);
    const next = await scheduled(enrolled, [
      { kind: "haproxy.backup", cron: "0 4 * * *" },
      NIGHTLY,
    ]);
    expect(next[1]?.id).toBe(nightly?.id);
    expect(next[0]?.id).not.toBe(nightly?.id);
    expect(await scheduled(enrolled, [])).toEqual([]);
    expect((await heartbeat(enrolled)).body.schedules).toEqual([]);
    const got = await admin<{ schedules: JobSchedule[] }>(
      `/members/${enrolled.member.id}/schedules`,
    );
    expect(got.body.schedules).toEqual([]);
  });

  it("keeps only one member's schedules in its heartbeats", async () => {
    const pool = await createPool();
    const [a, b] = [await enroll(pool.id), await enroll(pool.id)];
    await scheduled(a, [NIGHTLY]);
    expect((await heartbeat(b)).body.schedules).toEqual([]);
  });

  it("refuses bad cron expressions, unknown kinds, duplicates and long lists with 400", async () => {
    const enrolled = await enroll((await createPool()).id);
    const id = enrolled.member.id;
    const cron = await put(id, [{ kind: "haproxy.backup", cron: "0 25 * * *" }]);
    expectError(cron, 400, "validation_failed");
    expect(issuePaths(cron)).toEqual(["schedules.0.cron"]);
    expect((cron.body as unknown as ErrorBody).error.message).toContain("hour");
    const kind = await put(id, [{ kind: "haproxy.reload", cron: "0 3 * * *" }]);
    expectError(kind, 400, "validation_failed");
    expect(issuePaths(kind)).toEqual(["schedules.0.kind"]);
    expectError(await put(id, [{ ...NIGHTLY, extra: 1 }]), 400, "validation_failed");
    const twice = await put(id, [NIGHTLY, { ...NIGHTLY, cron: " 0 3 * * * " }]);
    expectError(twice, 400, "validation_failed");
    expect(issuePaths(twice)).toEqual(["schedules.1"]);
    const many = Array.from({ length: 17 }, (_, minute) => ({
      ...NIGHTLY,
      cron: `${minute} 3 * * *`,
    }));
    expectError(await put(id, many), 400, "validation_failed");
    const got = await admin<{ schedules: JobSchedule[] }>(`/members/${id}/schedules`);
    expect(got.body.schedules).toEqual([]);
  });

  it("reads cron as the agent arms it: a step from a value is stored, a date that never occurs is refused", async () => {
    const enrolled = await enroll((await createPool()).id);
    const id = enrolled.member.id;
    const never = await put(id, [{ kind: "haproxy.backup", cron: "0 0 31 2 *" }]);
    expectError(never, 400, "validation_failed");
    expect(issuePaths(never)).toEqual(["schedules.0.cron"]);
    expect((never.body as unknown as ErrorBody).error.message).toContain(
      'cron expression "0 0 31 2 *" never matches a real date',
    );
    const stepped = await scheduled(enrolled, [{ kind: "haproxy.backup", cron: "5/10 * * * *" }]);
    expect((await heartbeat(enrolled)).body.schedules).toEqual(stepped);
    expect(stepped.map((schedule) => schedule.cron)).toEqual(["5/10 * * * *"]);
  });

  it("refuses kinds the member may not run with 409 job_not_allowed", async () => {
    const haproxy = await enroll((await createPool({ profile: "haproxy" })).id);
    const nginx = await put(haproxy.member.id, [{ kind: "nginx.backup", cron: "0 3 * * *" }]);
    expectError(nginx, 409, "job_not_allowed");
    expect((nginx.body as unknown as ErrorBody).error.message).toContain("haproxy pool");

    const generic = await enroll((await createPool({ profile: "generic" })).id);
    expectError(await put(generic.member.id, [NIGHTLY]), 409, "job_not_allowed");
    await heartbeat(generic, { services: { haproxy: { installed: true, activeState: "active" } } });
    expect((await put(generic.member.id, [NIGHTLY])).status).toBe(200);
  });

  it("needs an operator, and answers 404 for an unknown member", async () => {
    const enrolled = await enroll((await createPool()).id);
    const path = `/members/${enrolled.member.id}/schedules`;
    const viewer = await createApiToken("viewer");
    const body = { schedules: [NIGHTLY] };
    expectError(await withToken(viewer.token, path, { method: "PUT", body }), 403, "forbidden");
    expect((await withToken(viewer.token, path)).status).toBe(200);
    const operator = await createApiToken("operator");
    expect((await withToken(operator.token, path, { method: "PUT", body })).status).toBe(200);
    expectError(await call(`/api/v1${path}`), 401, "unauthorized");
    expectError(await put(MISSING_MEMBER, [NIGHTLY]), 404, "not_found");
    expectError(await admin(`/members/${MISSING_MEMBER}/schedules`), 404, "not_found");
  });

  it("survives a coordinator restart", async () => {
    const enrolled = await enroll((await createPool()).id);
    const schedules = await scheduled(enrolled, [NIGHTLY]);
    await abortAllDurableObjects();
    expect((await heartbeat(enrolled)).body.schedules).toEqual(schedules);
  });
});

describe("POST /agent/v1/schedules/:scheduleId/fire", () => {
  it("queues the job once per schedule and minute, and delivers it", async () => {
    const enrolled = await enroll((await createPool()).id);
    const [schedule] = await scheduled(enrolled, [NIGHTLY]);
    if (!schedule) throw new Error("no schedule");
    const first = await fire(enrolled, schedule.id);
    expect(first.status).toBe(201);
    expect(first.body.job).toEqual({
      id: expect.stringMatching(/^job_/),
      kind: "haproxy.backup",
      status: "queued",
    });
    const again = await fire(enrolled, schedule.id);
    expect(again.status).toBe(200);
    expect(again.body.job.id).toBe(first.body.job.id);

    const job = (await admin<{ job: Job }>(`/jobs/${first.body.job.id}`)).body.job;
    expect(job).toMatchObject({
      createdBy: `schedule:${schedule.id}`,
      idempotencyKey: `schedule:${schedule.id}:${T0}`,
      payload: {},
    });
    expect((await heartbeat(enrolled)).body.jobs.map((delivery) => delivery.id)).toEqual([job.id]);

    const nextDay = await fire(enrolled, schedule.id, { firedAt: T0 + 86_400_000 });
    expect(nextDay.status).toBe(201);
    expect(nextDay.body.job.id).not.toBe(job.id);
  });

  it("answers 404 for another member's schedule and an unknown one", async () => {
    const pool = await createPool();
    const [a, b] = [await enroll(pool.id), await enroll(pool.id)];
    const [schedule] = await scheduled(a, [NIGHTLY]);
    expectError(await fire(b, schedule?.id ?? ""), 404, "not_found");
    expectError(await fire(a, "sch_nope"), 404, "not_found");
    const replaced = await scheduled(a, [{ ...NIGHTLY, cron: "0 5 * * *" }]);
    expect(replaced[0]?.id).not.toBe(schedule?.id);
    expectError(await fire(a, schedule?.id ?? ""), 404, "not_found");
    expect((await admin<{ jobs: Job[] }>(`/pools/${pool.id}/jobs`)).body.jobs).toEqual([]);
  });

  it("checks the secret, the address, then the body", async () => {
    const enrolled = await enroll((await createPool()).id);
    const [schedule] = await scheduled(enrolled, [NIGHTLY]);
    const id = schedule?.id ?? "";
    expectError(await fire({ ...enrolled, secret: "wrong" }, id), 401, "bad_secret");
    expectError(
      await agentCall(enrolled, `/schedules/${id}/fire`, {
        body: { firedAt: T0 },
        headers: { "CF-Connecting-IP": "192.0.2.99" },
      }),
      403,
      "ip_not_allowed",
    );
    const bad = await fire(enrolled, id, { firedAt: "now" });
    expectError(bad, 400, "validation_failed");
    expect(issuePaths(bad)).toEqual(["firedAt"]);
  });
});

describe("D1 budget with schedules", () => {
  it("still costs no D1 query for heartbeats that change nothing", async () => {
    const pool = await createPool();
    const edge = await enroll(pool.id);
    const schedules = await scheduled(edge, [NIGHTLY]);
    await abortAllDurableObjects();
    await setClock(pool.id, T0);
    expect((await heartbeat(edge)).body.schedules).toEqual(schedules);
    const stats = (): Promise<CoordinatorStats> => coordinatorStub(pool.id).stats();
    const before = await stats();
    const requestCallsBefore = requestMeter.totals.calls;
    for (let second = 1; second <= 10; second++) {
      await setClock(pool.id, T0 + second * 1_000);
      const beat = await heartbeat(edge);
      expect(beat.body.schedules).toEqual(schedules);
    }
    const after = await stats();
    expect(after.heartbeats - before.heartbeats).toBe(10);
    expect(after.calls - before.calls).toBe(0);
    expect(requestMeter.totals.calls - requestCallsBefore).toBe(0);
  });
});
