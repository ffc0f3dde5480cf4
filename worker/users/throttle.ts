import { and, eq, lt, or, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { loginThrottles, type ThrottleScope } from "../db/schema/users";
import { sha256Hex } from "../lib/crypto";

export interface ThrottleRule {
  /** Attempts allowed in one window; the next one is refused before any password check. */
  limit: number;
  /** A window starts at its first attempt. */
  windowMs: number;
}

/**
 * `pair`: one username from one address, the throttle a person mistyping meets. `ip`: one
 * address, any usernames. `username`: one username from every address together, a ceiling
 * against guessing spread over many addresses; only attempts the other two let through count
 * towards it, so hammering from one address cannot lock the user out everywhere.
 */
export const THROTTLE_RULES: Record<ThrottleScope, ThrottleRule> = {
  pair: { limit: 5, windowMs: 15 * 60_000 },
  ip: { limit: 20, windowMs: 15 * 60_000 },
  username: { limit: 50, windowMs: 60 * 60_000 },
};

/** A counter as the attempt that just counted itself left it. */
export interface ThrottleState {
  scope: ThrottleScope;
  /** Attempts in the window, this one included, less those that signed in. */
  failures: number;
  windowStartedAt: number;
}

/** When sign-in may be tried again, or null when this attempt may go on to the password check. */
export function throttledUntil(states: ThrottleState[], now: number): number | null {
  let until: number | null = null;
  for (const state of states) {
    const { limit, windowMs } = THROTTLE_RULES[state.scope];
    const windowEnd = state.windowStartedAt + windowMs;
    if (now < windowEnd && state.failures > limit) until = Math.max(until ?? 0, windowEnd);
  }
  return until;
}

/** Usernames are counted without case, as they are unique without case. */
export function usernameKey(username: string): string {
  return username.trim().toLowerCase();
}

/**
 * The stored key of a counter: a SHA-256, so every row has the same small size whatever was
 * typed, and the table holds no usernames or addresses in the clear.
 */
export function throttleSubject(scope: ThrottleScope, username: string, ip: string) {
  const parts = { pair: [usernameKey(username), ip], ip: [ip], username: [usernameKey(username)] };
  return sha256Hex(`${scope}\n${parts[scope].join("\n")}`);
}

function subjectIs(scope: ThrottleScope, subject: string) {
  return and(eq(loginThrottles.scope, scope), eq(loginThrottles.subject, subject));
}

/** One upsert that counts an attempt and returns the count: concurrent attempts each see their own. */
function countAttempt(db: Db, scope: ThrottleScope, subject: string, now: number) {
  // A window that has run out starts again at this attempt.
  const expired = sql`${loginThrottles.windowStartedAt} <= ${now - THROTTLE_RULES[scope].windowMs}`;
  return db
    .insert(loginThrottles)
    .values({ scope, subject, failures: 1, windowStartedAt: now })
    .onConflictDoUpdate({
      target: [loginThrottles.scope, loginThrottles.subject],
      set: {
        failures: sql`CASE WHEN ${expired} THEN 1 ELSE ${loginThrottles.failures} + 1 END`,
        windowStartedAt: sql`CASE WHEN ${expired} THEN ${now} ELSE ${loginThrottles.windowStartedAt} END`,
      },
    })
    .returning({
      scope: loginThrottles.scope,
      failures: loginThrottles.failures,
      windowStartedAt: loginThrottles.windowStartedAt,
    });
}

/**
 * Counts a sign-in attempt before its password is checked, and says whether it may go on: null,
 * or when to try again. The count is written and read in one statement per counter, so of 40
 * concurrent attempts only the first few get through; the rest are refused unchecked.
 */
export async function admitSignIn(
  db: Db,
  username: string,
  ip: string,
  now: number,
): Promise<number | null> {
  const [pair, address] = await db.batch([
    countAttempt(db, "pair", await throttleSubject("pair", username, ip), now),
    countAttempt(db, "ip", await throttleSubject("ip", username, ip), now),
  ]);
  const local = throttledUntil([...pair, ...address], now);
  if (local !== null) return local;
  const ceiling = await countAttempt(
    db,
    "username",
    await throttleSubject("username", username, ip),
    now,
  );
  return throttledUntil(ceiling, now);
}

function forgiveOne(db: Db, scope: ThrottleScope, subject: string) {
  return db
    .update(loginThrottles)
    .set({ failures: sql`max(${loginThrottles.failures} - 1, 0)` })
    .where(subjectIs(scope, subject));
}

/**
 * A successful sign-in: its own attempt no longer counts anywhere, and the username's failures
 * from this address are forgiven (not those from other addresses).
 */
export async function forgiveSignIn(db: Db, username: string, ip: string) {
  return [
    db.delete(loginThrottles).where(subjectIs("pair", await throttleSubject("pair", username, ip))),
    forgiveOne(db, "ip", await throttleSubject("ip", username, ip)),
    forgiveOne(db, "username", await throttleSubject("username", username, ip)),
  ];
}

/** Counters whose window has ended count for nothing: the cron sweep deletes them. */
export function deleteEndedThrottles(db: Db, now: number) {
  const ended = (scope: ThrottleScope) =>
    and(
      eq(loginThrottles.scope, scope),
      lt(loginThrottles.windowStartedAt, now - THROTTLE_RULES[scope].windowMs),
    );
  const scopes = Object.keys(THROTTLE_RULES) as ThrottleScope[];
  return db.delete(loginThrottles).where(or(...scopes.map(ended)));
}
