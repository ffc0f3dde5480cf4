import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** One member's figures in a sample; absent figures were not reported in that window. */
export interface MemberSample {
  cpuPercent?: number;
  memUsedBytes?: number;
  memTotalBytes?: number;
  load1?: number;
  currentConnections?: number;
  sessionRate?: number;
  /** nginx's request counter (cumulative: charts take differences). */
  nginxRequests?: number;
  /** Mean heartbeat round-trip over the interval, as the agent measured it (ms). */
  rttMs?: number;
}

/**
 * Downsampled heartbeat figures: one row per pool per sampling interval (30 s by default,
 * METRIC_SAMPLE_INTERVAL_S), holding every
 * member's latest figures. One row per pool rather than per member keeps D1 writes far below
 * one per heartbeat (see docs/decisions/0001-heartbeats-and-d1.md).
 */
export const metricSamples = sqliteTable(
  "metric_samples",
  {
    poolId: text("pool_id").notNull(),
    at: integer("at").notNull(),
    members: text("members", { mode: "json" }).$type<Record<string, MemberSample>>().notNull(),
  },
  // Serves: a pool's chart over a time range, and the per-pool retention sweep. No other index,
  // so a sample costs one written row.
  (table) => [primaryKey({ columns: [table.poolId, table.at] })],
);

export type MetricSampleRow = typeof metricSamples.$inferSelect;
