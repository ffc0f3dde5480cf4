import { parseIp } from "../lib/ip";
import type { OutboundPolicy } from "../lib/outbound-url";

/**
 * Why a deployed Worker cannot call `href` although the outbound rule allows it, or null. A
 * subrequest to a bare IP address is refused by Cloudflare (error 1003, "Direct IP access not
 * allowed"), so a provider saved as https://203.0.113.7:2083 would fail at every call. Custom
 * ports are fine (the `allow_custom_ports` behaviour, default since compatibility date
 * 2024-09-02). Development (`allowPrivateUrls`) runs in workerd, which fetches anything.
 */
export function workerFetchRefusal(href: string, policy: OutboundPolicy): string | null {
  if (policy.allowPrivateUrls) return null;
  let host: string;
  try {
    host = new URL(href).hostname.replace(/^\[|\]$/g, "");
  } catch {
    return null; // the outbound rule says what is wrong with it
  }
  if (!parseIp(host)) return null;
  return `${host} is an IP address: a deployed Worker cannot fetch one (Cloudflare answers error 1003); use its host name, e.g. https://cpanel.example.com (cPanel's proxy subdomain, port 443) or https://server.example.com:2083`;
}
