import { describe, expect, it } from "vitest";
import {
  ALERT_BACKOFF_CAP_MS,
  MAX_ALERT_ATTEMPTS,
  MAX_RETRY_AFTER_MS,
  nextAttemptDelayMs,
} from "../../../worker/alerts/backoff";

/** A random() that returns just under 1: the delay sits at the top of its jitter range. */
const highest = () => 0.999_999;
const lowest = () => 0;
const half = () => 0.5;

describe("nextAttemptDelayMs", () => {
  it.each([
    { attempt: 1, random: highest, expected: 1_999 },
    { attempt: 2, random: highest, expected: 3_999 },
    { attempt: 3, random: highest, expected: 7_999 },
    { attempt: 7, random: highest, expected: 127_999 },
    { attempt: 8, random: highest, expected: 255_999 },
    { attempt: 9, random: highest, expected: 299_999 }, // capped at 5 min
    { attempt: 40, random: highest, expected: 299_999 },
    { attempt: 3, random: half, expected: 4_000 },
    { attempt: 3, random: lowest, expected: 0 }, // full jitter reaches zero
  ])("attempt $attempt, random $random.name → $expected ms", ({ attempt, random, expected }) => {
    expect(nextAttemptDelayMs(attempt, undefined, random)).toBe(expected);
  });

  it.each([
    { name: "a longer Retry-After wins", retryAfterMs: 30_000, expected: 30_000 },
    {
      name: "a shorter Retry-After does not shorten backoff",
      retryAfterMs: 1_000,
      expected: 4_000,
    },
    { name: "Retry-After is capped", retryAfterMs: 86_400_000, expected: MAX_RETRY_AFTER_MS },
    { name: "Retry-After 0 leaves backoff as is", retryAfterMs: 0, expected: 4_000 },
  ])("$name", ({ retryAfterMs, expected }) => {
    expect(nextAttemptDelayMs(3, retryAfterMs, half)).toBe(expected);
  });

  it("stays within [0, cap] for real randomness at every attempt", () => {
    for (let attempt = 1; attempt <= MAX_ALERT_ATTEMPTS * 2; attempt++) {
      const delay = nextAttemptDelayMs(attempt);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(ALERT_BACKOFF_CAP_MS);
      expect(Number.isInteger(delay)).toBe(true);
    }
  });
});
