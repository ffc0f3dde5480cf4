import type { Context } from "hono";
import type { ApiError } from "../../errors";
import type { AppEnv } from "../../types";
import { messagePage } from "../auth/pages";
import { Layout } from "./layout";
import { page } from "./render";

/** Where JSON is the answer whatever went wrong: the admin API, the agents' API, the installer. */
const MACHINE_PREFIXES = ["/api/", "/agent/", "/install", "/healthz"];

const HEADINGS: Partial<Record<number, string>> = {
  400: "That request was not valid",
  401: "Sign in first",
  403: "Not allowed",
  404: "Not found",
  409: "That cannot be done now",
};

/**
 * Whether an error should be answered with an HTML page: requests to the dashboard's pages, and
 * requests of a browser (one that accepts HTML) for a path that is not an API. Scripts calling
 * the API get the JSON error body whatever they accept.
 */
export function wantsErrorPage(c: Context<AppEnv>, pagePaths: readonly string[]): boolean {
  const path = c.req.path;
  if (
    MACHINE_PREFIXES.some((prefix) => path === prefix.replace(/\/$/, "") || path.startsWith(prefix))
  )
    return false;
  const isPage = pagePaths.some((pattern) =>
    pattern.endsWith("/*") ? path.startsWith(pattern.slice(0, -1)) : path === pattern,
  );
  return isPage || (c.req.header("Accept") ?? "").includes("text/html");
}

/**
 * The dashboard's error page: the error's message in the dashboard's frame when someone is signed
 * in (so the navigation stays), the bare sign-in frame otherwise. Same status and stable code as
 * the API's JSON answer; the code and request id are printed for a bug report.
 */
export async function errorPage(c: Context<AppEnv>, error: ApiError) {
  const title = HEADINGS[error.status] ?? "Something went wrong";
  const requestId = c.get("requestId") ?? "unknown";
  c.status(error.status);
  c.header("X-Baton-Error", error.code);
  const session = c.get("session");
  if (!session) {
    return c.html(
      messagePage(title, error.message, { href: "/", text: "Back to the dashboard" }),
      error.status,
    );
  }
  return page(
    c,
    <Layout title={title} session={session} flash={null}>
      <section class="error-page" data-testid="error-page" data-error-code={error.code}>
        <h1>{title}</h1>
        <p role="alert">{error.message}</p>
        <p class="muted">
          Error <code>{error.code}</code> · request <code>{requestId}</code>
        </p>
        <p>
          <a href="/">Back to the pools</a>
        </p>
      </section>
    </Layout>,
  );
}
