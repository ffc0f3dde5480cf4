import { Hono } from "hono";
import {
  BackupUploadQuery,
  JOB_ID_HEADER,
  ORIGIN_HEADER,
  SERVICE_HEADER,
  SHA256_HEADER,
} from "../../shared/backups";
import { admitUploadJob, checkBackupService } from "../backups/admission";
import { backupOrigin } from "../backups/origin";
import { findArchive, storeBackup } from "../backups/store";
import { readBackupUpload } from "../backups/upload";
import { coordinatorFor } from "../coordinator/client";
import { unwrap } from "../coordinator/outcome";
import { ApiError, validationError } from "../errors";
import { findJob } from "../jobs/store";
import { getPool } from "../pools/store";
import type { AppEnv } from "../types";

/**
 * Agents upload backups and fetch them back for a restore. The pool's coordinator checks the
 * caller (secret, address); an upload must be of the pool's service and answer a backup job of
 * the member (checked before the body is read), and goes straight to D1 with its event, the
 * member's oldest backups past the retention going in the same batch.
 */
export const agentBackupRoutes = new Hono<AppEnv>()
  .post("/backups", async (c) => {
    const { poolId, caller } = c.get("agent");
    const member = unwrap(await coordinatorFor(c.env, poolId).verifyAgent(poolId, caller));
    const query = BackupUploadQuery.safeParse(c.req.query());
    if (!query.success) throw validationError(query.error.issues, "query");
    const db = c.get("db");
    const { service } = query.data;
    checkBackupService(await getPool(db, poolId), service);
    const jobId = c.req.header(JOB_ID_HEADER)?.trim() || undefined;
    const job = await admitUploadJob(db, member, service, jobId);
    const upload = await readBackupUpload({
      sha256: c.req.header(SHA256_HEADER),
      contentLength: c.req.header("Content-Length"),
      body: c.req.raw.body,
    });
    const { backupKeepPerMember, backupMaxBytesPerMember } = c.get("config");
    const backup = await storeBackup(
      db,
      { member, service, ...upload, jobId: job.id },
      Date.now(),
      { keepPerMember: backupKeepPerMember, maxBytesPerMember: backupMaxBytesPerMember },
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
    const job = row.jobId ? await findJob(c.get("db"), row.jobId) : undefined;
    return new Response(row.archive, {
      headers: {
        "Content-Type": "application/gzip",
        [SHA256_HEADER]: row.sha256,
        [SERVICE_HEADER]: row.service,
        [ORIGIN_HEADER]: encodeURIComponent(backupOrigin(row, job)),
      },
    });
  });
