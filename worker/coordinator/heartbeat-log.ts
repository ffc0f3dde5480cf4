/** How far back the dashboard's heartbeat bars reach. */
export const HEARTBEAT_LOG_MS = 5 * 60_000;
/** A member beating faster than this is not recorded more often (bounds memory per member). */
const MIN_SPACING_MS = 250;

/** What the coordinator heard in the last few minutes, for the dashboard. */
export interface HeartbeatLogSnapshot {
  /** Since when this coordinator has been listening: before it, nothing is known. */
  since: number;
  /** Arrival times by member, oldest first, within HEARTBEAT_LOG_MS (and one before it). */
  arrivals: Record<string, number[]>;
}

/**
 * When each member's heartbeats arrived over the last few minutes, in memory only: the heartbeat
 * bars cost no D1 write and no storage. Lost with the coordinator (a restart, an eviction), which
 * the bars show as "no data" before `since`.
 */
export class HeartbeatLog {
  private readonly arrivals = new Map<string, number[]>();

  constructor(private readonly since: number) {}

  heard(memberId: string, at: number): void {
    const times = this.arrivals.get(memberId) ?? [];
    const last = times.at(-1);
    if (last !== undefined && at - last < MIN_SPACING_MS) return;
    times.push(at);
    // Keep one arrival older than the window: the silence at its start is measured from it.
    const cutoff = at - HEARTBEAT_LOG_MS;
    let drop = 0;
    while (drop + 1 < times.length && (times[drop + 1] as number) <= cutoff) drop += 1;
    if (drop > 0) times.splice(0, drop);
    this.arrivals.set(memberId, times);
  }

  forget(memberId: string): void {
    this.arrivals.delete(memberId);
  }

  clear(): void {
    this.arrivals.clear();
  }

  snapshot(): HeartbeatLogSnapshot {
    return { since: this.since, arrivals: Object.fromEntries(this.arrivals) };
  }
}
