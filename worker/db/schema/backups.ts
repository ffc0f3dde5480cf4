import { blob, index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { MonitoredService } from "../../../shared/heartbeat";
import { memberOwned, members } from "./members";
import { pools } from "./pools";

/**
 * Configuration backups uploaded by agents: the tar.gz itself (at most BACKUP_MAX_BYTES) with
 * its SHA-256. A backup belongs to the member that made it and may be restored on any member
 * of the same pool (the disaster recovery case). It outlives its member: the dead member's
 * backup is the one a replacement restores, so removing a member keeps its name here.
 */
export const backups = sqliteTable(
  "backups",
  {
    id: text("id").primaryKey(),
    poolId: text("pool_id")
      .notNull()
      .references(() => pools.id, { onDelete: "cascade" }),
    memberId: text("member_id").references(() => members.id, { onDelete: "set null" }),
    /** The member's name and hostname when the backup was made. */
    memberName: text("member_name").notNull(),
    memberHostname: text("member_hostname").notNull(),
    service: text("service").$type<MonitoredService>().notNull(),
    sizeBytes: integer("size_bytes").notNull(),
    sha256: text("sha256").notNull(),
    /**
     * The backup job that made it (null only for uploads made before every upload needed one).
     * No foreign key: jobs are swept.
     */
    jobId: text("job_id"),
    archive: blob("archive", { mode: "buffer" }).$type<Uint8Array>().notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (table) => [
    // Serves: a member's backups, newest first.
    index("backups_member_id").on(table.memberId, table.id),
    // Serves: a pool's backups (the disaster recovery tab), newest first.
    index("backups_pool_id").on(table.poolId, table.id),
    // Serves: one backup per job (an upload naming a job that already stored one is refused).
    uniqueIndex("backups_job_id").on(table.jobId),
  ],
);

export type BackupRow = typeof backups.$inferSelect;
export type NewBackupRow = typeof backups.$inferInsert;

/** A member's scheduled jobs; sent to its agent in every heartbeat response. */
export const jobSchedules = sqliteTable(
  "job_schedules",
  {
    id: text("id").primaryKey(),
    ...memberOwned(),
    kind: text("kind").notNull(),
    cron: text("cron").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  // Serves: the coordinator loading its pool's schedules on start.
  (table) => [index("job_schedules_pool_id").on(table.poolId, table.memberId)],
);

export type JobScheduleRow = typeof jobSchedules.$inferSelect;
