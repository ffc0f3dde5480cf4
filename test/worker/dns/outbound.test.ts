import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DnsProviderSettings } from "../../../shared/dns";
import { createDnsProvider } from "../../../worker/dns/providers";
import { PUBLIC_ONLY } from "../../../worker/lib/outbound-url";
import { type FakeServer, type RecordedRequest, type Reply, startFakeServer } from "./fakes/server";
import { caught, DEVELOPMENT } from "./helpers";

const NAME = "lb.example.com";
/** What a service on the control plane's own network holds and must never see echoed. */
const INTERNAL = "internal-secret-0123456789";

// One server stands for "something local that is not a DNS provider": every path answers with
// its private data, except the ones a test sets.
let local: FakeServer;
let reply: (request: RecordedRequest) => Reply = () => ({ status: 200, text: INTERNAL });
beforeAll(async () => {
  local = await startFakeServer((request) => reply(request));
});
afterAll(() => local.close());

function settingsFor(kind: "powerdns" | "cpanel" | "cloudflare", url: string) {
  const byKind = {
    powerdns: { kind, baseUrl: url, apiKey: "k", zone: "example.com" },
    cpanel: { kind, baseUrl: url, username: "u", apiToken: "t", zone: "example.com" },
    cloudflare: { kind, apiToken: "t".repeat(40), zoneId: "a".repeat(32), apiBaseUrl: url },
  };
  return DnsProviderSettings.parse(byKind[kind]);
}

const KINDS = ["powerdns", "cpanel", "cloudflare"] as const;
const LABEL = { powerdns: "PowerDNS", cpanel: "cPanel", cloudflare: "Cloudflare" };

describe.each(KINDS)("%s provider calls", (kind) => {
  it("refuse a loopback URL when private URLs are not allowed, before any request", async () => {
    const before = local.requests.length;
    const check = await createDnsProvider(settingsFor(kind, `${local.url}/?`), PUBLIC_ONLY).check(
      NAME,
    );
    expect(check.ok).toBe(false);
    expect(check.detail).toContain(`${LABEL[kind]}: URL refused: 127.0.0.1 is a loopback address`);
    expect(local.requests.length).toBe(before);
  });

  it("never return the body of whatever answered, only a summary", async () => {
    for (const status of [200, 404, 500]) {
      reply = () => ({ status, text: INTERNAL });
      const check = await createDnsProvider(settingsFor(kind, `${local.url}/?`), DEVELOPMENT).check(
        NAME,
      );
      expect(check.ok).toBe(false);
      expect(check.detail).not.toContain(INTERNAL);
      expect(check.detail).toMatch(new RegExp(`^${LABEL[kind]}( answered ${status}|: )`));
    }
  });

  it("do not follow redirects", async () => {
    reply = (request) =>
      request.path.startsWith("/elsewhere")
        ? { status: 200, text: INTERNAL }
        : { status: 302, headers: { Location: `${local.url}/elsewhere` } };
    const error = await caught(
      createDnsProvider(settingsFor(kind, local.url), DEVELOPMENT).readAddresses(NAME),
    );
    expect(error.message).toMatch(new RegExp(`^${LABEL[kind]} answered 302`));
    expect(error.message).not.toContain(INTERNAL);
    expect(local.requests.some((request) => request.path.startsWith("/elsewhere"))).toBe(false);
  });

  it("name the address when the connection is refused", async () => {
    const gone = await startFakeServer(() => ({ status: 200 }));
    await gone.close();
    const error = await caught(
      createDnsProvider(settingsFor(kind, gone.url), DEVELOPMENT).readAddresses(NAME),
    );
    expect(error).toMatchObject({
      retryable: true,
      message: `${LABEL[kind]}: connection refused to ${new URL(gone.url).host}`,
    });
  });
});

it("a deployed control plane refuses a bare IP address before calling it", async () => {
  const settings = DnsProviderSettings.parse({
    kind: "cpanel",
    baseUrl: "https://203.0.113.7:2083",
    username: "u",
    apiToken: "t",
    zone: "example.com",
  });
  const error = await caught(createDnsProvider(settings, PUBLIC_ONLY).readAddresses(NAME));
  expect(error).toMatchObject({ retryable: false });
  expect(error.message).toContain(
    "203.0.113.7 is an IP address: a deployed Worker cannot fetch one",
  );
});

it("a provider URL on a metadata address is refused even in development", async () => {
  const settings = settingsFor("powerdns", "http://169.254.169.254/latest/meta-data");
  const error = await caught(createDnsProvider(settings, DEVELOPMENT).readAddresses(NAME));
  expect(error).toMatchObject({ retryable: false });
  expect(error.message).toContain("169.254.169.254 is a link-local address");
});
