import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type {
  RolloutKind,
  RolloutStatus,
  RolloutStepStatus,
  RolloutStrategy,
} from "../../../shared/rollouts";
import { members } from "./members";
import { pools } from "./pools";

/** One rollout of a balancer revision; written only by the pool's coordinator. */
export const balancerRollouts = sqliteTable(
  "balancer_rollouts",
  {
    id: text("id").primaryKey(),
    poolId: text("pool_id")
      .notNull()
      .references(() => pools.id, { onDelete: "cascade" }),
    kind: text("kind").$type<RolloutKind>().notNull(),
    revision: integer("revision").notNull(),
    target: text("target").$type<"haproxy" | "nginx">().notNull(),
    sha256: text("sha256").notNull(),
    strategy: text("strategy").$type<RolloutStrategy>().notNull(),
    status: text("status").$type<RolloutStatus>().notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: integer("created_at").notNull(),
    finishedAt: integer("finished_at"),
    reason: text("reason"),
  },
  (table) => [
    // Serves: a pool's rollouts newest first, its running one, its last succeeded one (live).
    index("balancer_rollouts_pool_id").on(table.poolId, table.id),
  ],
);

/** One member's step of a rollout. */
export const balancerRolloutSteps = sqliteTable(
  "balancer_rollout_steps",
  {
    rolloutId: text("rollout_id")
      .notNull()
      .references(() => balancerRollouts.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    memberId: text("member_id")
      .notNull()
      .references(() => members.id, { onDelete: "cascade" }),
    memberName: text("member_name").notNull(),
    role: text("role").$type<"standby" | "active">().notNull(),
    status: text("status").$type<RolloutStepStatus>().notNull(),
    jobId: text("job_id"),
    startedAt: integer("started_at"),
    finishedAt: integer("finished_at"),
    note: text("note"),
  },
  (table) => [
    // Serves: a rollout's steps in order.
    index("balancer_rollout_steps_rollout").on(table.rolloutId, table.position),
    // Serves: each member's last applied revision when a coordinator loads.
    index("balancer_rollout_steps_member").on(table.memberId, table.status),
  ],
);

/** Per pool: whether Baton manages the balancer config, and the parity setting. */
export const balancerSettings = sqliteTable("balancer_settings", {
  poolId: text("pool_id")
    .primaryKey()
    .references(() => pools.id, { onDelete: "cascade" }),
  /** Set by a completed rollout, cleared by an admin's detach. */
  managed: integer("managed", { mode: "boolean" }).notNull(),
  /** null: the default (on while managed with a live revision). */
  requireConfigParity: integer("require_config_parity", { mode: "boolean" }),
  updatedAt: integer("updated_at").notNull(),
  updatedBy: text("updated_by").notNull(),
});

export type RolloutRow = typeof balancerRollouts.$inferSelect;
export type RolloutStepRow = typeof balancerRolloutSteps.$inferSelect;
export type BalancerSettingsRow = typeof balancerSettings.$inferSelect;
