import type { Write } from "../db/writes";
import { log } from "../log";
import { commit, evaluateFailover } from "./commit";
import { type LiveMember, type MemberChange, silentMembers } from "./live-member";
import { recordChanges, takeSample } from "./observations";
import type { PoolState } from "./pool-state";
import { advanceRollout } from "./rollout-progress";

/** Fires at the earliest deadline: members gone silent, jobs past their deadline, samples due. */
export function onAlarm(state: PoolState): Promise<void> {
  return state.queue.run(async () => {
    state.alarmFired();
    const poolId = await state.storage.get<string>("poolId");
    if (!poolId || !(await state.open(poolId)) || !state.pool) {
      await state.storage.deleteAll();
      return;
    }
    const pool = state.pool;
    const now = state.now();
    const writes: Write[] = [...takeSample(state, now), ...state.jobQueue.expire(now)];
    const delayMs = pool.failoverDelayS * 1000;
    for (const member of silentMembers(state.members.values(), delayMs, now, state.hearing.since)) {
      const offline: LiveMember = { ...member, status: "offline" };
      await state.putLive(offline);
      const change: MemberChange = { kind: "offline", lastHeartbeatAt: member.lastHeartbeatAt };
      writes.push(...recordChanges(state, offline, [change], now));
    }
    // Deaf (no member heard for over an interval): the silence may be the control plane's own,
    // and a standby that happened to beat last is no better placed than the active. Members
    // still go offline (that is what Baton saw), but traffic moves only once someone is heard.
    const failover = state.deaf(now) ? { flip: null, writes: [] } : evaluateFailover(state, now);
    await commit(state, writes, failover);
    // A step whose job timed out just now ends its rollout's wait.
    await advanceRollout(state);
    // Retries and drift checks talk to the provider beside the queue, never holding it.
    void state.dns.tick();
    void state.alerts.send();
    await state.scheduleAlarm();
    log("info", {
      msg: "coordinator alarm",
      poolId,
      writes: writes.length,
      durationMs: state.now() - now,
    });
  });
}
