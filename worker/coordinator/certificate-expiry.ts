import { expiryNoticeWrites } from "../certificates/expiry";
import type { PoolState } from "./pool-state";

/**
 * The cron's certificate check for one pool: raises the notices due at `now` as events through
 * the ledger, so each also becomes a webhook alert once it is saved. In the queue, so overlapping
 * runs see each other's marks. Answers how many notices were raised.
 */
export function raiseCertificateExpiry(
  state: PoolState,
  poolId: string,
  now: number,
): Promise<number> {
  return state.whenOpen(
    poolId,
    async () => {
      const writes = await expiryNoticeWrites(state.db, poolId, state.ledger.event, now);
      await state.write(writes);
      await state.scheduleAlarm();
      return writes.length / 2;
    },
    () => 0,
  );
}
