import { z } from "zod";
import { displayName } from "./names";

/** Seconds; Cloudflare's 1 means "automatic". Baton's default for DNS-only records is 60. */
const ttl = z.number().int().min(1).max(86_400).default(60);
const httpsUrl = z.url({ protocol: /^https?$/, error: "must be an http(s):// URL" });

/**
 * Credentials and target of a pool's DNS provider, as the admin API accepts them. Stored
 * encrypted; never returned.
 */
export const DnsProviderSettings = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("cloudflare"),
    apiToken: z.string().min(20, "must be a Cloudflare API token with Zone.DNS edit"),
    zoneId: z.string().regex(/^[0-9a-f]{32}$/, "must be the zone's 32-character id"),
    proxied: z.boolean().default(false),
    ttl,
    /** For tests and API gateways only; defaults to Cloudflare's API. */
    apiBaseUrl: httpsUrl.optional(),
  }),
  z.strictObject({
    kind: z.literal("cpanel"),
    /** cPanel's UAPI base, e.g. https://server.example.com:2083 */
    baseUrl: httpsUrl,
    username: z.string().min(1),
    apiToken: z.string().min(1),
    /** The zone (domain) that holds the record, e.g. example.com */
    zone: z.hostname(),
    ttl,
  }),
  z.strictObject({
    kind: z.literal("powerdns"),
    /** PowerDNS API base, e.g. http://127.0.0.1:8081 */
    baseUrl: httpsUrl,
    apiKey: z.string().min(1),
    serverId: z.string().min(1).default("localhost"),
    zone: z.hostname(),
    ttl,
  }),
]);
export type DnsProviderSettings = z.infer<typeof DnsProviderSettings>;
export type DnsProviderKind = DnsProviderSettings["kind"];

/** active_standby: one A record → the active member. round_robin: one per ready member. */
export const DnsMode = z.enum(["active_standby", "round_robin"]);
export type DnsMode = z.infer<typeof DnsMode>;

/** Fields a pool may set on top of a shared DNS account's settings (never credentials). */
export const DnsOverrides = z
  .strictObject({
    zoneId: z.string().regex(/^[0-9a-f]{32}$/, "must be the zone's 32-character id"),
    zone: z.hostname(),
    serverId: z.string().min(1),
    proxied: z.boolean(),
    ttl: z.number().int().min(1).max(86_400),
  })
  .partial();
export type DnsOverrides = z.infer<typeof DnsOverrides>;

/**
 * Body of `PUT /api/v1/pools/:poolId/dns`: the pool's own provider settings, or a saved DNS
 * account (credentials kept once for many pools) with this pool's overrides such as its zone.
 */
export const PutDnsSettings = z
  .strictObject({
    provider: DnsProviderSettings.optional(),
    accountId: z.string().min(1).optional(),
    overrides: DnsOverrides.default({}),
    mode: DnsMode.default("active_standby"),
  })
  .refine(
    (value) => (value.provider === undefined) !== (value.accountId === undefined),
    "send either provider (settings for this pool) or accountId (a saved DNS account), not both",
  );
export type PutDnsSettings = z.infer<typeof PutDnsSettings>;

/** Body of `POST /api/v1/dns-accounts` and `PUT /api/v1/dns-accounts/:accountId`. */
export const SaveDnsAccount = z.strictObject({
  name: displayName(100),
  provider: DnsProviderSettings,
});
export type SaveDnsAccount = z.infer<typeof SaveDnsAccount>;

/** A pool's DNS settings as the API shows them: never the token or key. */
export const DnsSettingsView = z.object({
  provider: z.record(z.string(), z.unknown()),
  accountId: z.string().nullable(),
  mode: DnsMode,
  updatedAt: z.number(),
  updatedBy: z.string(),
});
export type DnsSettingsView = z.infer<typeof DnsSettingsView>;
