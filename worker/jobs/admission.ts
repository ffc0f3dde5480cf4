import type { CreateJob, JobKind } from "../../shared/jobs";
import { findBackup } from "../backups/store";
import type { LiveMember } from "../coordinator/live-member";
import { type Outcome, ok, refuse } from "../coordinator/outcome";
import type { Db } from "../db/client";
import type { MemberRow } from "../db/schema/members";
import type { PoolRow } from "../db/schema/pools";
import { gateJobKind } from "./gating";

const RESTORES: Partial<Record<JobKind, "haproxy" | "nginx">> = {
  "haproxy.restore": "haproxy",
  "nginx.restore": "nginx",
};

/** Whether the member may run `kind` now: the pool's profile and its reported services. */
export function admitKind(
  pool: PoolRow,
  member: MemberRow,
  live: LiveMember | undefined,
  kind: JobKind,
): Outcome<void> {
  const gate = gateJobKind(kind, {
    profile: pool.profile,
    memberName: member.name,
    installed: live?.installed ?? {},
  });
  return gate.allowed ? ok(undefined) : refuse("job_not_allowed", gate.reason ?? "Not allowed");
}

/**
 * Checks a new job before it is queued: its kind is allowed for the member, and a restore names
 * a backup of the same pool and of the service it restores (404 unknown, 409 another).
 */
export async function admitJob(
  db: Db,
  pool: PoolRow,
  member: MemberRow,
  live: LiveMember | undefined,
  input: Pick<CreateJob, "kind" | "payload">,
): Promise<Outcome<void>> {
  const allowed = admitKind(pool, member, live, input.kind);
  if (!allowed.ok) return allowed;
  const service = RESTORES[input.kind];
  if (!service) return ok(undefined);
  const backupId = String(input.payload.backupId);
  const backup = await findBackup(db, backupId);
  if (!backup) {
    return refuse(
      "not_found",
      `Backup ${backupId} does not exist: pick one from GET /api/v1/pools/${pool.id}/backups`,
    );
  }
  if (backup.poolId !== pool.id) {
    return refuse(
      "backup_mismatch",
      `Backup ${backupId} belongs to another pool; ${member.name} can restore backups of pool ${pool.name} only (GET /api/v1/pools/${pool.id}/backups)`,
    );
  }
  if (backup.service !== service) {
    return refuse(
      "backup_mismatch",
      `Backup ${backupId} is a ${backup.service} backup and ${input.kind} restores ${service} backups: pick a ${service} backup, or queue ${backup.service}.restore`,
    );
  }
  return ok(undefined);
}
