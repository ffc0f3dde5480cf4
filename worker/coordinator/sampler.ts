import type { Heartbeat } from "../../shared/heartbeat";
import type { MemberSample } from "../db/schema/metrics";

/** Figures worth charting from one heartbeat; null when it carried none. */
export function sampleOf(report: Heartbeat): MemberSample | null {
  if (!report.host && !report.haproxy && !report.nginx && report.rttMs === undefined) return null;
  return {
    cpuPercent: report.host?.cpuPercent,
    memUsedBytes: report.host?.memUsedBytes,
    memTotalBytes: report.host?.memTotalBytes,
    load1: report.host?.load1,
    currentConnections: report.haproxy?.currentConnections ?? report.nginx?.activeConnections,
    sessionRate: report.haproxy?.sessionRate,
    nginxRequests: report.nginx?.requests,
    rttMs: report.rttMs,
  };
}

/**
 * Keeps each member's latest figures and hands them out once per interval as one pool sample.
 * The round-trip is the mean of the interval's beats rather than the last one: one beat in 30
 * says little about a connection. Figures not yet flushed are lost if the coordinator is
 * evicted: at most one interval of chart.
 */
export class Sampler {
  private latest = new Map<string, MemberSample>();
  private roundTrips = new Map<string, { sumMs: number; count: number }>();
  private nextFlushAt: number | null = null;

  /** `intervalMs`: how often a pool's figures are written to D1 (METRIC_SAMPLE_INTERVAL_S). */
  constructor(readonly intervalMs: number) {}

  offer(memberId: string, report: Heartbeat, now: number): void {
    const sample = sampleOf(report);
    if (!sample) return;
    this.latest.set(memberId, sample);
    if (report.rttMs !== undefined) {
      const sum = this.roundTrips.get(memberId) ?? { sumMs: 0, count: 0 };
      this.roundTrips.set(memberId, { sumMs: sum.sumMs + report.rttMs, count: sum.count + 1 });
    }
    this.nextFlushAt ??= now + this.intervalMs;
  }

  forget(memberId: string): void {
    this.latest.delete(memberId);
    this.roundTrips.delete(memberId);
  }

  /** When the pending figures are due, or null when nothing is pending. */
  dueAt(): number | null {
    return this.nextFlushAt;
  }

  /** The sample to write when it is due at `now`, emptying the buffer; null otherwise. */
  take(now: number): Record<string, MemberSample> | null {
    if (this.nextFlushAt === null || now < this.nextFlushAt || this.latest.size === 0) return null;
    const members: Record<string, MemberSample> = {};
    for (const [memberId, sample] of this.latest) {
      const rtt = this.roundTrips.get(memberId);
      members[memberId] = rtt ? { ...sample, rttMs: Math.round(rtt.sumMs / rtt.count) } : sample;
    }
    this.latest.clear();
    this.roundTrips.clear();
    this.nextFlushAt = null;
    return members;
  }
}
