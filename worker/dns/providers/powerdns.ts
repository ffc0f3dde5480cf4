import type { DnsProviderSettings } from "../../../shared/dns";
import type { OutboundPolicy } from "../../lib/outbound-url";
import { isInZone, normalizeName, sortAddresses, withTrailingDot } from "../plan";
import { type DesiredRecords, type DnsCheck, DnsError, type DnsProvider } from "../provider";
import { PROBE_TTL_SECONDS, probeName, probeText } from "../write-probe";
import { checkBy, httpError, readJson, send } from "./http";

type PowerDnsSettings = Extract<DnsProviderSettings, { kind: "powerdns" }>;

/** The part of PowerDNS's zone object Baton reads (GET /api/v1/servers/{id}/zones/{zone}). */
interface Zone {
  rrsets?: { name: string; type: string; ttl?: number; records: RecordEntry[] }[];
}
interface RecordEntry {
  content: string;
  disabled?: boolean;
}

const PROVIDER = "PowerDNS";

/**
 * PowerDNS Authoritative through its HTTP API: reads the zone's RRsets and writes one A RRset
 * with `changetype: REPLACE` (or DELETE when no address is wanted), names fully qualified.
 */
export class PowerDnsProvider implements DnsProvider {
  readonly #zoneUrl: string;

  constructor(
    private readonly settings: PowerDnsSettings,
    private readonly policy: OutboundPolicy,
  ) {
    const base = settings.baseUrl.replace(/\/+$/, "");
    const server = encodeURIComponent(settings.serverId);
    const zone = encodeURIComponent(withTrailingDot(settings.zone));
    this.#zoneUrl = `${base}/api/v1/servers/${server}/zones/${zone}`;
  }

  async readAddresses(name: string): Promise<string[]> {
    const rrset = await this.#readRrset(name);
    return sortAddresses(rrset?.records.map((record) => record.content) ?? []);
  }

  async setAddresses(records: DesiredRecords): Promise<void> {
    const wanted = sortAddresses(records.addresses);
    const rrset = await this.#readRrset(records.name);
    const served = sortAddresses(rrset?.records.map((record) => record.content) ?? []);
    const sameTtl = rrset?.ttl === records.ttl || wanted.length === 0;
    if (sameTtl && served.join() === wanted.join()) return;
    const name = withTrailingDot(normalizeName(records.name));
    const change =
      wanted.length === 0
        ? { name, type: "A", changetype: "DELETE" }
        : {
            name,
            type: "A",
            ttl: records.ttl,
            changetype: "REPLACE",
            records: wanted.map((content) => ({ content, disabled: false })),
          };
    await this.#call("PATCH", JSON.stringify({ rrsets: [change] }));
  }

  check(name: string): Promise<DnsCheck> {
    return checkBy(
      `zone ${normalizeName(this.settings.zone)}`,
      name,
      () => this.readAddresses(name),
      () => this.#proveWrite(name),
    );
  }

  /** REPLACEs the TXT probe RRset (quoted text, as PowerDNS wants TXT content), then DELETEs it. */
  async #proveWrite(name: string): Promise<void> {
    const probe = withTrailingDot(probeName(name));
    const record = { content: `"${probeText()}"`, disabled: false };
    const write = { name: probe, type: "TXT", ttl: PROBE_TTL_SECONDS, changetype: "REPLACE" };
    await this.#call("PATCH", JSON.stringify({ rrsets: [{ ...write, records: [record] }] }));
    const remove = { name: probe, type: "TXT", changetype: "DELETE" };
    await this.#call("PATCH", JSON.stringify({ rrsets: [remove] }));
  }

  /** The enabled records of `name`'s A RRset, or undefined when it has none. */
  async #readRrset(name: string) {
    if (!isInZone(name, this.settings.zone)) {
      throw new DnsError(`${PROVIDER}: ${name} is not in zone ${this.settings.zone}`, false);
    }
    const zone = (await readJson(PROVIDER, await this.#call("GET"))) as Zone;
    const fqdn = withTrailingDot(normalizeName(name));
    const rrset = zone.rrsets?.find((set) => set.type === "A" && set.name.toLowerCase() === fqdn);
    if (!rrset) return undefined;
    return { ...rrset, records: rrset.records.filter((record) => !record.disabled) };
  }

  async #call(method: "GET" | "PATCH", body?: string): Promise<Response> {
    const headers: Record<string, string> = {
      "X-API-Key": this.settings.apiKey,
      Accept: "application/json",
    };
    if (body) headers["Content-Type"] = "application/json";
    const response = await send(PROVIDER, this.#zoneUrl, { method, headers, body }, this.policy);
    if (response.ok) return response;
    const detail = errorField(await response.text());
    if (response.status === 404) {
      const where = `server ${this.settings.serverId}`;
      throw new DnsError(`${PROVIDER}: zone ${this.settings.zone} not found on ${where}`, false);
    }
    throw httpError(PROVIDER, response, detail);
  }
}

/**
 * PowerDNS answers errors as `{"error": "..."}` (plain text for 401 and 404): that field is shown,
 * any other body is not.
 */
function errorField(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: unknown };
    if (typeof parsed.error === "string") return parsed.error;
  } catch {
    // not PowerDNS's error shape
  }
  return "";
}
