import { integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { MemberStatus } from "../../../shared/members";
import { pools } from "./pools";

export const members = sqliteTable(
  "members",
  {
    id: text("id").primaryKey(),
    poolId: text("pool_id")
      .notNull()
      .references(() => pools.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    hostname: text("hostname").notNull(),
    allowedIps: text("allowed_ips", { mode: "json" }).$type<string[]>().notNull(),
    priority: integer("priority").notNull(),
    // Written by the pool coordinator on transitions only, never per heartbeat.
    status: text("status").$type<MemberStatus>().notNull(),
    lastHeartbeatAt: integer("last_heartbeat_at"),
    agentVersion: text("agent_version"),
    publicIp: text("public_ip"),
    /** Draining or disabled members are never promoted. */
    draining: integer("draining", { mode: "boolean" }).notNull().default(false),
    disabled: integer("disabled", { mode: "boolean" }).notNull().default(false),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (table) => [
    // Serves: list a pool's members in id order; one hostname per pool.
    uniqueIndex("members_pool_hostname").on(table.poolId, table.hostname),
  ],
);

/** Enrollment secrets, stored only as SHA-256 hex. One live secret per member. */
export const memberCredentials = sqliteTable(
  "member_credentials",
  {
    memberId: text("member_id")
      .primaryKey()
      .references(() => members.id, { onDelete: "cascade" }),
    secretHash: text("secret_hash").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (table) => [
    // Serves: the heartbeat's authentication lookup (the one D1 query per beat).
    uniqueIndex("member_credentials_secret_hash").on(table.secretHash),
  ],
);

export type MemberRow = typeof members.$inferSelect;

/**
 * The pool and member a row belongs to, removed with either: the first columns of a member's
 * jobs and job schedules.
 */
export function memberOwned() {
  return {
    poolId: text("pool_id")
      .notNull()
      .references(() => pools.id, { onDelete: "cascade" }),
    memberId: text("member_id")
      .notNull()
      .references(() => members.id, { onDelete: "cascade" }),
  };
}
