import { METRIC_MAX_POINTS, type MetricPoint } from "../../shared/metrics";
import type { MemberSample } from "../db/schema/metrics";

/** One pool sample row as far as one member is concerned: null when it was not in the row. */
export interface MemberSampleRow {
  at: number;
  member: MemberSample | null;
}

export interface SeriesOptions {
  from: number;
  to: number;
  sampleIntervalMs: number;
  /** Agents' beat interval: a sample can come up to one beat late. */
  heartbeatIntervalMs: number;
  maxPoints?: number;
}

export interface Series {
  bucketMs: number;
  gapAfterMs: number;
  points: MetricPoint[];
}

type Figure = Exclude<keyof MetricPoint, "at">;

/** How a bucket combines a figure: sizes and peaks take the largest, the rest the mean. */
const COMBINE: Record<Figure, { how: "mean" | "max"; digits: number }> = {
  rttMs: { how: "mean", digits: 1 },
  cpuPercent: { how: "mean", digits: 1 },
  memUsedBytes: { how: "mean", digits: 0 },
  memTotalBytes: { how: "max", digits: 0 },
  load1: { how: "mean", digits: 2 },
  currentConnections: { how: "max", digits: 0 },
  sessionRate: { how: "mean", digits: 1 },
};
const FIGURES = Object.keys(COMBINE) as Figure[];

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

function finite(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : null;
}

/** One point from the samples of a bucket (or one sample): figures nobody reported stay null. */
export function combine(at: number, samples: (MemberSample | null)[]): MetricPoint {
  const point = { at } as MetricPoint;
  for (const figure of FIGURES) {
    const values = samples
      .map((sample) => finite(sample?.[figure]))
      .filter((value) => value !== null);
    const { how, digits } = COMBINE[figure];
    if (values.length === 0) point[figure] = null;
    else if (how === "max") point[figure] = Math.max(...values);
    else
      point[figure] = round(values.reduce((sum, value) => sum + value, 0) / values.length, digits);
  }
  return point;
}

/**
 * Width of the buckets a range is averaged over so it keeps at most `maxPoints` points: 0 (one
 * point per sample) when the samples fit, else whole seconds. Buckets are aligned to the epoch,
 * not to `from`, so a point keeps its place from one refresh to the next.
 */
export function bucketWidthMs(rangeMs: number, samples: number, maxPoints: number): number {
  if (samples <= maxPoints) return 0;
  // Aligned buckets over a range may straddle both ends: one fewer keeps the count in bounds.
  return Math.ceil(rangeMs / Math.max(1, maxPoints - 1) / 1000) * 1000;
}

/**
 * A member's series over [from, to] from its pool's sample rows (oldest first). A row without
 * the member becomes a point of nulls (a gap). Past `maxPoints` samples the rows are averaged
 * into buckets (`COMBINE` says how each figure combines), each point at its bucket's start
 * (never before `from`). `gapAfterMs`: a sample is late by up to one beat, so two points more
 * than 1.5 spacings apart have at least one missing between them.
 */
export function memberSeries(rows: MemberSampleRow[], options: SeriesOptions): Series {
  const { from, to, sampleIntervalMs, heartbeatIntervalMs } = options;
  const inRange = rows.filter((row) => row.at >= from && row.at <= to);
  const bucketMs = bucketWidthMs(to - from, inRange.length, options.maxPoints ?? METRIC_MAX_POINTS);
  const gapAfterMs = Math.ceil(1.5 * Math.max(bucketMs, sampleIntervalMs + heartbeatIntervalMs));
  if (bucketMs === 0) {
    return { bucketMs, gapAfterMs, points: inRange.map((row) => combine(row.at, [row.member])) };
  }
  const buckets = new Map<number, (MemberSample | null)[]>();
  for (const row of inRange) {
    const start = Math.floor(row.at / bucketMs) * bucketMs;
    const bucket = buckets.get(start);
    if (bucket) bucket.push(row.member);
    else buckets.set(start, [row.member]);
  }
  const points = [...buckets].map(([start, samples]) => combine(Math.max(from, start), samples));
  return { bucketMs, gapAfterMs, points };
}
