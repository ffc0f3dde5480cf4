import type { DnsProviderSettings } from "../../../shared/dns";
import type { OutboundPolicy } from "../../lib/outbound-url";
import { isInZone, normalizeName, planRecords, sortAddresses } from "../plan";
import { type DesiredRecords, type DnsCheck, DnsError, type DnsProvider } from "../provider";
import { PROBE_TTL_SECONDS, probeName, probeText } from "../write-probe";
import { tokenStatusError, writeAccessError, zoneAccessError } from "./cloudflare-access";
import { CloudflareApi, CloudflareError, type CloudflareRecord, PROVIDER } from "./cloudflare-api";
import { applyPlan, commentMarker } from "./cloudflare-writes";
import { checkBy } from "./http";

type CloudflareSettings = Extract<DnsProviderSettings, { kind: "cloudflare" }>;

/** Cloudflare's "automatic" TTL, the only one a proxied record takes. */
const AUTOMATIC_TTL = 1;
const PAGE_SIZE = 100;
/** "An identical record already exists.": someone (a late retry) wrote what Baton wants. */
const IDENTICAL_RECORD = 81058;

/**
 * A Cloudflare zone through API v4's DNS records endpoints (a small fetch client, not the SDK:
 * it alone was most of the Worker's modules). One A record per address; records are rewritten in
 * place where possible (PATCH), several changes go in one batch transaction, and names outside
 * the zone are refused (Cloudflare would quietly create `lb.example.net.example.com`).
 */
export class CloudflareProvider implements DnsProvider {
  readonly #api: CloudflareApi;
  readonly #records: string;
  #zoneName: Promise<string> | null = null;

  constructor(
    private readonly settings: CloudflareSettings,
    policy: OutboundPolicy,
  ) {
    this.#api = new CloudflareApi(settings.apiToken, settings.apiBaseUrl, policy);
    this.#records = `/zones/${encodeURIComponent(settings.zoneId)}/dns_records`;
  }

  async readAddresses(name: string): Promise<string[]> {
    await this.#requireInZone(name);
    const records = await this.#list(name, "A");
    return sortAddresses(records.map((record) => record.content));
  }

  async setAddresses(desired: DesiredRecords): Promise<void> {
    await this.#requireInZone(desired.name);
    try {
      await this.#write(desired);
    } catch (error) {
      // A record Baton wants appeared since the read: read again; what is left is done anew.
      if (!(error instanceof CloudflareError && error.codes.includes(IDENTICAL_RECORD))) {
        throw writeAccessError(error);
      }
      await this.#write(desired).catch((again) => {
        throw writeAccessError(again);
      });
    }
  }

  check(name: string): Promise<DnsCheck> {
    return checkBy(
      `zone ${this.settings.zoneId}`,
      name,
      async () => {
        const verified = await this.#api
          .call<{ status?: string }>("GET", "/user/tokens/verify")
          .catch(() => null); // account-owned tokens are unknown there: the zone call decides
        const inactive = tokenStatusError(verified?.result?.status);
        if (inactive) throw inactive;
        return this.readAddresses(name);
      },
      () => this.#proveWrite(name),
    );
  }

  async #write(desired: DesiredRecords): Promise<void> {
    const proxied = desired.proxied ?? this.settings.proxied;
    const ttl = proxied ? AUTOMATIC_TTL : desired.ttl;
    const records = await this.#list(desired.name, "A");
    const existing = records.map((record) => ({
      id: record.id,
      address: record.content,
      current: record.ttl === ttl && record.proxied === proxied,
    }));
    const plan = planRecords(existing, desired.addresses);
    const byId = new Map(records.map((record) => [record.id, record]));
    const values = {
      name: normalizeName(desired.name),
      ttl,
      proxied,
      marker: commentMarker(desired.owner),
    };
    await applyPlan(this.#api, this.#records, plan, byId, values);
  }

  /** Writes and removes the TXT probe; a refusal names the permission the token lacks. */
  async #proveWrite(name: string): Promise<void> {
    const probe = probeName(name);
    try {
      for (const stale of await this.#list(probe, "TXT")) {
        await this.#api.call("DELETE", `${this.#records}/${stale.id}`);
      }
      const body = {
        type: "TXT",
        name: probe,
        content: `"${probeText()}"`,
        ttl: PROBE_TTL_SECONDS,
        comment: commentMarker("write check, removed at once"),
      };
      const { result } = await this.#api.call<CloudflareRecord>("POST", this.#records, body);
      await this.#api.call("DELETE", `${this.#records}/${result.id}`);
    } catch (error) {
      throw writeAccessError(error);
    }
  }

  /** The zone's name, from `GET /zones/:zone_id` (any zone permission may read it), once. */
  #zone(): Promise<string> {
    this.#zoneName ??= this.#api
      .call<{ name: string }>("GET", `/zones/${encodeURIComponent(this.settings.zoneId)}`)
      .then(
        ({ result }) => normalizeName(result.name),
        (error) => {
          this.#zoneName = null; // not cached: the next call asks again
          throw zoneAccessError(error, this.settings.zoneId);
        },
      );
    return this.#zoneName;
  }

  async #requireInZone(name: string): Promise<void> {
    const zone = await this.#zone();
    if (!isInZone(name, zone))
      throw new DnsError(`${PROVIDER}: ${name} is not in zone ${zone}`, false);
  }

  /** Every record of `type` named exactly `name`, across pages (a short page is the last one). */
  async #list(name: string, type: "A" | "TXT"): Promise<CloudflareRecord[]> {
    const query = new URLSearchParams({
      type,
      "name.exact": normalizeName(name),
      per_page: String(PAGE_SIZE),
    });
    const records: CloudflareRecord[] = [];
    for (let page = 1; ; page += 1) {
      if (page > 1) query.set("page", String(page));
      const path = `${this.#records}?${query}`;
      const { result } = await this.#api.call<CloudflareRecord[]>("GET", path);
      records.push(...result);
      if (result.length < PAGE_SIZE) break;
    }
    return records.filter((record) => record.type === type);
  }
}
