import { exports } from "cloudflare:workers";
import { expect } from "vitest";
import type { Event } from "../../../shared/events";
import { ENROLLMENT_SECRET_LENGTH } from "../../../shared/protocol";
import type { Role } from "../../../shared/tokens";
import { admin, BASE } from "../helpers";
import { createUser, signIn } from "./auth-helpers";
import { textOf } from "./html";

// Pages of the dashboard through the real Worker, as a browser signed in through the real login
// form: fetched and posted with its session cookie and CSRF field.

/** A browser signed in through the real login form as a new user with `role`. */
export interface Browser {
  cookie: string;
  csrf: string;
  userId: string;
  username: string;
}

export async function browserAs(role: Role): Promise<Browser> {
  const user = await createUser(role);
  const session = await signIn(user.username);
  return {
    cookie: `baton_session=${session.cookie}`,
    csrf: session.csrf,
    userId: user.id,
    username: user.username,
  };
}

/** Requests a dashboard path with the browser's cookie, not following redirects. */
export function fetchAs(browser: Browser, path: string, init: RequestInit = {}) {
  const headers = new Headers(init.headers);
  headers.set("Cookie", browser.cookie);
  return exports.default.fetch(`${BASE}${path}`, { ...init, headers, redirect: "manual" });
}

/** Posts a form (with the session's CSRF field) as the browser would; a list is a repeated field. */
export function postForm(
  browser: Browser,
  path: string,
  fields: Record<string, string | string[]> = {},
  headers: HeadersInit = {},
) {
  const body = new URLSearchParams({ _csrf: browser.csrf });
  for (const [name, value] of Object.entries(fields)) {
    for (const item of Array.isArray(value) ? value : [value]) body.append(name, item);
  }
  return fetchAs(browser, path, { method: "POST", body, headers });
}

/** A page's HTML, asserting it answered `status`. */
export async function htmlOf(browser: Browser, path: string, status = 200) {
  const response = await fetchAs(browser, path);
  expect(response.status, path).toBe(status);
  return response.text();
}

/** A redirect's target, asserting it is a 303. */
export function locationOf(response: Response): string {
  expect(response.status).toBe(303);
  return response.headers.get("Location") ?? "";
}

/** The pool's events of one type through the admin API, newest first. */
export async function eventsOf(poolId: string | null, type: string): Promise<Event[]> {
  const path = poolId ? `/pools/${poolId}/events?type=${type}` : `/events?type=${type}`;
  const result = await admin<{ events: Event[] }>(path);
  expect(result.status).toBe(200);
  return result.body.events;
}

/** The flash message a redirect carries (`?flash=`), or null. */
export function flashIn(location: string): string | null {
  return new URL(location, BASE).searchParams.get("flash");
}

/** Text as the browser shows it: HTML's character references decoded. */
export function unescapeHtml(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/** The value of a form control by its data-testid (an input's value, a textarea's text). */
export function controlValue(html: string, testId: string): string | undefined {
  const input = new RegExp(`<input\\b[^>]*data-testid="${testId}"[^>]*>`).exec(html)?.[0];
  if (input) return unescapeHtml(/\bvalue="([^"]*)"/.exec(input)?.[1] ?? "");
  const textarea = new RegExp(`<textarea\\b[^>]*data-testid="${testId}"[^>]*>([^<]*)</textarea>`);
  const text = textarea.exec(html)?.[1];
  return text === undefined ? undefined : unescapeHtml(text);
}

/**
 * A page that shows a new enrollment secret once (Add member, Rotate secret): the answer to the
 * POST itself, so no redirect URL carries the secret, never cached; its one-liner and secret.
 */
export async function shownSecretOf(response: Response) {
  expect(response.status).toBe(200);
  expect(response.headers.get("Location")).toBeNull();
  expect(response.headers.get("Cache-Control")).toBe("no-store");
  const html = await response.text();
  // As the browser shows it: hono/jsx escapes the one-liner's quotes and ampersands.
  const command = textOf(html, "install-command")
    .replaceAll("&quot;", '"')
    .replaceAll("&#39;", "'")
    .replaceAll("&amp;", "&");
  expect(command).toContain(`curl -fsSL ${BASE}/install.sh -o "$f" && printf '%s\\n' '`);
  const secret = /printf '%s\\n' '([^']+)'/.exec(command)?.[1] ?? "";
  expect(secret).toHaveLength(ENROLLMENT_SECRET_LENGTH);
  return { html, command, secret };
}
