import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { EventType } from "../../../shared/events";

// No foreign keys: the audit trail outlives the pools and members it speaks of.
export const events = sqliteTable(
  "events",
  {
    id: text("id").primaryKey(),
    poolId: text("pool_id"),
    memberId: text("member_id"),
    type: text("type").$type<EventType>().notNull(),
    actor: text("actor").notNull(),
    message: text("message").notNull(),
    data: text("data", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    at: integer("at").notNull(),
  },
  (table) => [
    // Serves: a pool's events, newest first (ids sort by time).
    index("events_pool_id").on(table.poolId, table.id),
    // Serves: a pool's events of some types, newest first.
    index("events_pool_type_id").on(table.poolId, table.type, table.id),
  ],
);

export type EventRow = typeof events.$inferSelect;
export type NewEventRow = typeof events.$inferInsert;
