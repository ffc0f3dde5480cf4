import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { PoolProfile } from "../../../shared/pools";

export const pools = sqliteTable("pools", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  profile: text("profile").$type<PoolProfile>().notNull(),
  failoverHostname: text("failover_hostname").notNull(),
  failoverDelayS: integer("failover_delay_s").notNull(),
  autoFailover: integer("auto_failover", { mode: "boolean" }).notNull(),
  /** With a preferred primary, traffic returns to it after it has been ready for the hold-down. */
  preferredPrimaryId: text("preferred_primary_id"),
  failbackHoldDownS: integer("failback_hold_down_s").notNull().default(300),
  /** A lab pool: members may carry traffic on private and documentation addresses. */
  allowPrivateAddresses: integer("allow_private_addresses", { mode: "boolean" })
    .notNull()
    .default(false),
  // Failover state, written only by the pool's coordinator.
  activeMemberId: text("active_member_id"),
  lastFlipAt: integer("last_flip_at"),
  /**
   * What the members say about the pool (`membersHealth`: healthy, degraded, at_risk) and its
   * first finding, written only by the pool's coordinator when they change; null until it has
   * judged the pool. The pools list reads them (DNS adds its own findings from the columns below).
   */
  membersHealth: text("members_health").$type<"healthy" | "degraded" | "at_risk">(),
  membersHealthSummary: text("members_health_summary"),
  // DNS sync state, written only by the pool's coordinator.
  dnsSyncedAt: integer("dns_synced_at"),
  dnsLastError: text("dns_last_error"),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

export type PoolRow = typeof pools.$inferSelect;
