import { asc, eq } from "drizzle-orm";
import type { BalancerRevisionSummary } from "../../../shared/balancer-api";
import type { HaproxyStatRow } from "../../../shared/haproxy-stat";
import type { BalancerState, Rollout } from "../../../shared/rollouts";
import { listRevisions, newestRevision, type StoredRevision } from "../../balancer/revisions";
import { coordinatorFor } from "../../coordinator/client";
import type { Db } from "../../db/client";
import { members } from "../../db/schema/members";
import type { PoolRow } from "../../db/schema/pools";
import { getPool } from "../../pools/store";
import { planSteps } from "../../rollouts/plan";
import { appliedByMember, findRollout, listRollouts, toRollout } from "../../rollouts/store";
import { type MemberView, memberView } from "../overview/pool-view";
import { type MemberParity, parityOf } from "./parity";

/** How many revisions and rollouts the tab lists (the API pages further). */
export const REVISIONS_SHOWN = 20;
export const ROLLOUTS_SHOWN = 10;

/** One member as the Balancer tab shows it: its card facts, its file's parity, its stats. */
export interface BalancerMember {
  view: MemberView;
  parity: MemberParity;
  /** Its latest `show stat` rows (HAProxy pools); null when none has arrived. */
  stat: HaproxyStatRow[] | null;
}

export interface BalancerTabView {
  pool: PoolRow;
  newest: StoredRevision | null;
  revisions: BalancerRevisionSummary[];
  state: BalancerState | null;
  members: BalancerMember[];
  /** Who a rollout would reach, in order (standbys first, the active last). */
  order: { name: string; role: "standby" | "active" }[];
  /** The newest rollout with its steps (running or finished), and the ones before it. */
  latestRollout: Rollout | null;
  rollouts: Rollout[];
  now: number;
}

/**
 * Everything the Balancer tab draws: the newest revision's model, the revisions, the pool's
 * managed state, each member's parity and latest HAProxy table (asking for it keeps the agents
 * sending it while the tab is open), and the latest rollout's steps.
 */
export async function loadBalancerTab(env: Env, db: Db, poolId: string): Promise<BalancerTabView> {
  const pool = await getPool(db, poolId);
  const coordinator = coordinatorFor(env, pool.id);
  const [memberRows, live, newest, revisions, state, rolloutRows, applied] = await Promise.all([
    db.select().from(members).where(eq(members.poolId, pool.id)).orderBy(asc(members.id)),
    coordinator.snapshot(pool.id),
    newestRevision(db, pool.id),
    listRevisions(db, pool.id, { limit: REVISIONS_SHOWN }),
    coordinator.balancerState(pool.id),
    listRollouts(db, pool.id, ROLLOUTS_SHOWN),
    appliedByMember(db, pool.id),
  ]);
  const now = Date.now();
  const liveById = new Map(live.map((member) => [member.memberId, member]));
  const sorted = [...memberRows].sort((a, b) => a.priority - b.priority || (a.id < b.id ? -1 : 1));
  const activeSha = liveById.get(pool.activeMemberId ?? "")?.balancer?.sha256 ?? null;
  const shown = await Promise.all(
    sorted.map(async (row): Promise<BalancerMember> => {
      const memberLive = liveById.get(row.id);
      let stat: HaproxyStatRow[] | null = null;
      if (pool.profile === "haproxy") {
        const table = await coordinator.haproxyStat(pool.id, row.id);
        stat = table.ok && table.value.collectedAt !== null ? table.value.rows : null;
      }
      return {
        view: memberView(pool, row, memberLive, now),
        parity: parityOf({
          onDisk: memberLive?.balancer ?? null,
          heard: memberLive !== undefined,
          active: row.id === pool.activeMemberId,
          activeSha,
          applied: applied.get(row.id) ?? null,
          problem: memberLive?.parityProblem ?? null,
        }),
        stat,
      };
    }),
  );
  const order = planSteps(
    sorted.map((row) => ({ id: row.id, name: row.name, priority: row.priority, online: true })),
    pool.activeMemberId,
  ).map((step) => ({ name: step.memberName, role: step.role }));
  const latestRow = rolloutRows[0];
  const latest = latestRow ? await findRollout(db, pool.id, latestRow.id) : null;
  return {
    pool,
    newest,
    revisions: revisions.items,
    state: state.ok ? state.value : null,
    members: shown,
    order,
    latestRollout: latest ? toRollout(latest) : null,
    rollouts: rolloutRows.map((rollout) => toRollout({ rollout, steps: [] })),
    now,
  };
}
