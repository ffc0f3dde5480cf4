import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { EventType } from "../../../shared/events";
import { pools } from "./pools";

/** Where a pool's webhook alerts go. The signing secret is only in `sealedSecret` (AES-GCM). */
export const alertSettings = sqliteTable("alert_settings", {
  poolId: text("pool_id")
    .primaryKey()
    .references(() => pools.id, { onDelete: "cascade" }),
  url: text("url").notNull(),
  sealedSecret: text("sealed_secret").notNull(),
  events: text("events", { mode: "json" }).$type<EventType[]>().notNull(),
  enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
  updatedAt: integer("updated_at").notNull(),
  updatedBy: text("updated_by").notNull(),
});

export type AlertSettingsRow = typeof alertSettings.$inferSelect;
