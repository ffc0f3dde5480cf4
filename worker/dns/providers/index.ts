import type { DnsProviderSettings } from "../../../shared/dns";
import type { DnsProvider } from "../provider";
import { CloudflareProvider } from "./cloudflare";
import { CpanelProvider } from "./cpanel";
import { PowerDnsProvider } from "./powerdns";

/** The provider a pool's (already parsed) DNS settings describe. */
export function createDnsProvider(settings: DnsProviderSettings): DnsProvider {
  switch (settings.kind) {
    case "cloudflare":
      return new CloudflareProvider(settings);
    case "cpanel":
      return new CpanelProvider(settings);
    case "powerdns":
      return new PowerDnsProvider(settings);
  }
}
