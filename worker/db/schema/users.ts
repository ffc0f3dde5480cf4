import { sql } from "drizzle-orm";
import {
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";
import type { Role } from "../../../shared/tokens";

/** Dashboard users; passwords as PBKDF2-SHA256 with the iteration count they were hashed with. */
export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    username: text("username").notNull(),
    role: text("role").$type<Role>().notNull(),
    /** base64url of the derived key. */
    passwordHash: text("password_hash").notNull(),
    /** base64url of 16 random bytes. */
    passwordSalt: text("password_salt").notNull(),
    passwordIterations: integer("password_iterations").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    disabledAt: integer("disabled_at"),
  },
  (table) => [
    // Serves: sign-in by username, and keeps usernames unique regardless of case.
    uniqueIndex("users_username_lower").on(sql`lower(${table.username})`),
  ],
);

/** Signed-in browsers. `id` is the SHA-256 of the cookie's secret; the secret is never stored. */
export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    csrf: text("csrf").notNull(),
    createdAt: integer("created_at").notNull(),
    /** Absolute end (created + 7 days); the idle end is last_seen_at + 12 hours. */
    expiresAt: integer("expires_at").notNull(),
    lastSeenAt: integer("last_seen_at").notNull(),
  },
  (table) => [
    // Serves: ending a user's sessions (disable, delete, password change) and the cascade.
    index("sessions_user_id").on(table.userId),
  ],
);

/** What a sign-in counter counts: one username from one address, one address, one username. */
export type ThrottleScope = "pair" | "ip" | "username";

/**
 * Sign-in attempts that did not sign in, per scope, counted in a fixed window that starts at the
 * first attempt (worker/users/throttle.ts). `subject` is a SHA-256 hex of what is
 * counted, so no row is larger than another whatever was typed.
 */
export const loginThrottles = sqliteTable(
  "login_throttles",
  {
    scope: text("scope").$type<ThrottleScope>().notNull(),
    subject: text("subject").notNull(),
    /** Attempts counted before their password check, less those that signed in. */
    failures: integer("failures").notNull(),
    windowStartedAt: integer("window_started_at").notNull(),
  },
  // The primary key serves: the two look-ups of a sign-in attempt.
  (table) => [primaryKey({ columns: [table.scope, table.subject] })],
);

export type UserRow = typeof users.$inferSelect;
export type SessionRow = typeof sessions.$inferSelect;
