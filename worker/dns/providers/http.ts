import {
  type OutboundPolicy,
  outboundRefusalMessage,
  outboundUrlRefusal,
} from "../../lib/outbound-url";
import { type DnsCheck, DnsError } from "../provider";
import { workerFetchRefusal } from "../worker-fetch";
import { probeName } from "../write-probe";

/** Every provider request gives up after this long; the coordinator retries with backoff. */
export const REQUEST_TIMEOUT_MS = 10_000;

/** Longest provider error text (a documented error field, never a raw body) in a message. */
const MAX_DETAIL_CHARS = 200;

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

/** "404 Not Found": the status and its reason phrase when the server sent one. */
function statusLine(response: Response): string {
  return response.statusText ? `${response.status} ${response.statusText}` : `${response.status}`;
}

/** A provider's own error text (from a documented JSON error field) as one bounded line. */
export function errorDetail(text: string): string {
  const printable = [...text].map((char) => (isControl(char) ? " " : char)).join("");
  return printable.replace(/\s+/g, " ").trim().slice(0, MAX_DETAIL_CHARS);
}

function isControl(char: string): boolean {
  const code = char.charCodeAt(0);
  return code < 0x20 || code === 0x7f;
}

/**
 * A DnsError for a failed HTTP answer: "PowerDNS answered 404 Not Found". `detail` is the
 * provider's own error field when its documented error shape has one; the body itself is never
 * carried, since a misdirected URL could answer with anything.
 */
export function httpError(provider: string, response: Response, detail = ""): DnsError {
  const retryable = isRetryableStatus(response.status);
  const redirect = response.status >= 300 && response.status < 400;
  const detailText = errorDetail(detail);
  // PowerDNS says "Unauthorized" for a 401 Unauthorized: once is enough.
  const said = detailText.toLowerCase() === response.statusText.toLowerCase() ? "" : detailText;
  return new DnsError(
    `${provider} answered ${statusLine(response)}${redirect ? " (redirects are not followed)" : ""}${said ? `: ${said}` : ""}`,
    retryable,
    retryable ? retryAfterMs(response.headers.get("retry-after")) : undefined,
  );
}

/**
 * `fetch` with a timeout, to a URL the outbound rule allows (checked at every call, not only
 * when the settings were saved), never following redirects. Failures become DnsErrors that name
 * the provider, the address and what went wrong, never the request's headers (credentials).
 */
export async function send(
  provider: string,
  url: string,
  init: RequestInit,
  policy: OutboundPolicy,
): Promise<Response> {
  const refusal = outboundUrlRefusal(url, policy);
  if (refusal) throw new DnsError(`${provider}: ${outboundRefusalMessage(refusal)}`, false);
  const unreachable = workerFetchRefusal(url, policy);
  if (unreachable) throw new DnsError(`${provider}: URL refused: ${unreachable}`, false);
  try {
    return await fetch(url, {
      ...init,
      redirect: "manual",
      signal: init.signal ?? AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    throw new DnsError(`${provider}: ${failureReason(new URL(url).host, error)}`, true);
  }
}

/** "connection refused to 127.0.0.1:8081", from what fetch threw. */
function failureReason(host: string, error: unknown): string {
  if (!(error instanceof Error)) return `request to ${host} failed: ${String(error)}`;
  if (error.name === "TimeoutError" || error.name === "AbortError") {
    return `no answer from ${host} within ${REQUEST_TIMEOUT_MS / 1000} s`;
  }
  // Node's fetch says only "fetch failed"; the cause names the system error (ECONNREFUSED, …).
  const code = (error.cause as { code?: unknown } | undefined)?.code;
  if (code === "ECONNREFUSED") return `connection refused to ${host}`;
  // workerd's words for a refused or reset connection name neither the address nor the cause.
  if (/network connection lost/i.test(error.message)) {
    return `could not connect to ${host}: the connection was refused or dropped (check the address, the port and that the API is enabled)`;
  }
  if (code === "ENOTFOUND") return `${host} not found in DNS`;
  return `request to ${host} failed: ${error.message}${typeof code === "string" ? ` (${code})` : ""}`;
}

/** An answer that is not JSON: a provider fault worth retrying; what it said is not shown. */
export function notJson(provider: string, response: Response): DnsError {
  return new DnsError(`${provider} answered ${statusLine(response)} but not with JSON`, true);
}

/** Reads a JSON body (see `notJson`). */
export async function readJson(provider: string, response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    throw notJson(provider, response);
  }
}

/**
 * Runs `check`: `read` (credentials, zone, what is served), then `proveWrite` (writes and removes
 * the probe record). A DnsError becomes `ok: false` with its message as the detail.
 */
export async function checkBy(
  zoneLabel: string,
  name: string,
  read: () => Promise<string[]>,
  proveWrite: () => Promise<void>,
): Promise<DnsCheck> {
  let addresses: string[];
  try {
    addresses = await read();
  } catch (error) {
    if (!(error instanceof DnsError)) throw error;
    return { ok: false, writable: false, detail: error.message, addresses: [] };
  }
  const served = addresses.length > 0 ? addresses.join(", ") : "no A record";
  const found = `${zoneLabel} found; ${name} → ${served}`;
  try {
    await proveWrite();
  } catch (error) {
    if (!(error instanceof DnsError)) throw error;
    const detail = `${found}; but writing failed: ${error.message}`;
    return { ok: false, writable: false, detail, addresses };
  }
  const detail = `${found}; write access proven (TXT ${probeName(name)} written and removed)`;
  return { ok: true, writable: true, detail, addresses };
}
