import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { PoolCoordinator } from "../../../worker/coordinator/pool-coordinator";

export function coordinatorStub(poolId: string) {
  return env.POOL_COORDINATOR.get(env.POOL_COORDINATOR.idFromName(poolId));
}

/** Sets the pool coordinator's clock: tests move time instead of sleeping. */
export async function setClock(poolId: string, at: number): Promise<void> {
  await runInDurableObject(coordinatorStub(poolId), (instance: PoolCoordinator) => {
    instance.seams.now = () => at;
  });
}

/** The coordinator's scheduled alarm, or null. */
export async function scheduledAlarm(poolId: string): Promise<number | null> {
  return runInDurableObject(coordinatorStub(poolId), (_instance, state) =>
    state.storage.getAlarm(),
  );
}

/** Moves the clock to `at` and fires the alarm now, as workerd would at that time. */
export async function fireAlarmAt(poolId: string, at: number): Promise<boolean> {
  await setClock(poolId, at);
  return runDurableObjectAlarm(coordinatorStub(poolId));
}

/**
 * Moves the clock second by second from `from` to `to` (inclusive), calling `beat` at each: the
 * members it beats for stay heard, as real agents beating every second would. (A pool heard by
 * no one for longer than an interval counts as an outage of the control plane, not of members.)
 */
export async function everySecond(
  poolId: string,
  from: number,
  to: number,
  beat: () => Promise<unknown>,
): Promise<void> {
  for (let at = from; at <= to; at += 1_000) {
    await setClock(poolId, at);
    await beat();
  }
}
