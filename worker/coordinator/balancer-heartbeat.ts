/**
 * The managed balancer's part of a heartbeat: drift (a file that no longer hashes to what the
 * member was given, recorded once) and scale-out (the live revision sent to a member that never
 * had one, before this heartbeat's jobs are handed out).
 */
import type { MemberRow } from "../db/schema/members";
import type { Write } from "../db/writes";
import type { LiveMember } from "./live-member";
import type { PoolState } from "./pool-state";
import { createRollout, planMembers, targetOf } from "./rollout-progress";

/**
 * The heartbeat's part: a member whose file no longer hashes to what it was given gets one drift
 * event; a member that never had a managed revision gets the live one (a one-step sync), queued
 * before this heartbeat's jobs are handed out.
 */
export async function onBalancerHeartbeat(
  state: PoolState,
  row: MemberRow,
  live: LiveMember,
): Promise<Write[]> {
  const book = state.rollouts;
  const pool = state.pool;
  if (!pool || !book.managed()) return [];
  const onDisk = live.balancer ?? null;
  const applied = book.applied.get(row.id);
  const writes: Write[] = [];
  if (applied && onDisk && !book.stepRunningFor(row.id)) {
    if (onDisk.sha256 === applied.sha256) await book.clearDrift(row.id);
    else if (!book.driftRecorded(row.id, onDisk.sha256 ?? "")) {
      await book.noteDrift(row.id, onDisk.sha256 ?? "");
      const now =
        onDisk.revision === null
          ? "a file without a revision header"
          : `sha256 ${onDisk.sha256?.slice(0, 12)}… (its header says revision ${onDisk.revision})`;
      writes.push(
        state.ledger.event(
          {
            memberId: row.id,
            type: "balancer.drift",
            actor: "system",
            message: `${row.name}'s balancer config changed outside Baton: it was given revision ${applied.revision} (sha256 ${applied.sha256.slice(0, 12)}…) and now has ${now}. Roll out a revision to put it back, or detach the pool to manage it by hand`,
            data: { applied, onDisk },
          },
          state.now(),
        ),
      );
    }
  }
  const live_ = book.live;
  const needsSync =
    live_ &&
    !applied &&
    !book.running &&
    !book.wasSynced(row.id) &&
    onDisk?.sha256 !== live_.sha256;
  const target = targetOf(pool);
  if (needsSync && target) {
    await book.noteSynced(row.id);
    // Not loadable now (a certificate gone): tried again after the coordinator restarts.
    const rendered = await state
      .revisionSource(state.db, pool.id, live_.revision, target)
      .catch(() => null);
    if (rendered)
      await createRollout(
        state,
        pool,
        rendered,
        "sync",
        "rolling",
        planMembers(state, row.id),
        "system",
      );
  }
  return writes;
}
