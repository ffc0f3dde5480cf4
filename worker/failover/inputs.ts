import type { MonitoredService } from "../../shared/heartbeat";
import type { PoolProfile } from "../../shared/pools";
import type { LiveMember } from "../coordinator/live-member";
import type { MemberRow } from "../db/schema/members";
import type { PoolRow } from "../db/schema/pools";
import type { FailoverMember, FailoverPolicy } from "./decide";

// What the failover engine reads: a pool's row as its policy, and a member's row with its latest
// heartbeats as one FailoverMember. The coordinator and the dashboard both build them here.

const MONITORED: Record<PoolProfile, MonitoredService | null> = {
  haproxy: "haproxy",
  nginx: "nginx",
  generic: null,
};

export function policyOf(pool: PoolRow): FailoverPolicy {
  return {
    autoFailover: pool.autoFailover,
    failoverDelayMs: pool.failoverDelayS * 1000,
    monitoredService: MONITORED[pool.profile],
    preferredPrimaryId: pool.preferredPrimaryId,
    failbackHoldDownMs: pool.failbackHoldDownS * 1000,
    allowPrivateAddresses: pool.allowPrivateAddresses,
  };
}

/**
 * One member as failover sees it: its catalog row and what its latest heartbeats said.
 * `hearingSince`: silence before it is the control plane's and does not count. The dashboard
 * builds its members with this too, so it shows failover's own readiness.
 */
export function failoverMemberOf(
  row: MemberRow,
  live: LiveMember | undefined,
  hearingSince?: number,
): FailoverMember {
  return {
    id: row.id,
    priority: row.priority,
    lastHeartbeatAt: live?.lastHeartbeatAt ?? row.lastHeartbeatAt ?? null,
    ...(hearingSince === undefined ? {} : { silenceCountsFrom: hearingSince }),
    services: live?.services ?? {},
    draining: row.draining,
    disabled: row.disabled,
    publicIp: live?.publicIp ?? row.publicIp,
    readySince: null,
    probe: live?.probe ?? null,
    backends: live?.haproxy?.backends ?? null,
    configParity: live?.parityProblem ?? null,
  };
}
