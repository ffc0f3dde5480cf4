import { Hono } from "hono";
import { BalancerRevisionParam } from "../../../shared/balancer-api";
import { PageQuery } from "../../../shared/pagination";
import { getPool } from "../../pools/store";
import type { AppEnv } from "../../types";
import { validate } from "../../validation";
import { revisionDiff } from "../revision-diff";
import { listRevisions, toRevision } from "../revisions";
import { requireRevision } from "./require-revision";

/** A pool's balancer revisions, newest first, and one with its diff against the one before. */
export const balancerRevisionRoutes = new Hono<AppEnv>()
  .get("/pools/:poolId/balancer/revisions", validate("query", PageQuery), async (c) => {
    const pool = await getPool(c.get("db"), c.req.param("poolId"));
    const page = await listRevisions(c.get("db"), pool.id, c.req.valid("query"));
    return c.json({ revisions: page.items, nextCursor: page.nextCursor });
  })
  .get(
    "/pools/:poolId/balancer/revisions/:revision",
    validate("param", BalancerRevisionParam),
    async (c) => {
      const db = c.get("db");
      const pool = await getPool(db, c.req.param("poolId"));
      const revision = await requireRevision(db, pool, c.req.valid("param").revision);
      return c.json({ revision: toRevision(revision), diff: await revisionDiff(db, revision) });
    },
  );
