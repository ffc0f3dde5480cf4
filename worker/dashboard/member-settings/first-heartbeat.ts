import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { events } from "../../db/schema/events";

export interface FirstHeartbeat {
  at: number;
  agentVersion: string | null;
  publicIp: string | null;
}

/**
 * A member's first heartbeat, from its first `member.online` event (written with the heartbeat
 * that brought it online, so it exists before the agent has its answer); null until then.
 */
export async function firstHeartbeat(
  db: Db,
  member: { id: string; poolId: string },
): Promise<FirstHeartbeat | null> {
  const row = await db
    .select({ at: events.at, data: events.data })
    .from(events)
    // events_pool_type_id narrows to the pool's online events; few per member.
    .where(
      and(
        eq(events.poolId, member.poolId),
        eq(events.type, "member.online"),
        eq(events.memberId, member.id),
      ),
    )
    .orderBy(asc(events.id))
    .limit(1)
    .get();
  if (!row) return null;
  const text = (value: unknown) => (typeof value === "string" ? value : null);
  return {
    at: row.at,
    agentVersion: text(row.data.agentVersion),
    publicIp: text(row.data.publicIp),
  };
}
