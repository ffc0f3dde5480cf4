import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { JobKind, JobPayload, JobStatus } from "../../../shared/jobs";
import { memberOwned } from "./members";

export const jobs = sqliteTable(
  "jobs",
  {
    id: text("id").primaryKey(),
    ...memberOwned(),
    kind: text("kind").$type<JobKind>().notNull(),
    payload: text("payload", { mode: "json" }).$type<JobPayload>().notNull(),
    status: text("status").$type<JobStatus>().notNull(),
    idempotencyKey: text("idempotency_key"),
    createdAt: integer("created_at").notNull(),
    deadlineAt: integer("deadline_at").notNull(),
    deliveredAt: integer("delivered_at"),
    deliveryCount: integer("delivery_count").notNull().default(0),
    startedAt: integer("started_at"),
    finishedAt: integer("finished_at"),
    exitCode: integer("exit_code"),
    outputTail: text("output_tail"),
    createdBy: text("created_by").notNull(),
    /** SHA-256 of kind and payload for CANARY_KINDS: "the same content" a canary proved. */
    contentHash: text("content_hash"),
    canaryJobId: text("canary_job_id"),
    canaryNote: text("canary_note"),
    updatedAt: integer("updated_at").notNull(),
  },
  (table) => [
    // Serves: "a job with an idempotency key runs at most once" (NULL keys never collide).
    uniqueIndex("jobs_member_idempotency").on(table.memberId, table.idempotencyKey),
    // Serves: the coordinator loading its pool's unfinished jobs on start.
    index("jobs_pool_status").on(table.poolId, table.status),
    // Serves: a member's jobs, newest first.
    index("jobs_member_id").on(table.memberId, table.id),
    // Serves: a pool's jobs, newest first.
    index("jobs_pool_id").on(table.poolId, table.id),
    // Serves: "has this content already succeeded on a standby?" before a canary is queued.
    index("jobs_pool_content").on(table.poolId, table.contentHash),
  ],
);

export type JobRow = typeof jobs.$inferSelect;
export type NewJobRow = typeof jobs.$inferInsert;
