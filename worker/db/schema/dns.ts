import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { DnsMode, DnsProviderKind } from "../../../shared/dns";
import { pools } from "./pools";

/** Provider settings saved once and shared by pools. Everything is in `sealed` (AES-GCM). */
export const dnsAccounts = sqliteTable("dns_accounts", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  kind: text("kind").$type<DnsProviderKind>().notNull(),
  sealed: text("sealed").notNull(),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
  updatedBy: text("updated_by").notNull(),
});

/**
 * A pool's DNS provider. `sealed` (AES-GCM, worker/lib/secrets.ts) holds the pool's own provider
 * settings, or, with `accountId`, the pool's overrides of that account's settings.
 */
export const dnsSettings = sqliteTable("dns_settings", {
  poolId: text("pool_id")
    .primaryKey()
    .references(() => pools.id, { onDelete: "cascade" }),
  kind: text("kind").$type<DnsProviderKind>().notNull(),
  mode: text("mode").$type<DnsMode>().notNull(),
  sealed: text("sealed").notNull(),
  // Serves nothing by index: "which pools use this account" scans the small settings table.
  accountId: text("account_id").references(() => dnsAccounts.id, { onDelete: "restrict" }),
  updatedAt: integer("updated_at").notNull(),
  updatedBy: text("updated_by").notNull(),
  /**
   * When Baton last proved it can write with these settings (a probe record written and removed,
   * or a record update the provider accepted), and by whom; null until then, and again after
   * each save. `writeCheckError` is why the last proof failed.
   */
  writeVerifiedAt: integer("write_verified_at"),
  writeVerifiedBy: text("write_verified_by"),
  writeCheckError: text("write_check_error"),
});

export type DnsAccountRow = typeof dnsAccounts.$inferSelect;
export type DnsSettingsRow = typeof dnsSettings.$inferSelect;
