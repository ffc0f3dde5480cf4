import type { PoolCoordinator } from "./pool-coordinator";

/** The coordinator's RPC methods, as callers see them. */
export type CoordinatorApi = Pick<
  PoolCoordinator,
  | "heartbeat"
  | "ackJob"
  | "reportJobResult"
  | "whoami"
  | "verifyAgent"
  | "fireSchedule"
  | "reportHaproxyStat"
  | "jobKinds"
  | "putSchedules"
  | "haproxyStat"
  | "enrollMember"
  | "updateMember"
  | "rotateSecret"
  | "removeMember"
  | "enqueueJob"
  | "cancelJob"
  | "snapshot"
  | "makeActive"
  | "cutToNextStandby"
  | "setAutoFailover"
  | "drain"
  | "failoverStatus"
  | "dnsChanged"
  | "dnsSettled"
  | "alertsChanged"
  | "testAlert"
  | "alertsSettled"
  | "poolChanged"
  | "poolDeleted"
  | "stats"
>;

/**
 * The stub of a pool's coordinator: one Durable Object per pool, addressed by the pool id.
 * Arguments and results are plain data (structured clones), so the methods keep their own
 * signatures; the cast spares the compiler Workers' recursive RPC type mapping.
 */
export function coordinatorFor(env: Env, poolId: string): CoordinatorApi {
  return env.POOL_COORDINATOR.get(
    env.POOL_COORDINATOR.idFromName(poolId),
  ) as unknown as CoordinatorApi;
}
