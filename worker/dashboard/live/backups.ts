import type { Backup } from "../../../shared/backups";
import { actorLabel, type EventNames } from "./event-text";

/** Characters of a SHA-256 shown in lists; the full value stays one click away. */
export const SHORT_SHA_LENGTH = 12;

export function shortSha(sha256: string): string {
  return sha256.slice(0, SHORT_SHA_LENGTH);
}

/**
 * Who or what made a backup, for people: the job's creator (a user, an API token, a schedule),
 * or the agent when it uploaded outside a job. `job` is the backup's job while it is still kept.
 */
export function backupMadeBy(
  backup: Pick<Backup, "jobId">,
  job: { createdBy: string } | undefined,
  names: EventNames,
): string {
  if (backup.jobId === null) return "uploaded by the agent, outside a job";
  if (!job) return `job ${backup.jobId} (no longer kept)`;
  return actorLabel(job.createdBy, names);
}
