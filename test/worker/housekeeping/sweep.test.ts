import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { openDb } from "../../../worker/db/client";
import { D1Meter } from "../../../worker/db/meter";
import { sweep } from "../../../worker/housekeeping/sweep";
import { createPool } from "../helpers";

const DAY_MS = 86_400_000;

async function sampleTimes(poolId: string): Promise<number[]> {
  const rows = await env.DB.prepare("SELECT at FROM metric_samples WHERE pool_id = ? ORDER BY at")
    .bind(poolId)
    .all<{ at: number }>();
  return rows.results.map((row) => row.at);
}

it("even at the shortest retention (1 day) keeps the whole day the Monitoring tab charts", async () => {
  const pool = await createPool();
  const now = Date.now();
  const times = [now - DAY_MS - 60_000, now - DAY_MS + 60_000, now - 3_600_000, now - 30_000];
  for (const at of times) {
    await env.DB.prepare("INSERT INTO metric_samples (pool_id, at, members) VALUES (?, ?, '{}')")
      .bind(pool.id, at)
      .run();
  }
  const result = await sweep(openDb(env.DB, new D1Meter()), 1, now);
  expect(result.samplesDeleted).toBe(1);
  expect(await sampleTimes(pool.id)).toEqual(times.slice(1));
});
