import { Hono } from "hono";
import {
  alertSettingsFor,
  findAlertRow,
  removeAlertSettings,
  saveAlertSettings,
  toAlertView,
} from "../alerts/settings";
import { allow } from "../auth/admin";
import { coordinatorFor } from "../coordinator/client";
import { unwrap } from "../coordinator/outcome";
import { requireSecretsKey } from "../dns/settings";
import { getPool } from "../pools/store";
import type { AppEnv } from "../types";
import { validateWith } from "../validation";

/** A pool's webhook alerts. The signing secret goes in, never out; the URL out to admins only. */
export const alertRoutes = new Hono<AppEnv>()
  .get("/pools/:poolId/alerts", async (c) => {
    const pool = await getPool(c.get("db"), c.req.param("poolId"));
    const row = await findAlertRow(c.get("db"), pool.id);
    const canSeeUrl = c.get("actor").role === "admin";
    return c.json({ alerts: row ? toAlertView(row, canSeeUrl) : null });
  })
  .put(
    "/pools/:poolId/alerts",
    allow("admin"),
    validateWith("json", (c) => alertSettingsFor(c.get("config"))),
    async (c) => {
      const pool = await getPool(c.get("db"), c.req.param("poolId"));
      const key = requireSecretsKey(c.get("config").secretsKey);
      const alerts = await saveAlertSettings(
        c.get("db"),
        key,
        pool.id,
        c.req.valid("json"),
        c.get("config"),
        c.get("actor").id,
        Date.now(),
      );
      await coordinatorFor(c.env, pool.id).alertsChanged(pool.id);
      return c.json({ alerts });
    },
  )
  // A signed `alert.test` through the coordinator's dispatcher: the receiver's answer and time.
  .post("/pools/:poolId/alerts/test", allow("admin"), async (c) => {
    const pool = await getPool(c.get("db"), c.req.param("poolId"));
    const coordinator = coordinatorFor(c.env, pool.id);
    const result = unwrap(await coordinator.testAlert(pool.id, c.get("actor").id));
    return c.json({ test: result });
  })
  .delete("/pools/:poolId/alerts", allow("admin"), async (c) => {
    const pool = await getPool(c.get("db"), c.req.param("poolId"));
    await removeAlertSettings(c.get("db"), pool.id, c.get("actor").id, Date.now());
    await coordinatorFor(c.env, pool.id).alertsChanged(pool.id);
    return c.json({ deleted: true });
  });
