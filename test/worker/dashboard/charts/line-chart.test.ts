import { describe, expect, it } from "vitest";
import {
  CHART_BOX,
  type ChartModel,
  type ChartPoint,
  chartModel,
  decimalsFor,
  linearScale,
  niceStep,
  segments,
  summarize,
  timeLabel,
  timeTicks,
  valueTicks,
} from "../../../../worker/dashboard/monitoring/line-chart";

const T = Date.UTC(2030, 0, 15, 10, 7, 0); // 10:07 UTC
const S = 30_000;
const GAP = 46_500;

/** Points every 30 s from T; `values[i]` null for a sample the member was absent from. */
const series = (values: (number | null)[]): ChartPoint[] =>
  values.map((value, i) => ({ at: T + i * S, value }));

describe("linearScale", () => {
  it.each([
    [0, 10, 100, 200, 5, 150],
    [0, 10, 100, 0, 10, 0], // reversed range: SVG's y grows downwards
    [0, 10, 100, 0, 0, 100],
    [5, 5, 7, 9, 5, 7], // a flat domain maps to the start
  ])("[%d,%d] → [%d,%d]: %d ↦ %d", (d0, d1, r0, r1, value, expected) => {
    expect(linearScale(d0, d1, r0, r1)(value)).toBe(expected);
  });
});

describe("segments", () => {
  it.each<[string, (number | null)[], number[][]]>([
    ["one run", [1, 2, 3], [[1, 2, 3]]],
    [
      "a null breaks the line",
      [1, 2, null, 4, 5],
      [
        [1, 2],
        [4, 5],
      ],
    ],
    ["leading and trailing nulls draw nothing", [null, 1, 2, null, null], [[1, 2]]],
    ["a lone point is its own run", [1, null, 3, null, 5, 6], [[1], [3], [5, 6]]],
    ["nothing", [], []],
    ["all absent", [null, null], []],
  ])("%s", (_name, values, expected) => {
    const runs = segments(series(values), GAP);
    expect(runs.map((run) => run.map((point) => point.value))).toEqual(expected);
  });

  it("a step longer than gapAfterMs breaks the line; a late sample does not", () => {
    const points: ChartPoint[] = [
      { at: 0, value: 1 },
      { at: 31_000, value: 2 }, // a beat late
      { at: 77_500, value: 3 }, // exactly gapAfterMs later: joined
      { at: 124_001, value: 4 }, // one sample missing, no row at all
    ];
    const runs = segments(points, GAP);
    expect(runs.map((run) => run.map((point) => point.value))).toEqual([[1, 2, 3], [4]]);
  });
});

describe("ticks", () => {
  it.each([
    [0.9, 1],
    [1, 1],
    [1.2, 2],
    [2.3, 2.5],
    [3, 5],
    [7, 10],
    [0.04, 0.05],
    [250, 250],
    [0, 1],
  ])("niceStep(%d) = %d", (rough, step) => {
    expect(niceStep(rough)).toBe(step);
  });

  it.each<[number, number, number, number[]]>([
    [100, 4, 0, [0, 25, 50, 75, 100]],
    [0, 4, 0, [0, 0.25, 0.5, 0.75, 1]],
    [0, 4, 1, [0, 1]],
    [3.84, 4, 0, [0, 1, 2, 3, 4]],
    [17, 4, 1, [0, 5, 10, 15, 20]],
    [3, 4, 1, [0, 1, 2, 3]],
    [0.37, 4, 0, [0, 0.1, 0.2, 0.3, 0.4]],
    [48.2, 4, 0, [0, 20, 40, 60]],
  ])("valueTicks(%d, %d, min step %d)", (max, count, minStep, values) => {
    const ticks = valueTicks(max, count, minStep);
    expect(ticks.values).toEqual(values);
    expect(ticks.top).toBe(values.at(-1));
  });

  it.each([
    [1, 0],
    [2.5, 1],
    [0.25, 2],
    [0.1, 1],
    [20, 0],
  ])("decimalsFor(%d) = %d", (step, digits) => {
    expect(decimalsFor(step)).toBe(digits);
  });

  it("times: quarter hours over an hour, six hours over a day, on whole UTC steps", () => {
    expect(timeTicks(T, T + 3_600_000).map(timeLabel)).toEqual([
      "10:15",
      "10:30",
      "10:45",
      "11:00",
    ]);
    expect(timeTicks(T, T + 86_400_000).map(timeLabel)).toEqual([
      "12:00",
      "18:00",
      "00:00",
      "06:00",
    ]);
    expect(timeTicks(T, T + 120_000).length).toBeLessThanOrEqual(5);
  });
});

describe("summarize", () => {
  it("latest, min, max, average and gaps of what was reported", () => {
    const summary = summarize(series([10, 30, null, 20, null]), GAP);
    expect(summary).toEqual({
      latest: 20,
      latestAt: T + 3 * S,
      min: 10,
      max: 30,
      avg: 20,
      count: 3,
      gaps: 1,
    });
  });

  it("nothing reported: no figures", () => {
    expect(summarize(series([null]), GAP)).toMatchObject({
      latest: null,
      min: null,
      max: null,
      avg: null,
      count: 0,
      gaps: 0,
    });
  });
});

describe("chartModel", () => {
  const box = CHART_BOX;
  const plotBottom = box.height - box.bottom;
  const plotRight = box.width - box.right;

  it("draws joined runs as separate subpaths and lone points as dots, inside the plot", () => {
    const points = series([0, 50, null, 100, null, 25, 25]);
    const model = chartModel({
      from: T,
      to: T + 6 * S,
      points,
      gapAfterMs: GAP,
      yMax: 100,
    });
    // Two runs of two or more points: two M commands. The lone 100 is a dot at the top.
    expect(model.path.match(/M/g)).toHaveLength(2);
    expect(model.path.startsWith(`M${box.left} ${plotBottom}`)).toBe(true);
    expect(model.dots).toEqual([{ x: box.left + ((plotRight - box.left) * 3) / 6, y: box.top }]);
    expect(model.latest).toEqual({ x: plotRight, y: plotBottom - 0.25 * (plotBottom - box.top) }); // 25 % up
    expect(model.maxY).toBe(box.top);
    expect(model.yTicks.map((tick) => tick.value)).toEqual([0, 25, 50, 75, 100]);
    expect(model.yTicks[0]?.at).toBe(plotBottom);
    expect(model.summary.gaps).toBe(2);
    const coordinates = [...model.path.matchAll(/[ML]([\d.]+) ([\d.]+)/g)].map((m) => [
      Number(m[1]),
      Number(m[2]),
    ]);
    for (const [x, y] of coordinates) {
      expect(x).toBeGreaterThanOrEqual(box.left);
      expect(x).toBeLessThanOrEqual(plotRight);
      expect(y).toBeGreaterThanOrEqual(box.top);
      expect(y).toBeLessThanOrEqual(plotBottom);
    }
  });

  it("scales the y axis over the data when no top is fixed", () => {
    const model = chartModel({
      from: T,
      to: T + 2 * S,
      points: series([3, 17, 9]),
      gapAfterMs: GAP,
      minStep: 1,
    });
    expect(model.yTop).toBe(20);
    expect(model.yTicks.map((tick) => tick.value)).toEqual([0, 5, 10, 15, 20]);
  });

  it("keeps every time label inside the drawing: a tick at either edge is anchored inwards", () => {
    // 10:00 to 11:00: ticks at both ends of the axis ("11:00" was clipped to "11:0").
    const from = Date.UTC(2030, 0, 15, 10, 0, 0);
    const model = chartModel({ from, to: from + 3_600_000, points: [], gapAfterMs: GAP });
    expect(model.xTicks.at(0)).toMatchObject({ at: box.left, anchor: "middle" });
    const last = model.xTicks.at(-1);
    expect(last).toMatchObject({ at: plotRight, anchor: "end" });
    expectInside(model.xTicks);
  });

  it("anchors inwards a label whose centre is a wide label's half from the edge", () => {
    // "11:00" centred at x ≈ 382.5 (Chromium drew "11:15" 34.1 units wide there: 400.07 > 400).
    const from = Date.UTC(2030, 0, 15, 11, 0, 0) - 3_543_000;
    const model = chartModel({ from, to: from + 3_600_000, points: [], gapAfterMs: GAP });
    expect(model.xTicks.at(-1)?.at).toBeCloseTo(382.5, 0);
    expectInside(model.xTicks);
  });

  /** Every time label, as wide as "00:00" in Debian's default sans (DejaVu), in the drawing. */
  function expectInside(ticks: ChartModel["xTicks"]) {
    const half = 18; // 12 px DejaVu Sans: 4 digits of 7.6 and a colon of 4.0, 34.6 units
    for (const tick of ticks) {
      const [start, end] =
        tick.anchor === "end"
          ? [tick.labelX - 2 * half, tick.labelX]
          : tick.anchor === "start"
            ? [tick.labelX, tick.labelX + 2 * half]
            : [tick.labelX - half, tick.labelX + half];
      expect(start).toBeGreaterThanOrEqual(0);
      expect(end).toBeLessThanOrEqual(box.width);
    }
  }

  it("an empty range: axes and no line", () => {
    const model = chartModel({ from: T, to: T + 3_600_000, points: [], gapAfterMs: GAP });
    expect(model.path).toBe("");
    expect(model.dots).toEqual([]);
    expect(model.latest).toBeNull();
    expect(model.maxY).toBeNull();
    expect(model.xTicks).toHaveLength(4);
    expect(model.yTicks.map((tick) => tick.value)).toEqual([0, 1]);
    // A fixed top keeps its ticks even with nothing to draw.
    const cpu = chartModel({ from: T, to: T + 60_000, points: [], gapAfterMs: GAP, yMax: 100 });
    expect(cpu.yTicks.map((tick) => tick.value)).toEqual([0, 25, 50, 75, 100]);
  });
});
