import { describe, expect, it } from "vitest";
import { METRIC_RANGE_MS } from "../../../shared/metrics";
import type { MemberSample } from "../../../worker/db/schema/metrics";
import {
  bucketWidthMs,
  combine,
  type MemberSampleRow,
  memberSeries,
} from "../../../worker/metrics/series";

const HOUR = METRIC_RANGE_MS.hour;
const DAY = METRIC_RANGE_MS.day;
const NOW = 1_900_000_000_000;
const OPTIONS = { to: NOW, sampleIntervalMs: 30_000, heartbeatIntervalMs: 1_000 };

const full = (n: number): MemberSample => ({
  rttMs: n,
  cpuPercent: n,
  memUsedBytes: n * 1000,
  memTotalBytes: 8000,
  load1: n / 10,
  currentConnections: n,
  sessionRate: n / 2,
});

/** Rows every `stepMs` ending at NOW, oldest first; `member(i)` gives row i's figures. */
function rows(count: number, stepMs: number, member: (i: number) => MemberSample | null) {
  return Array.from({ length: count }, (_, i) => ({
    at: NOW - (count - 1 - i) * stepMs,
    member: member(i),
  }));
}

describe("bucketWidthMs", () => {
  it.each([
    ["an hour of 30 s samples fits", HOUR, 120, 300, 0],
    ["exactly max points fits", HOUR, 300, 300, 0],
    ["an hour of 1 s samples", HOUR, 3600, 300, 13_000],
    ["a day of 30 s samples", DAY, 2880, 300, 289_000],
    ["one point too many", DAY, 301, 300, 289_000],
  ])("%s", (_name, rangeMs, samples, maxPoints, expected) => {
    expect(bucketWidthMs(rangeMs, samples, maxPoints)).toBe(expected);
  });
});

describe("combine", () => {
  it("averages levels, keeps the peak of sizes and sessions, ignores absent samples", () => {
    const point = combine(5, [
      full(10),
      null,
      { cpuPercent: 20.25, currentConnections: 40 },
      full(31),
    ]);
    expect(point).toEqual({
      at: 5,
      rttMs: 20.5,
      cpuPercent: 20.4, // (10 + 20.25 + 31) / 3 = 20.4166…
      memUsedBytes: 20_500,
      memTotalBytes: 8000,
      load1: 2.05,
      currentConnections: 40,
      sessionRate: 10.3, // (5 + 15.5) / 2 = 10.25 → 10.3
    });
  });

  it("a figure nobody reported is null; garbage is not a figure", () => {
    const junk = { cpuPercent: Number.NaN, rttMs: -1 } as MemberSample;
    expect(combine(1, [null, junk, {}])).toEqual({
      at: 1,
      rttMs: null,
      cpuPercent: null,
      memUsedBytes: null,
      memTotalBytes: null,
      load1: null,
      currentConnections: null,
      sessionRate: null,
    });
  });
});

describe("memberSeries", () => {
  it("an hour at 30 s: one point per sample, a row without the member is a gap of nulls", () => {
    const input = rows(120, 30_000, (i) => (i === 50 ? null : full(i)));
    const series = memberSeries(input, { ...OPTIONS, from: NOW - HOUR });
    expect(series.bucketMs).toBe(0);
    expect(series.gapAfterMs).toBe(46_500); // 1.5 × (30 s + one 1 s beat late)
    expect(series.points).toHaveLength(120);
    expect(series.points[49]?.cpuPercent).toBe(49);
    expect(series.points[50]).toMatchObject({ at: input[50]?.at, cpuPercent: null, rttMs: null });
    expect(series.points.at(-1)?.at).toBe(NOW);
  });

  it("rows outside the range are left out; no rows is an empty series", () => {
    const input: MemberSampleRow[] = [
      { at: NOW - HOUR - 1, member: full(1) },
      { at: NOW - HOUR, member: full(2) },
      { at: NOW + 1, member: full(3) },
    ];
    const series = memberSeries(input, { ...OPTIONS, from: NOW - HOUR });
    expect(series.points.map((point) => point.cpuPercent)).toEqual([2]);
    expect(memberSeries([], { ...OPTIONS, from: NOW - DAY }).points).toEqual([]);
  });

  it("a day at 30 s: at most 300 points, each the mean (or peak) of its 289 s bucket", () => {
    const input = rows(2880, 30_000, (i) => full(i % 2 === 0 ? 10 : 20));
    const from = NOW - DAY;
    const series = memberSeries(input, { ...OPTIONS, from });
    expect(series.bucketMs).toBe(289_000);
    expect(series.gapAfterMs).toBe(433_500);
    expect(series.points.length).toBeLessThanOrEqual(300);
    expect(series.points.length).toBeGreaterThanOrEqual(297);
    const inner = series.points.slice(1, -1);
    // Buckets start on multiples of their width; the first is clamped to the range's start.
    for (const point of inner) expect(point.at % 289_000).toBe(0);
    expect(series.points[0]?.at).toBe(from);
    // 9 or 10 alternating samples of 10 and 20: the mean lies between, the peak is 20.
    for (const point of inner) {
      expect(point.cpuPercent).toBeGreaterThanOrEqual(14);
      expect(point.cpuPercent).toBeLessThanOrEqual(16);
      expect(point.currentConnections).toBe(20);
      expect(point.memTotalBytes).toBe(8000);
    }
    // Every sample lands in exactly one bucket.
    const starts = new Set(input.map((row) => Math.floor(row.at / 289_000)));
    expect(series.points).toHaveLength(starts.size);
  });

  it("a day with the member silent for two hours: those buckets are nulls, the others intact", () => {
    const silent = (i: number) => i >= 1000 && i < 1240; // 240 samples = 2 h
    const input = rows(2880, 30_000, (i) => (silent(i) ? null : full(50)));
    const series = memberSeries(input, { ...OPTIONS, from: NOW - DAY });
    const gaps = series.points.filter((point) => point.cpuPercent === null);
    // 2 h / 289 s ≈ 24.9: 23 or 24 buckets hold only silent rows; the edges are partly filled.
    expect(gaps.length).toBeGreaterThanOrEqual(23);
    expect(gaps.length).toBeLessThanOrEqual(24);
    for (const point of series.points.filter((p) => p.cpuPercent !== null))
      expect(point.cpuPercent).toBe(50);
  });

  it("an hour of 1 s samples (a test's interval) is bucketed too", () => {
    const input = rows(3600, 1_000, (i) => full(i % 10));
    const series = memberSeries(input, {
      ...OPTIONS,
      from: NOW - HOUR,
      sampleIntervalMs: 1_000,
    });
    expect(series.bucketMs).toBe(13_000);
    expect(series.points.length).toBeLessThanOrEqual(300);
    expect(series.gapAfterMs).toBe(19_500);
  });
});
