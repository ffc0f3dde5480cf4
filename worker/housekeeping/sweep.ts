import { and, eq, lt } from "drizzle-orm";
import type { Db } from "../db/client";
import { metricSamples } from "../db/schema/metrics";
import { pools } from "../db/schema/pools";
import { deleteAllDeadSessions } from "../users/sessions";
import { deleteEndedThrottles } from "../users/throttle";

const DAY_MS = 86_400_000;

/**
 * The cron sweep: drops metric samples past retention, one pool at a time so each delete is a
 * range on the samples' primary key, then ended dashboard sessions and login-throttle counters
 * whose window is over. Failover never depends on it.
 */
export async function sweep(db: Db, retentionDays: number, now: number) {
  const cutoff = now - retentionDays * DAY_MS;
  const poolIds = await db.select({ id: pools.id }).from(pools);
  let samplesDeleted = 0;
  for (const { id } of poolIds) {
    const result = await db
      .delete(metricSamples)
      .where(and(eq(metricSamples.poolId, id), lt(metricSamples.at, cutoff)))
      .run();
    samplesDeleted += result.meta.changes;
  }
  const [sessionsGone, throttlesGone] = await Promise.all([
    deleteAllDeadSessions(db, now).run(),
    deleteEndedThrottles(db, now).run(),
  ]);
  return {
    pools: poolIds.length,
    samplesDeleted,
    sessionsDeleted: sessionsGone.meta.changes,
    throttlesDeleted: throttlesGone.meta.changes,
  };
}
