import type { OutboundPolicy } from "../../lib/outbound-url";
import { DnsError } from "../provider";
import { errorDetail, httpError, isRetryableStatus, notJson, retryAfterMs, send } from "./http";

export const PROVIDER = "Cloudflare";
const DEFAULT_BASE_URL = "https://api.cloudflare.com/client/v4";

/** One message of Cloudflare's `errors[]` / `messages[]` (API v4). */
export interface CloudflareMessage {
  code: number;
  message: string;
}

/** Cloudflare API v4's answer envelope. */
export interface Envelope<T> {
  success: boolean;
  errors: CloudflareMessage[];
  messages?: CloudflareMessage[];
  result: T;
  result_info?: { page: number; per_page: number; count: number; total_count: number };
}

/** A DNS record as `GET /zones/{zone_id}/dns_records` returns it (the fields Baton reads). */
export interface CloudflareRecord {
  id: string;
  type: string;
  name: string;
  content: string;
  ttl: number;
  proxied?: boolean;
  comment?: string | null;
  tags?: string[];
}

/**
 * A small client of Cloudflare's API v4: bearer token, JSON bodies, the `{ success, errors,
 * result }` envelope. Every call goes through `send` (outbound rule, timeout, no redirects);
 * nothing is retried here, the coordinator retries with backoff and Retry-After.
 */
export class CloudflareApi {
  readonly #base: string;

  constructor(
    private readonly token: string,
    baseUrl: string | undefined,
    private readonly policy: OutboundPolicy,
  ) {
    this.#base = (baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, "");
  }

  /** `path` starts with `/` (`/zones/…`); `body` is sent as JSON. */
  async call<T>(method: string, path: string, body?: unknown): Promise<Envelope<T>> {
    const headers: Record<string, string> = {
      Authorization: `Bearer ${this.token}`,
      Accept: "application/json",
    };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const init = { method, headers, body: body === undefined ? undefined : JSON.stringify(body) };
    const response = await send(PROVIDER, `${this.#base}${path}`, init, this.policy);
    const envelope = await readEnvelope<T>(response);
    if (response.ok && envelope?.success) return envelope;
    if (!envelope) throw httpError(PROVIDER, response);
    throw cloudflareError(response.status, envelope.errors, response.headers.get("retry-after"));
  }
}

/** The envelope, or null when the answer is not Cloudflare's JSON (refused if it claimed 2xx). */
async function readEnvelope<T>(response: Response): Promise<Envelope<T> | null> {
  const type = response.headers.get("content-type") ?? "";
  const text = type.includes("json") ? await response.text() : null;
  if (text === null) await response.body?.cancel();
  let parsed: unknown = null;
  try {
    parsed = text === null ? null : JSON.parse(text);
  } catch {
    parsed = null;
  }
  const envelope = isEnvelope(parsed) ? (parsed as Envelope<T>) : null;
  if (!envelope && response.status < 300) throw notJson(PROVIDER, response);
  return envelope;
}

function isEnvelope(value: unknown): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { success?: unknown }).success === "boolean" &&
    Array.isArray((value as { errors?: unknown }).errors)
  );
}

/** A refusal in Cloudflare's envelope: its HTTP status and the codes of its `errors[]`. */
export class CloudflareError extends DnsError {
  constructor(
    message: string,
    retryable: boolean,
    retryAfterMs: number | undefined,
    readonly status: number,
    readonly codes: number[],
  ) {
    super(message, retryable, retryAfterMs);
  }
}

/** "Cloudflare answered 403: Authentication error (code 10000)", from the `errors[]` envelope. */
export function cloudflareError(
  status: number,
  errors: CloudflareMessage[],
  retryAfter?: string | null,
): CloudflareError {
  const messages = errors
    .map((item) => (item.code ? `${item.message} (code ${item.code})` : item.message))
    .filter(Boolean);
  const detail = messages.length > 0 ? errorDetail(messages.join("; ")) : "no error message";
  const retryable = isRetryableStatus(status);
  const wait = retryable ? retryAfterMs(retryAfter) : undefined;
  const codes = errors.map((item) => item.code);
  return new CloudflareError(
    `${PROVIDER} answered ${status}: ${detail}`,
    retryable,
    wait,
    status,
    codes,
  );
}
