import { Hono } from "hono";
import {
  BackupUploadQuery,
  JOB_ID_HEADER,
  SERVICE_HEADER,
  SHA256_HEADER,
} from "../../shared/backups";
import { findArchive, storeBackup } from "../backups/store";
import { readBackupUpload } from "../backups/upload";
import { coordinatorFor } from "../coordinator/client";
import { unwrap } from "../coordinator/outcome";
import { ApiError, validationError } from "../errors";
import { findJob } from "../jobs/store";
import type { AppEnv } from "../types";

/**
 * Agents upload backups and fetch them back for a restore. The pool's coordinator checks the
 * caller (secret, address); the archive itself goes straight to D1 with its event.
 */
export const agentBackupRoutes = new Hono<AppEnv>()
  .post("/backups", async (c) => {
    const { poolId, caller } = c.get("agent");
    const member = unwrap(await coordinatorFor(c.env, poolId).verifyAgent(poolId, caller));
    const query = BackupUploadQuery.safeParse(c.req.query());
    if (!query.success) throw validationError(query.error.issues, "query");
    const upload = await readBackupUpload({
      sha256: c.req.header(SHA256_HEADER),
      contentLength: c.req.header("Content-Length"),
      body: c.req.raw.body,
    });
    const jobId = c.req.header(JOB_ID_HEADER)?.trim() || null;
    if (jobId) {
      const job = await findJob(c.get("db"), jobId);
      if (job?.memberId !== member.id) {
        throw new ApiError(
          "not_found",
          `Job ${jobId} (${JOB_ID_HEADER}) does not exist for this member: send the id of the job that made the backup, or no header`,
        );
      }
    }
    const backup = await storeBackup(
      c.get("db"),
      { member, service: query.data.service, ...upload, jobId },
      Date.now(),
    );
    return c.json({ backup }, 201);
  })
  .get("/backups/:backupId", async (c) => {
    const { poolId, caller } = c.get("agent");
    unwrap(await coordinatorFor(c.env, poolId).verifyAgent(poolId, caller));
    const backupId = c.req.param("backupId");
    // Another pool's backup is answered like a missing one.
    const row = await findArchive(c.get("db"), backupId, poolId);
    if (!row) throw new ApiError("not_found", `Backup ${backupId} does not exist in this pool`);
    return new Response(row.archive, {
      headers: {
        "Content-Type": "application/gzip",
        [SHA256_HEADER]: row.sha256,
        [SERVICE_HEADER]: row.service,
      },
    });
  });
