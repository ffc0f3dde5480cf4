import { describe, expect, it } from "vitest";
import type { Event } from "../../../shared/events";
import type { Job } from "../../../shared/jobs";
import { fireAlarmAt, setClock } from "../coordinator/clock";
import {
  admin,
  agentCall,
  createPool,
  type Enrolled,
  enroll,
  expectError,
  heartbeat,
  queueJob,
} from "../helpers";
import { tomorrowAt } from "../time";

const T0 = tomorrowAt(12);

async function getJob(jobId: string): Promise<Job> {
  return (await admin<{ job: Job }>(`/jobs/${jobId}`)).body.job;
}

async function setup() {
  const pool = await createPool();
  const edge = await enroll(pool.id);
  await setClock(pool.id, T0);
  return { pool, edge };
}

async function beatAt(poolId: string, edge: Enrolled, at: number) {
  await setClock(poolId, at);
  const beat = await heartbeat(edge);
  expect(beat.status).toBe(200);
  return beat.body.jobs;
}

function result(overrides: Record<string, unknown> = {}) {
  return {
    status: "succeeded",
    exitCode: 0,
    outputTail: "reloaded\n",
    startedAt: T0,
    finishedAt: T0 + 500,
    ...overrides,
  };
}

describe("job lifecycle", () => {
  it("goes queued → delivered → running → succeeded, with its output and an event", async () => {
    const { pool, edge } = await setup();
    const job = await queueJob(edge.member.id, {
      kind: "haproxy.drain",
      payload: { backend: "web", server: "app1" },
    });
    expect(job.status).toBe("queued");

    const [delivery] = await beatAt(pool.id, edge, T0 + 1_000);
    expect(delivery).toMatchObject({
      id: job.id,
      kind: "haproxy.drain",
      payload: { backend: "web", server: "app1" },
      attempt: 1,
      timeoutMs: 60_000,
    });
    expect((await getJob(job.id)).status).toBe("delivered");

    const ack = await agentCall<{ job: { status: string } }>(edge, `/jobs/${job.id}/ack`, {
      body: { startedAt: T0 + 1_100 },
    });
    expect(ack.status).toBe(200);
    expect(ack.body.job.status).toBe("running");
    expect(await beatAt(pool.id, edge, T0 + 30_000)).toEqual([]);

    const done = await agentCall(edge, `/jobs/${job.id}/result`, {
      body: result({ finishedAt: T0 + 1_900 }),
    });
    expect(done.status).toBe(200);
    const finished = await getJob(job.id);
    expect(finished).toMatchObject({
      status: "succeeded",
      exitCode: 0,
      outputTail: "reloaded\n",
      startedAt: T0 + 1_100,
      finishedAt: T0 + 1_900,
      deliveryCount: 1,
    });
    const events = (await admin<{ events: Event[] }>(`/pools/${pool.id}/events?type=job.succeeded`))
      .body.events;
    expect(events.map((event) => event.data.jobId)).toEqual([job.id]);
  });

  it("redelivers a job that was never acknowledged, after the redelivery window", async () => {
    const { pool, edge } = await setup();
    const job = await queueJob(edge.member.id, { kind: "haproxy.reload" });
    expect((await beatAt(pool.id, edge, T0)).map((d) => d.attempt)).toEqual([1]);
    expect(await beatAt(pool.id, edge, T0 + 9_999)).toEqual([]);
    const [again] = await beatAt(pool.id, edge, T0 + 10_000);
    expect(again).toMatchObject({ id: job.id, attempt: 2 });
  });

  it("makes one job per idempotency key, delivered once", async () => {
    const { pool, edge } = await setup();
    const body = { kind: "haproxy.reload", idempotencyKey: "nightly-2026-11-22" };
    const first = await queueJob(edge.member.id, body);
    const replay = await admin<{ job: Job }>(`/members/${edge.member.id}/jobs`, { body });
    expect(replay.status).toBe(200);
    expect(replay.body.job.id).toBe(first.id);
    expect((await beatAt(pool.id, edge, T0)).map((d) => d.id)).toEqual([first.id]);

    // Still one job after it finished: the key never runs twice.
    await agentCall(edge, `/jobs/${first.id}/ack`, { body: {} });
    await agentCall(edge, `/jobs/${first.id}/result`, { body: result() });
    const later = await admin<{ job: Job }>(`/members/${edge.member.id}/jobs`, { body });
    expect(later.status).toBe(200);
    expect(later.body.job).toMatchObject({ id: first.id, status: "succeeded" });
    expect(await beatAt(pool.id, edge, T0 + 60_000)).toEqual([]);
  });

  it("times out a job past its deadline, even while its member is silent", async () => {
    const { pool, edge } = await setup();
    const job = await queueJob(edge.member.id, { kind: "haproxy.reload", deadlineS: 60 });
    expect(await fireAlarmAt(pool.id, T0 + 60_000)).toBe(true);
    expect((await getJob(job.id)).status).toBe("timed_out");
    expect(await beatAt(pool.id, edge, T0 + 61_000)).toEqual([]);
    expectError(await agentCall(edge, `/jobs/${job.id}/ack`, { body: {} }), 409, "job_finished");
  });

  it("times out a running job whose result never came", async () => {
    const { pool, edge } = await setup();
    const job = await queueJob(edge.member.id, { kind: "haproxy.reload", deadlineS: 30 });
    await beatAt(pool.id, edge, T0 + 1_000);
    await agentCall(edge, `/jobs/${job.id}/ack`, { body: {} });
    await beatAt(pool.id, edge, T0 + 30_000);
    expect((await getJob(job.id)).status).toBe("timed_out");
    expectError(
      await agentCall(edge, `/jobs/${job.id}/result`, { body: result() }),
      409,
      "job_finished",
    );
  });

  it("never delivers a cancelled job, and refuses a late result for one", async () => {
    const { pool, edge } = await setup();
    const queued = await queueJob(edge.member.id, { kind: "haproxy.reload" });
    const cancel = await admin<{ job: Job }>(`/jobs/${queued.id}/cancel`, { method: "POST" });
    expect(cancel.body.job.status).toBe("cancelled");
    expect(await beatAt(pool.id, edge, T0 + 1_000)).toEqual([]);

    const running = await queueJob(edge.member.id, { kind: "haproxy.backup" });
    await beatAt(pool.id, edge, T0 + 2_000);
    await agentCall(edge, `/jobs/${running.id}/ack`, { body: {} });
    await admin(`/jobs/${running.id}/cancel`, { method: "POST" });
    expectError(
      await agentCall(edge, `/jobs/${running.id}/result`, { body: result() }),
      409,
      "job_finished",
    );
    expect((await getJob(running.id)).status).toBe("cancelled");
  });

  it("accepts a retried result report and a retried ack", async () => {
    const { pool, edge } = await setup();
    const job = await queueJob(edge.member.id, { kind: "haproxy.reload" });
    await beatAt(pool.id, edge, T0);
    for (let i = 0; i < 2; i++)
      expect((await agentCall(edge, `/jobs/${job.id}/ack`, { body: {} })).status).toBe(200);
    const failed = result({ status: "failed", exitCode: 1, outputTail: "[ALERT] config invalid" });
    for (let i = 0; i < 2; i++)
      expect((await agentCall(edge, `/jobs/${job.id}/result`, { body: failed })).status).toBe(200);
    expect(await getJob(job.id)).toMatchObject({ status: "failed", exitCode: 1 });
  });
});
