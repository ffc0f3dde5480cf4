import type { AlertPayload, AlertSettings } from "../../shared/alerts";
import {
  type OutboundPolicy,
  outboundRefusalMessage,
  outboundUrlRefusal,
} from "../lib/outbound-url";
import { signBody } from "./signature";

export { alertPayload, type PoolEvent } from "./payload";
export { signBody, verifySignature } from "./signature";

/** Long enough for a slow chat service, short enough not to hold a coordinator alarm. */
export const ALERT_TIMEOUT_MS = 10_000;
/**
 * A refusal's body goes into the error only when it is an error code such as Slack's
 * `invalid_payload` or `no_service`: anything else could be whatever a misdirected URL holds.
 */
const ERROR_CODE_BODY = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

export type SendResult =
  | { ok: true; status: number }
  | { ok: false; retryable: boolean; status?: number; retryAfterMs?: number; error: string };

/** A test delivery's result: what the receiver said, how long it took and where it went. */
export type AlertTestResult = SendResult & { durationMs: number; url: string };

export interface SendOptions {
  /** Checked before every delivery, not only when the URL was saved. */
  policy: OutboundPolicy;
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** The clock, for X-Baton-Timestamp, `sentAt` and Retry-After dates. */
  now?: () => number;
}

/**
 * POSTs one alert, signed, to a URL the outbound rule allows. Never throws: the result says
 * whether to try again. Redirects are not followed, so a signed body never lands somewhere the
 * admin did not configure.
 */
export async function sendAlert(
  settings: Pick<AlertSettings, "url" | "secret">,
  payload: AlertPayload,
  options: SendOptions,
): Promise<SendResult> {
  const { fetch: send = fetch, timeoutMs = ALERT_TIMEOUT_MS, now = Date.now } = options;
  const refusal = outboundUrlRefusal(settings.url, options.policy);
  if (refusal) return { ok: false, retryable: false, error: outboundRefusalMessage(refusal) };
  const sentAt = now();
  const timestamp = Math.floor(sentAt / 1000);
  const body = JSON.stringify({ ...payload, sentAt });
  let response: Response;
  try {
    response = await send(settings.url, {
      method: "POST",
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
      headers: {
        "Content-Type": "application/json",
        "User-Agent": "baton-control-plane",
        "X-Baton-Event": payload.type,
        "X-Baton-Delivery": payload.id,
        "X-Baton-Timestamp": String(timestamp),
        "X-Baton-Signature": await signBody(settings.secret, timestamp, body),
      },
      body,
    });
  } catch (error) {
    return { ok: false, retryable: true, error: describeFailure(error, timeoutMs) };
  }
  const { status } = response;
  if (status >= 200 && status < 300) {
    await response.body?.cancel();
    return { ok: true, status };
  }
  const detail = await responseSnippet(response);
  if (status >= 300 && status < 400) {
    const location = response.headers.get("Location") ?? "elsewhere";
    return {
      ok: false,
      retryable: false,
      status,
      error: `HTTP ${status}: redirected to ${location}`,
    };
  }
  const retryable = status === 408 || status === 429 || status >= 500;
  const retryAfterMs = retryable
    ? parseRetryAfter(response.headers.get("Retry-After"), sentAt)
    : undefined;
  const error = detail ? `HTTP ${status}: ${detail}` : `HTTP ${status}`;
  return {
    ok: false,
    retryable,
    status,
    error,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  };
}

/** Retry-After is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  // HTTP dates name a weekday and month; Date.parse alone would read "-5" as a year.
  const date = /[a-z]/i.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

async function responseSnippet(response: Response): Promise<string> {
  try {
    const text = (await response.text()).trim();
    return ERROR_CODE_BODY.test(text) ? text : "";
  } catch {
    return "";
  }
}

function describeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && error.name === "TimeoutError") {
    return `timed out after ${timeoutMs} ms`;
  }
  const cause =
    error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `network error: ${error instanceof Error ? error.message : String(error)}${cause}`;
}
