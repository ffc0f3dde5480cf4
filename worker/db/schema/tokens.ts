import { integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { Role } from "../../../shared/tokens";

/** Admin API tokens, stored only as SHA-256 hex. */
export const apiTokens = sqliteTable(
  "api_tokens",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    role: text("role").$type<Role>().notNull(),
    tokenHash: text("token_hash").notNull(),
    prefix: text("prefix").notNull(),
    createdAt: integer("created_at").notNull(),
    createdBy: text("created_by").notNull(),
    lastUsedAt: integer("last_used_at"),
    revokedAt: integer("revoked_at"),
  },
  (table) => [
    // Serves: bearer token authentication.
    uniqueIndex("api_tokens_token_hash").on(table.tokenHash),
  ],
);

export type ApiTokenRow = typeof apiTokens.$inferSelect;
