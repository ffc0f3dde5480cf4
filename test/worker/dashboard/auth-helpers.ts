import { env, exports } from "cloudflare:workers";
import { Hono } from "hono";
import { expect } from "vitest";
import type { Role } from "../../../shared/tokens";
import type { User } from "../../../shared/users";
import { requireRole, requireSession, verifyCsrf } from "../../../worker/dashboard/session";
import { D1Meter } from "../../../worker/db/meter";
import { sha256Hex } from "../../../worker/lib/crypto";
import { requestContext } from "../../../worker/middleware/request-context";
import type { AppEnv } from "../../../worker/types";
import { admin, BASE } from "../helpers";

export const PASSWORD = "correct horse battery";

export interface PageResult {
  status: number;
  text: string;
  headers: Headers;
  location: string | null;
  /** Set-Cookie lines by cookie name. */
  setCookies: Map<string, string>;
}

export interface PageOptions {
  method?: string;
  /** Sent as application/x-www-form-urlencoded. */
  form?: Record<string, string>;
  cookies?: Record<string, string>;
  headers?: Record<string, string>;
  body?: BodyInit;
}

function cookieHeader(cookies: Record<string, string>): string {
  return Object.entries(cookies)
    .map(([name, value]) => `${name}=${value}`)
    .join("; ");
}

async function toPageResult(response: Response): Promise<PageResult> {
  const setCookies = new Map<string, string>();
  for (const line of response.headers.getSetCookie()) {
    setCookies.set(line.slice(0, line.indexOf("=")), line);
  }
  return {
    status: response.status,
    text: await response.text(),
    headers: response.headers,
    location: response.headers.get("Location"),
    setCookies,
  };
}

function requestInit(options: PageOptions): RequestInit {
  const headers: Record<string, string> = { ...options.headers };
  if (options.cookies) headers.Cookie = cookieHeader(options.cookies);
  let body = options.body;
  if (options.form) {
    headers["Content-Type"] = "application/x-www-form-urlencoded";
    body = new URLSearchParams(options.form).toString();
  }
  return {
    method: options.method ?? (body === undefined ? "GET" : "POST"),
    headers,
    body,
    redirect: "manual",
  };
}

/** Calls the real Worker as a browser would, without following redirects. */
export async function browse(path: string, options: PageOptions = {}): Promise<PageResult> {
  const url = path.startsWith("http") ? path : `${BASE}${path}`;
  return toPageResult(await exports.default.fetch(url, requestInit(options)));
}

/** The value of a cookie in a Set-Cookie line. */
export function cookieValue(line: string | undefined): string {
  expect(line).toBeDefined();
  return (line ?? "").slice((line ?? "").indexOf("=") + 1).split(";")[0] ?? "";
}

/** The hidden `_csrf` field of a rendered form. */
export function csrfField(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  expect(match).not.toBeNull();
  return match?.[1] ?? "";
}

/** Opens a form page (/login or /setup) and returns its double-submit token (cookie = field). */
export async function openForm(path: string, cookies: Record<string, string> = {}) {
  const page = await browse(path, { cookies });
  expect(page.status).toBe(200);
  const token = csrfField(page.text);
  const cookie = page.setCookies.get("baton_csrf");
  if (cookie) expect(cookieValue(cookie)).toBe(token);
  return token;
}

/** Posts the sign-in form as a browser that has just opened it. */
export async function postLogin(
  username: string,
  password: string,
  options: { next?: string; headers?: Record<string, string>; url?: string } = {},
) {
  const csrf = await openForm("/login?next=/");
  return browse(options.url ?? "/login", {
    form: { _csrf: csrf, username, password, next: options.next ?? "/" },
    cookies: { baton_csrf: csrf },
    headers: options.headers,
  });
}

export interface SignedIn {
  cookie: string;
  csrf: string;
  cookies: Record<string, string>;
}

/** Signs in through the real form; returns the session cookie and the session's CSRF token. */
export async function signIn(username: string, password = PASSWORD): Promise<SignedIn> {
  const result = await postLogin(username, password);
  expect(result.status).toBe(302);
  const cookie = cookieValue(result.setCookies.get("baton_session"));
  const row = await env.DB.prepare("SELECT csrf FROM sessions WHERE id = ?")
    .bind(await sha256Hex(cookie))
    .first<{ csrf: string }>();
  expect(row).not.toBeNull();
  return { cookie, csrf: row?.csrf ?? "", cookies: { baton_session: cookie } };
}

/** Creates a dashboard user through the API with the bootstrap token. */
export async function createUser(
  role: Role,
  username = `${role}-${crypto.randomUUID().slice(0, 8)}`,
) {
  const result = await admin<{ user: User }>("/users", {
    body: { username, role, password: PASSWORD },
  });
  expect(result.status).toBe(201);
  return result.body.user;
}

/** Calls the admin API with a session cookie (and, when given, the CSRF header). */
export async function withSession<T = unknown>(
  session: SignedIn,
  path: string,
  options: {
    method?: string;
    body?: unknown;
    csrf?: string | null;
    headers?: Record<string, string>;
  } = {},
) {
  const headers: Record<string, string> = {
    Cookie: `baton_session=${session.cookie}`,
    ...options.headers,
  };
  const csrf = options.csrf === undefined ? session.csrf : options.csrf;
  if (csrf !== null) headers["X-Baton-CSRF"] = csrf;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(options.body);
  }
  const response = await exports.default.fetch(`${BASE}/api/v1${path}`, {
    method: options.method ?? (body === undefined ? "GET" : "POST"),
    headers,
    body,
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** Runs raw SQL against the test database (seeding times instead of waiting). */
export function sql(query: string, ...values: unknown[]) {
  return env.DB.prepare(query)
    .bind(...values)
    .run();
}

/**
 * A stand-in for the dashboard pages: the real middleware in front of trivial handlers, so the
 * access rules are tested without depending on what the pages render.
 */
export const pagesUnderTest = new Hono<AppEnv>()
  .use("*", requestContext(new D1Meter()))
  .get("/page", requireSession, (c) =>
    c.text(`hello ${c.get("session").username} as ${c.get("actor").id} (${c.get("actor").role})`),
  )
  .get("/operations", requireSession, requireRole("operator"), (c) => c.text("operations"))
  .post("/change", requireSession, verifyCsrf, async (c) => {
    const body = await c.req.parseBody();
    return c.text(`changed ${String(body.name ?? "")}`);
  });

/** Calls `pagesUnderTest`. */
export async function browseTestPages(path: string, options: PageOptions = {}) {
  return toPageResult(await pagesUnderTest.request(`${BASE}${path}`, requestInit(options), env));
}
