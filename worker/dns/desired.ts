import type { DnsMode } from "../../shared/dns";
import { publicAddressProblem } from "../failover/public-address";
import { sortAddresses } from "./plan";

/** What the DNS plan needs to know about one member. */
export interface DesiredMember {
  id: string;
  publicIp: string | null;
  ready: boolean;
}

/**
 * The A addresses a pool's hostname should serve: the active member's public IPv4 in
 * active_standby, every ready member's in round_robin (sorted). An address the pool may not
 * serve (`publicAddressProblem`: 0.0.0.0, loopback, a private one outside a lab) is never
 * written, even for the active. Empty when there is nobody to point at; the coordinator then
 * leaves the record as it is rather than emptying it.
 */
export function desiredAddresses(
  mode: DnsMode,
  activeMemberId: string | null,
  members: DesiredMember[],
  allowPrivateAddresses: boolean,
): string[] {
  const chosen =
    mode === "round_robin"
      ? members.filter((member) => member.ready)
      : members.filter((member) => member.id === activeMemberId);
  const servable = (ip: string | null): ip is string =>
    publicAddressProblem(ip, allowPrivateAddresses) === null;
  return sortAddresses(chosen.map((member) => member.publicIp).filter(servable));
}
