import { Hono, type MiddlewareHandler } from "hono";
import { createMiddleware } from "hono/factory";
import { ApiError } from "../errors";
import type { AppEnv } from "../types";
import { tokenPages } from "./admin/tokens-routes";
import { userPages } from "./admin/users-routes";
import { balancerPages } from "./balancer/routes";
import { certificatePages } from "./certificates/routes";
import { Layout } from "./common/layout";
import { flashOf, fragment, page } from "./common/render";
import { PoolHeading } from "./common/tabs";
import { dnsAccountPages } from "./dns/accounts-routes";
import { poolDnsPages } from "./dns/routes";
import { eventPages } from "./events/routes";
import { jobPages } from "./jobs/routes";
import { addMemberPages } from "./member-settings/add-member-routes";
import { memberSettingsPages } from "./member-settings/routes";
import { memberStatusPages } from "./member-status/routes";
import { monitoringPages } from "./monitoring/routes";
import { dashboardActions } from "./overview/actions";
import { loadPoolList, loadPoolView } from "./overview/load";
import { PoolList } from "./overview/pool-list-view";
import { PoolLive } from "./overview/pool-live";
import { poolFormPages } from "./pool-settings/new-pool";
import { poolSettingsPages } from "./pool-settings/routes";
import { recoveryPages } from "./recovery/routes";
import { scheduleEditPages } from "./recovery/schedule-edit";

/** The dashboard's paths: the session guard covers these and nothing else of the app. */
export const DASHBOARD_PATHS = [
  "/",
  "/pools/*",
  "/members/*",
  "/ui/*",
  "/users",
  "/tokens",
  "/dns-accounts",
] as const;

/** Defence in depth: a page never renders for a request that carries no session. */
const signedIn = createMiddleware<AppEnv>(async (c, next) => {
  if (!c.get("session") || !c.get("actor")) throw new ApiError("unauthorized", "Sign in first");
  await next();
});

/**
 * The server-rendered dashboard. `guards` (the session layer: requireSession, verifyCsrf) run
 * first on every dashboard path; the pages read c.get("session") and c.get("actor").
 */
export function dashboardPages(guards: MiddlewareHandler<AppEnv>[]) {
  const app = new Hono<AppEnv>();
  for (const path of DASHBOARD_PATHS) app.use(path, ...guards, signedIn);
  // The New pool form's routes come first: /pools/:poolId would take /pools/new for a pool id.
  return app
    .route("/", poolFormPages)
    .get("/", async (c) => {
      const rows = await loadPoolList(c.get("db"));
      const session = c.get("session");
      return page(
        c,
        <Layout title="Pools" session={session} flash={flashOf(c)}>
          <div class="title-row">
            <h1>Pools</h1>
            {session.role === "admin" && (
              <a class="button-link" href="/pools/new" data-testid="new-pool-link">
                New pool
              </a>
            )}
          </div>
          <div data-live-src="/ui/pool-list/fragment" aria-live="off">
            <PoolList rows={rows} now={Date.now()} />
          </div>
          <p class="live-status muted" data-live-status aria-live="polite" />
        </Layout>,
      );
    })
    .get("/ui/pool-list/fragment", async (c) => {
      const rows = await loadPoolList(c.get("db"));
      return fragment(c, <PoolList rows={rows} now={Date.now()} />);
    })
    .get("/pools/:poolId", async (c) => {
      const view = await loadPoolView(c.env, c.get("db"), c.req.param("poolId"));
      const session = c.get("session");
      return page(
        c,
        <Layout title={view.name} session={session} flash={flashOf(c)} health={view.health.state}>
          <PoolHeading pool={view} active="overview" />
          <div
            id="pool-live"
            data-live-src={`/ui/pools/${view.id}/fragment`}
            data-testid="pool-live"
          >
            <PoolLive view={view} session={session} />
          </div>
          <p class="live-status muted" data-live-status aria-live="polite" />
        </Layout>,
      );
    })
    .get("/ui/pools/:poolId/fragment", async (c) => {
      const view = await loadPoolView(c.env, c.get("db"), c.req.param("poolId"));
      return fragment(c, <PoolLive view={view} session={c.get("session")} />);
    })
    .get("/ui/pools/:poolId/live", async (c) => {
      const view = await loadPoolView(c.env, c.get("db"), c.req.param("poolId"));
      c.header("Cache-Control", "no-store");
      return c.json({ view });
    })
    .route("/", dashboardActions)
    .route("/", jobPages)
    .route("/", memberStatusPages)
    .route("/", memberSettingsPages)
    .route("/", addMemberPages)
    .route("/", monitoringPages)
    .route("/", poolDnsPages)
    .route("/", balancerPages)
    .route("/", certificatePages)
    .route("/", poolSettingsPages)
    .route("/", eventPages)
    .route("/", recoveryPages)
    .route("/", scheduleEditPages)
    .route("/", userPages)
    .route("/", tokenPages)
    .route("/", dnsAccountPages);
}
