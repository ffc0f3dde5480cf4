import { describe, expect, it } from "vitest";
import { DnsProviderSettings } from "../../shared/dns";

const byKind = {
  cloudflare: { kind: "cloudflare", apiToken: "t".repeat(40), zoneId: "a".repeat(32) },
  cpanel: {
    kind: "cpanel",
    baseUrl: "https://cpanel.example.com",
    username: "u",
    apiToken: "t",
    zone: "example.com",
  },
  powerdns: {
    kind: "powerdns",
    baseUrl: "https://pdns.example.com",
    apiKey: "k",
    zone: "example.com",
  },
} as const;

function ttlIssue(kind: keyof typeof byKind, ttl: number): string | null {
  const parsed = DnsProviderSettings.safeParse({ ...byKind[kind], ttl });
  return parsed.success ? null : (parsed.error.issues[0]?.message ?? "refused");
}

describe("TTL rules per provider", () => {
  it.each([
    ["cloudflare", 1, true],
    ["cloudflare", 2, false],
    ["cloudflare", 30, false],
    ["cloudflare", 59, false],
    ["cloudflare", 60, true],
    ["cloudflare", 86_400, true],
    ["cloudflare", 86_401, false],
    ["cpanel", 1, true],
    ["cpanel", 30, true],
    ["cpanel", 0, false],
    ["cpanel", 86_401, false],
    ["powerdns", 5, true],
    ["powerdns", 0, false],
  ] as const)("%s takes a TTL of %d: %s", (kind, ttl, taken) => {
    expect(ttlIssue(kind, ttl) === null).toBe(taken);
  });

  it("says what Cloudflare takes when a TTL is refused", () => {
    expect(ttlIssue("cloudflare", 30)).toBe(
      "must be 1 (automatic) or 60–86400 seconds: Cloudflare refuses TTLs of 2–59",
    );
    expect(ttlIssue("powerdns", 0)).toBe("must be 1–86400 seconds");
  });
});

describe("zone names", () => {
  it.each(["Example.COM", "example.com.", " example.com "])(
    "%j is saved as example.com",
    (zone) => {
      const parsed = DnsProviderSettings.parse({ ...byKind.cpanel, zone });
      expect(parsed).toMatchObject({ zone: "example.com" });
    },
  );

  it("refuses what is not a domain name", () => {
    expect(DnsProviderSettings.safeParse({ ...byKind.powerdns, zone: "not a zone" }).success).toBe(
      false,
    );
  });
});
