import { eq } from "drizzle-orm";
import type { Db } from "../db/client";
import type { MemberRow } from "../db/schema/members";
import { type PoolRow, pools } from "../db/schema/pools";
import type { Write } from "../db/writes";
import { healthState, membersHealth } from "../failover/pool-health";
import { memberStanding } from "../failover/standing";
import type { LiveMember } from "./live-member";

/**
 * The pool's members' health as the pools list shows it, computed from the coordinator's live
 * state, and the D1 write recording it when it differs from what the row says (so at most one
 * write per change, not per heartbeat). Null when nothing changed.
 */
export function recordMembersHealth(
  db: Db,
  pool: PoolRow,
  rows: MemberRow[],
  live: ReadonlyMap<string, LiveMember>,
  now: number,
): { pool: PoolRow; write: Write } | null {
  const members = rows.map((row) => ({
    name: row.name,
    ...memberStanding(pool, row, live.get(row.id), now),
  }));
  const findings = membersHealth({
    autoFailover: pool.autoFailover,
    active: members.find((member) => member.role === "active") ?? null,
    standbys: members.filter((member) => member.role === "standby"),
  });
  const state = healthState(findings);
  const summary = findings[0]?.text ?? null;
  if (pool.membersHealth === state && pool.membersHealthSummary === summary) return null;
  const set = { membersHealth: state, membersHealthSummary: summary };
  return {
    pool: { ...pool, ...set },
    write: db.update(pools).set(set).where(eq(pools.id, pool.id)),
  };
}
