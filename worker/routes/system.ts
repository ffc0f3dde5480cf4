import { Hono } from "hono";
import { allow } from "../auth/admin";
import { coordinatorFor } from "../coordinator/client";
import type { CoordinatorStats } from "../coordinator/pool-coordinator";
import type { D1Meter } from "../db/meter";
import { pools } from "../db/schema/pools";
import type { AppEnv } from "../types";

/**
 * D1 work counted from D1's own result metadata, for operators and `npm run bench:heartbeat`:
 * this isolate's request handling, and each pool coordinator's.
 */
export function systemRoutes(requestMeter: D1Meter) {
  return new Hono<AppEnv>().get("/system/stats", allow("admin"), async (c) => {
    const poolIds = await c.get("db").select({ id: pools.id }).from(pools);
    const perPool = await Promise.all(poolIds.map(({ id }) => coordinatorFor(c.env, id).stats()));
    const coordinators: CoordinatorStats = {
      calls: 0,
      statements: 0,
      rowsWritten: 0,
      rowsRead: 0,
      heartbeats: 0,
      socketMessages: 0,
      alarms: 0,
    };
    for (const stats of perPool) {
      for (const key of Object.keys(coordinators) as (keyof CoordinatorStats)[])
        coordinators[key] += stats[key];
    }
    return c.json({ requests: { ...requestMeter.totals }, coordinators, pools: poolIds.length });
  });
}
