import type { FailoverKeeper, Flip } from "../coordinator/failover-keeper";
import { type Outcome, ok, refuse } from "../coordinator/outcome";
import type { MemberRow } from "../db/schema/members";
import type { PoolRow } from "../db/schema/pools";
import type { FailoverMember } from "./decide";
import { publicAddressProblem } from "./public-address";

/** A manual "make this member active": the flip, none if it already is, or why not. */
export function planPromote(
  keeper: FailoverKeeper,
  pool: PoolRow,
  members: FailoverMember[],
  row: MemberRow,
  actor: string,
  now: number,
): Outcome<Flip | null> {
  if (pool.activeMemberId === row.id) return ok(null);
  const member = members.find((candidate) => candidate.id === row.id);
  if (!member || !keeper.isReady(pool, member, now)) {
    const address = publicAddressProblem(member?.publicIp ?? null, pool.allowPrivateAddresses);
    return refuse(
      "member_not_ready",
      `${row.name} is not ready: it must be online, its service active, not draining or disabled, with a public unicast IPv4${address ? ` (${address})` : ""}`,
    );
  }
  return ok(keeper.flip(pool, members, row.id, "manual", now, actor, now));
}

/** A manual cut (or a drain's handover) to the best ready standby, or why not. */
export function planNext(
  keeper: FailoverKeeper,
  pool: PoolRow,
  members: FailoverMember[],
  reason: "manual" | "drain",
  actor: string,
  now: number,
): Outcome<Flip> {
  const next = keeper.nextStandby(pool, members, now);
  if (!next)
    return refuse("no_ready_standby", "No standby is ready to take traffic; nothing was changed");
  return ok(keeper.flip(pool, members, next.id, reason, now, actor, now));
}
