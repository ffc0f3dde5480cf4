import { Hono } from "hono";
import { CreateRollout, PutConfigParity } from "../../shared/rollouts";
import { allow } from "../auth/admin";
import { coordinatorFor } from "../coordinator/client";
import { unwrap } from "../coordinator/outcome";
import { getMember } from "../members/store";
import { getPool } from "../pools/store";
import { getRollout, listRollouts, toRollout } from "../rollouts/store";
import type { AppEnv } from "../types";
import { validate } from "../validation";

/**
 * Rollouts of the managed balancer and the pool's managed-config state. Changes run in the
 * pool's coordinator (which carries rollouts out); reads come from D1, which the coordinator
 * updates at every step, so `GET …/rollouts/:id` is live.
 */
export const rolloutRoutes = new Hono<AppEnv>()
  .post(
    "/pools/:poolId/rollouts",
    allow("operator"),
    validate("json", CreateRollout),
    async (c) => {
      const pool = await getPool(c.get("db"), c.req.param("poolId"));
      const coordinator = coordinatorFor(c.env, pool.id);
      const rollout = unwrap(
        await coordinator.startRollout(pool.id, c.req.valid("json"), c.get("actor").id),
      );
      return c.json({ rollout }, 201);
    },
  )
  .post("/members/:memberId/balancer/reapply", allow("operator"), async (c) => {
    const member = await getMember(c.get("db"), c.req.param("memberId"));
    const coordinator = coordinatorFor(c.env, member.poolId);
    const rollout = unwrap(
      await coordinator.reapplyLive(member.poolId, member.id, c.get("actor").id),
    );
    return c.json({ rollout }, 201);
  })
  .get("/pools/:poolId/rollouts", async (c) => {
    const pool = await getPool(c.get("db"), c.req.param("poolId"));
    const rows = await listRollouts(c.get("db"), pool.id);
    return c.json({ rollouts: rows.map((rollout) => toRollout({ rollout, steps: [] })) });
  })
  .get("/pools/:poolId/rollouts/:rolloutId", async (c) => {
    const pool = await getPool(c.get("db"), c.req.param("poolId"));
    const found = await getRollout(c.get("db"), pool.id, c.req.param("rolloutId"));
    return c.json({ rollout: toRollout(found) });
  })
  .post("/pools/:poolId/rollouts/:rolloutId/abort", allow("operator"), async (c) => {
    const pool = await getPool(c.get("db"), c.req.param("poolId"));
    const rolloutId = c.req.param("rolloutId");
    await getRollout(c.get("db"), pool.id, rolloutId);
    const coordinator = coordinatorFor(c.env, pool.id);
    const rollout = unwrap(await coordinator.abortRollout(pool.id, rolloutId, c.get("actor").id));
    return c.json({ rollout });
  })
  .get("/pools/:poolId/balancer/state", async (c) => {
    const pool = await getPool(c.get("db"), c.req.param("poolId"));
    return c.json({
      balancer: unwrap(await coordinatorFor(c.env, pool.id).balancerState(pool.id)),
    });
  })
  .put(
    "/pools/:poolId/balancer/parity",
    allow("admin"),
    validate("json", PutConfigParity),
    async (c) => {
      const pool = await getPool(c.get("db"), c.req.param("poolId"));
      const coordinator = coordinatorFor(c.env, pool.id);
      const state = await coordinator.setConfigParity(
        pool.id,
        c.req.valid("json"),
        c.get("actor").id,
      );
      return c.json({ balancer: unwrap(state) });
    },
  )
  .post("/pools/:poolId/balancer/detach", allow("admin"), async (c) => {
    const pool = await getPool(c.get("db"), c.req.param("poolId"));
    const coordinator = coordinatorFor(c.env, pool.id);
    const state = unwrap(await coordinator.detachBalancer(pool.id, c.get("actor").id));
    return c.json({ balancer: state });
  });
