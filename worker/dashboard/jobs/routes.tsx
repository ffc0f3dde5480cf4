import { type Context, Hono } from "hono";
import { allow } from "../../auth/admin";
import { listBackups } from "../../backups/store";
import { coordinatorFor } from "../../coordinator/client";
import { unwrap } from "../../coordinator/outcome";
import { ApiError } from "../../errors";
import { enqueueMemberJob } from "../../jobs/enqueue";
import { availabilityForRole } from "../../jobs/gating";
import { getJob, listJobs, toJob } from "../../jobs/store";
import { getMember } from "../../members/store";
import { getPool } from "../../pools/store";
import type { AppEnv } from "../../types";
import { actorNames } from "../common/actors";
import { Layout } from "../common/layout";
import { flashOf, fragment, page, withFlash } from "../common/render";
import { MemberHeading } from "../common/tabs";
import { canOperate } from "../overview/pool-live";
import { jobRequestFromForm, notQueuedMessage } from "./form";
import { loadServerChoices } from "./server-choices-load";
import { JobDetail, JobForm, JobList } from "./view";

const LIST_LIMIT = 50;

/** The member and its job, or 404 when the job is another member's. */
async function memberJob(c: Context<AppEnv>) {
  const db = c.get("db");
  const member = await getMember(db, c.req.param("memberId") ?? "");
  const jobId = c.req.param("jobId") ?? "";
  const job = await getJob(db, jobId);
  if (job.memberId !== member.id) {
    throw new ApiError("not_found", `Job ${jobId} is not a job of ${member.name}`);
  }
  return { member, job: toJob(job) };
}

async function jobDetail(c: Context<AppEnv>, job: ReturnType<typeof toJob>) {
  const session = c.get("session");
  const actors = await actorNames(c.get("db"), [job.createdBy]);
  return (
    <JobDetail
      job={job}
      actor={actors.get(job.createdBy) ?? job.createdBy}
      session={session}
      canOperate={canOperate(session)}
    />
  );
}

/**
 * The member workspace's Jobs tab: queue a job (the admin API's enqueue, same gating and
 * payload schemas), the member's jobs, and one job's detail with its output, live until it ends.
 */
export const jobPages = new Hono<AppEnv>()
  .get("/members/:memberId/jobs", async (c) => {
    const db = c.get("db");
    const session = c.get("session");
    const member = await getMember(db, c.req.param("memberId"));
    const pool = await getPool(db, member.poolId);
    const [kinds, jobs, backups, servers] = await Promise.all([
      coordinatorFor(c.env, pool.id).jobKinds(pool.id, member.id),
      listJobs(db, { memberId: member.id }, undefined, { limit: LIST_LIMIT }),
      listBackups(db, { poolId: pool.id }, { limit: LIST_LIMIT }),
      loadServerChoices(c.env, pool, member),
    ]);
    const actors = await actorNames(
      db,
      jobs.items.map((job) => job.createdBy),
    );
    return page(
      c,
      <Layout title={`${member.name} · Jobs`} session={session} flash={flashOf(c)}>
        <MemberHeading member={member} pool={pool} active="jobs" />
        <JobForm
          memberId={member.id}
          memberName={member.name}
          kinds={availabilityForRole(unwrap(kinds), session.role)}
          backups={backups.items}
          servers={servers}
          session={session}
          canOperate={canOperate(session)}
        />
        <JobList memberId={member.id} jobs={jobs.items} actors={actors} />
      </Layout>,
    );
  })
  .get("/members/:memberId/jobs/:jobId", async (c) => {
    const { member, job } = await memberJob(c);
    const pool = await getPool(c.get("db"), member.poolId);
    return page(
      c,
      <Layout title={`${job.kind} · ${member.name}`} session={c.get("session")} flash={flashOf(c)}>
        <MemberHeading member={member} pool={pool} active="jobs" />
        <p>
          <a href={`/members/${member.id}/jobs`}>All jobs of {member.name}</a>
        </p>
        <h2>
          {job.kind} <span class="muted">{job.id}</span>
        </h2>
        <div
          id="job-live"
          data-live-src={`/ui/members/${member.id}/jobs/${job.id}/fragment`}
          aria-live="off"
        >
          {await jobDetail(c, job)}
        </div>
        <p class="live-status muted" data-live-status aria-live="polite" />
      </Layout>,
    );
  })
  // A job by id alone (a canary runs on another member): its page under its member.
  .get("/jobs/:jobId", async (c) => {
    const job = await getJob(c.get("db"), c.req.param("jobId"));
    return c.redirect(`/members/${job.memberId}/jobs/${job.id}`, 302);
  })
  .get("/ui/members/:memberId/jobs/:jobId/fragment", async (c) => {
    const { job } = await memberJob(c);
    return fragment(c, await jobDetail(c, job));
  })
  .post("/ui/members/:memberId/jobs", allow("operator"), async (c) => {
    const member = await getMember(c.get("db"), c.req.param("memberId"));
    const back = `/members/${member.id}/jobs`;
    const request = jobRequestFromForm(await c.req.parseBody({ all: true }));
    if (!request.ok) {
      return c.redirect(withFlash(back, { kind: "error", message: request.message }), 303);
    }
    const outcome = await enqueueMemberJob(c.env, member, request.value, c.get("actor"));
    if (!outcome.ok) {
      return c.redirect(
        withFlash(back, { kind: "error", message: notQueuedMessage(outcome) }),
        303,
      );
    }
    const { job } = outcome.value;
    return c.redirect(
      withFlash(`${back}/${job.id}`, { kind: "ok", message: `Queued ${job.kind}` }),
      303,
    );
  })
  .post("/ui/members/:memberId/jobs/:jobId/cancel", allow("operator"), async (c) => {
    const { member, job } = await memberJob(c);
    const back = `/members/${member.id}/jobs/${job.id}`;
    const outcome = await coordinatorFor(c.env, job.poolId).cancelJob(
      job.poolId,
      job.id,
      c.get("actor").id,
    );
    const flash = outcome.ok
      ? { kind: "ok" as const, message: `Cancelled ${job.kind}` }
      : { kind: "error" as const, message: `Not cancelled: ${outcome.message}` };
    return c.redirect(withFlash(back, flash), 303);
  });
