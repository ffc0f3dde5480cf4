import { Hono } from "hono";
import { PromoteMember } from "../../shared/pools";
import { allow } from "../auth/admin";
import { coordinatorFor } from "../coordinator/client";
import { unwrap } from "../coordinator/outcome";
import { getMember, toMember } from "../members/store";
import { getPool, toPool } from "../pools/store";
import type { AppEnv } from "../types";
import { validate } from "../validation";

/** Manual failover: every action runs in the pool's coordinator, which records it as an event. */
export const failoverRoutes = new Hono<AppEnv>()
  .get("/pools/:poolId/failover", async (c) => {
    const pool = await getPool(c.get("db"), c.req.param("poolId"));
    return c.json({
      failover: unwrap(await coordinatorFor(c.env, pool.id).failoverStatus(pool.id)),
    });
  })
  .post(
    "/pools/:poolId/failover/promote",
    allow("operator"),
    validate("json", PromoteMember),
    async (c) => {
      const pool = await getPool(c.get("db"), c.req.param("poolId"));
      const { memberId } = c.req.valid("json");
      const after = unwrap(
        await coordinatorFor(c.env, pool.id).makeActive(pool.id, memberId, c.get("actor").id),
      );
      return c.json({ pool: toPool(after) });
    },
  )
  .post("/pools/:poolId/failover/next", allow("operator"), async (c) => {
    const pool = await getPool(c.get("db"), c.req.param("poolId"));
    const after = unwrap(
      await coordinatorFor(c.env, pool.id).cutToNextStandby(pool.id, c.get("actor").id),
    );
    return c.json({ pool: toPool(after) });
  })
  .post("/pools/:poolId/failover/:action{pause|resume}", allow("operator"), async (c) => {
    const pool = await getPool(c.get("db"), c.req.param("poolId"));
    const enabled = c.req.param("action") === "resume";
    const coordinator = coordinatorFor(c.env, pool.id);
    const after = unwrap(await coordinator.setAutoFailover(pool.id, enabled, c.get("actor").id));
    return c.json({ pool: toPool(after) });
  })
  .post("/members/:memberId/:action{drain|undrain}", allow("operator"), async (c) => {
    const { id, poolId } = await getMember(c.get("db"), c.req.param("memberId"));
    const draining = c.req.param("action") === "drain";
    const coordinator = coordinatorFor(c.env, poolId);
    const row = unwrap(await coordinator.drain(poolId, id, draining, c.get("actor").id));
    return c.json({ member: toMember(row) });
  });
