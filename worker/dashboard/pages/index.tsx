import { Hono, type MiddlewareHandler } from "hono";
import { createMiddleware } from "hono/factory";
import { ApiError } from "../../errors";
import type { AppEnv } from "../../types";
import { Layout } from "../views/layout";
import { PoolList } from "../views/pool-list";
import { PoolLive } from "../views/pool-live";
import { PoolHeading } from "../views/tabs";
import { dashboardActions } from "./actions";
import { addMemberPages } from "./add-member";
import { dnsAccountPages } from "./dns-accounts";
import { eventPages } from "./events";
import { jobPages } from "./jobs";
import { loadPoolList, loadPoolView } from "./load";
import { memberSettingsPages } from "./member-settings";
import { memberStatusPages } from "./member-status";
import { monitoringPages } from "./monitoring";
import { poolDnsPages } from "./pool-dns";
import { poolFormPages } from "./pool-form";
import { poolSettingsPages } from "./pool-settings";
import { recoveryPages } from "./recovery";
import { flashOf, fragment, page } from "./render";
import { scheduleEditPages } from "./schedule-edit";
import { tokenPages } from "./tokens";
import { userPages } from "./users";

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
        <Layout title={view.name} session={session} flash={flashOf(c)}>
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
    .route("/", poolSettingsPages)
    .route("/", eventPages)
    .route("/", recoveryPages)
    .route("/", scheduleEditPages)
    .route("/", userPages)
    .route("/", tokenPages)
    .route("/", dnsAccountPages);
}
