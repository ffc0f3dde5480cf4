import { HAPROXY_STAT_WANTED_MS, type HaproxyStatReport } from "../../shared/haproxy-stat";

/** The answer of `GET /api/v1/members/:memberId/haproxy/stat`. */
export interface HaproxyStatTable {
  collectedAt: number | null;
  rows: HaproxyStatReport["rows"];
}

/**
 * HAProxy status tables, in memory only: each member's latest table, and until when someone
 * wants it (a request keeps the agent sending it for HAPROXY_STAT_WANTED_MS). Lost with the
 * coordinator, which costs one more request.
 */
export class HaproxyStatBoard {
  private readonly latest = new Map<string, HaproxyStatReport>();
  private readonly wantedUntil = new Map<string, number>();

  /** The latest table of a member, and marks it wanted from `now`. */
  request(memberId: string, now: number): HaproxyStatTable {
    this.wantedUntil.set(memberId, now + HAPROXY_STAT_WANTED_MS);
    const table = this.latest.get(memberId);
    return table
      ? { collectedAt: table.collectedAt, rows: table.rows }
      : { collectedAt: null, rows: [] };
  }

  /** Whether the member's heartbeat response should ask for the table. */
  wanted(memberId: string, now: number): boolean {
    const until = this.wantedUntil.get(memberId);
    if (until === undefined) return false;
    if (now < until) return true;
    this.wantedUntil.delete(memberId);
    return false;
  }

  /** Keeps the newer table: a late retry of an older one does not replace it. */
  store(memberId: string, report: HaproxyStatReport): void {
    const known = this.latest.get(memberId);
    if (known && known.collectedAt > report.collectedAt) return;
    this.latest.set(memberId, report);
  }

  forget(memberId: string): void {
    this.latest.delete(memberId);
    this.wantedUntil.delete(memberId);
  }

  clear(): void {
    this.latest.clear();
    this.wantedUntil.clear();
  }
}
