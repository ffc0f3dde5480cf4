import { Hono } from "hono";
import type { AppEnv } from "../../types";
import { balancerModelRoutes } from "./model";
import { balancerRenderRoutes } from "./render";
import { balancerRevisionRoutes } from "./revisions";

/** `/api/v1/pools/:poolId/balancer…`: the managed balancer's model, revisions and files. */
export const balancerRoutes = new Hono<AppEnv>()
  .route("/", balancerModelRoutes)
  .route("/", balancerRevisionRoutes)
  .route("/", balancerRenderRoutes);
