import type { MemberRow } from "../../db/schema/members";
import type { PoolRow } from "../../db/schema/pools";
import { dnsFindings, healthState, type PoolHealthState } from "../../failover/pool-health";
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
  /** The pool's health word (null until its coordinator has judged it) and its worst finding. */
  health: PoolHealthState | null;
  healthSummary: string | null;
}

/** The members' health the coordinator recorded, with DNS's findings added. */
function listHealth(pool: PoolRow, dns: DnsView) {
  if (pool.membersHealth === null) return { health: null, healthSummary: null };
  const members =
    pool.membersHealth === "healthy"
      ? []
      : [{ level: pool.membersHealth, text: pool.membersHealthSummary ?? "" }];
  const findings = [...members, ...dnsFindings(dns)];
  return { health: healthState(findings), healthSummary: findings[0]?.text ?? null };
}

export function poolListRow(
  pool: PoolRow,
  members: MemberRow[],
  dns: DnsSettingsSummary | null,
): PoolListRow {
  const own = members.filter((member) => member.poolId === pool.id);
  const active = own.find((member) => member.id === pool.activeMemberId);
  const dnsView = dnsViewOf(pool, dns);
  return {
    id: pool.id,
    name: pool.name,
    hostname: pool.failoverHostname,
    active: active ? { id: active.id, name: active.name, publicIp: active.publicIp } : null,
    membersUp: own.filter((member) => member.status === "online").length,
    membersTotal: own.length,
    dns: dnsView,
    autoFailover: pool.autoFailover,
    ...listHealth(pool, dnsView),
  };
}
