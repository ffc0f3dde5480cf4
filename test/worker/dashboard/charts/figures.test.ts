import { describe, expect, it } from "vitest";
import type { MemberMetrics, MetricPoint } from "../../../../shared/metrics";
import { figuresOf, formatNumber } from "../../../../worker/dashboard/monitoring/figures";

const MIB = 1024 ** 2;
const GIB = 1024 ** 3;
const EMPTY: Omit<MetricPoint, "at"> = {
  rttMs: null,
  cpuPercent: null,
  memUsedBytes: null,
  memTotalBytes: null,
  load1: null,
  currentConnections: null,
  sessionRate: null,
};

function metrics(points: Partial<MetricPoint>[]): MemberMetrics {
  return {
    memberId: "mem_1",
    range: "hour",
    from: 0,
    to: 3_600_000,
    sampleIntervalMs: 30_000,
    bucketMs: 0,
    gapAfterMs: 46_500,
    points: points.map((point, i) => ({ ...EMPTY, at: i * 30_000, ...point })),
  };
}

function figure(id: string, points: Partial<MetricPoint>[]) {
  const found = figuresOf(metrics(points)).find((one) => one.id === id);
  if (!found) throw new Error(`no figure ${id}`);
  return found;
}

describe("figures", () => {
  it("come in the tab's order", () => {
    expect(figuresOf(metrics([])).map((one) => one.id)).toEqual([
      "rtt",
      "cpu",
      "memory",
      "sessions",
      "session-rate",
    ]);
  });

  it.each([
    ["rtt", 3.25, "3.3 ms"],
    ["rtt", 3, "3 ms"],
    ["rtt", 12.6, "13 ms"],
    ["cpu", 42.5, "42.5 %"],
    ["cpu", 7, "7.0 %"],
    ["sessions", 17, "17 sessions"],
    ["sessions", 2.25, "2.3 sessions"],
    ["session-rate", 5, "5 sessions/s"],
  ])("%s reads %d as %s", (id, value, text) => {
    expect(figure(id, []).format(value)).toBe(text);
  });

  it("CPU is charted up to 100 %, sessions in whole steps", () => {
    expect(figure("cpu", []).yMax).toBe(100);
    expect(figure("sessions", []).minStep).toBe(1);
  });

  it("memory in GiB for a machine of a GiB or more, up to its size", () => {
    const memory = figure("memory", [
      { memUsedBytes: 1.5 * GIB, memTotalBytes: 4 * GIB },
      { memUsedBytes: null, memTotalBytes: null },
    ]);
    expect(memory.unit).toBe("GiB");
    expect(memory.points.map((point) => point.value)).toEqual([1.5, null]);
    expect(memory.yMax).toBe(4);
    expect(memory.context).toBe("of 4.0 GiB");
    expect(memory.format(1.5)).toBe("1.5 GiB");
  });

  it("memory in MiB for a small one; without a reported size, scaled over the data", () => {
    const small = figure("memory", [{ memUsedBytes: 300 * MIB, memTotalBytes: 512 * MIB }]);
    expect(small.unit).toBe("MiB");
    expect(small.points[0]?.value).toBe(300);
    expect(small.context).toBe("of 512 MiB");
    const unsized = figure("memory", [{ memUsedBytes: 2 * GIB }]);
    expect(unsized.unit).toBe("GiB");
    expect(unsized.yMax).toBeUndefined();
    expect(unsized.context).toBeUndefined();
  });

  it.each([
    [3, "3"],
    [2.25, "2.3"],
    [0.5, "0.5"],
  ])("formatNumber(%d) = %s", (value, text) => {
    expect(formatNumber(value)).toBe(text);
  });
});
