import { APIError } from "cloudflare/core/error";
import { BaseRecords, type RecordResponse } from "cloudflare/resources/dns/records";
import { createClient } from "cloudflare/tree-shakable";
import type { DnsProviderSettings } from "../../../shared/dns";
import type { OutboundPolicy } from "../../lib/outbound-url";
import { type ExistingRecord, normalizeName, planRecords, sortAddresses } from "../plan";
import { type DesiredRecords, type DnsCheck, DnsError, type DnsProvider } from "../provider";
import {
  checkBy,
  errorDetail,
  isRetryableStatus,
  notJson,
  REQUEST_TIMEOUT_MS,
  retryAfterMs,
  send,
} from "./http";

type CloudflareSettings = Extract<DnsProviderSettings, { kind: "cloudflare" }>;

const PROVIDER = "Cloudflare";
/** Cloudflare's "automatic" TTL, the only one a proxied record takes. */
const AUTOMATIC_TTL = 1;
const PAGE_SIZE = 100;

/**
 * A Cloudflare zone through the official SDK (only its DNS records resource, to keep the Worker
 * small). One A record per address; records are rewritten in place where possible and removed
 * last, so the name never answers with nothing while it changes.
 */
export class CloudflareProvider implements DnsProvider {
  readonly #client;

  constructor(
    private readonly settings: CloudflareSettings,
    policy: OutboundPolicy,
  ) {
    this.#client = createClient({
      // Every SDK request goes through the same outbound rule and failure wording as the others.
      fetch: (input: string | URL | Request, init?: RequestInit) =>
        sendToApi(input instanceof Request ? input.url : String(input), init ?? {}, policy),
      resources: [BaseRecords],
      apiToken: settings.apiToken,
      // Never pick up other credentials from the environment (the SDK reads process.env).
      apiKey: null,
      apiEmail: null,
      userServiceKey: null,
      baseURL: settings.apiBaseUrl ?? null,
      maxRetries: 0, // the coordinator retries, with backoff and Retry-After
      timeout: REQUEST_TIMEOUT_MS,
    });
  }

  async readAddresses(name: string): Promise<string[]> {
    const records = await this.#list(name);
    return sortAddresses(records.map((record) => record.content ?? ""));
  }

  async setAddresses(desired: DesiredRecords): Promise<void> {
    const proxied = desired.proxied ?? this.settings.proxied;
    const ttl = proxied ? AUTOMATIC_TTL : desired.ttl;
    const records = await this.#list(desired.name);
    const existing: ExistingRecord<string>[] = records.map((record) => ({
      id: record.id,
      address: record.content ?? "",
      current: record.ttl === ttl && record.proxied === proxied,
    }));
    const plan = planRecords(existing, desired.addresses);
    const zone_id = this.settings.zoneId;
    const body = (content: string) => ({
      zone_id,
      type: "A" as const,
      name: normalizeName(desired.name),
      content,
      ttl,
      proxied,
    });
    try {
      for (const { id, address } of plan.update) await this.#records.update(id, body(address));
      for (const address of plan.create) await this.#records.create(body(address));
      for (const id of plan.remove) await this.#records.delete(id, { zone_id });
    } catch (error) {
      throw toDnsError(error);
    }
  }

  check(name: string): Promise<DnsCheck> {
    return checkBy(`zone ${this.settings.zoneId}`, name, () => this.readAddresses(name));
  }

  get #records() {
    return this.#client.dns.records;
  }

  /** Every A record named exactly `name`, across pages. */
  async #list(name: string): Promise<RecordResponse[]> {
    try {
      const query = { zone_id: this.settings.zoneId, type: "A" as const, per_page: PAGE_SIZE };
      let page = await this.#records.list({ ...query, name: { exact: normalizeName(name) } });
      const records = [...page.result];
      // A short page is the last one; this spares the empty page the SDK's iterator would fetch.
      while (page.result.length === PAGE_SIZE) {
        page = await page.getNextPage();
        records.push(...page.result);
      }
      return records.filter((record) => record.type === "A");
    } catch (error) {
      throw toDnsError(error);
    }
  }
}

/** Maps an SDK error to a DnsError with Cloudflare's own messages from its `errors[]` envelope. */
function toDnsError(error: unknown): DnsError {
  if (error instanceof DnsError) return error;
  if (!(error instanceof APIError)) {
    // The SDK could not read the answer (not Cloudflare's API?); its parser's words may quote it.
    return new DnsError(
      `${PROVIDER}: the answer is not Cloudflare's API (${errorName(error)})`,
      false,
    );
  }
  if (error.status === undefined) {
    // APIConnectionError / APIConnectionTimeoutError: no answer at all; `send` said why.
    if (error.cause instanceof DnsError) return error.cause;
    return new DnsError(`${PROVIDER}: request failed: ${error.message}`, true);
  }
  const messages = error.errors
    .map((item) => (item.code ? `${item.message} (code ${item.code})` : item.message))
    .filter(Boolean);
  const detail = messages.length > 0 ? errorDetail(messages.join("; ")) : "no error message";
  const retryable = isRetryableStatus(error.status);
  const wait = retryable ? retryAfterMs(error.headers?.get("retry-after")) : undefined;
  return new DnsError(`${PROVIDER} answered ${error.status}: ${detail}`, retryable, wait);
}

/**
 * `send`, and an answer that is not JSON is refused here: the SDK would otherwise take any text
 * for an empty result, and a misdirected URL would look like a zone with no records.
 */
async function sendToApi(url: string, init: RequestInit, policy: OutboundPolicy) {
  const response = await send(PROVIDER, url, init, policy);
  const type = response.headers.get("content-type") ?? "";
  if (response.status < 300 && !type.includes("json")) {
    await response.body?.cancel();
    throw notJson(PROVIDER, response);
  }
  return response;
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
