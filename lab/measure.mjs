// Pure measurement of one fault run and the summary over runs. Inputs are what the lab recorded:
// the client's samples, the pool's `failover.promoted` events, when members could not serve, and
// provider calls. Times are epoch ms; every result is relative to the run's start (t0).

/** The client's view: when the name first answered something other than the old active. */
export function answerChangedAt(samples, t0, oldIp) {
  const moved = samples.find(
    (s) =>
      s.at >= t0 &&
      s.answer &&
      s.answer.length > 0 &&
      !(s.answer.length === 1 && s.answer[0] === oldIp),
  );
  return moved ? moved.at : null;
}

/**
 * When the client was served again: the first good sample after the last failed one in the
 * window; t0 itself when nothing failed; null when the window ended failing.
 */
export function servedAgainAt(samples, t0) {
  const inWindow = samples.filter((s) => s.at >= t0);
  let lastFailed = -1;
  inWindow.forEach((s, i) => {
    if (!s.ok) lastFailed = i;
  });
  if (lastFailed === -1) return t0;
  return inWindow.slice(lastFailed + 1).find((s) => s.ok)?.at ?? null;
}

/** Whether `memberId` could not serve at `at`, by the lab's own record of what it broke. */
export function couldNotServe(cannotServe, memberId, at) {
  return cannotServe.some(
    (c) => c.memberId === memberId && c.from <= at && (c.to ?? Infinity) > at,
  );
}

const since = (at, t0) => (at === null || at === undefined ? null : at - t0);

/**
 * One run's figures. `expectFlips`: how many promotions the fault should cause (0 or 1); more
 * than that are false flips (a flip where none was due, or a flap back). `deadlineDelayMs`: for
 * heartbeat-loss faults, the failover delay, to time the decision from the old active's last
 * heartbeat + delay.
 *
 * @param {{ t0: number, samples: { at: number, answer: string[] | null, ok: boolean }[],
 *   promotions: { decidedAt: number, to: string, fromLastHeartbeatAt?: number | null }[],
 *   cannotServe?: { memberId: string, from: number, to: number | null }[], oldIp: string,
 *   expectFlips: number, deadlineDelayMs?: number | null, providerCalls?: number,
 *   answerFrom?: number, failures?: string[] }} input
 */
export function measureRun({
  t0,
  samples,
  promotions,
  cannotServe = [],
  oldIp,
  expectFlips,
  deadlineDelayMs = null,
  providerCalls = 0,
  answerFrom = t0,
  failures = [],
}) {
  const flips = [...promotions].sort((a, b) => a.decidedAt - b.decidedAt);
  const first = flips[0] ?? null;
  const lastHeartbeat = first?.fromLastHeartbeatAt ?? null;
  return {
    promotedMs: since(first?.decidedAt ?? null, t0),
    afterDeadlineMs:
      deadlineDelayMs !== null && first && lastHeartbeat !== null
        ? first.decidedAt - (lastHeartbeat + deadlineDelayMs)
        : null,
    answerMs: since(answerChangedAt(samples, answerFrom, oldIp), answerFrom),
    servedMs: since(servedAgainAt(samples, t0), t0),
    flips: flips.length,
    falseFlips: Math.max(0, flips.length - expectFlips),
    badFlips: flips.filter((f) => couldNotServe(cannotServe, f.to, f.decidedAt)).length,
    clientErrors: samples.filter((s) => s.at >= t0 && !s.ok).length,
    providerCalls,
    /** What the scenario saw end otherwise than it must (rollouts: a file, a step, a report). */
    scenarioFailures: failures.length,
  };
}

export function median(values) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median and worst of one figure; a run that never reached it makes the worst "never" (null). */
export function spread(runs, key) {
  const values = runs.map((run) => run[key]);
  const seen = values.filter((v) => v !== null);
  return {
    median: median(seen),
    worst: seen.length < values.length || seen.length === 0 ? null : Math.max(...seen),
    never: values.length - seen.length,
  };
}

// Runs recorded before a figure existed count it as 0.
const sum = (runs, key) => runs.reduce((total, run) => total + (run[key] ?? 0), 0);

/**
 * A fault's summary over its runs; `mustNotHappen` counts false flips, flips onto a member that
 * could not serve, and scenario failures (a rollout that ended otherwise than it must).
 */
export function summarize(runs) {
  return {
    runs: runs.length,
    promoted: spread(runs, "promotedMs"),
    afterDeadline: spread(runs, "afterDeadlineMs"),
    answer: spread(runs, "answerMs"),
    served: spread(runs, "servedMs"),
    falseFlips: sum(runs, "falseFlips"),
    badFlips: sum(runs, "badFlips"),
    clientErrors: sum(runs, "clientErrors"),
    providerCalls: sum(runs, "providerCalls"),
    maxProviderCalls: runs.length ? Math.max(...runs.map((run) => run.providerCalls)) : 0,
    scenarioFailures: sum(runs, "scenarioFailures"),
    mustNotHappen: sum(runs, "falseFlips") + sum(runs, "badFlips") + sum(runs, "scenarioFailures"),
  };
}
