import type { DnsError } from "../dns/provider";

/** Retries of a failed update: exponential from 1 s, at most 30 s apart, until confirmed. */
export const DNS_RETRY_BASE_MS = 1_000;
export const DNS_RETRY_MAX_MS = 30_000;
/**
 * While the backoff grows past it, the provider is still probed this often with a cheap read, so
 * an update is confirmed within seconds of the provider coming back; the first read that
 * succeeds triggers the write at once.
 */
export const DNS_PROBE_MAX_MS = 4_000;
/** A refusal the provider will repeat (bad credentials, permissions) is retried this much slower. */
const NON_RETRYABLE_FACTOR = 10;

export function retryDelayMs(failures: number, retryAfterMs?: number): number {
  const backoff = Math.min(DNS_RETRY_MAX_MS, DNS_RETRY_BASE_MS * 2 ** Math.max(0, failures - 1));
  return Math.max(backoff, retryAfterMs ?? 0);
}

/** When to call the provider again after `failures` failed calls in a row. */
export function nextCallDelayMs(failures: number, error: DnsError | null): number {
  const delay = retryDelayMs(failures, error?.retryAfterMs);
  if (error && !error.retryable) return delay * NON_RETRYABLE_FACTOR;
  return Math.max(Math.min(delay, DNS_PROBE_MAX_MS), error?.retryAfterMs ?? 0);
}
