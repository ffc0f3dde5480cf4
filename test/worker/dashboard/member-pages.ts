import { exports } from "cloudflare:workers";
import { expect } from "vitest";
import type { Event } from "../../../shared/events";
import type { Role } from "../../../shared/tokens";
import { admin, BASE } from "../helpers";
import { createUser, signIn as signInThroughForm } from "./auth-helpers";

// Helpers of the member workspace's page tests: a user signed in through the real login form,
// and pages fetched and forms posted through the real Worker with that session.

export interface Browser {
  cookie: string;
  csrf: string;
  userId: string;
}

export async function signIn(role: Role): Promise<Browser> {
  const user = await createUser(role);
  const session = await signInThroughForm(user.username);
  return { cookie: `baton_session=${session.cookie}`, csrf: session.csrf, userId: user.id };
}

export function fetchAs(as: Browser, path: string, init: RequestInit = {}) {
  const headers = new Headers(init.headers);
  headers.set("Cookie", as.cookie);
  return exports.default.fetch(`${BASE}${path}`, { ...init, headers, redirect: "manual" });
}

/** Posts a form with the session's CSRF field, as the page's form would. */
export function postForm(as: Browser, path: string, fields: Record<string, string> = {}) {
  const body = new URLSearchParams({ _csrf: as.csrf, ...fields });
  return fetchAs(as, path, { method: "POST", body });
}

export async function htmlOf(as: Browser, path: string) {
  const response = await fetchAs(as, path);
  expect(response.status, path).toBe(200);
  return response.text();
}

/** A pool's events of one type, newest first, through the admin API. */
export async function eventsOf(poolId: string, type: string): Promise<Event[]> {
  const result = await admin<{ events: Event[] }>(`/pools/${poolId}/events?type=${type}`);
  expect(result.status).toBe(200);
  return result.body.events;
}

/** The value of a form control by its data-testid (an input's value, a textarea's text). */
export function controlValue(html: string, testId: string): string | undefined {
  const input = new RegExp(`<input\\b[^>]*data-testid="${testId}"[^>]*>`).exec(html)?.[0];
  if (input) return decodeEntities(/\bvalue="([^"]*)"/.exec(input)?.[1] ?? "");
  const textarea = new RegExp(`<textarea\\b[^>]*data-testid="${testId}"[^>]*>([^<]*)</textarea>`);
  const text = textarea.exec(html)?.[1];
  return text === undefined ? undefined : decodeEntities(text);
}

function decodeEntities(text: string): string {
  return text
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&quot;", '"')
    .replaceAll("&#39;", "'")
    .replaceAll("&amp;", "&");
}

/** The secret in an install one-liner (`... --token <secret>`). */
export function secretOf(command: string): string {
  const secret = /--token (\S+)/.exec(command)?.[1];
  expect(secret, command).toBeDefined();
  return secret ?? "";
}
