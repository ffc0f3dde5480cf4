import { Hono } from "hono";
import type { AppEnv } from "../../types";
import { balancerMappingRoutes } from "./mapping";
import { balancerModelRoutes } from "./model";
import { balancerRenderRoutes } from "./render";
import { balancerRevisionRoutes } from "./revisions";

/**
 * `/api/v1/pools/:poolId/balancer…`: the managed balancer's model, revisions and files; and
 * `/api/v1/balancer/mapping`, the same for every pool.
 */
export const balancerRoutes = new Hono<AppEnv>()
  .route("/", balancerMappingRoutes)
  .route("/", balancerModelRoutes)
  .route("/", balancerRevisionRoutes)
  .route("/", balancerRenderRoutes);
