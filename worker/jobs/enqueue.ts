import { type CreateJob, JOB_ROLE, parseJobPayload } from "../../shared/jobs";
import {
  AGENT_ANSWER_MAX_BYTES,
  formatCap,
  JOB_PAYLOAD_MAX_BYTES,
  jsonBytes,
} from "../../shared/limits";
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
 * `payload.<field>`) and against the payload cap (413), then the pool's coordinator admits it (kind allowed on the member, a
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
  const bytes = jsonBytes(payload.data);
  if (bytes > JOB_PAYLOAD_MAX_BYTES) {
    return refuse<Queued>(
      "payload_too_large",
      `The job's payload is ${bytes} bytes as JSON; a job may carry at most ${formatCap(JOB_PAYLOAD_MAX_BYTES)} (agents receive jobs in heartbeat answers of at most ${formatCap(AGENT_ANSWER_MAX_BYTES)}). Shorten the config (maps and certificates can live in files on the VM).`,
    );
  }
  return coordinator.enqueueJob(
    member.poolId,
    member.id,
    { ...input, payload: payload.data },
    actor.id,
  );
}
