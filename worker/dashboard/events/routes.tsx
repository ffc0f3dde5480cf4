import { asc, eq } from "drizzle-orm";
import { type Context, Hono } from "hono";
import { PageQuery } from "../../../shared/pagination";
import type { Db } from "../../db/client";
import { dnsSettings } from "../../db/schema/dns";
import { members } from "../../db/schema/members";
import type { PoolRow } from "../../db/schema/pools";
import { flipConfirmations, listEvents } from "../../events/store";
import { getPool } from "../../pools/store";
import type { AppEnv } from "../../types";
import { actorNames } from "../common/actors";
import { Layout } from "../common/layout";
import { flashOf, fragment, page } from "../common/render";
import { PoolHeading } from "../common/tabs";
import { type EventFilter, eventFilterOf, eventTypesOf, filterQuery } from "./filter";
import { EventFilters, EventTimeline } from "./view";

const PAGE_SIZE = 50;

function filterOf(c: Context<AppEnv>): { filter: EventFilter; cursor: string | null } {
  const filter = eventFilterOf({ cat: c.req.queries("cat"), member: c.req.query("member") });
  const query = PageQuery.safeParse({ cursor: c.req.query("cursor") || undefined });
  return { filter, cursor: query.success ? (query.data.cursor ?? null) : null };
}

async function poolMembers(db: Db, poolId: string) {
  return db
    .select({ id: members.id, name: members.name })
    .from(members)
    .where(eq(members.poolId, poolId))
    .orderBy(asc(members.name), asc(members.id));
}

/**
 * One page of a pool's events with what rendering them needs: member and user names, and when
 * DNS confirmed each flip on the page (null when the pool has no DNS provider).
 */
async function loadTimeline(db: Db, pool: PoolRow, filter: EventFilter, cursor: string | null) {
  const [found, memberRows, dns] = await Promise.all([
    listEvents(
      db,
      pool.id,
      eventTypesOf(filter),
      { limit: PAGE_SIZE, cursor: cursor ?? undefined },
      filter.memberId ?? undefined,
    ),
    poolMembers(db, pool.id),
    db
      .select({ poolId: dnsSettings.poolId })
      .from(dnsSettings)
      .where(eq(dnsSettings.poolId, pool.id))
      .get(),
  ]);
  const flips = found.items
    .filter((event) => event.type === "failover.promoted")
    .map((event) => event.data.decidedAt)
    .filter((at): at is number => typeof at === "number");
  const [users, confirmations] = await Promise.all([
    actorNames(
      db,
      found.items.map((event) => event.actor),
    ),
    dns ? flipConfirmations(db, pool.id, flips) : null,
  ]);
  return {
    events: found.items,
    nextCursor: found.nextCursor,
    memberRows,
    names: { members: new Map(memberRows.map((row) => [row.id, row.name])), users },
    confirmations,
  };
}

async function timeline(c: Context<AppEnv>, pool: PoolRow) {
  const { filter, cursor } = filterOf(c);
  const loaded = await loadTimeline(c.get("db"), pool, filter, cursor);
  const view = (
    <EventTimeline
      poolId={pool.id}
      events={loaded.events}
      names={loaded.names}
      confirmations={loaded.confirmations}
      filter={filter}
      cursor={cursor}
      nextCursor={loaded.nextCursor}
      now={Date.now()}
    />
  );
  return { filter, cursor, members: loaded.memberRows, view };
}

/** The pool's Events tab: failovers with their timings and reasons, members, jobs, DNS, audit. */
export const eventPages = new Hono<AppEnv>()
  .get("/pools/:poolId/events", async (c) => {
    const pool = await getPool(c.get("db"), c.req.param("poolId"));
    const { filter, cursor, members, view } = await timeline(c, pool);
    return page(
      c,
      <Layout
        title={`${pool.name} · Events`}
        health={pool.membersHealth ?? undefined}
        session={c.get("session")}
        flash={flashOf(c)}
      >
        <PoolHeading pool={{ ...pool, hostname: pool.failoverHostname }} active="events" />
        <EventFilters poolId={pool.id} filter={filter} members={members} />
        {cursor ? (
          view
        ) : (
          <>
            <div
              id="events-live"
              data-live-src={`/ui/pools/${pool.id}/events/fragment${filterQuery(filter)}`}
              aria-live="off"
            >
              {view}
            </div>
            <p class="live-status muted" data-live-status aria-live="polite" />
          </>
        )}
      </Layout>,
    );
  })
  .get("/ui/pools/:poolId/events/fragment", async (c) => {
    const pool = await getPool(c.get("db"), c.req.param("poolId"));
    return fragment(c, (await timeline(c, pool)).view);
  });
