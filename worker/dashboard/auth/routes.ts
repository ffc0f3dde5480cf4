import { Hono } from "hono";
import type { AppEnv } from "../../types";
import { loginRoutes } from "./login";
import { setupRoutes } from "./setup";
import { userApiRoutes } from "./users-api";

/** Dashboard access: first-run setup, sign-in and sign-out, and the users API. */
export const dashboardAuthRoutes = new Hono<AppEnv>()
  .route("/", setupRoutes)
  .route("/", loginRoutes)
  .route("/api/v1/users", userApiRoutes);
