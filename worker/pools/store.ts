import { and, asc, count, eq, gt, ne } from "drizzle-orm";
import type { PageQuery } from "../../shared/pagination";
import type { CreatePool, Pool, UpdatePool } from "../../shared/pools";
import type { Db } from "../db/client";
import { members } from "../db/schema/members";
import { type PoolRow, pools } from "../db/schema/pools";
import { ApiError } from "../errors";
import { insertEvent } from "../events/store";
import { newId } from "../lib/ids";
import { page } from "../lib/page";

export function toPool(row: PoolRow): Pool {
  return { ...row };
}

/**
 * A failover hostname belongs to one pool: two coordinators would fight over its DNS record.
 * A check before the write (pools are created and renamed by hand, one admin at a time), not a
 * constraint; hostnames are compared as CreatePool normalises them (lower case, no final dot).
 */
async function assertFailoverHostnameFree(db: Db, hostname: string, exceptPoolId?: string) {
  const taken = await db
    .select({ id: pools.id, name: pools.name })
    .from(pools)
    .where(
      and(
        eq(pools.failoverHostname, hostname),
        exceptPoolId ? ne(pools.id, exceptPoolId) : undefined,
      ),
    )
    .get();
  if (taken) {
    const message = `is already the failover hostname of pool ${taken.name} (${taken.id})`;
    throw new ApiError("hostname_taken", `${hostname} ${message}: each pool needs its own`, [
      { path: "failoverHostname", message },
    ]);
  }
}

export async function createPool(db: Db, input: CreatePool, actor: string, now: number) {
  await assertFailoverHostnameFree(db, input.failoverHostname);
  const row: PoolRow = {
    id: newId("pool", now),
    ...input,
    preferredPrimaryId: null,
    activeMemberId: null,
    lastFlipAt: null,
    membersHealth: null,
    membersHealthSummary: null,
    dnsSyncedAt: null,
    dnsLastError: null,
    createdAt: now,
    updatedAt: now,
  };
  await db.batch([
    db.insert(pools).values(row),
    insertEvent(
      db,
      {
        poolId: row.id,
        type: "pool.created",
        actor,
        message: `Pool ${row.name} created`,
        data: { pool: row },
      },
      now,
    ),
  ]);
  return row;
}

export async function listPools(db: Db, query: PageQuery) {
  const rows = await db
    .select()
    .from(pools)
    .where(query.cursor ? gt(pools.id, query.cursor) : undefined)
    .orderBy(asc(pools.id))
    .limit(query.limit + 1);
  return page(rows, query.limit);
}

export async function getPool(db: Db, poolId: string): Promise<PoolRow> {
  const row = await db.select().from(pools).where(eq(pools.id, poolId)).get();
  if (!row) throw new ApiError("not_found", `Pool ${poolId} does not exist`);
  return row;
}

export async function updatePool(
  db: Db,
  poolId: string,
  patch: UpdatePool,
  actor: string,
  now: number,
) {
  const before = await getPool(db, poolId);
  if (patch.failoverHostname) await assertFailoverHostnameFree(db, patch.failoverHostname, poolId);
  if (patch.preferredPrimaryId) {
    const primary = await db
      .select({ id: members.id })
      .from(members)
      .where(and(eq(members.id, patch.preferredPrimaryId), eq(members.poolId, poolId)))
      .get();
    if (!primary) {
      const message = "must be a member of this pool";
      throw new ApiError("validation_failed", `Invalid body: preferredPrimaryId: ${message}`, [
        { path: "preferredPrimaryId", message },
      ]);
    }
  }
  const after: PoolRow = { ...before, ...patch, updatedAt: now };
  await db.batch([
    db
      .update(pools)
      .set({ ...patch, updatedAt: now })
      .where(eq(pools.id, poolId)),
    insertEvent(
      db,
      {
        poolId,
        type: "pool.updated",
        actor,
        message: `Pool ${after.name} updated`,
        data: { changes: patch },
      },
      now,
    ),
  ]);
  return after;
}

/** Deletes a pool; refuses while it has members unless `force`, which removes them too. */
export async function deletePool(
  db: Db,
  poolId: string,
  force: boolean,
  actor: string,
  now: number,
) {
  const pool = await getPool(db, poolId);
  const memberCount =
    (await db.select({ n: count() }).from(members).where(eq(members.poolId, poolId)).get())?.n ?? 0;
  if (memberCount > 0 && !force) {
    throw new ApiError(
      "pool_not_empty",
      `Pool ${pool.name} still has ${memberCount} member(s): remove them first, or delete with ?force=true`,
    );
  }
  await db.batch([
    db.delete(pools).where(eq(pools.id, poolId)),
    insertEvent(
      db,
      {
        poolId,
        type: "pool.deleted",
        actor,
        message: `Pool ${pool.name} deleted`,
        data: { removedMembers: memberCount },
      },
      now,
    ),
  ]);
  return pool;
}
