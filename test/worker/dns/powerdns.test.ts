import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DnsProviderSettings } from "../../../shared/dns";
import type { DnsProvider } from "../../../worker/dns/provider";
import { createDnsProvider } from "../../../worker/dns/providers";
import { caught, DEVELOPMENT } from "./helpers";
import { dig, type PdnsServer, startPdns } from "./pdns-server";

const ZONE = "example.com";
const NAME = "lb.example.com";

let pdns: PdnsServer | undefined;
let startError: unknown;
beforeAll(async () => {
  try {
    pdns = await startPdns();
    const response = await fetch(`${pdns.apiUrl}/api/v1/servers/localhost/zones`, {
      method: "POST",
      headers: { "X-API-Key": pdns.apiKey, "Content-Type": "application/json" },
      body: JSON.stringify({ name: `${ZONE}.`, kind: "Native", nameservers: [`ns1.${ZONE}.`] }),
    });
    if (response.status !== 201) throw new Error(`creating the zone: ${await response.text()}`);
  } catch (error) {
    startError = error; // every test then fails with it, rather than being skipped
  }
}, 30_000);
afterAll(() => pdns?.stop());

function server(): PdnsServer {
  if (startError || !pdns) throw startError ?? new Error("PowerDNS did not start");
  return pdns;
}
function provider(overrides: Record<string, unknown> = {}): DnsProvider {
  const { apiUrl, apiKey } = server();
  const settings = { kind: "powerdns", baseUrl: apiUrl, apiKey, zone: ZONE, ...overrides };
  return createDnsProvider(DnsProviderSettings.parse(settings), DEVELOPMENT);
}
const answer = (name = NAME) => dig(server().dnsPort, name);

/** Tests run in order against one server: each starts from what the previous one left. */
describe("PowerDNS provider against a real pdns_server", () => {
  it("serves the address it is given", async () => {
    expect(await answer()).toEqual([]);
    await provider().setAddresses({ name: NAME, addresses: ["203.0.113.7"], ttl: 60 });
    expect(await answer()).toEqual(["203.0.113.7"]);
    expect(await provider().readAddresses(NAME)).toEqual(["203.0.113.7"]);
  });

  it("changes the answer when the address changes", async () => {
    await provider().setAddresses({ name: NAME, addresses: ["203.0.113.8"], ttl: 60 });
    expect(await answer()).toEqual(["203.0.113.8"]);
  });

  it("answers with every address in round robin", async () => {
    await provider().setAddresses({
      name: NAME,
      addresses: ["203.0.113.9", "203.0.113.8"],
      ttl: 60,
    });
    expect(await answer()).toEqual(["203.0.113.8", "203.0.113.9"]);
    expect(await provider().readAddresses(NAME)).toEqual(["203.0.113.8", "203.0.113.9"]);
  });

  it("rewrites the RRset when only the TTL changes", async () => {
    await provider().setAddresses({
      name: NAME,
      addresses: ["203.0.113.8", "203.0.113.9"],
      ttl: 300,
    });
    const lines = await dig(server().dnsPort, NAME, "full");
    expect(lines.map((line) => line.split(/\s+/))).toEqual([
      [`${NAME}.`, "300", "IN", "A", "203.0.113.8"],
      [`${NAME}.`, "300", "IN", "A", "203.0.113.9"],
    ]);
  });

  it("serves nothing once no address is wanted", async () => {
    await provider().setAddresses({ name: NAME, addresses: [], ttl: 60 });
    expect(await answer()).toEqual([]);
    expect(await provider().readAddresses(NAME)).toEqual([]);
  });

  it("check reports the zone and what is served", async () => {
    await provider().setAddresses({ name: NAME, addresses: ["203.0.113.7"], ttl: 60 });
    expect(await provider().check(NAME)).toEqual({
      ok: true,
      writable: true,
      detail: `zone ${ZONE} found; ${NAME} → 203.0.113.7; write access proven (TXT _baton-check.${NAME} written and removed)`,
      addresses: ["203.0.113.7"],
    });
    // The probe was written through the API and is gone again.
    expect(await dig(server().dnsPort, `_baton-check.${NAME}`, "short", "TXT")).toEqual([]);
    const missing = await provider({ zone: "example.org" }).check("lb.example.org");
    expect(missing).toEqual({
      ok: false,
      writable: false,
      detail: "PowerDNS: zone example.org not found on server localhost",
      addresses: [],
    });
  });

  it("reports a wrong API key as not retryable, without the key", async () => {
    const error = await caught(provider({ apiKey: "not-the-key" }).readAddresses(NAME));
    expect(error.retryable).toBe(false);
    expect(error.message).toBe("PowerDNS answered 401 Unauthorized");
  });

  it("reports PowerDNS's own error text for a refused change", async () => {
    const error = await caught(
      provider().setAddresses({ name: NAME, addresses: ["not-an-address"], ttl: 60 }),
    );
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/^PowerDNS answered 422 Unprocessable Entity: .*not-an-address/);
    expect(await answer()).toEqual(["203.0.113.7"]);
  });
});
