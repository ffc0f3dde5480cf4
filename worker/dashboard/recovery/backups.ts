import type { Backup } from "../../../shared/backups";
import { actorLabel, type EventNames } from "../events/text";

/** Characters of a SHA-256 shown in lists; the full value stays one click away. */
export const SHORT_SHA_LENGTH = 12;

export function shortSha(sha256: string): string {
  return sha256.slice(0, SHORT_SHA_LENGTH);
}

/**
 * Which job made a backup, for people: a backup job and who queued it (a user, an API token, a
 * schedule), or an upload outside any job (made before every upload needed one: only the
 * member's secret vouches for it). `job` is the backup's job while it is still kept.
 */
export function backupMadeBy(
  backup: Pick<Backup, "jobId">,
  job: { kind: string; createdBy: string } | undefined,
  names: EventNames,
): string {
  if (backup.jobId === null) return "an upload outside any backup job";
  if (!job) return `backup job ${backup.jobId} (no longer kept)`;
  return `${job.kind} queued by ${actorLabel(job.createdBy, names)}`;
}

/** The member whose secret uploaded a backup, as recorded when it was stored. */
export function backupUploader(backup: Pick<Backup, "memberName" | "memberHostname">): string {
  return backup.memberName === backup.memberHostname
    ? backup.memberName
    : `${backup.memberName} (${backup.memberHostname})`;
}
