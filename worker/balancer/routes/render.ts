import { Hono } from "hono";
import { BalancerRenderQuery } from "../../../shared/balancer-api";
import { getPool } from "../../pools/store";
import type { AppEnv } from "../../types";
import { validate } from "../../validation";
import { revisionText } from "../revisions";
import { requireRevision } from "./require-revision";

/**
 * A revision's rendered file, byte for byte what the agent writes (text/plain), with its
 * revision and SHA-256 in headers for scripts that compare.
 */
export const balancerRenderRoutes = new Hono<AppEnv>().get(
  "/pools/:poolId/balancer/render",
  validate("query", BalancerRenderQuery),
  async (c) => {
    const db = c.get("db");
    const pool = await getPool(db, c.req.param("poolId"));
    const { target, revision } = c.req.valid("query");
    const found = await requireRevision(db, pool, revision);
    c.header("X-Baton-Revision", String(found.revision));
    c.header("X-Baton-Sha256", found[target].sha256);
    return c.text(revisionText(found, target), 200, {
      "Content-Type": "text/plain; charset=utf-8",
    });
  },
);
