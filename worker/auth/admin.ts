import { and, eq, isNull } from "drizzle-orm";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { Role } from "../../shared/tokens";
import { sessionSecret } from "../dashboard/auth/cookies";
import { CSRF_HEADER, csrfMatches, isCrossSite, isUnsafeMethod } from "../dashboard/auth/csrf";
import type { Db } from "../db/client";
import { apiTokens } from "../db/schema/tokens";
import { ApiError } from "../errors";
import { secretsEqual, sha256Hex } from "../lib/crypto";
import type { Actor, AppEnv } from "../types";
import { findSession } from "../users/sessions";

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** Whether `role` may do what `needed` may: admin > operator > viewer. */
export function roleAtLeast(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}
// Writing lastUsedAt on every request would cost a D1 write each; once a minute is plenty.
const LAST_USED_RESOLUTION_MS = 60_000;

export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return match?.[1] ?? null;
}

async function resolveActor(
  db: Db,
  token: string,
  adminToken: string | undefined,
  now: number,
): Promise<Actor | null> {
  if (adminToken && secretsEqual(token, adminToken)) return { id: "bootstrap", role: "admin" };
  const row = await db
    .select()
    .from(apiTokens)
    .where(and(eq(apiTokens.tokenHash, await sha256Hex(token)), isNull(apiTokens.revokedAt)))
    .get();
  if (!row) return null;
  if (row.lastUsedAt === null || now - row.lastUsedAt > LAST_USED_RESOLUTION_MS) {
    await db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.id)).run();
  }
  return { id: `token:${row.id}`, role: row.role };
}

/**
 * A dashboard session cookie on an API request: the signed-in user becomes the actor. Browsers
 * send cookies with any request, so changes must also carry the session's CSRF token in
 * X-Baton-CSRF, which another site cannot read or set.
 */
async function authenticateSessionCookie(c: Context<AppEnv>, secret: string) {
  const session = await findSession(c.get("db"), secret, Date.now());
  if (!session) {
    throw new ApiError("unauthorized", "Your dashboard session has ended; sign in again at /login");
  }
  if (isUnsafeMethod(c.req.method)) {
    if (isCrossSite(c)) {
      throw new ApiError(
        "csrf_failed",
        "Requests made with the session cookie must come from this site",
      );
    }
    if (!csrfMatches(c.req.header(CSRF_HEADER), session.csrf)) {
      throw new ApiError(
        "csrf_failed",
        `Send the session's CSRF token in ${CSRF_HEADER} with every POST, PUT, PATCH or DELETE made with the session cookie (or use Authorization: Bearer)`,
      );
    }
  }
  c.set("session", session);
  c.set("actor", { id: `user:${session.userId}`, role: session.role });
}

/**
 * Every /api route: a bearer token (the bootstrap ADMIN_TOKEN or an API token), or, without an
 * Authorization header, a dashboard session cookie.
 */
export const authenticateAdmin = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header("Authorization");
  const secret = header === undefined ? sessionSecret(c) : undefined;
  if (secret) {
    await authenticateSessionCookie(c, secret);
    return next();
  }
  const token = bearerToken(header);
  if (!token)
    throw new ApiError(
      "unauthorized",
      "Send Authorization: Bearer <token> (ADMIN_TOKEN or an API token)",
    );
  const actor = await resolveActor(c.get("db"), token, c.get("config").adminToken, Date.now());
  if (!actor) throw new ApiError("unauthorized", "That token is unknown or revoked");
  c.set("actor", actor);
  await next();
});

/** Refuses callers below `role` with 403. */
export function allow(role: Role) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const actor = c.get("actor");
    if (!roleAtLeast(actor.role, role)) {
      const holder = actor.id.startsWith("user:") ? "account" : "token";
      throw new ApiError(
        "forbidden",
        `This needs the ${role} role; your ${holder} has ${actor.role}`,
      );
    }
    await next();
  });
}
