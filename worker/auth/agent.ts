import { eq } from "drizzle-orm";
import { createMiddleware } from "hono/factory";
import type { Db } from "../db/client";
import { memberCredentials, members } from "../db/schema/members";
import { pools } from "../db/schema/pools";
import { ApiError } from "../errors";
import { sha256Hex } from "../lib/crypto";
import { ipAllowed } from "../lib/ip";
import type { AppEnv } from "../types";
import { bearerToken } from "./admin";

/** The member (and its pool) a secret belongs to: the one D1 query of a heartbeat. */
export async function findMemberBySecret(db: Db, secret: string) {
  return db
    .select({ member: members, pool: pools })
    .from(memberCredentials)
    .innerJoin(members, eq(members.id, memberCredentials.memberId))
    .innerJoin(pools, eq(pools.id, members.poolId))
    .where(eq(memberCredentials.secretHash, await sha256Hex(secret)))
    .get();
}

/** The caller's address: Cloudflare's CF-Connecting-IP (wrangler dev sets it locally too). */
export function callerIp(header: string | undefined): string {
  return header?.trim() || "unknown";
}

/**
 * Agent routes: the secret (401 bad_secret), then the caller's address against the member's
 * allowed IPs (403 ip_not_allowed). The hostname is checked by the heartbeat, which carries it.
 */
export function authenticateAgent(options: { checkIp: boolean }) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const secret = bearerToken(c.req.header("Authorization"));
    const found = secret ? await findMemberBySecret(c.get("db"), secret) : undefined;
    if (!found) {
      throw new ApiError(
        "bad_secret",
        "The enrollment secret is missing or unknown: rotate the member's secret and update /etc/baton/agent.env",
      );
    }
    const ip = callerIp(c.req.header("CF-Connecting-IP"));
    if (options.checkIp && !ipAllowed(ip, found.member.allowedIps)) {
      throw new ApiError(
        "ip_not_allowed",
        `Requests from ${ip} are not allowed for member ${found.member.name}: add it to the member's allowed IPs`,
      );
    }
    c.set("agent", { ...found, ip });
    await next();
  });
}
