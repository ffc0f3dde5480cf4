import type { Child } from "hono/jsx";
import type { PoolHealthState } from "../../failover/pool-health";
import type { DashboardSession } from "../../types";

export interface Flash {
  kind: "ok" | "error";
  message: string;
}

interface LayoutProps {
  title: string;
  session: DashboardSession;
  flash: Flash | null;
  /** A pool page's health: the favicon wears its badge (app.js keeps it current). */
  health?: PoolHealthState;
  children: Child;
}

/** The tab's icon: Baton's, or on a pool page Baton's with the pool's health as a badge. */
export function faviconOf(health: PoolHealthState | undefined): string {
  return health ? `/dashboard/favicon-${health.replace("_", "-")}.svg` : "/dashboard/favicon.svg";
}

/** The page shell: nav, who is signed in, a logout form and the shared confirmation dialog. */
export function Layout({ title, session, flash, health, children }: LayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · Baton`}</title>
        <link
          rel="icon"
          href={faviconOf(health)}
          type="image/svg+xml"
          id="favicon"
          data-testid="favicon"
        />
        <link rel="stylesheet" href="/dashboard/app.css" />
        <script src="/dashboard/app.js" defer />
        {/* Parts shown by a select's value are served hidden (app.js shows the chosen ones);
            without scripts every part shows, as the form submits them all. */}
        <noscript>
          <style>{"[data-shown-by][hidden] { display: block; }"}</style>
        </noscript>
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="top">
          <nav aria-label="Main">
            <a class="brand" href="/">
              Baton
            </a>
            <a href="/">Pools</a>
            {session.role === "admin" && (
              <a href="/users" data-testid="nav-users">
                Users
              </a>
            )}
            {session.role === "admin" && (
              <a href="/tokens" data-testid="nav-tokens">
                API tokens
              </a>
            )}
            {session.role === "admin" && (
              <a href="/dns-accounts" data-testid="nav-dns-accounts">
                DNS accounts
              </a>
            )}
          </nav>
          <div class="who">
            <span data-testid="signed-in-user">{session.username}</span>
            <span class="role">{session.role}</span>
            <form method="post" action="/logout">
              <input type="hidden" name="_csrf" value={session.csrf} />
              <button type="submit">Log out</button>
            </form>
          </div>
        </header>
        <main id="main">
          {flash && (
            <p class={`flash flash-${flash.kind}`} role="status" data-testid="flash">
              {flash.message}
            </p>
          )}
          {children}
        </main>
        <dialog id="confirm-dialog" data-testid="confirm-dialog" aria-labelledby="confirm-text">
          <form method="dialog">
            <p id="confirm-text" data-confirm-text />
            <div class="row">
              <button type="submit" value="cancel">
                Cancel
              </button>
              <button type="submit" value="confirm" class="primary" data-testid="confirm-ok">
                Confirm
              </button>
            </div>
          </form>
        </dialog>
      </body>
    </html>
  );
}
