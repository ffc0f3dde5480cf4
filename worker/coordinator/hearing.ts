/**
 * Since when the coordinator has been able to hear its members. Silence before that moment is
 * the control plane's, not a member's: after a restart, or after an outage in which no member of
 * the pool got through at all, every member gets a full failover delay from the moment the pool
 * is heard again before its silence counts against it.
 */
export class Hearing {
  private lastHeardAt: number | null = null;

  /**
   * `sinceAt`: when this coordinator instance started (nothing could be heard before). `gapMs`:
   * how long the whole pool may go unheard before the silence counts as the control plane's
   * (one heartbeat interval plus DEAF_GAP_SLACK_MS).
   */
  constructor(
    private sinceAt: number,
    private readonly gapMs: number,
  ) {}

  /** The moment from which a member's silence counts. */
  get since(): number {
    return this.sinceAt;
  }

  /**
   * A heartbeat got through at `now`. The first one after the start, or the first after a gap
   * longer than the gap in which no member was heard, starts a new hearing period.
   */
  /**
   * Whether no member at all has been heard for longer than the gap: the control plane is cut
   * off (or every member is at once, which it cannot tell apart). While deaf the coordinator
   * moves no traffic: a standby that happened to beat last is no better placed than the active.
   */
  deaf(now: number): boolean {
    return this.lastHeardAt !== null && now - this.lastHeardAt > this.gapMs;
  }

  heard(now: number): void {
    if (this.lastHeardAt === null || now - this.lastHeardAt > this.gapMs) {
      this.sinceAt = Math.max(this.sinceAt, now);
    }
    this.lastHeardAt = Math.max(this.lastHeardAt ?? now, now);
  }
}

/**
 * How long the whole pool may go unheard before the coordinator assumes it was the one that could
 * not hear: one heartbeat interval plus this slack. Agents retry an unreachable control plane
 * within 2 s, so a member that was cut off with everyone else is heard within a failover delay
 * (at least 3 s) of the moment the first one is.
 */
export const DEAF_GAP_SLACK_MS = 1_000;
