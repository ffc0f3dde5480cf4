import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DnsProviderSettings } from "../../../shared/dns";
import { DnsError } from "../../../worker/dns/provider";
import { createDnsProvider } from "../../../worker/dns/providers";
import { type FakeCloudflare, startFakeCloudflare } from "./fakes/cloudflare-api";
import { caught, DEVELOPMENT } from "./helpers";

const ZONE_ID = "023e105f4ecef8ad9ca31a8372d0c353";
const TOKEN = "cf-test-token-with-zone-dns-edit";
const READ_ONLY_TOKEN = "cf-test-token-with-zone-dns-read";
const NAME = "lb.example.com";
const RECORDS_PATH = `/client/v4/zones/${ZONE_ID}/dns_records`;

let fake: FakeCloudflare;
beforeEach(async () => {
  fake = await startFakeCloudflare({
    zoneId: ZONE_ID,
    tokens: { [TOKEN]: "edit", [READ_ONLY_TOKEN]: "read" },
  });
});
afterEach(() => fake.close());

function provider(overrides: Record<string, unknown> = {}) {
  const settings = {
    kind: "cloudflare",
    apiToken: TOKEN,
    zoneId: ZONE_ID,
    apiBaseUrl: fake.apiBaseUrl,
  };
  return createDnsProvider(DnsProviderSettings.parse({ ...settings, ...overrides }), DEVELOPMENT);
}
const served = (name = NAME) =>
  fake.records.filter((record) => record.name === name).map((r) => [r.content, r.ttl, r.proxied]);
/** Calls to the zone's records (the zone's name is read once before them). */
const calls = () =>
  fake.requests
    .map((request) => `${request.method} ${request.path.split("?")[0]}`)
    .filter((call) => call.includes("/dns_records"));
const bodies = () => fake.requests.filter((r) => r.body).map((r) => JSON.parse(r.body));
const MARKER = "managed by Baton";

describe("Cloudflare provider", () => {
  it("reads the A records of exactly that name, sorted, with the token as a bearer", async () => {
    fake.seed("203.0.113.10", NAME);
    fake.seed("203.0.113.9", NAME);
    fake.seed("192.0.2.1", "other.example.com");
    expect(await provider().readAddresses(NAME)).toEqual(["203.0.113.9", "203.0.113.10"]);
    const request = fake.requests.find((r) => r.path.includes("/dns_records"));
    const url = new URL(request?.path ?? "", "http://x");
    expect([request?.method, url.pathname]).toEqual(["GET", RECORDS_PATH]);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      type: "A",
      "name.exact": NAME,
      per_page: "100",
    });
    expect(request?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(fake.requests.map((r) => r.path)).toEqual([
      `/client/v4/zones/${ZONE_ID}`,
      request?.path,
    ]);
  });

  it("creates the record when the name has none", async () => {
    await provider().setAddresses({ name: NAME, addresses: ["203.0.113.7"], ttl: 60 });
    expect(calls()).toEqual([`GET ${RECORDS_PATH}`, `POST ${RECORDS_PATH}`]);
    expect(bodies()).toEqual([
      { type: "A", name: NAME, content: "203.0.113.7", ttl: 60, proxied: false, comment: MARKER },
    ]);
    expect(served()).toEqual([["203.0.113.7", 60, false]]);
  });

  it("changes the address with one update, not a delete and a create", async () => {
    fake.seed("203.0.113.7", NAME);
    const [record] = fake.records;
    await provider().setAddresses({ name: NAME, addresses: ["203.0.113.8"], ttl: 60 });
    expect(calls()).toEqual([`GET ${RECORDS_PATH}`, `PATCH ${RECORDS_PATH}/${record?.id}`]);
    expect(bodies()).toEqual([
      { content: "203.0.113.8", ttl: 60, proxied: false, comment: MARKER },
    ]);
    expect(served()).toEqual([["203.0.113.8", 60, false]]);
  });

  it("keeps the record it can and adds one for round robin", async () => {
    fake.seed("203.0.113.7", NAME);
    await provider().setAddresses({
      name: NAME,
      addresses: ["203.0.113.8", "203.0.113.7"],
      ttl: 60,
    });
    expect(calls()).toEqual([`GET ${RECORDS_PATH}`, `POST ${RECORDS_PATH}`]);
    expect(served()).toEqual([
      ["203.0.113.7", 60, false],
      ["203.0.113.8", 60, false],
    ]);
  });

  it("deletes every record when no address is wanted", async () => {
    fake.seed("203.0.113.7", NAME);
    fake.seed("203.0.113.8", NAME);
    const ids = fake.records.map((record) => record.id);
    await provider().setAddresses({ name: NAME, addresses: [], ttl: 60 });
    expect(calls()).toEqual([`GET ${RECORDS_PATH}`, `POST ${RECORDS_PATH}/batch`]);
    expect(bodies()).toEqual([{ deletes: ids.map((id) => ({ id })), patches: [], posts: [] }]);
    expect(served()).toEqual([]);
  });

  it("sends nothing but the read when the records are already as wanted", async () => {
    fake.seed("203.0.113.7", NAME, 60);
    await provider().setAddresses({ name: NAME, addresses: ["203.0.113.7"], ttl: 60 });
    expect(calls()).toEqual([`GET ${RECORDS_PATH}`]);
  });

  it("puts a record behind the proxy with the automatic TTL", async () => {
    fake.seed("203.0.113.7", NAME, 60, false);
    await provider({ proxied: true }).setAddresses({
      name: NAME,
      addresses: ["203.0.113.7"],
      ttl: 60,
    });
    expect(bodies()).toEqual([{ content: "203.0.113.7", ttl: 1, proxied: true, comment: MARKER }]);
    expect(served()).toEqual([["203.0.113.7", 1, true]]);
  });

  it("lets the desired records override the settings' proxy flag, and fixes a TTL", async () => {
    fake.seed("203.0.113.7", NAME, 300, false);
    const records = { name: NAME, addresses: ["203.0.113.7"], ttl: 120, proxied: false };
    await provider({ proxied: true }).setAddresses(records);
    expect(bodies()).toEqual([
      { content: "203.0.113.7", ttl: 120, proxied: false, comment: MARKER },
    ]);
  });

  it("reports a rate limit as retryable, with Retry-After in milliseconds", async () => {
    fake.failNext(429, 30);
    const error = await caught(provider().readAddresses(NAME));
    expect(error).toBeInstanceOf(DnsError);
    expect(error).toMatchObject({ retryable: true, retryAfterMs: 30_000 });
    expect(error.message).toContain("More than 1200 requests per 300 seconds reached");
    expect(fake.requests).toHaveLength(1); // the client itself does not retry
  });

  it("reports a server error as retryable", async () => {
    fake.failNext(500);
    const error = await caught(
      provider().setAddresses({ name: NAME, addresses: ["203.0.113.7"], ttl: 60 }),
    );
    expect(error).toMatchObject({ retryable: true, retryAfterMs: undefined });
    expect(error.message).toBe("Cloudflare answered 500: Internal server error (code 10000)");
  });

  it("reports a token that may not edit as not retryable, in Cloudflare's words", async () => {
    const error = await caught(
      provider({ apiToken: READ_ONLY_TOKEN }).setAddresses({
        name: NAME,
        addresses: ["203.0.113.7"],
        ttl: 60,
      }),
    );
    expect(error).toMatchObject({ retryable: false });
    expect(error.message).toBe(
      "Cloudflare: the token can read the zone's DNS records but not change them: give it the permission Zone → DNS → Edit (Cloudflare answered 403: Authentication error (code 10000))",
    );
    expect(error.message).not.toContain(READ_ONLY_TOKEN);
  });

  it("check reports what is served, or what is wrong", async () => {
    fake.seed("203.0.113.7", NAME);
    expect(await provider().check(NAME)).toEqual({
      ok: true,
      writable: true,
      detail: `zone ${ZONE_ID} found; ${NAME} → 203.0.113.7; write access proven (TXT _baton-check.${NAME} written and removed)`,
      addresses: ["203.0.113.7"],
    });
    const wrongZone = await provider({ zoneId: "f".repeat(32) }).check(NAME);
    expect(wrongZone.ok).toBe(false);
    expect(wrongZone.detail).toContain("answered 404: Could not route to /zones/ffff");
    const badToken = await provider({ apiToken: "x".repeat(40) }).check(NAME);
    expect(badToken).toEqual({
      ok: false,
      writable: false,
      detail: "Cloudflare answered 401: Authentication error (code 10000)",
      addresses: [],
    });
  });
});
