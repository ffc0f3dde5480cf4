import { and, eq, lt } from "drizzle-orm";
import type { Db } from "../db/client";
import { metricSamples } from "../db/schema/metrics";
import { pools } from "../db/schema/pools";

const DAY_MS = 86_400_000;

/**
 * The cron sweep: drops metric samples past retention, one pool at a time so each delete is a
 * range on the samples' primary key. Failover never depends on it.
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
  return { pools: poolIds.length, samplesDeleted };
}
