/** Attempts per alert, the first included; the waits between them add up to at most ~4 min. */
export const MAX_ALERT_ATTEMPTS = 8;
export const ALERT_BACKOFF_BASE_MS = 2_000;
export const ALERT_BACKOFF_CAP_MS = 5 * 60_000;
/** A receiver's Retry-After is obeyed up to this, so one cannot park an alert for days. */
export const MAX_RETRY_AFTER_MS = 60 * 60_000;

/**
 * How long to wait before the next attempt, `attempt` being how many have been made (1 after
 * the first failure). Full jitter (a random delay up to the exponential ceiling) keeps pools
 * that failed together from retrying together; a Retry-After is a floor, not a suggestion.
 */
export function nextAttemptDelayMs(
  attempt: number,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(
    ALERT_BACKOFF_CAP_MS,
    ALERT_BACKOFF_BASE_MS * 2 ** Math.max(0, attempt - 1),
  );
  const jittered = Math.floor(random() * ceiling);
  return Math.max(jittered, Math.min(retryAfterMs ?? 0, MAX_RETRY_AFTER_MS));
}
