import { and, asc, eq, gt, isNull } from "drizzle-orm";
import type { PageQuery } from "../../shared/pagination";
import type { ApiToken, CreateApiToken } from "../../shared/tokens";
import type { Db } from "../db/client";
import { type ApiTokenRow, apiTokens } from "../db/schema/tokens";
import { runWrites } from "../db/writes";
import { ApiError } from "../errors";
import { insertEvent } from "../events/store";
import { randomSecret, sha256Hex } from "../lib/crypto";
import { newId } from "../lib/ids";
import { page } from "../lib/page";

const TOKEN_PREFIX = "bt_";

export function toApiToken(row: ApiTokenRow): ApiToken {
  const { id, name, role, prefix, createdAt, lastUsedAt, createdBy } = row;
  return { id, name, role, prefix, createdAt, lastUsedAt, createdBy };
}

/** Creates an API token; the token itself is returned once and kept only as a hash. */
export async function createApiToken(db: Db, input: CreateApiToken, actor: string, now: number) {
  const token = `${TOKEN_PREFIX}${randomSecret(40)}`;
  const row: ApiTokenRow = {
    id: newId("tok", now),
    ...input,
    tokenHash: await sha256Hex(token),
    prefix: token.slice(0, 8),
    createdAt: now,
    createdBy: actor,
    lastUsedAt: null,
    revokedAt: null,
  };
  await runWrites(db, [
    db.insert(apiTokens).values(row),
    insertEvent(
      db,
      {
        poolId: null,
        type: "token.created",
        actor,
        message: `API token ${row.name} (${row.role}) created`,
        data: { tokenId: row.id },
      },
      now,
    ),
  ]);
  return { row, token };
}

/** Tokens that still work, oldest first. */
export async function listApiTokens(db: Db, query: PageQuery) {
  const rows = await db
    .select()
    .from(apiTokens)
    .where(
      and(isNull(apiTokens.revokedAt), query.cursor ? gt(apiTokens.id, query.cursor) : undefined),
    )
    .orderBy(asc(apiTokens.id))
    .limit(query.limit + 1);
  return page(rows, query.limit);
}

export async function revokeApiToken(db: Db, tokenId: string, actor: string, now: number) {
  const row = await db.select().from(apiTokens).where(eq(apiTokens.id, tokenId)).get();
  if (!row || row.revokedAt !== null)
    throw new ApiError("not_found", `API token ${tokenId} does not exist`);
  await runWrites(db, [
    db.update(apiTokens).set({ revokedAt: now }).where(eq(apiTokens.id, tokenId)),
    insertEvent(
      db,
      {
        poolId: null,
        type: "token.revoked",
        actor,
        message: `API token ${row.name} revoked`,
        data: { tokenId },
      },
      now,
    ),
  ]);
  return row;
}
