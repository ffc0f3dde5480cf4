import { Hono } from "hono";
import { CreateJob, JobListQuery } from "../../shared/jobs";
import { CREATE_JOB_REQUEST_MAX_BYTES } from "../../shared/limits";
import { PageQuery } from "../../shared/pagination";
import { allow } from "../auth/admin";
import { coordinatorFor } from "../coordinator/client";
import { unwrap } from "../coordinator/outcome";
import { enqueueMemberJob } from "../jobs/enqueue";
import { availabilityForRole } from "../jobs/gating";
import { getJob, listJobs, toJob } from "../jobs/store";
import { getMember } from "../members/store";
import { bodyCap } from "../middleware/body-cap";
import { getPool } from "../pools/store";
import type { AppEnv } from "../types";
import { validate } from "../validation";

const ListQuery = PageQuery.extend(JobListQuery.shape);

export const jobRoutes = new Hono<AppEnv>()
  .post(
    "/members/:memberId/jobs",
    allow("operator"),
    bodyCap(CREATE_JOB_REQUEST_MAX_BYTES, "A job request"),
    validate("json", CreateJob),
    async (c) => {
      const member = await getMember(c.get("db"), c.req.param("memberId"));
      const outcome = await enqueueMemberJob(c.env, member, c.req.valid("json"), c.get("actor"));
      const { job, created } = unwrap(outcome);
      // A repeated idempotency key answers with the job it already made.
      return c.json({ job: toJob(job) }, created ? 201 : 200);
    },
  )
  .get("/members/:memberId/jobs", validate("query", ListQuery), async (c) => {
    const member = await getMember(c.get("db"), c.req.param("memberId"));
    const { status, ...query } = c.req.valid("query");
    const { items, nextCursor } = await listJobs(
      c.get("db"),
      { memberId: member.id },
      status,
      query,
    );
    return c.json({ jobs: items, nextCursor });
  })
  .get("/pools/:poolId/jobs", validate("query", ListQuery), async (c) => {
    const pool = await getPool(c.get("db"), c.req.param("poolId"));
    const { status, ...query } = c.req.valid("query");
    const { items, nextCursor } = await listJobs(c.get("db"), { poolId: pool.id }, status, query);
    return c.json({ jobs: items, nextCursor });
  })
  .get("/members/:memberId/job-kinds", async (c) => {
    const member = await getMember(c.get("db"), c.req.param("memberId"));
    const coordinator = coordinatorFor(c.env, member.poolId);
    const kinds = unwrap(await coordinator.jobKinds(member.poolId, member.id));
    // What the member runs, narrowed to what this caller's role may queue.
    return c.json({ kinds: availabilityForRole(kinds, c.get("actor").role) });
  })
  .get("/jobs/:jobId", async (c) => {
    const job = await getJob(c.get("db"), c.req.param("jobId"));
    return c.json({ job: toJob(job) });
  })
  .post("/jobs/:jobId/cancel", allow("operator"), async (c) => {
    const job = await getJob(c.get("db"), c.req.param("jobId"));
    const outcome = await coordinatorFor(c.env, job.poolId).cancelJob(
      job.poolId,
      job.id,
      c.get("actor").id,
    );
    return c.json({ job: toJob(unwrap(outcome)) });
  });
