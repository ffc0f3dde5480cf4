import type { DnsProviderSettings } from "../../shared/dns";
import { ApiError } from "../errors";
import { requireAllowedUrl } from "../lib/allowed-url";
import type { OutboundPolicy } from "../lib/outbound-url";
import { workerFetchRefusal } from "./worker-fetch";

/**
 * Refuses (400, naming the field) provider settings whose URL (`baseUrl`, or Cloudflare's
 * `apiBaseUrl`) the outbound rule does not allow or a deployed Worker cannot fetch, so they are
 * never saved or tested; each provider call checks again (worker/dns/providers/http.ts).
 */
export function requireAllowedProviderUrl(
  settings: DnsProviderSettings,
  policy: OutboundPolicy,
): void {
  const [href, path] =
    settings.kind !== "cloudflare"
      ? [settings.baseUrl, "provider.baseUrl"]
      : [settings.apiBaseUrl, "provider.apiBaseUrl"];
  if (!href) return;
  requireAllowedUrl(href, policy, path);
  const refusal = workerFetchRefusal(href, policy);
  if (refusal) {
    const message = `URL refused: ${refusal}`;
    throw new ApiError("validation_failed", `Invalid body: ${path}: ${message}`, [
      { path, message },
    ]);
  }
}
