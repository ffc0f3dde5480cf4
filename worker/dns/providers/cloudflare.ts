import type { DnsProviderSettings } from "../../../shared/dns";
import type { OutboundPolicy } from "../../lib/outbound-url";
import { type ExistingRecord, normalizeName, planRecords, sortAddresses } from "../plan";
import type { DesiredRecords, DnsCheck, DnsProvider } from "../provider";
import { CloudflareApi, type CloudflareRecord } from "./cloudflare-api";
import { checkBy } from "./http";

type CloudflareSettings = Extract<DnsProviderSettings, { kind: "cloudflare" }>;

/** Cloudflare's "automatic" TTL, the only one a proxied record takes. */
const AUTOMATIC_TTL = 1;
const PAGE_SIZE = 100;

/**
 * A Cloudflare zone through API v4's DNS records endpoints (a small fetch client, not the SDK:
 * it alone was most of the Worker's modules). One A record per address; records are rewritten in
 * place where possible and removed last, so the name never answers with nothing while it changes.
 */
export class CloudflareProvider implements DnsProvider {
  readonly #api: CloudflareApi;
  readonly #records: string;

  constructor(
    private readonly settings: CloudflareSettings,
    policy: OutboundPolicy,
  ) {
    this.#api = new CloudflareApi(settings.apiToken, settings.apiBaseUrl, policy);
    this.#records = `/zones/${encodeURIComponent(settings.zoneId)}/dns_records`;
  }

  async readAddresses(name: string): Promise<string[]> {
    const records = await this.#list(name);
    return sortAddresses(records.map((record) => record.content));
  }

  async setAddresses(desired: DesiredRecords): Promise<void> {
    const proxied = desired.proxied ?? this.settings.proxied;
    const ttl = proxied ? AUTOMATIC_TTL : desired.ttl;
    const records = await this.#list(desired.name);
    const existing: ExistingRecord<string>[] = records.map((record) => ({
      id: record.id,
      address: record.content,
      current: record.ttl === ttl && record.proxied === proxied,
    }));
    const plan = planRecords(existing, desired.addresses);
    const name = normalizeName(desired.name);
    const body = (content: string) => ({ type: "A", name, content, ttl, proxied });
    for (const { id, address } of plan.update) {
      await this.#api.call("PUT", `${this.#records}/${id}`, body(address));
    }
    for (const address of plan.create) await this.#api.call("POST", this.#records, body(address));
    for (const id of plan.remove) await this.#api.call("DELETE", `${this.#records}/${id}`);
  }

  check(name: string): Promise<DnsCheck> {
    return checkBy(`zone ${this.settings.zoneId}`, name, () => this.readAddresses(name));
  }

  /** Every A record named exactly `name`, across pages (a short page is the last one). */
  async #list(name: string): Promise<CloudflareRecord[]> {
    const query = new URLSearchParams({
      type: "A",
      "name.exact": normalizeName(name),
      per_page: String(PAGE_SIZE),
    });
    const records: CloudflareRecord[] = [];
    for (let page = 1; ; page += 1) {
      if (page > 1) query.set("page", String(page));
      const { result } = await this.#api.call<CloudflareRecord[]>(
        "GET",
        `${this.#records}?${query}`,
      );
      records.push(...result);
      if (result.length < PAGE_SIZE) break;
    }
    return records.filter((record) => record.type === "A");
  }
}
