import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { pools } from "./pools";

/**
 * TLS certificates of a pool's managed balancer. What the API shows is in plain columns; the PEM
 * the VMs get (chain then private key) is only in `sealed` (AES-GCM, worker/lib/secrets.ts, like
 * DNS credentials). `pemSha256` is the hash of that PEM, which `balancer.apply` jobs name.
 */
export const certificates = sqliteTable(
  "certificates",
  {
    id: text("id").primaryKey(),
    poolId: text("pool_id")
      .notNull()
      .references(() => pools.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    subject: text("subject").notNull(),
    sans: text("sans", { mode: "json" }).$type<string[]>().notNull(),
    issuer: text("issuer").notNull(),
    notBefore: integer("not_before").notNull(),
    notAfter: integer("not_after").notNull(),
    fingerprintSha256: text("fingerprint_sha256").notNull(),
    keyType: text("key_type").notNull(),
    chainLength: integer("chain_length").notNull(),
    pemSha256: text("pem_sha256").notNull(),
    sealed: text("sealed").notNull(),
    createdAt: integer("created_at").notNull(),
    createdBy: text("created_by").notNull(),
    /** When `certificate.expiring` was raised for it (once); null until then. */
    expiringNoticedAt: integer("expiring_noticed_at"),
    /** When `certificate.expired` was raised for it (once); null until then. */
    expiredNoticedAt: integer("expired_noticed_at"),
  },
  (table) => [
    // Serves: a pool's certificates (the API list and the dashboard tab), oldest first.
    index("certificates_pool_id").on(table.poolId, table.createdAt),
    // Serves: the cron's "which certificates end before <date>" expiry check.
    index("certificates_not_after").on(table.notAfter),
  ],
);

export type CertificateRow = typeof certificates.$inferSelect;
