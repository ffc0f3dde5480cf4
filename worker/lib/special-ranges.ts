import { ipInRange } from "./ip";

/**
 * The special-purpose address blocks (RFC 6890, 6598, 5737, 4291, 6052, 8215), by kind. One
 * table for every rule that asks "is this address public?": the outbound URL policy (which
 * addresses the control plane may call) and the pool's A record (which addresses may serve
 * clients) each choose the kinds they refuse or allow.
 */
export const SPECIAL_RANGES = {
  unspecified: { label: "unspecified", ranges: ["0.0.0.0/8", "::/128"] },
  loopback: { label: "loopback", ranges: ["127.0.0.0/8", "::1/128"] },
  private: {
    label: "private",
    ranges: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"],
  },
  sharedAddressSpace: { label: "shared address space (CGNAT)", ranges: ["100.64.0.0/10"] },
  /** Cloud metadata services answer here (169.254.169.254). */
  linkLocal: { label: "link-local", ranges: ["169.254.0.0/16", "fe80::/10"] },
  multicast: { label: "multicast", ranges: ["224.0.0.0/4", "ff00::/8"] },
  reserved: { label: "reserved or broadcast", ranges: ["240.0.0.0/4", "fec0::/10"] },
  protocolAssignments: { label: "IETF protocol assignments", ranges: ["192.0.0.0/24"] },
  documentation: {
    label: "documentation",
    ranges: ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32"],
  },
  benchmarking: { label: "benchmarking", ranges: ["198.18.0.0/15"] },
  translation: {
    label: "IPv4-compatible or NAT64",
    ranges: ["::/96", "64:ff9b::/96", "64:ff9b:1::/48"],
  },
} as const;

export type SpecialRangeKind = keyof typeof SPECIAL_RANGES;

/** The first of `kinds` whose blocks hold `address` (IPv4-mapped IPv6 judged as its IPv4). */
export function specialRangeOf(
  address: string,
  kinds: readonly SpecialRangeKind[],
): { kind: SpecialRangeKind; label: string; range: string } | null {
  for (const kind of kinds) {
    const { label, ranges } = SPECIAL_RANGES[kind];
    const range = ranges.find((candidate) => ipInRange(address, candidate));
    if (range) return { kind, label, range };
  }
  return null;
}
