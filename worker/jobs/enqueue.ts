import { type CreateJob, JOB_ROLE, parseJobPayload } from "../../shared/jobs";
import { coordinatorFor } from "../coordinator/client";
import { type Outcome, refuse } from "../coordinator/outcome";
import type { JobRow } from "../db/schema/jobs";
import type { MemberRow } from "../db/schema/members";
import { validationError } from "../errors";
import type { Actor } from "../types";
import { ADMIN_KINDS_WHY, gateJobRole } from "./gating";

/** The job, and false when an earlier request with the same idempotency key made it. */
export interface Queued {
  job: JobRow;
  created: boolean;
}

/**
 * Queues a job for a member, as the admin API and the dashboard's Jobs tab both do: the actor's
 * role must reach the kind's (403 `forbidden`: raw config apply, restore, install and agent
 * update are admin actions), the payload is checked against its kind's schema (a refusal names
 * `payload.<field>`), then the pool's coordinator admits it (kind allowed on the member, a
 * restore's backup) and queues it, at most once per idempotency key.
 */
export async function enqueueMemberJob(
  env: Env,
  member: Pick<MemberRow, "id" | "poolId">,
  input: CreateJob,
  actor: Actor,
): Promise<Outcome<Queued>> {
  const gate = gateJobRole(input.kind, actor.role);
  if (!gate.allowed) {
    const holder = actor.id.startsWith("user:") ? "account" : "token";
    const needed = JOB_ROLE[input.kind];
    return refuse<Queued>(
      "forbidden",
      `Queuing ${input.kind} needs the ${needed} role; your ${holder} has ${actor.role} (${ADMIN_KINDS_WHY})`,
    );
  }
  const coordinator = coordinatorFor(env, member.poolId);
  const payload = parseJobPayload(input.kind, input.payload);
  if (!payload.success) {
    const error = validationError(
      payload.error.issues.map((issue) => ({ ...issue, path: ["payload", ...issue.path] })),
    );
    return refuse<Queued>(error.code, error.message, error.issues);
  }
  return coordinator.enqueueJob(
    member.poolId,
    member.id,
    { ...input, payload: payload.data },
    actor.id,
  );
}
