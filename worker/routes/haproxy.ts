import { Hono } from "hono";
import { coordinatorFor } from "../coordinator/client";
import { unwrap } from "../coordinator/outcome";
import { getMember } from "../members/store";
import type { AppEnv } from "../types";

/**
 * HAProxy's full status table of a member. Each request also asks the member's agent, through
 * its next heartbeats, to keep sending fresh tables for a while (the status tab polls this).
 */
export const haproxyRoutes = new Hono<AppEnv>().get(
  "/members/:memberId/haproxy/stat",
  async (c) => {
    const member = await getMember(c.get("db"), c.req.param("memberId"));
    const coordinator = coordinatorFor(c.env, member.poolId);
    return c.json(unwrap(await coordinator.haproxyStat(member.poolId, member.id)));
  },
);
