import { and, desc, eq, gte, inArray, like, lt, or, type SQL, sql } from "drizzle-orm";
import type { Event, EventType } from "../../shared/events";
import type { PageQuery } from "../../shared/pagination";
import { maskWebhookUrl } from "../alerts/mask-url";
import type { Db } from "../db/client";
import { type EventRow, events } from "../db/schema/events";
import { newId } from "../lib/ids";
import { page } from "../lib/page";

export interface NewEvent {
  poolId: string | null;
  memberId?: string | null;
  type: EventType;
  actor: string;
  message: string;
  data?: Record<string, unknown>;
}

/** The row of a new event, with its id. */
export function eventRow(event: NewEvent, now: number): EventRow {
  return {
    id: newId("evt", now),
    poolId: event.poolId,
    memberId: event.memberId ?? null,
    type: event.type,
    actor: event.actor,
    message: event.message,
    data: event.data ?? {},
    at: now,
  };
}

/** The insert for one event, to run alone or inside a batch with the change it records. */
export function insertEvent(db: Db, event: NewEvent, now: number) {
  return db.insert(events).values(eventRow(event, now));
}

/**
 * An event as the API, the dashboard and webhooks show it. Webhook URLs are a credential: events
 * saved since decision 0013 carry them masked, older ones are masked here.
 */
export function toEvent(row: EventRow): Event {
  const alerts = (row.data as { alerts?: { url?: unknown } }).alerts;
  if (row.type !== "pool.updated" || typeof alerts?.url !== "string") return { ...row };
  const masked = maskWebhookUrl(alerts.url);
  return {
    ...row,
    message: row.message.replaceAll(alerts.url, masked),
    data: { ...row.data, alerts: { ...alerts, url: masked } },
  };
}

/**
 * Events newest first: one pool's, or (`null`) every event, including those of deleted pools and
 * of API tokens. `types` holds exact types or prefixes such as `member.*`; `memberId` keeps the
 * events about one member (read from the pool's index, then filtered).
 */
export async function listEvents(
  db: Db,
  poolId: string | null,
  types: string[] | undefined,
  query: PageQuery,
  memberId?: string,
) {
  const conditions: SQL[] = poolId === null ? [] : [eq(events.poolId, poolId)];
  if (query.cursor) conditions.push(lt(events.id, query.cursor));
  if (memberId) conditions.push(eq(events.memberId, memberId));
  if (types?.length) {
    const exact = types.filter((type) => !type.endsWith(".*")) as EventType[];
    const prefixes = types
      .filter((type) => type.endsWith(".*"))
      .map((type) => `${type.slice(0, -1)}%`);
    const typeConditions: SQL[] = prefixes.map((prefix) => like(events.type, prefix));
    if (exact.length) typeConditions.push(inArray(events.type, exact));
    const anyType = or(...typeConditions);
    if (anyType) conditions.push(anyType);
  }
  const rows = await db
    .select()
    .from(events)
    .where(and(...conditions))
    .orderBy(desc(events.id))
    .limit(query.limit + 1);
  return page(rows.map(toEvent), query.limit);
}

/**
 * When the DNS provider confirmed each of a pool's flips, by the flip's `decidedAt`: the
 * `dns.updated` events that carry a flip's timings (data.flip.decidedAt); the pool's
 * type index serves it.
 */
export async function flipConfirmations(
  db: Db,
  poolId: string,
  decidedAts: number[],
): Promise<Map<number, number>> {
  if (decidedAts.length === 0) return new Map();
  const decidedAt = sql<number | null>`json_extract(${events.data}, '$.flip.decidedAt')`;
  const rows = await db
    .select({ decidedAt, at: events.at })
    .from(events)
    .where(
      and(
        eq(events.poolId, poolId),
        eq(events.type, "dns.updated"),
        gte(events.at, Math.min(...decidedAts)),
        inArray(decidedAt, decidedAts),
      ),
    );
  const confirmed = new Map<number, number>();
  for (const row of rows) {
    if (row.decidedAt === null) continue;
    const earlier = confirmed.get(row.decidedAt);
    if (earlier === undefined || row.at < earlier) confirmed.set(row.decidedAt, row.at);
  }
  return confirmed;
}
