import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { DnsMode, DnsProviderKind } from "../../../shared/dns";
import { pools } from "./pools";

/** A pool's DNS provider. Credentials are only in `sealed` (AES-GCM, worker/lib/secrets.ts). */
export const dnsSettings = sqliteTable("dns_settings", {
  poolId: text("pool_id")
    .primaryKey()
    .references(() => pools.id, { onDelete: "cascade" }),
  kind: text("kind").$type<DnsProviderKind>().notNull(),
  mode: text("mode").$type<DnsMode>().notNull(),
  sealed: text("sealed").notNull(),
  updatedAt: integer("updated_at").notNull(),
  updatedBy: text("updated_by").notNull(),
});

export type DnsSettingsRow = typeof dnsSettings.$inferSelect;
