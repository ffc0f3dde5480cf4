import type { DnsMode } from "../../shared/dns";
import { sortAddresses } from "./plan";

/** What the DNS plan needs to know about one member. */
export interface DesiredMember {
  id: string;
  publicIp: string | null;
  ready: boolean;
}

/**
 * The A addresses a pool's hostname should serve: the active member's public IPv4 in
 * active_standby, every ready member's in round_robin (sorted). Empty when there is nobody to
 * point at; the coordinator then leaves the record as it is rather than emptying it.
 */
export function desiredAddresses(
  mode: DnsMode,
  activeMemberId: string | null,
  members: DesiredMember[],
): string[] {
  const chosen =
    mode === "round_robin"
      ? members.filter((member) => member.ready)
      : members.filter((member) => member.id === activeMemberId);
  return sortAddresses(chosen.flatMap((member) => (member.publicIp ? [member.publicIp] : [])));
}
