import type { DnsProviderSettings } from "../../shared/dns";
import { requireAllowedUrl } from "../lib/allowed-url";
import type { OutboundPolicy } from "../lib/outbound-url";

/**
 * Refuses (400, naming the field) provider settings whose URL (`baseUrl`, or Cloudflare's
 * `apiBaseUrl`) the outbound rule does not allow, so they are never saved or tested; each
 * provider call checks again (worker/dns/providers/http.ts).
 */
export function requireAllowedProviderUrl(
  settings: DnsProviderSettings,
  policy: OutboundPolicy,
): void {
  if (settings.kind !== "cloudflare") {
    requireAllowedUrl(settings.baseUrl, policy, "provider.baseUrl");
  } else if (settings.apiBaseUrl) {
    requireAllowedUrl(settings.apiBaseUrl, policy, "provider.apiBaseUrl");
  }
}
