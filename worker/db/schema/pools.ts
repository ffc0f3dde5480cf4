import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { PoolProfile } from "../../../shared/pools";

export const pools = sqliteTable("pools", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  profile: text("profile").$type<PoolProfile>().notNull(),
  failoverHostname: text("failover_hostname").notNull(),
  failoverDelayS: integer("failover_delay_s").notNull(),
  autoFailover: integer("auto_failover", { mode: "boolean" }).notNull(),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

export type PoolRow = typeof pools.$inferSelect;
