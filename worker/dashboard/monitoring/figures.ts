/**
 * What the Monitoring tab charts, one figure per chart: which field of the series, its unit, how
 * its values read. Memory is shown in MiB or GiB, whichever suits the member's size.
 */
import type { MemberMetrics, MetricPoint } from "../../../shared/metrics";
import type { ChartPoint } from "./line-chart";

export type FigureId = "rtt" | "cpu" | "memory" | "sessions" | "session-rate";

export interface Figure {
  id: FigureId;
  title: string;
  /** Short unit for the axis: ms, %, MiB or GiB, sessions, sessions/s. */
  unit: string;
  points: ChartPoint[];
  /** Fixed top of the y axis: 100 %, the memory size. */
  yMax?: number;
  minStep?: number;
  /** A value with its unit, for labels and the text summary: "12 ms", "1.5 GiB". */
  format: (value: number) => string;
  /** Said after the latest value, e.g. "of 3.8 GiB". */
  context?: string;
}

const MIB = 1024 ** 2;
const GIB = 1024 ** 3;

/** Whole numbers stay whole; others get `digits` decimals. */
export function formatNumber(value: number, digits = 1): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(digits);
}

function pointsOf(metrics: MemberMetrics, pick: (point: MetricPoint) => number | null) {
  return metrics.points.map((point) => ({ at: point.at, value: pick(point) }));
}

function largest(metrics: MemberMetrics, pick: (point: MetricPoint) => number | null) {
  return metrics.points.reduce((max, point) => Math.max(max, pick(point) ?? 0), 0);
}

function memoryFigure(metrics: MemberMetrics): Figure {
  const totalBytes = largest(metrics, (point) => point.memTotalBytes);
  const scaleBytes = Math.max(
    totalBytes,
    largest(metrics, (point) => point.memUsedBytes),
  );
  const [unit, size] = scaleBytes >= GIB ? ["GiB", GIB] : ["MiB", MIB];
  const format = (value: number) =>
    `${unit === "GiB" ? value.toFixed(1) : Math.round(value)} ${unit}`;
  return {
    id: "memory",
    title: "Memory used",
    unit,
    points: pointsOf(metrics, (point) =>
      point.memUsedBytes === null ? null : point.memUsedBytes / size,
    ),
    yMax: totalBytes > 0 ? totalBytes / size : undefined,
    format,
    context: totalBytes > 0 ? `of ${format(totalBytes / size)}` : undefined,
  };
}

/** The charts of a member's series, in the tab's order. */
export function figuresOf(metrics: MemberMetrics): Figure[] {
  return [
    {
      id: "rtt",
      title: "Heartbeat round-trip",
      unit: "ms",
      points: pointsOf(metrics, (point) => point.rttMs),
      format: (value) => `${value < 10 ? formatNumber(value) : Math.round(value)} ms`,
    },
    {
      id: "cpu",
      title: "CPU",
      unit: "%",
      points: pointsOf(metrics, (point) => point.cpuPercent),
      yMax: 100,
      format: (value) => `${value.toFixed(1)} %`,
    },
    memoryFigure(metrics),
    {
      id: "sessions",
      title: "Sessions",
      unit: "sessions",
      points: pointsOf(metrics, (point) => point.currentConnections),
      minStep: 1,
      format: (value) => `${formatNumber(value)} sessions`,
    },
    {
      id: "session-rate",
      title: "New sessions",
      unit: "sessions/s",
      points: pointsOf(metrics, (point) => point.sessionRate),
      format: (value) => `${formatNumber(value)} sessions/s`,
    },
  ];
}
