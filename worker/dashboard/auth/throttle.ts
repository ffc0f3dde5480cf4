import { and, eq, lt, or, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { loginThrottles } from "../../db/schema/users";

/** Failed sign-ins allowed per username in one window; the next attempt is refused. */
export const USERNAME_FAILURE_LIMIT = 5;
/** Failed sign-ins allowed from one client address in one window. */
export const IP_FAILURE_LIMIT = 20;
/** A window starts at its first failure and lasts 15 minutes. */
export const THROTTLE_WINDOW_MS = 15 * 60_000;

export interface ThrottleState {
  scope: "username" | "ip";
  failures: number;
  windowStartedAt: number;
}

function limitOf(scope: ThrottleState["scope"]): number {
  return scope === "username" ? USERNAME_FAILURE_LIMIT : IP_FAILURE_LIMIT;
}

/** When sign-in may be tried again, or null when it may be tried now. */
export function throttledUntil(states: ThrottleState[], now: number): number | null {
  let until: number | null = null;
  for (const state of states) {
    const windowEnd = state.windowStartedAt + THROTTLE_WINDOW_MS;
    if (now < windowEnd && state.failures >= limitOf(state.scope)) {
      until = Math.max(until ?? 0, windowEnd);
    }
  }
  return until;
}

/** Usernames are counted without case, as they are unique without case. */
export function usernameKey(username: string): string {
  return username.trim().toLowerCase();
}

function subjectIs(scope: ThrottleState["scope"], subject: string) {
  return and(eq(loginThrottles.scope, scope), eq(loginThrottles.subject, subject));
}

/** When a sign-in as `username` from `ip` may be tried again; null when it may be tried now. */
export async function loginBlockedUntil(
  db: Db,
  username: string,
  ip: string,
  now: number,
): Promise<number | null> {
  const states = await db
    .select()
    .from(loginThrottles)
    .where(or(subjectIs("username", usernameKey(username)), subjectIs("ip", ip)));
  return throttledUntil(states, now);
}

function countFailure(db: Db, scope: ThrottleState["scope"], subject: string, now: number) {
  // One upsert: a window that has run out starts again at this failure.
  const expired = sql`${loginThrottles.windowStartedAt} <= ${now - THROTTLE_WINDOW_MS}`;
  return db
    .insert(loginThrottles)
    .values({ scope, subject, failures: 1, windowStartedAt: now })
    .onConflictDoUpdate({
      target: [loginThrottles.scope, loginThrottles.subject],
      set: {
        failures: sql`CASE WHEN ${expired} THEN 1 ELSE ${loginThrottles.failures} + 1 END`,
        windowStartedAt: sql`CASE WHEN ${expired} THEN ${now} ELSE ${loginThrottles.windowStartedAt} END`,
      },
    });
}

/** Counts a failed sign-in against the username and the client address. */
export async function recordLoginFailure(db: Db, username: string, ip: string, now: number) {
  await db.batch([
    countFailure(db, "username", usernameKey(username), now),
    countFailure(db, "ip", ip, now),
  ]);
}

/** A successful sign-in forgives the username's failures (not the address's). */
export function clearUsernameFailures(db: Db, username: string) {
  return db.delete(loginThrottles).where(subjectIs("username", usernameKey(username)));
}

/** Counters whose window has ended count for nothing: the cron sweep deletes them. */
export function deleteEndedThrottles(db: Db, now: number) {
  return db
    .delete(loginThrottles)
    .where(lt(loginThrottles.windowStartedAt, now - THROTTLE_WINDOW_MS));
}
