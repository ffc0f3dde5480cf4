import { ipInRange, parseIp } from "../lib/ip";

/**
 * IPv4 ranges that are never a member's address for clients: "this network", loopback,
 * multicast, and the reserved block with the broadcast address. No pool setting allows them.
 */
const NEVER: readonly [string, string][] = [
  ["0.0.0.0/8", "this network"],
  ["127.0.0.0/8", "loopback"],
  ["224.0.0.0/4", "multicast"],
  ["240.0.0.0/4", "reserved or broadcast"],
];

/**
 * Unicast ranges that are not reachable from the internet: private networks, shared address
 * space, link-local, and the ranges set aside for documentation and benchmarks (RFC 6890). A
 * lab pool (`allowPrivateAddresses`) may point DNS at them; any other may not.
 */
const PRIVATE: readonly [string, string][] = [
  ["10.0.0.0/8", "private"],
  ["172.16.0.0/12", "private"],
  ["192.168.0.0/16", "private"],
  ["100.64.0.0/10", "shared address space (CGNAT)"],
  ["169.254.0.0/16", "link-local"],
  ["192.0.0.0/24", "IETF protocol assignments"],
  ["192.0.2.0/24", "documentation (TEST-NET-1)"],
  ["198.51.100.0/24", "documentation (TEST-NET-2)"],
  ["203.0.113.0/24", "documentation (TEST-NET-3)"],
  ["198.18.0.0/15", "benchmarking"],
];

function rangeOf(address: string, ranges: readonly [string, string][]) {
  return ranges.find(([range]) => ipInRange(address, range));
}

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
  const never = rangeOf(publicIp, NEVER);
  if (never) return `public IP ${publicIp} is not a unicast address (${never[1]} ${never[0]})`;
  const internal = rangeOf(publicIp, PRIVATE);
  if (internal && !allowPrivateAddresses) {
    return `public IP ${publicIp} is not public (${internal[1]} ${internal[0]}); turn on "Allow private addresses (labs)" in the pool's settings for a lab`;
  }
  return null;
}
