import { and, eq, lte, max, ne, or } from "drizzle-orm";
import type { Role } from "../../shared/tokens";
import type { Db } from "../db/client";
import { sessions, users } from "../db/schema/users";
import { sha256Hex } from "../lib/crypto";
import type { DashboardSession } from "../types";
import { randomToken } from "./passwords";

/** A session ends 12 hours after its last request… */
export const SESSION_IDLE_MS = 12 * 3_600_000;
/** …and 7 days after sign-in, however busy. */
export const SESSION_MAX_AGE_MS = 7 * 86_400_000;
// Writing last_seen_at on every page view would cost a D1 write each; once a minute is plenty.
const SEEN_RESOLUTION_MS = 60_000;

export interface SessionTimes {
  expiresAt: number;
  lastSeenAt: number;
}

/** Whether a session still works at `now`: within both its idle and its absolute limit. */
export function sessionAlive(times: SessionTimes, now: number): boolean {
  return now < times.expiresAt && now < times.lastSeenAt + SESSION_IDLE_MS;
}

/** The new session's row, with the cookie secret it is keyed by and its CSRF token. */
export async function newSession(userId: string, now: number) {
  const secret = randomToken(32);
  const row = {
    id: await sha256Hex(secret),
    userId,
    csrf: randomToken(32),
    createdAt: now,
    expiresAt: now + SESSION_MAX_AGE_MS,
    lastSeenAt: now,
  };
  return { secret, row };
}

function ended(now: number) {
  return or(lte(sessions.expiresAt, now), lte(sessions.lastSeenAt, now - SESSION_IDLE_MS));
}

/** Deletes `userId`'s sessions that have ended, so rows do not pile up across sign-ins. */
export function deleteDeadSessions(db: Db, userId: string, now: number) {
  return db.delete(sessions).where(and(eq(sessions.userId, userId), ended(now)));
}

/** Every user's ended sessions, for the cron sweep (users who never sign in again). */
export function deleteAllDeadSessions(db: Db, now: number) {
  return db.delete(sessions).where(ended(now));
}

/** Signs `userId` in: a new session, and the user's ended ones cleared away. */
export async function createSession(db: Db, userId: string, now: number) {
  const session = await newSession(userId, now);
  await db.batch([deleteDeadSessions(db, userId, now), db.insert(sessions).values(session.row)]);
  return session;
}

/**
 * The signed-in user behind a cookie secret, or null when the session is unknown, ended or its
 * user is disabled. One query (session joined to user); a write at most once a minute.
 */
export async function findSession(
  db: Db,
  secret: string,
  now: number,
): Promise<DashboardSession | null> {
  const id = await sha256Hex(secret);
  const found = await db
    .select({
      userId: users.id,
      username: users.username,
      role: users.role,
      disabledAt: users.disabledAt,
      csrf: sessions.csrf,
      expiresAt: sessions.expiresAt,
      lastSeenAt: sessions.lastSeenAt,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.id, id))
    .get();
  if (!found) return null;
  if (found.disabledAt !== null || !sessionAlive(found, now)) {
    await db.delete(sessions).where(eq(sessions.id, id)).run();
    return null;
  }
  if (now - found.lastSeenAt >= SEEN_RESOLUTION_MS) {
    await db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, id)).run();
  }
  const role: Role = found.role;
  return { userId: found.userId, username: found.username, role, csrf: found.csrf };
}

/** Signs one browser out. */
export async function deleteSession(db: Db, secret: string) {
  await db
    .delete(sessions)
    .where(eq(sessions.id, await sha256Hex(secret)))
    .run();
}

/** Ends every session of `userId`, except the one whose CSRF token is `keepCsrf` (the caller's). */
export function endUserSessions(db: Db, userId: string, keepCsrf?: string) {
  return db
    .delete(sessions)
    .where(and(eq(sessions.userId, userId), keepCsrf ? ne(sessions.csrf, keepCsrf) : undefined));
}

/**
 * When each user last signed in, as far as their sessions tell: signing out deletes a session,
 * so a user who signed out of every browser has no known sign-in.
 */
export async function lastSignIns(db: Db): Promise<Map<string, number>> {
  const rows = await db
    .select({ userId: sessions.userId, at: max(sessions.createdAt) })
    .from(sessions)
    .groupBy(sessions.userId);
  return new Map(rows.flatMap((row) => (row.at === null ? [] : [[row.userId, row.at]])));
}
