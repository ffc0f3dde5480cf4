import { Hono } from "hono";
import { PageQuery } from "../../shared/pagination";
import { CreatePool, DeletePoolQuery, UpdatePool } from "../../shared/pools";
import { allow } from "../auth/admin";
import { coordinatorFor } from "../coordinator/client";
import { createPool, deletePool, getPool, listPools, toPool, updatePool } from "../pools/store";
import type { AppEnv } from "../types";
import { validate } from "../validation";

export const poolRoutes = new Hono<AppEnv>()
  .post("/pools", allow("admin"), validate("json", CreatePool), async (c) => {
    const pool = await createPool(c.get("db"), c.req.valid("json"), c.get("actor").id, Date.now());
    return c.json({ pool: toPool(pool) }, 201);
  })
  .get("/pools", validate("query", PageQuery), async (c) => {
    const { items, nextCursor } = await listPools(c.get("db"), c.req.valid("query"));
    return c.json({ pools: items.map(toPool), nextCursor });
  })
  .get("/pools/:poolId", async (c) => {
    const pool = await getPool(c.get("db"), c.req.param("poolId"));
    return c.json({ pool: toPool(pool) });
  })
  .patch("/pools/:poolId", allow("admin"), validate("json", UpdatePool), async (c) => {
    const pool = await updatePool(
      c.get("db"),
      c.req.param("poolId"),
      c.req.valid("json"),
      c.get("actor").id,
      Date.now(),
    );
    await coordinatorFor(c.env, pool.id).poolChanged(pool);
    return c.json({ pool: toPool(pool) });
  })
  .delete("/pools/:poolId", allow("admin"), validate("query", DeletePoolQuery), async (c) => {
    const { force } = c.req.valid("query");
    const pool = await deletePool(
      c.get("db"),
      c.req.param("poolId"),
      force,
      c.get("actor").id,
      Date.now(),
    );
    await coordinatorFor(c.env, pool.id).poolDeleted();
    return c.json({ pool: toPool(pool), deleted: true });
  });
