import { Hono } from "hono";
import { authenticateAdmin } from "./auth/admin";
import { balancerRoutes } from "./balancer/routes/index";
import { certificateRoutes } from "./certificates/routes";
import { dashboardAuthRoutes } from "./dashboard/auth/routes";
import { errorPage, wantsErrorPage } from "./dashboard/common/error-page";
import { DASHBOARD_PATHS, dashboardPages } from "./dashboard/index";
import { requireSession, verifyCsrf } from "./dashboard/session";
import { D1Meter } from "./db/meter";
import { noRoute, onError, onNotFound, toApiError } from "./errors";
import { requestContext } from "./middleware/request-context";
import { securityHeaders } from "./middleware/security-headers";
import { agentRoutes } from "./routes/agent";
import { alertRoutes } from "./routes/alerts";
import { backupRoutes } from "./routes/backups";
import { dnsRoutes } from "./routes/dns";
import { dnsAccountRoutes } from "./routes/dns-accounts";
import { eventRoutes } from "./routes/events";
import { failoverRoutes } from "./routes/failover";
import { haproxyRoutes } from "./routes/haproxy";
import { health } from "./routes/health";
import { installRoutes } from "./routes/install";
import { jobRoutes } from "./routes/jobs";
import { memberRoutes } from "./routes/members";
import { metricRoutes } from "./routes/metrics";
import { poolRoutes } from "./routes/pools";
import { rolloutRoutes } from "./routes/rollouts";
import { scheduleRoutes } from "./routes/schedules";
import { systemRoutes } from "./routes/system";
import { tokenRoutes } from "./routes/tokens";
import type { AppEnv } from "./types";

/** Counts this isolate's D1 work for GET /api/v1/system/stats. */
export const requestMeter = new D1Meter();

const adminApi = new Hono<AppEnv>()
  .use("*", authenticateAdmin)
  .route("/", poolRoutes)
  .route("/", memberRoutes)
  .route("/", jobRoutes)
  .route("/", scheduleRoutes)
  .route("/", backupRoutes)
  .route("/", haproxyRoutes)
  .route("/", metricRoutes)
  .route("/", eventRoutes)
  .route("/", failoverRoutes)
  .route("/", rolloutRoutes)
  .route("/", dnsRoutes)
  .route("/", dnsAccountRoutes)
  .route("/", alertRoutes)
  .route("/", certificateRoutes)
  .route("/", tokenRoutes)
  .route("/", balancerRoutes)
  .route("/", systemRoutes(requestMeter));

export const app = new Hono<AppEnv>()
  .use("*", securityHeaders)
  .use("*", requestContext(requestMeter))
  .route("/", health)
  .route("/", installRoutes)
  .route("/", dashboardAuthRoutes)
  .route("/", dashboardPages([requireSession, verifyCsrf]))
  .route("/api/v1", adminApi)
  .route("/agent/v1", agentRoutes);

// Pages and browsers get an HTML error page; the APIs keep their JSON error body.
app.notFound((c) =>
  wantsErrorPage(c, DASHBOARD_PATHS)
    ? errorPage(c, noRoute(c.req.method, c.req.path))
    : onNotFound(c),
);
app.onError((error, c) =>
  wantsErrorPage(c, DASHBOARD_PATHS)
    ? errorPage(c, toApiError(error, c.get("requestId") ?? "unknown"))
    : onError(error, c),
);
