import { eq } from "drizzle-orm";
import { createMiddleware } from "hono/factory";
import { BAD_SECRET_MESSAGE } from "../coordinator/catalog";
import type { Db } from "../db/client";
import { memberCredentials, members } from "../db/schema/members";
import { ApiError } from "../errors";
import { sha256Hex } from "../lib/crypto";
import type { AppEnv } from "../types";
import { bearerToken } from "./admin";

interface Owner {
  memberId: string;
  poolId: string;
}

// Secret hash → its member and pool. The mapping never changes for a hash, so it is cached for
// the isolate's life; whether the hash is still the member's secret is the coordinator's check.
const OWNER_CACHE_LIMIT = 10_000;
const owners = new Map<string, Owner>();

async function ownerOf(db: Db, secretHash: string): Promise<Owner | undefined> {
  const cached = owners.get(secretHash);
  if (cached) return cached;
  const found = await db
    .select({ memberId: members.id, poolId: members.poolId })
    .from(memberCredentials)
    .innerJoin(members, eq(members.id, memberCredentials.memberId))
    .where(eq(memberCredentials.secretHash, secretHash))
    .get();
  if (!found) return undefined;
  if (owners.size >= OWNER_CACHE_LIMIT) owners.clear();
  owners.set(secretHash, found);
  return found;
}

/** The caller's address: Cloudflare's CF-Connecting-IP (wrangler dev sets it locally too). */
export function callerIp(header: string | undefined): string {
  return header?.trim() || "unknown";
}

/**
 * Agent routes: finds which member and pool the bearer secret belongs to (401 `bad_secret` when
 * none). The pool's coordinator then checks the secret is current, the caller's address and the
 * hostname, in that order.
 */
export const resolveAgent = createMiddleware<AppEnv>(async (c, next) => {
  const secret = bearerToken(c.req.header("Authorization"));
  const secretHash = secret ? await sha256Hex(secret) : null;
  const owner = secretHash ? await ownerOf(c.get("db"), secretHash) : undefined;
  if (!secretHash || !owner) throw new ApiError("bad_secret", BAD_SECRET_MESSAGE);
  const ip = callerIp(c.req.header("CF-Connecting-IP"));
  c.set("agent", { poolId: owner.poolId, caller: { memberId: owner.memberId, secretHash, ip } });
  await next();
});
