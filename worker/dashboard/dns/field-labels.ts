import type { DnsProviderKind } from "../../../shared/dns";

/**
 * The DNS form's labels by field name (`<source>.<field>`). The form draws its labels from here
 * and its messages name fields with the same words, so a person is never shown an internal path
 * such as `cloudflare.apiToken` (issue #15 item 6).
 */
export const DNS_FIELD_LABEL = {
  kind: "Provider",
  mode: "DNS mode",
  "cloudflare.apiToken": "API token (Zone.DNS edit)",
  "cloudflare.zoneId": "Zone ID",
  "cloudflare.proxied": "Proxied (orange cloud; the TTL is then automatic)",
  "cloudflare.ttl": "TTL (seconds)",
  "cloudflare.apiBaseUrl": "API address (optional)",
  "cpanel.baseUrl": "cPanel address",
  "cpanel.username": "Username",
  "cpanel.apiToken": "API token",
  "cpanel.zone": "Zone (domain)",
  "cpanel.ttl": "TTL (seconds)",
  "powerdns.baseUrl": "API address",
  "powerdns.apiKey": "API key",
  "powerdns.serverId": "Server ID",
  "powerdns.zone": "Zone",
  "powerdns.ttl": "TTL (seconds)",
  account: "Saved DNS account",
  "account.accountId": "Account",
  "account.zoneId": "Zone ID (Cloudflare)",
  "account.zone": "Zone (cPanel, PowerDNS)",
  "account.serverId": "Server ID (PowerDNS)",
  "account.proxied": "Proxied (Cloudflare)",
  "account.ttl": "TTL (seconds)",
} as const satisfies Record<string, string>;

/** A field's label; a field the form does not draw is "the form" (never its internal name). */
export function dnsFieldLabel(field: string): string {
  return (DNS_FIELD_LABEL as Record<string, string | undefined>)[field] ?? "The form";
}

/** "Zone ID: must be the zone's 32-character id; API token (Zone.DNS edit): required". */
export function fieldErrorsInWords(errors: Record<string, string>): string {
  return Object.entries(errors)
    .map(([field, message]) => (field === "form" ? message : `${dnsFieldLabel(field)}: ${message}`))
    .join("; ");
}

const KIND_WORD: Record<DnsProviderKind, string> = {
  cloudflare: "Cloudflare",
  cpanel: "cPanel / WHM",
  powerdns: "PowerDNS",
};

/** Which kinds of account each override of the pool's DNS form applies to. */
const OVERRIDE_KINDS: Record<string, DnsProviderKind[]> = {
  zoneId: ["cloudflare"],
  proxied: ["cloudflare"],
  zone: ["cpanel", "powerdns"],
  serverId: ["powerdns"],
  ttl: ["cloudflare", "cpanel", "powerdns"],
};

/**
 * The store's "… do not fit a powerdns account" in the form's words: which filled-in overrides
 * the chosen account cannot take ("Zone ID (Cloudflare) does not fit a PowerDNS account: leave
 * it empty"). The message unchanged when it is about something else.
 */
export function accountMisfitInWords(message: string, overrides: Record<string, unknown>): string {
  const kind = /do not fit an? (cloudflare|cpanel|powerdns) account/.exec(message)?.[1] as
    | DnsProviderKind
    | undefined;
  if (!kind) return message;
  const misfits = Object.keys(overrides)
    .filter((name) => !(OVERRIDE_KINDS[name] ?? []).includes(kind))
    .map((name) => dnsFieldLabel(`account.${name}`));
  if (misfits.length === 0) return message;
  const verb = misfits.length === 1 ? "does" : "do";
  return `${misfits.join(", ")} ${verb} not fit a ${KIND_WORD[kind]} account: leave ${misfits.length === 1 ? "it" : "them"} empty`;
}
