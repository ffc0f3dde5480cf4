import { type DnsCheck, DnsError } from "../provider";

/** Every provider request gives up after this long; the coordinator retries with backoff. */
export const REQUEST_TIMEOUT_MS = 10_000;

/** Longest provider text carried into an error message. */
const MAX_DETAIL_CHARS = 300;

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or bad. */
export function retryAfterMs(header: string | null | undefined, nowMs = Date.now()) {
  if (!header) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** Whether an HTTP status is worth retrying: rate limits and server errors. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** A DnsError for a failed HTTP answer; `detail` is the provider's own words about it. */
export function httpError(provider: string, response: Response, detail: string): DnsError {
  const retryable = isRetryableStatus(response.status);
  const text = detail.trim().slice(0, MAX_DETAIL_CHARS) || response.statusText;
  return new DnsError(
    `${provider}: HTTP ${response.status}${text ? `: ${text}` : ""}`,
    retryable,
    retryable ? retryAfterMs(response.headers.get("retry-after")) : undefined,
  );
}

/**
 * `fetch` with a timeout. Network failures and timeouts become retryable DnsErrors whose message
 * names the provider and the failure, never the request's headers (they carry credentials).
 */
export async function send(provider: string, url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch (error) {
    throw new DnsError(`${provider}: request failed: ${failureReason(error)}`, true);
  }
}

function failureReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === "TimeoutError") return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
  // Node's fetch says only "fetch failed"; the cause names the system error (ECONNREFUSED, …).
  const code = (error.cause as { code?: unknown } | undefined)?.code;
  return typeof code === "string" ? `${error.message} (${code})` : error.message;
}

/** Reads a JSON body; a body that is not JSON is a provider fault worth retrying. */
export async function readJson(provider: string, response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new DnsError(`${provider}: answer is not JSON: ${text.slice(0, 100)}`, true);
  }
}

/** Runs `read` for `check`: a DnsError becomes `ok: false` with its message as the detail. */
export async function checkBy(
  zoneLabel: string,
  name: string,
  read: () => Promise<string[]>,
): Promise<DnsCheck> {
  try {
    const addresses = await read();
    const served = addresses.length > 0 ? addresses.join(", ") : "no A record";
    return { ok: true, detail: `${zoneLabel} found; ${name} → ${served}`, addresses };
  } catch (error) {
    if (!(error instanceof DnsError)) throw error;
    return { ok: false, detail: error.message, addresses: [] };
  }
}
