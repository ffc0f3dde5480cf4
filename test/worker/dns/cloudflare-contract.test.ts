import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DnsProviderSettings } from "../../../shared/dns";
import { createDnsProvider } from "../../../worker/dns/providers";
import { type FakeCloudflare, startFakeCloudflare } from "./fakes/cloudflare-api";
import { caught, DEVELOPMENT } from "./helpers";

// Contract tests against a fake that enforces Cloudflare's documented rules: permissions per
// token, TTL ranges, PUT replacing a record where PATCH edits it, the batch endpoint.
const ZONE_ID = "023e105f4ecef8ad9ca31a8372d0c353";
const EDIT = "cf-test-token-with-zone-dns-edit";
const READ = "cf-test-token-with-zone-dns-read";
const OTHER_ZONE = "cf-test-token-for-another-zone";
const DISABLED = "cf-test-token-that-was-disabled";
const NAME = "lb.example.com";
const RECORDS = `/client/v4/zones/${ZONE_ID}/dns_records`;

let fake: FakeCloudflare;
beforeEach(async () => {
  fake = await startFakeCloudflare({
    zoneId: ZONE_ID,
    tokens: { [EDIT]: "edit", [READ]: "read", [OTHER_ZONE]: "none", [DISABLED]: "edit" },
    inactive: [DISABLED],
  });
});
afterEach(() => fake.close());

function provider(overrides: Record<string, unknown> = {}) {
  const settings = {
    kind: "cloudflare",
    apiToken: EDIT,
    zoneId: ZONE_ID,
    apiBaseUrl: fake.apiBaseUrl,
  };
  return createDnsProvider(DnsProviderSettings.parse({ ...settings, ...overrides }), DEVELOPMENT);
}
const writes = () =>
  fake.requests
    .filter((request) => request.method !== "GET")
    .map((request) => `${request.method} ${request.path}`);
const served = () =>
  fake.records.filter((record) => record.name === NAME).map((record) => record.content);

describe("Cloudflare contract", () => {
  it("refuses a TTL of 2–59 the way Cloudflare does", async () => {
    const error = await caught(
      provider().setAddresses({ name: NAME, addresses: ["203.0.113.7"], ttl: 30 }),
    );
    expect(error.message).toBe(
      "Cloudflare answered 400: TTL must be between 60 and 86400 seconds, or 1 for Automatic. (code 9021)",
    );
    expect(error.retryable).toBe(false);
  });

  it("edits an address with PATCH, so a person's comment, tags and settings survive", async () => {
    const record = fake.seed("203.0.113.7", NAME, 60, false, {
      comment: "ticket OPS-12: keep low TTL",
      tags: ["team:edge"],
    });
    await provider().setAddresses({ name: NAME, addresses: ["203.0.113.8"], ttl: 60 });
    expect(writes()).toEqual([`PATCH ${RECORDS}/${record.id}`]);
    expect(fake.records).toMatchObject([
      { content: "203.0.113.8", comment: "ticket OPS-12: keep low TTL", tags: ["team:edge"] },
    ]);
  });

  it("marks the records it creates as Baton's, and refreshes its own marker", async () => {
    await provider().setAddresses({
      name: NAME,
      addresses: ["203.0.113.7"],
      ttl: 60,
      owner: "pool edge-eu",
    });
    expect(fake.records[0]?.comment).toBe("managed by Baton (pool edge-eu)");
    await provider().setAddresses({
      name: NAME,
      addresses: ["203.0.113.9"],
      ttl: 60,
      owner: "pool edge-west",
    });
    expect(fake.records[0]?.comment).toBe("managed by Baton (pool edge-west)");
  });

  it("makes a round-robin change of several records in one batch transaction", async () => {
    const old = fake.seed("203.0.113.7", NAME);
    await provider().setAddresses({
      name: NAME,
      addresses: ["203.0.113.8", "203.0.113.9", "203.0.113.10"],
      ttl: 60,
    });
    expect(writes()).toEqual([`POST ${RECORDS}/batch`]);
    const batch = JSON.parse(fake.requests.at(-1)?.body ?? "{}");
    expect(batch.patches).toMatchObject([{ id: old.id, content: "203.0.113.8" }]);
    expect(batch.posts.map((post: { content: string }) => post.content)).toEqual([
      "203.0.113.9",
      "203.0.113.10",
    ]);
    expect(served().sort()).toEqual(["203.0.113.10", "203.0.113.8", "203.0.113.9"]);
  });

  it("counts 'an identical record already exists' with the wanted content as done", async () => {
    fake.seed("203.0.113.7", NAME);
    // Another writer (a late retry) creates the wanted record between Baton's read and write.
    const list = fake.requests.length;
    const provide = provider();
    const original = fake.store.prepare;
    let raced = false;
    fake.store.prepare = (method, id, body) => {
      if (!raced && method === "POST" && fake.requests.length > list) {
        raced = true;
        fake.seed("203.0.113.8", NAME);
      }
      return original(method, id, body);
    };
    await provide.setAddresses({ name: NAME, addresses: ["203.0.113.7", "203.0.113.8"], ttl: 60 });
    expect(raced).toBe(true);
    expect(served().sort()).toEqual(["203.0.113.7", "203.0.113.8"]);
  });

  it("refuses a hostname outside its zone instead of creating one under it", async () => {
    const error = await caught(
      provider().setAddresses({ name: "lb.example.net", addresses: ["203.0.113.7"], ttl: 60 }),
    );
    expect(error).toMatchObject({
      retryable: false,
      message: "Cloudflare: lb.example.net is not in zone example.com",
    });
    expect(fake.records).toEqual([]);
  });
});

describe("Cloudflare check proves write access", () => {
  it("writes and removes a TXT probe with an edit token", async () => {
    const check = await provider().check(NAME);
    expect(check).toMatchObject({ ok: true, writable: true });
    const probes = fake.requests.filter((request) => request.method === "POST");
    expect(JSON.parse(probes[0]?.body ?? "{}")).toMatchObject({
      type: "TXT",
      name: `_baton-check.${NAME}`,
    });
    expect(writes().at(-1)).toMatch(new RegExp(`^DELETE ${RECORDS}/`));
    expect(fake.records).toEqual([]);
  });

  it("says the token lacks DNS Write when it may only read", async () => {
    const check = await provider({ apiToken: READ }).check(NAME);
    expect(check).toMatchObject({ ok: false, writable: false });
    expect(check.detail).toContain(
      "the token can read the zone's DNS records but not change them: give it the permission Zone → DNS → Edit",
    );
  });

  it("says the token has no permission on this zone", async () => {
    const check = await provider({ apiToken: OTHER_ZONE }).check(NAME);
    expect(check).toMatchObject({ ok: false, writable: false });
    expect(check.detail).toContain(
      `the token has no permission on zone ${ZONE_ID}: give it Zone → DNS → Edit for this zone`,
    );
  });

  it("says a token is disabled, as Cloudflare's token check reports it", async () => {
    const check = await provider({ apiToken: DISABLED }).check(NAME);
    expect(check).toMatchObject({ ok: false, writable: false });
    expect(check.detail).toContain("the API token is disabled");
  });
});
