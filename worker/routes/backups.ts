import { Hono } from "hono";
import { PageQuery } from "../../shared/pagination";
import { allow } from "../auth/admin";
import { archiveDownload } from "../backups/download";
import { deleteBackup, findArchive, getBackup, listBackups } from "../backups/store";
import { ApiError } from "../errors";
import { getMember } from "../members/store";
import { getPool } from "../pools/store";
import type { AppEnv } from "../types";
import { validate } from "../validation";

/**
 * Configuration backups made by agents. Metadata is readable by every role; the archive may
 * hold TLS keys, so downloading it, like deleting it, takes an admin.
 */
export const backupRoutes = new Hono<AppEnv>()
  .get("/members/:memberId/backups", validate("query", PageQuery), async (c) => {
    const member = await getMember(c.get("db"), c.req.param("memberId"));
    const query = c.req.valid("query");
    const { items, nextCursor } = await listBackups(c.get("db"), { memberId: member.id }, query);
    return c.json({ backups: items, nextCursor });
  })
  .get("/pools/:poolId/backups", validate("query", PageQuery), async (c) => {
    const pool = await getPool(c.get("db"), c.req.param("poolId"));
    const query = c.req.valid("query");
    const { items, nextCursor } = await listBackups(c.get("db"), { poolId: pool.id }, query);
    return c.json({ backups: items, nextCursor });
  })
  .get("/backups/:backupId", async (c) => {
    return c.json({ backup: await getBackup(c.get("db"), c.req.param("backupId")) });
  })
  .get("/backups/:backupId/archive", allow("admin"), async (c) => {
    const backupId = c.req.param("backupId");
    const row = await findArchive(c.get("db"), backupId);
    if (!row) throw new ApiError("not_found", `Backup ${backupId} does not exist`);
    return archiveDownload(row);
  })
  .delete("/backups/:backupId", allow("admin"), async (c) => {
    const backupId = c.req.param("backupId");
    const backup = await deleteBackup(c.get("db"), backupId, c.get("actor").id, Date.now());
    return c.json({ backup, deleted: true });
  });
