/** A job result must finish no earlier than it started, by the agent's own clock and its ack's. */
import { describe, expect, it } from "vitest";
import type { ErrorBody } from "../../../shared/errors";
import type { Job } from "../../../shared/jobs";
import {
  admin,
  agentCall,
  createPool,
  deliverJobs,
  enroll,
  expectError,
  queueJob,
} from "../helpers";

async function deliveredJob() {
  const enrolled = await enroll((await createPool()).id);
  const job = await queueJob(enrolled.member.id, { kind: "haproxy.reload" });
  expect(await deliverJobs(enrolled)).toEqual([job.id]);
  return { enrolled, job };
}

function result(startedAt: number, finishedAt: number) {
  return { status: "succeeded", exitCode: 0, outputTail: "ok", startedAt, finishedAt };
}

describe("POST /agent/v1/jobs/:id/result time order", () => {
  it("refuses finishedAt before startedAt, naming finishedAt, and keeps the job open", async () => {
    const { enrolled, job } = await deliveredJob();
    const now = Date.now();
    const answer = await agentCall(enrolled, `/jobs/${job.id}/result`, {
      body: result(now, now - 5_000),
    });
    expectError(answer, 400, "validation_failed");
    const error = (answer.body as ErrorBody).error;
    expect(error.issues?.map((issue) => issue.path)).toEqual(["finishedAt"]);
    expect(error.message).toContain("startedAt");
    const stored = await admin<{ job: Job }>(`/jobs/${job.id}`);
    expect(stored.body.job.status).toBe("delivered");
  });

  it("refuses a result that finished before the job's acknowledged start", async () => {
    const { enrolled, job } = await deliveredJob();
    const ackedAt = Date.now();
    const ack = await agentCall(enrolled, `/jobs/${job.id}/ack`, { body: { startedAt: ackedAt } });
    expect(ack.status).toBe(200);
    const answer = await agentCall(enrolled, `/jobs/${job.id}/result`, {
      body: result(ackedAt - 60_000, ackedAt - 30_000),
    });
    expectError(answer, 400, "validation_failed");
    expect((answer.body as ErrorBody).error.message).toContain("acknowledged");
  });

  it("accepts a job that finished the moment it started", async () => {
    const { enrolled, job } = await deliveredJob();
    const now = Date.now();
    const answer = await agentCall(enrolled, `/jobs/${job.id}/result`, { body: result(now, now) });
    expect(answer.status).toBe(200);
  });
});
