import { DnsError } from "../provider";
import { CloudflareError, PROVIDER } from "./cloudflare-api";

/** Cloudflare's answer to a token without the permission a call needs (HTTP 403, code 10000). */
function isForbidden(error: unknown): error is CloudflareError {
  return error instanceof CloudflareError && error.status === 403;
}

/**
 * A zone call refused for want of permission, said as the permission to grant. `GET
 * /zones/:zone_id` accepts any zone permission (DNS Read among them), so a 403 there means the
 * token has nothing on this zone.
 */
export function zoneAccessError(error: unknown, zoneId: string): unknown {
  if (!isForbidden(error)) return error;
  return new DnsError(
    `${PROVIDER}: the token has no permission on zone ${zoneId}: give it Zone → DNS → Edit for this zone (${error.message})`,
    false,
  );
}

/** A record write refused for want of permission: the token has DNS Read but not DNS Write. */
export function writeAccessError(error: unknown): unknown {
  if (!isForbidden(error)) return error;
  return new DnsError(
    `${PROVIDER}: the token can read the zone's DNS records but not change them: give it the permission Zone → DNS → Edit (${error.message})`,
    false,
  );
}

/**
 * `GET /user/tokens/verify` says whether a token is active, disabled or expired, and nothing of
 * its permissions (those only show in what each call accepts). Account-owned tokens are not
 * known to this user endpoint, so only a definite "disabled"/"expired" is held against a token;
 * any other answer leaves the verdict to the zone and record calls that follow.
 */
export function tokenStatusError(status: unknown): DnsError | null {
  if (status === "disabled" || status === "expired") {
    return new DnsError(
      `${PROVIDER}: the API token is ${status}: enable it or make a new one with Zone → DNS → Edit`,
      false,
    );
  }
  return null;
}
