import { and, eq, isNull } from "drizzle-orm";
import { createMiddleware } from "hono/factory";
import type { Role } from "../../shared/tokens";
import type { Db } from "../db/client";
import { apiTokens } from "../db/schema/tokens";
import { ApiError } from "../errors";
import { secretsEqual, sha256Hex } from "../lib/crypto";
import type { Actor, AppEnv } from "../types";

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };
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

/** Every /api route: a bearer token, either the bootstrap ADMIN_TOKEN or an API token. */
export const authenticateAdmin = createMiddleware<AppEnv>(async (c, next) => {
  const token = bearerToken(c.req.header("Authorization"));
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
    if (RANK[actor.role] < RANK[role]) {
      throw new ApiError("forbidden", `This needs the ${role} role; your token has ${actor.role}`);
    }
    await next();
  });
}
