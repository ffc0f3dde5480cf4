import { ApiError } from "../errors";
import { type OutboundPolicy, outboundRefusalMessage, outboundUrlRefusal } from "./outbound-url";

/**
 * Refuses (400 `validation_failed`, naming the field at `path`) a URL `policy` does not allow:
 * what saving a DNS provider or a webhook checks. (outbound-url.ts stays free of the API's
 * error type: the DNS providers and webhooks are also tested in plain Node.)
 */
export function requireAllowedUrl(href: string, policy: OutboundPolicy, path: string): void {
  const refusal = outboundUrlRefusal(href, policy);
  if (!refusal) return;
  const message = outboundRefusalMessage(refusal);
  throw new ApiError("validation_failed", `Invalid body: ${path}: ${message}`, [{ path, message }]);
}
