/**
 * The geometry of the Monitoring tab's line charts, as plain data the views turn into SVG:
 * scales, a path that leaves gaps where nothing was reported, axis ticks and the figures a
 * person reads (latest, min, max, average). Pure: no JSX, no clock, no units.
 */

export interface ChartPoint {
  at: number;
  value: number | null;
}

export interface ChartInput {
  /** The x domain, epoch ms. */
  from: number;
  to: number;
  points: ChartPoint[];
  /** Two points further apart than this are not joined. */
  gapAfterMs: number;
  /** A fixed top of the y axis (100 for percentages, the memory size); else a nice one over the data. */
  yMax?: number;
  /** The smallest step between y ticks (1 for counts). */
  minStep?: number;
}

export interface Box {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/**
 * The SVG's viewBox and the plot inside it: narrow enough to stay legible at phone width. The
 * strip above the plot (`top`) holds the max and latest labels, so no label sits on a line.
 */
export const CHART_BOX: Box = { width: 400, height: 176, left: 40, right: 12, top: 24, bottom: 22 };
/** Where the labels of the strip above the plot sit (their baseline). */
export const LABEL_STRIP_Y = 14;
/**
 * Half the width of a time label at the chart's 12 px font, in viewBox units, with a unit to
 * spare: "00:00" in DejaVu Sans (Debian's default sans) is 34.6 wide, Chromium drew "11:15" 34.1.
 */
const TIME_LABEL_HALF_WIDTH = 19;

export interface Tick {
  /** Position along the axis, in viewBox units. */
  at: number;
  value: number;
}

/** A time tick with where its label goes: centred under it, or anchored inwards at an edge. */
export interface TimeTick extends Tick {
  labelX: number;
  anchor: "start" | "middle" | "end";
}

/** Keeps a time label inside the drawing: one that would cross an edge is anchored inwards. */
export function timeTickLabel(at: number, box: Box): Pick<TimeTick, "labelX" | "anchor"> {
  if (at + TIME_LABEL_HALF_WIDTH > box.width) return { labelX: box.width - 1, anchor: "end" };
  if (at - TIME_LABEL_HALF_WIDTH < 0) return { labelX: 1, anchor: "start" };
  return { labelX: at, anchor: "middle" };
}

export interface Summary {
  latest: number | null;
  /** When the latest value was reported. */
  latestAt: number | null;
  min: number | null;
  max: number | null;
  avg: number | null;
  /** Points with a value. */
  count: number;
  /** Breaks in the line: stretches with nothing reported between two reported points. */
  gaps: number;
}

export interface ChartModel {
  box: Box;
  /** Absolute moveto/lineto commands; each run of joined points starts with its own M. */
  path: string;
  /** Points with no neighbour to join: drawn as dots, or they would not show at all. */
  dots: { x: number; y: number }[];
  latest: { x: number; y: number } | null;
  /** The maximum's height, for a reference line. */
  maxY: number | null;
  yTicks: Tick[];
  xTicks: TimeTick[];
  /** Every point with a value, for the hover readout: where it is drawn, when, and its value. */
  readout: { x: number; y: number; at: number; value: number }[];
  yTop: number;
  summary: Summary;
}

/** Maps [d0, d1] onto [r0, r1] linearly (a flat domain maps to r0). */
export function linearScale(d0: number, d1: number, r0: number, r1: number) {
  const span = d1 - d0;
  return (value: number) => (span === 0 ? r0 : r0 + ((value - d0) / span) * (r1 - r0));
}

/**
 * Runs of points to join with lines: a point without a value ends a run, and so does a step
 * longer than `gapAfterMs` (no sample at all arrived in between).
 */
export function segments(points: ChartPoint[], gapAfterMs: number) {
  const runs: { at: number; value: number }[][] = [];
  let run: { at: number; value: number }[] = [];
  let previousAt: number | null = null;
  for (const point of points) {
    const { at, value } = point;
    if (value === null) {
      if (run.length > 0) runs.push(run);
      run = [];
    } else {
      if (run.length > 0 && previousAt !== null && at - previousAt > gapAfterMs) {
        runs.push(run);
        run = [];
      }
      run.push({ at, value });
    }
    previousAt = at;
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

/** A round step near `rough`: 1, 2, 2.5 or 5 times a power of ten. */
export function niceStep(rough: number): number {
  if (!(rough > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(rough));
  const fraction = rough / power;
  const nice =
    fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10;
  return nice * power;
}

/**
 * Ticks from 0 to a round top at or above `max` (1 when there is nothing above 0), about
 * `count` steps of at least `minStep` (1 for counts: no 2.5 sessions).
 */
export function valueTicks(max: number, count = 4, minStep = 0): { top: number; values: number[] } {
  const span = max > 0 ? max : 1;
  const step = Math.max(minStep, niceStep(span / count));
  const top = Math.ceil(span / step - 1e-9) * step;
  const values: number[] = [];
  for (let i = 0; i * step <= top + step / 1e6; i++) values.push(roundTo(i * step, step));
  return { top, values };
}

/** Decimals a value needs to show multiples of `step` exactly (2.5 → 1, 0.25 → 2). */
export function decimalsFor(step: number): number {
  for (let digits = 0; digits < 6; digits++) {
    const scaled = step * 10 ** digits;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-9) return digits;
  }
  return 6;
}

function roundTo(value: number, step: number): number {
  const digits = decimalsFor(step);
  return Number(value.toFixed(digits));
}

const MINUTE = 60_000;
const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720].map((m) => m * MINUTE);

/** Times on whole UTC steps (15 min over an hour, 6 h over a day), at most `max` of them. */
export function timeTicks(from: number, to: number, max = 5): number[] {
  const span = to - from;
  const step = TIME_STEPS.find((candidate) => span / candidate <= max) ?? 1440 * MINUTE;
  const ticks: number[] = [];
  for (let at = Math.ceil(from / step) * step; at <= to; at += step) ticks.push(at);
  return ticks;
}

/** "14:05": a tick's time of day in UTC. */
export function timeLabel(at: number): string {
  return new Date(at).toISOString().slice(11, 16);
}

export function summarize(points: ChartPoint[], gapAfterMs: number): Summary {
  const reported = points.filter((point): point is { at: number; value: number } => {
    return point.value !== null;
  });
  const values = reported.map((point) => point.value);
  const last = reported.at(-1);
  return {
    latest: last?.value ?? null,
    latestAt: last?.at ?? null,
    min: values.length ? Math.min(...values) : null,
    max: values.length ? Math.max(...values) : null,
    avg: values.length ? values.reduce((sum, value) => sum + value, 0) / values.length : null,
    count: values.length,
    gaps: Math.max(0, segments(points, gapAfterMs).length - 1),
  };
}

const px = (value: number) => Math.round(value * 10) / 10;

/** Everything a chart draws, in viewBox units (y grows downwards, as in SVG). */
export function chartModel(input: ChartInput, box: Box = CHART_BOX): ChartModel {
  const summary = summarize(input.points, input.gapAfterMs);
  // Nothing to scale to: a bare 0-to-1 axis rather than ticks of quarters of nothing.
  const bare = summary.count === 0 && input.yMax === undefined;
  const { top: yTop, values } = valueTicks(
    Math.max(input.yMax ?? 0, summary.max ?? 0),
    bare ? 1 : 4,
    input.minStep,
  );
  const x = linearScale(input.from, input.to, box.left, box.width - box.right);
  const y = linearScale(0, yTop, box.height - box.bottom, box.top);
  const runs = segments(input.points, input.gapAfterMs);
  const path = runs
    .filter((run) => run.length > 1)
    .map((run) =>
      run
        .map((point, i) => `${i === 0 ? "M" : "L"}${px(x(point.at))} ${px(y(point.value))}`)
        .join(" "),
    )
    .join(" ");
  const dots = runs
    .filter((run) => run.length === 1)
    .flatMap((run) => run.map((point) => ({ x: px(x(point.at)), y: px(y(point.value)) })));
  const { latest, latestAt, max } = summary;
  return {
    box,
    path,
    dots,
    latest: latest !== null && latestAt !== null ? { x: px(x(latestAt)), y: px(y(latest)) } : null,
    maxY: max === null ? null : px(y(max)),
    yTicks: values.map((value) => ({ at: px(y(value)), value })),
    xTicks: timeTicks(input.from, input.to).map((at) => {
      const position = px(x(at));
      return { at: position, value: at, ...timeTickLabel(position, box) };
    }),
    readout: input.points
      .filter((point): point is { at: number; value: number } => point.value !== null)
      .map((point) => ({ x: px(x(point.at)), y: px(y(point.value)), ...point })),
    yTop,
    summary,
  };
}
