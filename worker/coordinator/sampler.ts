import type { Heartbeat } from "../../shared/heartbeat";
import type { MemberSample } from "../db/schema/metrics";

/** How often a pool's figures are written to D1 for charts. */
export const SAMPLE_INTERVAL_MS = 30_000;

/** Figures worth charting from one heartbeat; null when it carried none. */
export function sampleOf(report: Heartbeat): MemberSample | null {
  if (!report.host && !report.haproxy && !report.nginx) return null;
  return {
    cpuPercent: report.host?.cpuPercent,
    memUsedBytes: report.host?.memUsedBytes,
    memTotalBytes: report.host?.memTotalBytes,
    load1: report.host?.load1,
    currentConnections: report.haproxy?.currentConnections ?? report.nginx?.activeConnections,
    sessionRate: report.haproxy?.sessionRate,
    nginxRequests: report.nginx?.requests,
  };
}

/**
 * Keeps each member's latest figures and hands them out once per interval as one pool sample.
 * Figures not yet flushed are lost if the coordinator is evicted: at most one interval of chart.
 */
export class Sampler {
  private latest = new Map<string, MemberSample>();
  private nextFlushAt: number | null = null;

  offer(memberId: string, report: Heartbeat, now: number): void {
    const sample = sampleOf(report);
    if (!sample) return;
    this.latest.set(memberId, sample);
    this.nextFlushAt ??= now + SAMPLE_INTERVAL_MS;
  }

  forget(memberId: string): void {
    this.latest.delete(memberId);
  }

  /** When the pending figures are due, or null when nothing is pending. */
  dueAt(): number | null {
    return this.nextFlushAt;
  }

  /** The sample to write when it is due at `now`, emptying the buffer; null otherwise. */
  take(now: number): Record<string, MemberSample> | null {
    if (this.nextFlushAt === null || now < this.nextFlushAt || this.latest.size === 0) return null;
    const members = Object.fromEntries(this.latest);
    this.latest.clear();
    this.nextFlushAt = null;
    return members;
  }
}
