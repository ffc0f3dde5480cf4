import type { DnsProviderSettings } from "../../../shared/dns";
import type { OutboundPolicy } from "../../lib/outbound-url";
import type { DnsProvider } from "../provider";
import { CloudflareProvider } from "./cloudflare";
import { CpanelProvider } from "./cpanel";
import { PowerDnsProvider } from "./powerdns";

/**
 * The provider a pool's (already parsed) DNS settings describe. Every call it makes is checked
 * against `policy` first (the Worker's config: public https only unless ALLOW_PRIVATE_URLS).
 */
export function createDnsProvider(
  settings: DnsProviderSettings,
  policy: OutboundPolicy,
): DnsProvider {
  switch (settings.kind) {
    case "cloudflare":
      return new CloudflareProvider(settings, policy);
    case "cpanel":
      return new CpanelProvider(settings, policy);
    case "powerdns":
      return new PowerDnsProvider(settings, policy);
  }
}
