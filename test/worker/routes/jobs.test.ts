import { describe, expect, it } from "vitest";
import type { ErrorBody } from "../../../shared/errors";
import type { Job } from "../../../shared/jobs";
import {
  admin,
  call,
  createApiToken,
  createPool,
  deliverJobs,
  enroll,
  expectError,
  queueJob,
  withToken,
} from "../helpers";

const MISSING_POOL = "pool_00000000000000000000000000";
const MISSING_MEMBER = "mem_00000000000000000000000000";
const MISSING_JOB = "job_00000000000000000000000000";

async function freshMember() {
  const pool = await createPool();
  return { pool, ...(await enroll(pool.id)) };
}

function issuePaths(result: { body: unknown }) {
  return (result.body as ErrorBody).error.issues?.map((issue) => issue.path);
}

function createJob(memberId: string, body: unknown) {
  return admin<{ job: Job }>(`/members/${memberId}/jobs`, { body });
}

describe("POST /api/v1/members/:memberId/jobs", () => {
  it("queues a job with its payload and deadline", async () => {
    const { pool, member } = await freshMember();
    const result = await createJob(member.id, {
      kind: "haproxy.drain",
      payload: { backend: "be_app", server: "web1" },
      deadlineS: 60,
    });
    expect(result.status).toBe(201);
    const job = result.body.job;
    expect(job).toMatchObject({
      poolId: pool.id,
      memberId: member.id,
      kind: "haproxy.drain",
      payload: { backend: "be_app", server: "web1" },
      status: "queued",
      idempotencyKey: null,
      deliveryCount: 0,
      createdBy: "bootstrap",
    });
    expect(job.deadlineAt - job.createdAt).toBe(60_000);
  });

  it("checks the payload against the kind, naming payload fields", async () => {
    const { member } = await freshMember();
    const missing = await createJob(member.id, { kind: "haproxy.drain", payload: {} });
    expectError(missing, 400, "validation_failed");
    expect(issuePaths(missing)).toEqual(["payload.backend"]);

    const extra = await createJob(member.id, { kind: "haproxy.reload", payload: { now: true } });
    expectError(extra, 400, "validation_failed");

    const badVersion = await createJob(member.id, {
      kind: "agent.update",
      payload: { version: "latest", sha256: "0".repeat(64) },
    });
    expectError(badVersion, 400, "validation_failed");
    expect(issuePaths(badVersion)).toEqual(["payload.version"]);

    const list = await admin<{ jobs: Job[] }>(`/members/${member.id}/jobs`);
    expect(list.body.jobs).toEqual([]);
  });

  it("refuses an unknown kind and a deadline out of bounds", async () => {
    const { member } = await freshMember();
    const unknown = await createJob(member.id, { kind: "haproxy.explode" });
    expectError(unknown, 400, "validation_failed");
    expect(issuePaths(unknown)).toEqual(["kind"]);
    expectError(
      await createJob(member.id, { kind: "haproxy.reload", deadlineS: 5 }),
      400,
      "validation_failed",
    );
  });

  it("answers a repeated idempotency key with the job it already made", async () => {
    const { member } = await freshMember();
    const body = {
      kind: "haproxy.ready",
      payload: { backend: "be_app" },
      idempotencyKey: "deploy-42",
    };
    const first = await createJob(member.id, body);
    expect(first.status).toBe(201);
    const replay = await createJob(member.id, body);
    expect(replay.status).toBe(200);
    expect(replay.body.job.id).toBe(first.body.job.id);
    expect(replay.body.job.idempotencyKey).toBe("deploy-42");
    const list = await admin<{ jobs: Job[] }>(`/members/${member.id}/jobs`);
    expect(list.body.jobs).toHaveLength(1);
  });

  it("refuses the same idempotency key with a different payload or kind", async () => {
    const { member } = await freshMember();
    const key = { idempotencyKey: "drain-once" };
    await queueJob(member.id, { kind: "haproxy.drain", payload: { backend: "a" }, ...key });
    expectError(
      await createJob(member.id, { kind: "haproxy.drain", payload: { backend: "b" }, ...key }),
      409,
      "idempotency_conflict",
    );
    expectError(
      await createJob(member.id, { kind: "haproxy.ready", payload: { backend: "a" }, ...key }),
      409,
      "idempotency_conflict",
    );
    // Keys belong to one member: another member may reuse it.
    const other = await freshMember();
    expect((await createJob(other.member.id, { kind: "haproxy.reload", ...key })).status).toBe(201);
  });

  it("lets an operator queue, refuses a viewer", async () => {
    const { member } = await freshMember();
    const operator = await createApiToken("operator");
    const queued = await withToken<{ job: Job }>(operator.token, `/members/${member.id}/jobs`, {
      body: { kind: "haproxy.reload" },
    });
    expect(queued.status).toBe(201);
    expect(queued.body.job.createdBy).toBe(`token:${operator.apiToken.id}`);

    const viewer = await createApiToken("viewer");
    const refused = await withToken(viewer.token, `/members/${member.id}/jobs`, {
      body: { kind: "haproxy.reload" },
    });
    expectError(refused, 403, "forbidden");
    expectError(
      await call(`/api/v1/members/${member.id}/jobs`, { body: { kind: "haproxy.reload" } }),
      401,
      "unauthorized",
    );
  });

  it("answers 404 for an unknown member", async () => {
    expectError(await createJob(MISSING_MEMBER, { kind: "haproxy.reload" }), 404, "not_found");
  });
});

describe("GET /api/v1/jobs/:jobId", () => {
  it("returns the job to a viewer", async () => {
    const { member } = await freshMember();
    const job = await queueJob(member.id, { kind: "haproxy.reload" });
    const { token } = await createApiToken("viewer");
    const result = await withToken<{ job: Job }>(token, `/jobs/${job.id}`);
    expect(result.status).toBe(200);
    expect(result.body.job).toEqual(job);
  });

  it("needs a token", async () => {
    const { member } = await freshMember();
    const job = await queueJob(member.id, { kind: "haproxy.reload" });
    expectError(await call(`/api/v1/jobs/${job.id}`), 401, "unauthorized");
  });

  it("answers 404 for an unknown job", async () => {
    expectError(await admin(`/jobs/${MISSING_JOB}`), 404, "not_found");
  });
});

describe("job lists", () => {
  it("list a member's jobs newest first, filtered by status", async () => {
    const pool = await createPool();
    const enrolled = await enroll(pool.id);
    const other = await enroll(pool.id);
    const oldest = await queueJob(enrolled.member.id, { kind: "haproxy.backup" });
    const middle = await queueJob(enrolled.member.id, { kind: "haproxy.reload" });
    const cancelled = await queueJob(enrolled.member.id, { kind: "haproxy.install" });
    const othersJob = await queueJob(other.member.id, { kind: "haproxy.reload" });
    expect((await admin(`/jobs/${cancelled.id}/cancel`, { method: "POST" })).status).toBe(200);
    expect(await deliverJobs(enrolled)).toEqual([oldest.id, middle.id]);

    const all = await admin<{ jobs: Job[]; nextCursor: string | null }>(
      `/members/${enrolled.member.id}/jobs`,
    );
    expect(all.status).toBe(200);
    expect(all.body.jobs.map((job) => job.id)).toEqual([cancelled.id, middle.id, oldest.id]);
    expect(all.body.nextCursor).toBeNull();

    const onlyCancelled = await admin<{ jobs: Job[] }>(
      `/members/${enrolled.member.id}/jobs?status=cancelled`,
    );
    expect(onlyCancelled.body.jobs.map((job) => job.id)).toEqual([cancelled.id]);

    const delivered = await admin<{ jobs: Job[] }>(
      `/members/${enrolled.member.id}/jobs?status=delivered,running`,
    );
    expect(delivered.body.jobs.map((job) => job.id)).toEqual([middle.id, oldest.id]);

    const page1 = await admin<{ jobs: Job[]; nextCursor: string | null }>(
      `/members/${enrolled.member.id}/jobs?limit=2`,
    );
    expect(page1.body.jobs.map((job) => job.id)).toEqual([cancelled.id, middle.id]);
    const page2 = await admin<{ jobs: Job[]; nextCursor: string | null }>(
      `/members/${enrolled.member.id}/jobs?limit=2&cursor=${page1.body.nextCursor}`,
    );
    expect(page2.body.jobs.map((job) => job.id)).toEqual([oldest.id]);
    expect(page2.body.nextCursor).toBeNull();

    const poolJobs = await admin<{ jobs: Job[] }>(`/pools/${pool.id}/jobs`);
    expect(poolJobs.body.jobs.map((job) => job.id)).toEqual([
      othersJob.id,
      cancelled.id,
      middle.id,
      oldest.id,
    ]);
    const poolQueued = await admin<{ jobs: Job[] }>(`/pools/${pool.id}/jobs?status=queued`);
    expect(poolQueued.body.jobs.map((job) => job.id)).toEqual([othersJob.id]);
  });

  it("refuse an unknown status", async () => {
    const { pool, member } = await freshMember();
    expectError(await admin(`/members/${member.id}/jobs?status=done`), 400, "validation_failed");
    expectError(await admin(`/pools/${pool.id}/jobs?status=queued,nope`), 400, "validation_failed");
  });

  it("are readable by a viewer and need a token", async () => {
    const { pool, member } = await freshMember();
    const job = await queueJob(member.id, { kind: "haproxy.reload" });
    const { token } = await createApiToken("viewer");
    const byMember = await withToken<{ jobs: Job[] }>(token, `/members/${member.id}/jobs`);
    expect(byMember.body.jobs.map((j) => j.id)).toEqual([job.id]);
    const byPool = await withToken<{ jobs: Job[] }>(token, `/pools/${pool.id}/jobs`);
    expect(byPool.body.jobs.map((j) => j.id)).toEqual([job.id]);
    expectError(await call(`/api/v1/members/${member.id}/jobs`), 401, "unauthorized");
    expectError(await call(`/api/v1/pools/${pool.id}/jobs`), 401, "unauthorized");
  });

  it("answer 404 for an unknown member or pool", async () => {
    expectError(await admin(`/members/${MISSING_MEMBER}/jobs`), 404, "not_found");
    expectError(await admin(`/pools/${MISSING_POOL}/jobs`), 404, "not_found");
  });
});

describe("POST /api/v1/jobs/:jobId/cancel", () => {
  it("cancels a queued job once; a second cancel is refused", async () => {
    const enrolled = await freshMember();
    const job = await queueJob(enrolled.member.id, { kind: "haproxy.reload" });
    const result = await admin<{ job: Job }>(`/jobs/${job.id}/cancel`, { method: "POST" });
    expect(result.status).toBe(200);
    expect(result.body.job).toMatchObject({ id: job.id, status: "cancelled" });
    expect(result.body.job.finishedAt).toEqual(expect.any(Number));

    const fetched = await admin<{ job: Job }>(`/jobs/${job.id}`);
    expect(fetched.body.job.status).toBe("cancelled");
    // A cancelled job is never handed to the agent.
    expect(await deliverJobs(enrolled)).toEqual([]);

    const again = await admin(`/jobs/${job.id}/cancel`, { method: "POST" });
    expectError(again, 409, "job_not_cancellable");
  });

  it("cancels a delivered job", async () => {
    const enrolled = await freshMember();
    const job = await queueJob(enrolled.member.id, { kind: "haproxy.reload" });
    expect(await deliverJobs(enrolled)).toEqual([job.id]);
    const result = await admin<{ job: Job }>(`/jobs/${job.id}/cancel`, { method: "POST" });
    expect(result.status).toBe(200);
    expect(result.body.job.status).toBe("cancelled");
  });

  it("lets an operator cancel, refuses a viewer", async () => {
    const { member } = await freshMember();
    const job = await queueJob(member.id, { kind: "haproxy.reload" });
    const viewer = await createApiToken("viewer");
    expectError(
      await withToken(viewer.token, `/jobs/${job.id}/cancel`, { method: "POST" }),
      403,
      "forbidden",
    );
    expectError(
      await call(`/api/v1/jobs/${job.id}/cancel`, { method: "POST" }),
      401,
      "unauthorized",
    );
    expect((await admin<{ job: Job }>(`/jobs/${job.id}`)).body.job.status).toBe("queued");

    const operator = await createApiToken("operator");
    const result = await withToken<{ job: Job }>(operator.token, `/jobs/${job.id}/cancel`, {
      method: "POST",
    });
    expect(result.status).toBe(200);
    expect(result.body.job.status).toBe("cancelled");
  });

  it("answers 404 for an unknown job", async () => {
    expectError(await admin(`/jobs/${MISSING_JOB}/cancel`, { method: "POST" }), 404, "not_found");
  });
});
