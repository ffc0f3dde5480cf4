import { expect, it } from "vitest";
import type { JobRow } from "../../../worker/db/schema/jobs";
import {
  canReport,
  canStart,
  dueDeliveries,
  expiredJobs,
  JOB_REDELIVERY_MS,
} from "../../../worker/jobs/lifecycle";

function job(id: string, overrides: Partial<JobRow> = {}): JobRow {
  return {
    id,
    poolId: "pool_1",
    memberId: "mem_1",
    kind: "haproxy.reload",
    payload: {},
    status: "queued",
    idempotencyKey: null,
    createdAt: 0,
    deadlineAt: 100_000,
    deliveredAt: null,
    deliveryCount: 0,
    startedAt: null,
    finishedAt: null,
    exitCode: null,
    outputTail: null,
    createdBy: "bootstrap",
    contentHash: null,
    canaryJobId: null,
    canaryNote: null,
    updatedAt: 0,
    ...overrides,
  };
}

it("delivers queued jobs and unacknowledged ones past the redelivery window, oldest first", () => {
  const jobs = [
    job("job_3"),
    job("job_1", { status: "delivered", deliveredAt: 5_000 }),
    job("job_2", { status: "delivered", deliveredAt: 1_000 }),
    job("job_4", { status: "running" }),
    job("job_5", { memberId: "mem_2" }),
    job("job_7", { status: "held" }), // waits for its canary
    job("job_6", { deadlineAt: 10_000 }),
  ];
  const now = 1_000 + JOB_REDELIVERY_MS;
  expect(dueDeliveries(jobs, "mem_1", now).map((j) => j.id)).toEqual(["job_2", "job_3"]);
});

it("expires unfinished jobs at their deadline", () => {
  const jobs = [
    job("a"),
    job("b", { status: "running" }),
    job("c", { status: "succeeded" }),
    job("d", { deadlineAt: 200_000 }),
  ];
  expect(expiredJobs(jobs, 99_999)).toEqual([]);
  expect(expiredJobs(jobs, 100_000).map((j) => j.id)).toEqual(["a", "b"]);
});

it.each([
  ["queued", true, false],
  ["delivered", true, true],
  ["running", true, true],
  ["succeeded", false, false],
  ["failed", false, false],
  ["timed_out", false, false],
  ["cancelled", false, false],
] as const)("a %s job: start %s, report %s", (status, start, report) => {
  expect(canStart(status)).toBe(start);
  expect(canReport(status)).toBe(report);
});
