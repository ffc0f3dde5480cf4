import { and, asc, desc, eq, sql } from "drizzle-orm";
import type { HaproxyStatRow } from "../../../shared/haproxy-stat";
import { coordinatorFor } from "../../coordinator/client";
import type { Db } from "../../db/client";
import { dnsSettings } from "../../db/schema/dns";
import { events } from "../../db/schema/events";
import { members } from "../../db/schema/members";
import { pools } from "../../db/schema/pools";
import { getPool } from "../../pools/store";
import { appliedByMember } from "../../rollouts/store";
import { failoverText } from "../events/text";
import { type PoolListRow, poolListRow } from "./pool-list";
import { type PoolView, poolView } from "./pool-view";

const dnsColumns = {
  poolId: dnsSettings.poolId,
  kind: dnsSettings.kind,
  mode: dnsSettings.mode,
  writeVerifiedAt: dnsSettings.writeVerifiedAt,
  writeVerifiedBy: dnsSettings.writeVerifiedBy,
  writeCheckError: dnsSettings.writeCheckError,
};

/** Every pool for the list: three D1 reads, no coordinator calls (liveness from D1). */
export async function loadPoolList(db: Db): Promise<PoolListRow[]> {
  const [poolRows, memberRows, dnsRows] = await Promise.all([
    db.select().from(pools).orderBy(asc(pools.name), asc(pools.id)),
    db.select().from(members),
    db.select(dnsColumns).from(dnsSettings),
  ]);
  const dns = new Map(dnsRows.map((row) => [row.poolId, row]));
  return poolRows.map((pool) => poolListRow(pool, memberRows, dns.get(pool.id) ?? null));
}

/**
 * One pool's overview: catalog rows from D1, live state, recent heartbeats and what DNS serves
 * from the pool's coordinator and, in an HAProxy pool, every member's `show stat` table (asking for
 * them also keeps the agents sending them while someone watches).
 */
export async function loadPoolView(env: Env, db: Db, poolId: string): Promise<PoolView> {
  const pool = await getPool(db, poolId);
  const coordinator = coordinatorFor(env, pool.id);
  const [memberRows, dns, live, traffic, applied] = await Promise.all([
    db.select().from(members).where(eq(members.poolId, pool.id)).orderBy(asc(members.id)),
    db.select(dnsColumns).from(dnsSettings).where(eq(dnsSettings.poolId, pool.id)).get(),
    coordinator.snapshot(pool.id),
    coordinator.trafficFacts(pool.id),
    appliedByMember(db, pool.id),
  ]);
  const stats: Record<string, HaproxyStatRow[] | null> = {};
  if (pool.profile === "haproxy") {
    const tables = await coordinator.haproxyStats(pool.id);
    for (const [memberId, table] of Object.entries(tables.ok ? tables.value : {}))
      stats[memberId] = table.collectedAt === null ? null : table.rows;
  }
  const view = poolView({
    pool,
    members: memberRows,
    live,
    dns: dns ?? null,
    stats,
    traffic,
    applied,
    now: Date.now(),
  });
  return { ...view, lastFailover: await lastFailover(db, pool.id, memberRows) };
}

/** The pool's latest move of traffic in words ("edge-a → edge-b after 5.0 s: heartbeats missed"), or null. */
async function lastFailover(db: Db, poolId: string, memberRows: { id: string; name: string }[]) {
  const row = await db
    .select({ data: events.data, at: events.at })
    .from(events)
    .where(
      and(
        eq(events.poolId, poolId),
        eq(events.type, "failover.promoted"),
        // A move from one member to another, not the pool's first active taking the traffic.
        sql`json_extract(${events.data}, '$.from') is not null`,
      ),
    )
    .orderBy(desc(events.id))
    .limit(1)
    .get();
  if (!row) return null;
  const names = { members: new Map(memberRows.map((m) => [m.id, m.name])), users: new Map() };
  // Without the actor: who switched by hand is in the Events tab, with the user's name.
  return { at: row.at, text: failoverText(row.data, names, undefined).text };
}
