import { Hono } from "hono";
import { MetricsQuery } from "../../shared/metrics";
import { getMember } from "../members/store";
import { loadMemberMetrics } from "../metrics/store";
import type { AppEnv } from "../types";
import { validate } from "../validation";

/** A member's chart series (heartbeat round-trip, CPU, memory, sessions) for the last hour or day. */
export const metricRoutes = new Hono<AppEnv>().get(
  "/members/:memberId/metrics",
  validate("query", MetricsQuery),
  async (c) => {
    const member = await getMember(c.get("db"), c.req.param("memberId"));
    const { range } = c.req.valid("query");
    return c.json(await loadMemberMetrics(c.get("db"), member, range, Date.now(), c.get("config")));
  },
);
