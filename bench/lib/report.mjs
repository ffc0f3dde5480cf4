// Prints one phase's figures next to the targets.

export const TARGETS = { maxRatePerSecond: 1000, maxRateP99Ms: 50, rowsWrittenPerHeartbeat: 0.05 };

/** How often each pool's coordinator writes a metric sample (worker/coordinator/sampler.ts). */
const SAMPLE_INTERVAL_S = 30;

const fmt = (n, digits = 1) =>
  n === null
    ? "-"
    : n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const mark = (met) => (met ? "met" : "MISSED");

/**
 * Where the time went: each process's busiest thread (a JavaScript event loop near 100 % is
 * saturated) and how long its threads waited for a core held by something else.
 */
export function printScheduling(print, r) {
  const entries = Object.entries(r.controlPlaneScheduling ?? {});
  if (r.loadGeneratorScheduling) entries.push(["load generator", r.loadGeneratorScheduling]);
  const busiest = entries
    .filter(([, s]) => s.busiestThread >= 0.5)
    .map(([name, s]) => `${name} ${fmt(s.busiestThread, 0)}%`);
  const waited = entries
    .filter(([, s]) => s.waitedRunnable >= 0.5)
    .map(([name, s]) => `${name} ${fmt(s.waitedRunnable, 0)}%`);
  print(`  busiest thread  ${busiest.join(", ") || "-"}`);
  print(`  waited for CPU  ${waited.join(", ") || "-"} (runnable, no core free)`);
}

/** `maxRate`: the phase the throughput and latency targets apply to. */
export function printPhase(print, title, r, { maxRate = false, steady = true } = {}) {
  const errors = Object.entries(r.errorsByStatus).map(([status, n]) => `${status}: ${n}`);
  const { p50, p90, p99, max } = r.latencyMs;
  const d1 = r.d1PerHeartbeat;
  const rowsMet = d1.rowsWritten !== null && d1.rowsWritten <= TARGETS.rowsWrittenPerHeartbeat;
  const rate = maxRate
    ? `   target ≥ ${fmt(TARGETS.maxRatePerSecond, 0)}/s: ${mark(r.perSecond >= TARGETS.maxRatePerSecond)}`
    : "";
  const latency = maxRate
    ? `   target p99 ≤ ${TARGETS.maxRateP99Ms}: ${mark(p99 !== null && p99 <= TARGETS.maxRateP99Ms)}`
    : "";
  const rows = steady ? `   target ≤ ${TARGETS.rowsWrittenPerHeartbeat}: ${mark(rowsMet)}` : "";
  const cpu = Object.entries(r.controlPlaneCpuPercent).map(
    ([name, pct]) => `${name} ${fmt(pct, 0)}%`,
  );

  print(`\n${title}`);
  print(
    `  heartbeats      ${fmt(r.sent, 0)} sent, ${fmt(r.errors, 0)} errors${errors.length ? ` (${errors.join(", ")})` : ""}`,
  );
  print(`  sustained       ${fmt(r.perSecond)} heartbeats/s over ${fmt(r.elapsedS)} s${rate}`);
  print(
    `  latency (ms)    p50 ${fmt(p50)}  p90 ${fmt(p90)}  p99 ${fmt(p99)}  max ${fmt(max)}${latency}`,
  );
  print(
    `  D1 round trips  ${fmt(d1.roundTrips, 3)} per heartbeat (${fmt(d1.statements, 3)} statements)`,
  );
  print(`  D1 rows written ${fmt(d1.rowsWritten, 4)} per heartbeat${rows}`);
  print(
    `  CPU, % of core  ${cpu.join(", ") || "-"}; load generator ${fmt(r.loadGeneratorCpuPercent, 0)}%`,
  );
  printScheduling(print, r);
  if (steady && r.elapsedS < SAMPLE_INTERVAL_S)
    print(
      `  note: shorter than the ${SAMPLE_INTERVAL_S} s metric-sample interval: rows written may be under-counted`,
    );
  if (r.coordinatorHeartbeats !== r.ok)
    print(
      `  note: coordinators counted ${r.coordinatorHeartbeats} heartbeats, clients ${r.ok} 200s (Worker restarted?)`,
    );
}
