import { describe, expect, it } from "vitest";
import { DnsProviderSettings } from "../../../shared/dns";
import { keepStoredSecret } from "../../../worker/dns/stored-secret";

const ZONE_ID = "023e105f4ecef8ad9ca31a8372d0c353";
type Of<K> = Extract<DnsProviderSettings, { kind: K }>;
const cloudflare = DnsProviderSettings.parse({
  kind: "cloudflare",
  apiToken: "stored-cloudflare-token-0123456789",
  zoneId: ZONE_ID,
  apiBaseUrl: "http://127.0.0.1:9001/client/v4",
}) as Of<"cloudflare">;
const powerdns = DnsProviderSettings.parse({
  kind: "powerdns",
  baseUrl: "http://127.0.0.1:8081",
  apiKey: "stored-pdns-key",
  zone: "example.com",
}) as Of<"powerdns">;
const cpanel = DnsProviderSettings.parse({
  kind: "cpanel",
  baseUrl: "https://cp.example.com:2083",
  username: "baton",
  apiToken: "stored-cpanel-token",
  zone: "example.com",
}) as Of<"cpanel">;

describe("keepStoredSecret", () => {
  it.each([
    {
      case: "an empty token of the same kind and address is the stored one",
      given: {
        kind: "cloudflare",
        apiToken: "",
        zoneId: ZONE_ID,
        apiBaseUrl: cloudflare.apiBaseUrl,
      },
      stored: cloudflare,
      secret: ["apiToken", cloudflare.apiToken],
      kept: true,
    },
    {
      case: "a missing PowerDNS key is the stored one",
      given: { kind: "powerdns", baseUrl: powerdns.baseUrl, zone: "example.org" },
      stored: powerdns,
      secret: ["apiKey", powerdns.apiKey],
      kept: true,
    },
    {
      case: "a typed token replaces the stored one",
      given: { kind: "cloudflare", apiToken: "typed", zoneId: ZONE_ID },
      stored: cloudflare,
      secret: ["apiToken", "typed"],
      kept: false,
    },
    {
      case: "another kind never takes the stored token (cPanel's field has the same name)",
      given: { kind: "cpanel", apiToken: "", baseUrl: "https://cp.example.com:2083" },
      stored: cloudflare,
      secret: ["apiToken", ""],
      kept: false,
    },
    {
      case: "nothing stored: the empty token stays empty for the schema to refuse",
      given: { kind: "cpanel", apiToken: "", baseUrl: cpanel.baseUrl },
      stored: null,
      secret: ["apiToken", ""],
      kept: false,
    },
    {
      case: "cPanel with the same server keeps its token",
      given: { kind: "cpanel", apiToken: "", baseUrl: cpanel.baseUrl, username: "other" },
      stored: cpanel,
      secret: ["apiToken", cpanel.apiToken],
      kept: true,
    },
  ])("$case", ({ given, stored, secret, kept }) => {
    const result = keepStoredSecret(given, stored);
    const [field, value] = secret as [string, string];
    expect(result.provider[field] ?? "").toBe(value);
    expect(result.kept).toBe(kept);
    expect(result.refusal).toBeNull();
  });

  it.each([
    {
      case: "Cloudflare pointed at another API",
      given: { kind: "cloudflare", apiToken: "", zoneId: ZONE_ID, apiBaseUrl: "https://evil.test" },
      stored: cloudflare,
      where: cloudflare.apiBaseUrl,
    },
    {
      case: "Cloudflare's own API when a gateway was stored (empty address)",
      given: { kind: "cloudflare", zoneId: ZONE_ID, apiBaseUrl: "" },
      stored: cloudflare,
      where: cloudflare.apiBaseUrl,
    },
    {
      case: "a gateway when Cloudflare's own API was stored",
      given: { kind: "cloudflare", zoneId: ZONE_ID, apiBaseUrl: "https://gw.test/client/v4" },
      stored: { ...cloudflare, apiBaseUrl: undefined },
      where: "Cloudflare's API",
    },
    {
      case: "PowerDNS on another server",
      given: { kind: "powerdns", apiKey: "", baseUrl: "http://10.0.0.9:8081", zone: "example.com" },
      stored: powerdns,
      where: powerdns.baseUrl,
    },
  ])("never sends the stored credential elsewhere: $case", ({ given, stored, where }) => {
    const result = keepStoredSecret(given, stored as DnsProviderSettings);
    expect(result.kept).toBe(false);
    expect(JSON.stringify(result.provider)).not.toContain("stored-");
    expect(result.refusal).toContain(`only ever sent to ${where}`);
  });
});
