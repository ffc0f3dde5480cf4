import { parseIp } from "../lib/ip";
import { type SpecialRangeKind, specialRangeOf } from "../lib/special-ranges";

/** Never a member's address for clients, whatever the pool allows. */
const NEVER: readonly SpecialRangeKind[] = ["unspecified", "loopback", "multicast", "reserved"];

/**
 * Unicast blocks not reachable from the internet: a lab pool (`allowPrivateAddresses`) may point
 * DNS at them; any other may not.
 */
const INTERNAL: readonly SpecialRangeKind[] = [
  "private",
  "sharedAddressSpace",
  "linkLocal",
  "protocolAssignments",
  "documentation",
  "benchmarking",
];

/**
 * Why `publicIp` cannot go into the pool's A record, or null when it can: it must be a unicast
 * IPv4, and public unless the pool allows private addresses (labs). Failover readiness, the
 * dashboard's reasons and the DNS plan all ask this one function.
 */
export function publicAddressProblem(
  publicIp: string | null,
  allowPrivateAddresses: boolean,
): string | null {
  if (publicIp === null) return "no public IPv4 reported";
  if (parseIp(publicIp)?.bits !== 32) return `public IP ${publicIp} is not IPv4`;
  const never = specialRangeOf(publicIp, NEVER);
  if (never)
    return `public IP ${publicIp} is not a unicast address (${never.label} ${never.range})`;
  const internal = specialRangeOf(publicIp, INTERNAL);
  if (internal && !allowPrivateAddresses) {
    return `public IP ${publicIp} is not public (${internal.label} ${internal.range}); turn on "Allow private addresses (labs)" in the pool's settings for a lab`;
  }
  return null;
}
