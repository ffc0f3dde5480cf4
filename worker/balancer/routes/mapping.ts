import { Hono } from "hono";
import type { AppEnv } from "../../types";
import { FIELD_MAPPING, NGINX_NOTES } from "../mapping";

/**
 * `GET /api/v1/balancer/mapping`: what each field of the model becomes in HAProxy and in nginx,
 * and why nginx's rendering is sometimes only the nearest equivalent (the README's table).
 */
export const balancerMappingRoutes = new Hono<AppEnv>().get("/balancer/mapping", (c) =>
  c.json({ fields: FIELD_MAPPING, nginxNotes: NGINX_NOTES }),
);
