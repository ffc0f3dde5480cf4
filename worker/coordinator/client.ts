import type { DurableObject } from "cloudflare:workers";
import type { PoolCoordinator } from "./pool-coordinator";

/** The names of `T`'s methods that answer with a promise: what a Durable Object serves over RPC. */
type AsyncMethodNames<T> = {
  [K in keyof T]-?: T[K] extends (...args: never[]) => Promise<unknown> ? K : never;
}[keyof T];

/**
 * The coordinator's RPC methods, as callers see them: every public async method of the class
 * except the runtime's own handlers (alarm, fetch, …). A new call needs no edit here.
 */
export type CoordinatorApi = Pick<
  PoolCoordinator,
  Exclude<AsyncMethodNames<PoolCoordinator>, keyof DurableObject>
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
