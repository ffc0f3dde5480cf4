import { Hono } from "hono";
import type { AppEnv } from "../../types";
import { userApiRoutes } from "../../users/routes";
import { loginRoutes } from "./login";
import { setupRoutes } from "./setup";

/** Dashboard access: first-run setup, sign-in and sign-out, and the users API. */
export const dashboardAuthRoutes = new Hono<AppEnv>()
  .route("/", setupRoutes)
  .route("/", loginRoutes)
  .route("/api/v1/users", userApiRoutes);
