import { createMiddleware } from "hono/factory";
import { routePath } from "hono/route";
import { REQUEST_ID_HEADER } from "../../shared/protocol";
import { parseConfig } from "../config";
import { openDb } from "../db/client";
import type { D1Meter } from "../db/meter";
import { log, setLogLevel } from "../log";
import type { AppEnv } from "../types";

/**
 * Sets up each request (id, config, database) and writes its one log line. Accepted heartbeats
 * log at debug: one line per member per second would drown everything else.
 */
export function requestContext(meter: D1Meter) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const startedAt = Date.now();
    const requestId = crypto.randomUUID();
    const config = parseConfig(c.env);
    setLogLevel(config.logLevel);
    c.set("requestId", requestId);
    c.set("config", config);
    c.set("db", openDb(c.env.DB, meter));
    await next();
    c.header(REQUEST_ID_HEADER, requestId);
    const route = routePath(c, -1);
    const quiet = route === "/agent/v1/heartbeat" && c.res.status === 200;
    log(quiet ? "debug" : "info", {
      requestId,
      method: c.req.method,
      route,
      status: c.res.status,
      durationMs: Date.now() - startedAt,
    });
  });
}
