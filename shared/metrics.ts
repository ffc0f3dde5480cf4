import { z } from "zod";

/** The windows the Monitoring charts offer, by name, in ms. */
export const METRIC_RANGE_MS = { hour: 3_600_000, day: 86_400_000 } as const;

export const MetricRange = z.enum(["hour", "day"], { error: 'must be "hour" or "day"' });
export type MetricRange = z.infer<typeof MetricRange>;

/** Query of `GET /api/v1/members/:memberId/metrics`: `?range=hour` (the default) or `day`. */
export const MetricsQuery = z.object({ range: MetricRange.default("hour") });
export type MetricsQuery = z.infer<typeof MetricsQuery>;

/** The most points one series holds: a range with more samples is averaged into buckets. */
export const METRIC_MAX_POINTS = 300;

const figure = z.number().nonnegative().nullable();

/**
 * One point of a member's series: a sample, or a bucket of samples when the range was
 * downsampled. A null figure was not reported then (the member was silent, or lacks that probe):
 * charts leave a gap there.
 */
export const MetricPoint = z.object({
  at: z.number().int(),
  /** Heartbeat round-trip, ms (mean). */
  rttMs: figure,
  cpuPercent: figure,
  memUsedBytes: figure,
  /** The bucket's largest. */
  memTotalBytes: figure,
  load1: figure,
  /** HAProxy's current sessions (nginx: active connections); the bucket's largest. */
  currentConnections: figure,
  /** HAProxy's new sessions per second. */
  sessionRate: figure,
});
export type MetricPoint = z.infer<typeof MetricPoint>;

/** Answer of `GET /api/v1/members/:memberId/metrics`: the member's series over the range. */
export const MemberMetrics = z.object({
  memberId: z.string(),
  range: MetricRange,
  /** The window, epoch ms: `to` is now. */
  from: z.number().int(),
  to: z.number().int(),
  /** How often the control plane samples (METRIC_SAMPLE_INTERVAL_S). */
  sampleIntervalMs: z.number().int().positive(),
  /** Width of the buckets points were averaged over; 0 when each point is one sample. */
  bucketMs: z.number().int().nonnegative(),
  /** Two points further apart than this have a gap between them: nothing was reported. */
  gapAfterMs: z.number().int().positive(),
  /** Oldest first, at most METRIC_MAX_POINTS. */
  points: z.array(MetricPoint),
});
export type MemberMetrics = z.infer<typeof MemberMetrics>;
