import { Hono } from "hono";
import { EventListQuery } from "../../shared/events";
import { PageQuery } from "../../shared/pagination";
import { listEvents } from "../events/store";
import { getPool } from "../pools/store";
import type { AppEnv } from "../types";
import { validate } from "../validation";

const ListQuery = PageQuery.extend(EventListQuery.shape);

export const eventRoutes = new Hono<AppEnv>()
  .get("/pools/:poolId/events", validate("query", ListQuery), async (c) => {
    const pool = await getPool(c.get("db"), c.req.param("poolId"));
    const { type, ...query } = c.req.valid("query");
    const { items, nextCursor } = await listEvents(c.get("db"), pool.id, type, query);
    return c.json({ events: items, nextCursor });
  })
  // The whole audit trail: also events of deleted pools and of API tokens.
  .get("/events", validate("query", ListQuery), async (c) => {
    const { type, ...query } = c.req.valid("query");
    const { items, nextCursor } = await listEvents(c.get("db"), null, type, query);
    return c.json({ events: items, nextCursor });
  });
