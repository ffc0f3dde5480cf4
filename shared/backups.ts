import { z } from "zod";
import { MonitoredService } from "./heartbeat";
import { Sha256Hex } from "./sha256";

/**
 * The largest backup archive (tar.gz) the control plane stores. Backups hold configuration and
 * the certificates it references, which compress to kilobytes; the cap keeps one row well under
 * D1's 2 MB value limit.
 */
export const BACKUP_MAX_BYTES = 1024 * 1024;

/** Header carrying the archive's SHA-256 (lowercase hex) on uploads and downloads. */
export const SHA256_HEADER = "X-Baton-Sha256";
/** Download header naming the service a backup holds (`haproxy` or `nginx`). */
export const SERVICE_HEADER = "X-Baton-Service";
/** Upload header naming the backup job that made the archive (required: one backup per job). */
export const JOB_ID_HEADER = "X-Baton-Job-Id";
/**
 * Download header saying, as the control plane recorded it, which member uploaded the backup
 * and for which job (percent-encoded: names may hold any character). The archive's own
 * manifest is the uploader's claim; this is the record.
 */
export const ORIGIN_HEADER = "X-Baton-Backup-Origin";

/** Backups each member keeps by default (BACKUP_KEEP_PER_MEMBER): the newest, older ones go. */
export const DEFAULT_BACKUP_KEEP_PER_MEMBER = 20;
/** Total archive bytes each member keeps by default (BACKUP_MAX_BYTES_PER_MEMBER). */
export const DEFAULT_BACKUP_MAX_BYTES_PER_MEMBER = 50 * 1024 * 1024;

/** Re-exported from its leaf module (sha256.ts): callers import it from here. */
export { Sha256Hex };

/** Query of `POST /agent/v1/backups?service=haproxy`; the body is the tar.gz itself. */
export const BackupUploadQuery = z.object({ service: MonitoredService });

/** A stored backup's metadata (the archive is fetched separately). */
export const Backup = z.object({
  id: z.string(),
  poolId: z.string(),
  /** Null once the member that made it has been removed. */
  memberId: z.string().nullable(),
  memberName: z.string(),
  memberHostname: z.string(),
  service: MonitoredService,
  sizeBytes: z.number().int().nonnegative(),
  sha256: Sha256Hex,
  jobId: z.string().nullable(),
  createdAt: z.number().int(),
});
export type Backup = z.infer<typeof Backup>;
