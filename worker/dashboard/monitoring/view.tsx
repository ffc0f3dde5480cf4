import type { MemberMetrics, MetricRange } from "../../../shared/metrics";
import { type Figure, figuresOf } from "./figures";
import { type ChartModel, chartModel, decimalsFor, LABEL_STRIP_Y, timeLabel } from "./line-chart";

const RANGE_LABEL: Record<MetricRange, string> = { hour: "Last hour", day: "Last day" };
const RANGE_WORDS: Record<MetricRange, string> = { hour: "the last hour", day: "the last day" };

/** Links, so the switch works without JS and each range has its own address. */
export function RangeSwitch({ memberId, range }: { memberId: string; range: MetricRange }) {
  return (
    <nav class="range-switch" aria-label="Time range" data-testid="range-switch">
      {(["hour", "day"] as const).map((option) => (
        <a
          href={`/members/${memberId}/monitoring?range=${option}`}
          aria-current={option === range ? "page" : undefined}
          data-testid={`range-${option}`}
        >
          {RANGE_LABEL[option]}
        </a>
      ))}
    </nav>
  );
}

function duration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  return rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`;
}

/** The chart's text twin: what a screen reader says and what the summary list shows. */
function description(figure: Figure, model: ChartModel, range: MetricRange): string {
  const { latest, avg, min, max, count, gaps } = model.summary;
  if (latest === null || avg === null || min === null || max === null)
    return `No ${figure.title.toLowerCase()} reported in ${RANGE_WORDS[range]}.`;
  const context = figure.context ? ` ${figure.context}` : "";
  const gapText = gaps === 0 ? "no gaps" : gaps === 1 ? "1 gap" : `${gaps} gaps`;
  return (
    `Latest ${figure.format(latest)}${context}, average ${figure.format(avg)}, ` +
    `minimum ${figure.format(min)}, maximum ${figure.format(max)}; ` +
    `${count} points, ${gapText}.`
  );
}

function Chart(props: { figure: Figure; metrics: MemberMetrics }) {
  const { figure, metrics } = props;
  const model = chartModel({
    from: metrics.from,
    to: metrics.to,
    points: figure.points,
    gapAfterMs: metrics.gapAfterMs,
    yMax: figure.yMax,
    minStep: figure.minStep,
  });
  const { box, summary } = model;
  const id = `chart-${figure.id}`;
  const plotBottom = box.height - box.bottom;
  const plotRight = box.width - box.right;
  const step = (model.yTicks[1]?.value ?? 1) - (model.yTicks[0]?.value ?? 0);
  const digits = decimalsFor(step);
  const show = (value: number | null) => (value === null ? "—" : figure.format(value));
  // For app.js's readout: each point's place, its second from the start and its value in words.
  const readout = {
    "data-readout-from": String(metrics.from),
    "data-readout-x": model.readout.map((point) => point.x).join(","),
    "data-readout-y": model.readout.map((point) => point.y).join(","),
    "data-readout-s": model.readout
      .map((point) => Math.round((point.at - metrics.from) / 1000))
      .join(","),
    "data-readout-v": model.readout.map((point) => figure.format(point.value)).join("|"),
  };
  return (
    <figure
      class="chart"
      data-testid={id}
      data-points={String(summary.count)}
      data-gaps={String(summary.gaps)}
    >
      <figcaption>
        <h2>
          {figure.title} <span class="muted">({figure.unit})</span>
        </h2>
      </figcaption>
      <svg
        id={`${id}-plot`}
        viewBox={`0 0 ${box.width} ${box.height}`}
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
        aria-describedby={`${id}-readout`}
        tabindex={summary.count > 0 ? 0 : undefined}
        data-readout={`${id}-readout`}
        {...readout}
      >
        <title id={`${id}-title`}>{`${figure.title}, ${RANGE_WORDS[props.metrics.range]}`}</title>
        <desc id={`${id}-desc`}>{description(figure, model, metrics.range)}</desc>
        <g class="grid">
          {model.yTicks.map((tick) => (
            <>
              <line x1={box.left} x2={plotRight} y1={tick.at} y2={tick.at} />
              <text x={box.left - 4} y={tick.at + 3.5} text-anchor="end">
                {tick.value.toFixed(digits)}
              </text>
            </>
          ))}
        </g>
        <g class="x-axis">
          <line class="axis" x1={box.left} x2={plotRight} y1={plotBottom} y2={plotBottom} />
          <line class="axis" x1={box.left} x2={box.left} y1={box.top} y2={plotBottom} />
          {model.xTicks.map((tick) => (
            <>
              <line class="axis" x1={tick.at} x2={tick.at} y1={plotBottom} y2={plotBottom + 4} />
              <text x={tick.labelX} y={box.height - 6} text-anchor={tick.anchor}>
                {timeLabel(tick.value)}
              </text>
            </>
          ))}
        </g>
        {model.maxY !== null && summary.max !== null && (
          <g class="max-line" data-testid={`${id}-max`}>
            <line x1={box.left} x2={plotRight} y1={model.maxY} y2={model.maxY} />
            {/* Above the plot, never on a line. */}
            <text x={box.left} y={LABEL_STRIP_Y}>
              {`max ${figure.format(summary.max)}`}
            </text>
          </g>
        )}
        {model.path && <path class="line" d={model.path} data-testid={`${id}-line`} />}
        {model.dots.map((dot) => (
          <circle class="dot" cx={dot.x} cy={dot.y} r="2.5" />
        ))}
        {model.latest && summary.latest !== null && (
          <g class="latest">
            <circle cx={model.latest.x} cy={model.latest.y} r="3.5" />
            <text x={plotRight} y={LABEL_STRIP_Y} text-anchor="end">
              {figure.format(summary.latest)}
            </text>
          </g>
        )}
        {summary.count === 0 && (
          <text
            class="empty"
            x={(box.left + plotRight) / 2}
            y={box.height / 2}
            text-anchor="middle"
          >
            Nothing reported
          </text>
        )}
      </svg>
      <p class="chart-readout muted" id={`${id}-readout`} data-testid={`${id}-readout`}>
        {summary.count > 0
          ? "Point at the chart, or focus it and use the arrow keys, to read a value."
          : ""}
      </p>
      <dl class="chart-summary">
        <div>
          <dt>Latest</dt>
          <dd data-testid={`${id}-latest`}>
            {show(summary.latest)}
            {summary.latest !== null && figure.context ? ` ${figure.context}` : ""}
          </dd>
        </div>
        <div>
          <dt>Average</dt>
          <dd data-testid={`${id}-avg`}>{show(summary.avg)}</dd>
        </div>
        <div>
          <dt>Min</dt>
          <dd data-testid={`${id}-min`}>{show(summary.min)}</dd>
        </div>
        <div>
          <dt>Max</dt>
          <dd data-testid={`${id}-max-value`}>{show(summary.max)}</dd>
        </div>
      </dl>
    </figure>
  );
}

/** The live part of the Monitoring tab: how the series was made, then one chart per figure. */
export function MonitoringCharts({ metrics }: { metrics: MemberMetrics }) {
  const resolution =
    metrics.bucketMs === 0
      ? "one point per sample"
      : `each point averages ${duration(metrics.bucketMs)}`;
  const latestAt = metrics.points.at(-1)?.at;
  return (
    <section data-testid="monitoring" data-range={metrics.range} aria-label="Charts">
      <p class="muted" data-testid="monitoring-note">
        {`Sampled every ${duration(metrics.sampleIntervalMs)}; ${resolution}; times in UTC. `}
        {latestAt !== undefined
          ? `Latest sample at ${timeLabel(latestAt)}.`
          : `No samples in ${RANGE_WORDS[metrics.range]} yet: the control plane writes one every ${duration(metrics.sampleIntervalMs)} while the member reports.`}
      </p>
      <div class="charts">
        {figuresOf(metrics).map((figure) => (
          <Chart figure={figure} metrics={metrics} />
        ))}
      </div>
    </section>
  );
}
