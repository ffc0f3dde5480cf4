import type { MemberRow } from "../../db/schema/members";
import type { PoolRow } from "../../db/schema/pools";
import { type DnsSettingsSummary, type DnsView, dnsViewOf } from "./pool-view";

/** One row of the pools list. Liveness is D1's (written on transitions), not the coordinator's. */
export interface PoolListRow {
  id: string;
  name: string;
  hostname: string;
  active: { id: string; name: string; publicIp: string | null } | null;
  membersUp: number;
  membersTotal: number;
  dns: DnsView;
  autoFailover: boolean;
}

export function poolListRow(
  pool: PoolRow,
  members: MemberRow[],
  dns: DnsSettingsSummary | null,
): PoolListRow {
  const own = members.filter((member) => member.poolId === pool.id);
  const active = own.find((member) => member.id === pool.activeMemberId);
  return {
    id: pool.id,
    name: pool.name,
    hostname: pool.failoverHostname,
    active: active ? { id: active.id, name: active.name, publicIp: active.publicIp } : null,
    membersUp: own.filter((member) => member.status === "online").length,
    membersTotal: own.length,
    dns: dnsViewOf(pool, dns),
    autoFailover: pool.autoFailover,
  };
}
