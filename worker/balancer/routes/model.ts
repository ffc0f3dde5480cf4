import { Hono } from "hono";
import { BALANCER_REQUEST_MAX_BYTES, BalancerModel } from "../../../shared/balancer";
import { allow } from "../../auth/admin";
import { bodyCap } from "../../middleware/body-cap";
import { getPool } from "../../pools/store";
import type { AppEnv } from "../../types";
import { validate } from "../../validation";
import { mappingOf, renderAll } from "../preview";
import { newestRevision, toRevision } from "../revisions";
import { saveBalancerModel } from "../save";

/** A pool's balancer model: its newest revision, and saving a new one (operators). */
export const balancerModelRoutes = new Hono<AppEnv>()
  .get("/pools/:poolId/balancer", async (c) => {
    const pool = await getPool(c.get("db"), c.req.param("poolId"));
    const newest = await newestRevision(c.get("db"), pool.id);
    if (!newest) return c.json({ balancer: null, ...mappingOf(null) });
    const meta = { poolId: pool.id, poolName: pool.name, revision: newest.revision };
    return c.json({ balancer: toRevision(newest), ...mappingOf(renderAll(newest.model, meta)) });
  })
  .put(
    "/pools/:poolId/balancer",
    allow("operator"),
    bodyCap(BALANCER_REQUEST_MAX_BYTES, "A balancer model"),
    validate("json", BalancerModel),
    async (c) => {
      const db = c.get("db");
      const pool = await getPool(db, c.req.param("poolId"));
      const model = c.req.valid("json");
      const saved = await saveBalancerModel(db, pool, model, c.get("actor").id, Date.now());
      const answer = { balancer: toRevision(saved.revision), created: saved.created };
      return c.json({ ...answer, ...mappingOf(saved.renderings) }, saved.created ? 201 : 200);
    },
  );
