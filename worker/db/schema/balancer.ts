import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { BalancerModel } from "../../../shared/balancer";
import { pools } from "./pools";

/**
 * Every revision of a pool's managed balancer: the model and both rendered texts with their
 * SHA-256, exactly as the agent writes them. Rows are never updated: a change is a new
 * revision, numbered 1, 2, 3… per pool.
 */
export const balancerRevisions = sqliteTable(
  "balancer_revisions",
  {
    poolId: text("pool_id")
      .notNull()
      .references(() => pools.id, { onDelete: "cascade" }),
    revision: integer("revision").notNull(),
    /** The actor who saved it (`user:<id>`, `token:<id>`, `bootstrap`). */
    author: text("author").notNull(),
    createdAt: integer("created_at").notNull(),
    model: text("model", { mode: "json" }).$type<BalancerModel>().notNull(),
    haproxyText: text("haproxy_text").notNull(),
    haproxySha256: text("haproxy_sha256").notNull(),
    nginxText: text("nginx_text").notNull(),
    nginxSha256: text("nginx_sha256").notNull(),
  },
  (table) => [
    // Serves: a pool's newest revision, one revision by number, the list newest first; and
    // makes two saves racing for one number fail instead of both winning.
    primaryKey({ columns: [table.poolId, table.revision] }),
  ],
);

export type BalancerRevisionRow = typeof balancerRevisions.$inferSelect;
