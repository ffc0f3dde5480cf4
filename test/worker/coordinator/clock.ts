import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { PoolCoordinator } from "../../../worker/coordinator/pool-coordinator";

export function coordinatorStub(poolId: string) {
  return env.POOL_COORDINATOR.get(env.POOL_COORDINATOR.idFromName(poolId));
}

/** Sets the pool coordinator's clock: tests move time instead of sleeping. */
export async function setClock(poolId: string, at: number): Promise<void> {
  await runInDurableObject(coordinatorStub(poolId), (instance: PoolCoordinator) => {
    instance.now = () => at;
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
