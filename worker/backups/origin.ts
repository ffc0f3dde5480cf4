import type { Backup } from "../../shared/backups";

/**
 * Where a backup came from, as the control plane recorded it: the member whose secret uploaded
 * it and the backup job it answered (with who queued that job). Shown to the agent that restores
 * it and in the dashboard: the archive's own manifest is only the uploader's claim.
 */
export function backupOrigin(
  backup: Pick<Backup, "memberName" | "memberHostname" | "jobId">,
  job: { kind: string; createdBy: string } | undefined,
): string {
  const member =
    backup.memberName === backup.memberHostname
      ? backup.memberName
      : `${backup.memberName} (${backup.memberHostname})`;
  if (backup.jobId === null) return `uploaded by ${member} outside any backup job`;
  if (!job) return `uploaded by ${member} for job ${backup.jobId} (no longer kept)`;
  return `uploaded by ${member} for job ${backup.jobId}, ${job.kind} queued by ${job.createdBy}`;
}
