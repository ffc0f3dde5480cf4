/**
 * A fixed start for tests that move the coordinator's clock: noon UTC of the day after today.
 * It must lie ahead of the real clock: workerd runs a Durable Object alarm set in the past at
 * once and reports it as due now, so a constant date in the past breaks alarm tests the day it
 * passes. Whole days keep times such as a nightly 03:00 schedule easy to state.
 */
const DAY_MS = 86_400_000;

/** Midnight UTC of the day after the real today, plus `hourUtc` hours. */
export function tomorrowAt(hourUtc: number): number {
  return (Math.floor(Date.now() / DAY_MS) + 1) * DAY_MS + hourUtc * 3_600_000;
}
