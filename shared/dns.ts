import { z } from "zod";
import { displayName } from "./names";

/**
 * TTL rules per provider, in seconds. Cloudflare: 1 means "automatic", anything else must be
 * 60–86400 (30 only on Enterprise zones, which Baton cannot tell apart, so it keeps 60).
 * cPanel (BIND zone files) and PowerDNS take any positive 32-bit TTL (PowerDNS even 0); Baton
 * keeps them within 1–86400 so a failed-over address is never cached for more than a day.
 */
export const TTL_RULES = {
  cloudflare: { min: 60, max: 86_400, automatic: 1 },
  cpanel: { min: 1, max: 86_400, automatic: null },
  powerdns: { min: 1, max: 86_400, automatic: null },
} as const;

/** Why `ttl` is refused by `kind`'s rules, or null when the provider takes it. */
export function ttlProblem(kind: keyof typeof TTL_RULES, ttl: number): string | null {
  const rule = TTL_RULES[kind];
  if (!Number.isInteger(ttl)) return "must be a whole number of seconds";
  if (ttl === rule.automatic || (ttl >= rule.min && ttl <= rule.max)) return null;
  const range = `${rule.min}–${rule.max} seconds`;
  return rule.automatic === null
    ? `must be ${range}`
    : `must be ${rule.automatic} (automatic) or ${range}: Cloudflare refuses TTLs of 2–59`;
}

const ttlFor = (kind: keyof typeof TTL_RULES) =>
  z
    .number()
    .int()
    .superRefine((value, context) => {
      const problem = ttlProblem(kind, value);
      if (problem) context.addIssue({ code: "custom", message: problem });
    })
    .default(60);

/** A zone as providers match it: lower case, no trailing dot (cPanel matches names exactly). */
const zoneName = z
  .string()
  .trim()
  .transform((name) => name.toLowerCase().replace(/\.$/, ""))
  .pipe(z.hostname("must be a domain name such as example.com"));
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
    ttl: ttlFor("cloudflare"),
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
    zone: zoneName,
    ttl: ttlFor("cpanel"),
  }),
  z.strictObject({
    kind: z.literal("powerdns"),
    /** PowerDNS API base, e.g. http://127.0.0.1:8081 */
    baseUrl: httpsUrl,
    apiKey: z.string().min(1),
    serverId: z.string().min(1).default("localhost"),
    zone: zoneName,
    ttl: ttlFor("powerdns"),
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
    zone: zoneName,
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
  /** When Baton last proved it can write with these settings, and who asked; null: not yet. */
  writeVerifiedAt: z.number().nullable(),
  writeVerifiedBy: z.string().nullable(),
  /** Why the last write check failed, if it did. */
  writeCheckError: z.string().nullable(),
});
export type DnsSettingsView = z.infer<typeof DnsSettingsView>;
