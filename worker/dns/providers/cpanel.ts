import type { DnsProviderSettings } from "../../../shared/dns";
import type { OutboundPolicy } from "../../lib/outbound-url";
import {
  type ExistingRecord,
  isEmptyPlan,
  isInZone,
  normalizeName,
  planRecords,
  sortAddresses,
  withTrailingDot,
} from "../plan";
import { type DesiredRecords, type DnsCheck, DnsError, type DnsProvider } from "../provider";
import { PROBE_TTL_SECONDS, probeName, probeText } from "../write-probe";
import { checkBy, errorDetail, httpError, readJson, send } from "./http";

type CpanelSettings = Extract<DnsProviderSettings, { kind: "cpanel" }>;

/** UAPI's answer envelope (GET/POST {baseUrl}/execute/Module/function). */
interface UapiResult<T> {
  status: 0 | 1;
  errors: string[] | null;
  data: T;
}

/** One item of DNS::parse_zone: a record, a comment or a control line; text fields in base64. */
interface ZoneItem {
  line_index: number;
  type: "record" | "comment" | "control";
  record_type?: string;
  dname_b64?: string;
  data_b64?: string[];
  ttl?: number;
}

interface ZoneRecord {
  lineIndex: number;
  /** The first data field: the address of an A record, the text of a TXT record. */
  address: string;
  ttl: number;
}

/** What a refused mass_edit_zone most often means, said once where it is known. */
const EDIT_FEATURE =
  "the cPanel account needs the Zone Editor feature (zoneedit or simplezoneedit) for Baton to change its zone";

const PROVIDER = "cPanel";
/** TEST-NET-1 (RFC 5737): an address for documentation, never routed. */
const PROBE_ADDRESS = "192.0.2.1";

/**
 * A cPanel account's zone through UAPI: DNS::parse_zone reads it, DNS::mass_edit_zone changes
 * it in one call guarded by the SOA serial that was read, so an edit made in between (by a person
 * in the Zone Editor, say) makes cPanel refuse ours instead of being overwritten.
 */
export class CpanelProvider implements DnsProvider {
  readonly #base: string;
  readonly #authorization: string;

  constructor(
    private readonly settings: CpanelSettings,
    private readonly policy: OutboundPolicy,
  ) {
    this.#base = settings.baseUrl.replace(/\/+$/, "");
    this.#authorization = `cpanel ${settings.username}:${settings.apiToken}`;
  }

  async readAddresses(name: string): Promise<string[]> {
    const { records } = await this.#readZone(name);
    return sortAddresses(records.map((record) => record.address));
  }

  async setAddresses(desired: DesiredRecords): Promise<void> {
    const { serial, records } = await this.#readZone(desired.name);
    const existing: ExistingRecord<number>[] = records.map((record) => ({
      id: record.lineIndex,
      address: record.address,
      current: record.ttl === desired.ttl,
    }));
    const plan = planRecords(existing, desired.addresses);
    if (isEmptyPlan(plan)) return;
    const dname = withTrailingDot(normalizeName(desired.name));
    const record = (address: string) => ({
      dname,
      ttl: desired.ttl,
      record_type: "A",
      data: [address],
    });
    const form = new URLSearchParams({ zone: this.settings.zone, serial });
    appendMultiple(
      form,
      "add",
      plan.create.map((address) => JSON.stringify(record(address))),
    );
    appendMultiple(
      form,
      "edit",
      plan.update.map(({ id, address }) => JSON.stringify({ line_index: id, ...record(address) })),
    );
    appendMultiple(form, "remove", plan.remove.map(String));
    await this.#edit(form);
  }

  check(name: string): Promise<DnsCheck> {
    return checkBy(
      `zone ${this.settings.zone}`,
      name,
      () => this.readAddresses(name),
      () => this.#proveWrite(name),
    );
  }

  /**
   * Adds the TXT probe (replacing a stale one), then removes it: two mass_edit_zone calls, each
   * with the serial just read. parse_zone needs no feature, so only this shows a missing one. An
   * account with only "simplezoneedit" may write A and CNAME records but not TXT: that is all
   * Baton needs, so it is proven with an A record on a documentation address instead (named
   * without an underscore, which BIND's check-names refuses in an A record's owner).
   */
  async #proveWrite(name: string): Promise<void> {
    try {
      await this.#probe(name, "TXT", probeName(name), probeText());
    } catch (error) {
      if (!(error instanceof DnsError) || !error.message.includes("“TXT” records")) throw error;
      await this.#probe(name, "A", `baton-check.${normalizeName(name)}`, PROBE_ADDRESS);
    }
  }

  async #probe(name: string, type: "A" | "TXT", owner: string, value: string): Promise<void> {
    const before = await this.#readZone(name, type, owner);
    const form = new URLSearchParams({ zone: this.settings.zone, serial: before.serial });
    const dname = withTrailingDot(owner);
    form.append(
      "add",
      JSON.stringify({ dname, ttl: PROBE_TTL_SECONDS, record_type: type, data: [value] }),
    );
    const stale = before.records.filter((record) => type === "TXT" || record.address === value);
    appendMultiple(
      form,
      "remove",
      stale.map((record) => String(record.lineIndex)),
    );
    await this.#edit(form);
    const after = await this.#readZone(name, type, owner);
    const written = after.records.filter((record) => record.address === value);
    if (written.length === 0)
      throw new DnsError(`${PROVIDER}: the probe record was not saved`, false);
    const removal = new URLSearchParams({ zone: this.settings.zone, serial: after.serial });
    appendMultiple(
      removal,
      "remove",
      written.map((record) => String(record.lineIndex)),
    );
    await this.#edit(removal);
  }

  /** mass_edit_zone; a refusal other than a stale serial names the feature it needs. */
  async #edit(form: URLSearchParams): Promise<void> {
    try {
      await this.#call("mass_edit_zone", { method: "POST", body: form });
    } catch (error) {
      if (!(error instanceof DnsError) || error.retryable) throw error;
      throw new DnsError(`${error.message} (${EDIT_FEATURE})`, false);
    }
  }

  /** The zone's SOA serial and the `type` records of `owner` (default `name`), from DNS::parse_zone. */
  async #readZone(
    name: string,
    type: "A" | "TXT" = "A",
    owner = name,
  ): Promise<{ serial: string; records: ZoneRecord[] }> {
    if (!isInZone(name, this.settings.zone)) {
      throw new DnsError(`${PROVIDER}: ${name} is not in zone ${this.settings.zone}`, false);
    }
    const query = new URLSearchParams({ zone: this.settings.zone });
    const items = await this.#call<ZoneItem[]>(`parse_zone?${query}`, { method: "GET" });
    const wanted = normalizeName(owner);
    let serial: string | undefined;
    const records: ZoneRecord[] = [];
    for (const item of items) {
      if (item.type !== "record" || !item.dname_b64 || !item.data_b64) continue;
      if (item.record_type === "SOA") serial = decode(item.data_b64[2]);
      if (item.record_type !== type || this.#ownerName(decode(item.dname_b64)) !== wanted) continue;
      records.push({
        lineIndex: item.line_index,
        address: decode(item.data_b64[0]),
        ttl: item.ttl ?? 0,
      });
    }
    if (!serial)
      throw new DnsError(`${PROVIDER}: zone ${this.settings.zone} has no SOA serial`, false);
    return { serial, records };
  }

  /** parse_zone names records relative to the zone (`lb`), the apex as `example.com.`. */
  #ownerName(dname: string): string {
    if (dname.endsWith(".")) return normalizeName(dname);
    if (dname === "@") return normalizeName(this.settings.zone);
    return normalizeName(`${dname}.${this.settings.zone}`);
  }

  async #call<T = unknown>(call: string, init: RequestInit): Promise<T> {
    const headers = { Authorization: this.#authorization, Accept: "application/json" };
    const url = `${this.#base}/execute/DNS/${call}`;
    const response = await send(PROVIDER, url, { ...init, headers }, this.policy);
    if (!response.ok) {
      const refused = response.status === 401 || response.status === 403;
      throw httpError(PROVIDER, response, refused ? "the username or API token was refused" : "");
    }
    const result = (await readJson(PROVIDER, response)) as UapiResult<T>;
    if (result.status === 1) return result.data;
    const message = `${PROVIDER}: ${errorDetail(result.errors?.join("; ") ?? "") || "request refused"}`;
    // Stale: the serial changed since we read the zone; reading again and retrying resolves it.
    const stale = (result.data as { type?: unknown } | null)?.type === "Stale";
    throw new DnsError(message, stale);
  }
}

/** UAPI takes several values of one argument as `add`, `add-1`, `add-2`, … */
function appendMultiple(form: URLSearchParams, key: string, values: string[]) {
  for (const [index, value] of values.entries()) {
    form.append(index === 0 ? key : `${key}-${index}`, value);
  }
}

function decode(base64: string | undefined): string {
  return base64 ? atob(base64) : "";
}
