/**
 * The HAProxy status table, sent out of band: while someone has a member's status tab open, its
 * heartbeat answers carry `wants.haproxyStat`, and the agent posts the full `show stat` table to
 * `/agent/v1/haproxy/stat`. The heartbeat itself only carries a summary, since the table can run
 * to thousands of rows. At most one push is in flight, so a slow socket or control plane never
 * piles pushes up, and a beat never waits for one.
 */
import { HAPROXY_STAT_MAX_BYTES, HaproxyStatReport, jsonBytes } from "../../shared/agent-protocol";
import { type Logger, reason } from "../log";
import { showStat } from "./runtime-api";

/** HaproxyStatReport's row limit; a bigger table is sent cut, not refused whole. */
const MAX_ROWS = 5000;

/**
 * The report cut to its first rows so that it encodes within `maxBytes` (the control plane
 * refuses a bigger table whole with 413): a table of very long names still shows its top part.
 */
export function fitStatReport(
  report: HaproxyStatReport,
  maxBytes = HAPROXY_STAT_MAX_BYTES,
): HaproxyStatReport {
  let rows = report.rows;
  while (rows.length > 0 && jsonBytes({ ...report, rows }) > maxBytes) {
    rows = rows.slice(0, Math.floor(rows.length * 0.9));
  }
  return { ...report, rows };
}

export interface StatPushClient {
  postHaproxyStat(report: HaproxyStatReport, signal?: AbortSignal): Promise<void>;
}

export interface StatPusherOptions {
  socketPath: string;
  client: StatPushClient;
  log: Logger;
  signal: AbortSignal;
  now?: () => number;
}

export class HaproxyStatPusher {
  private inFlight: Promise<void> | undefined;
  private failing = false;

  constructor(private readonly options: StatPusherOptions) {}

  /** Starts a push unless one is still running; returns at once. */
  push(): void {
    if (this.inFlight || this.options.signal.aborted) return;
    this.inFlight = this.send().finally(() => {
      this.inFlight = undefined;
    });
  }

  /** Resolves when the push in flight (if any) is done. */
  idle(): Promise<void> {
    return this.inFlight ?? Promise.resolve();
  }

  private async send(): Promise<void> {
    const { client, log, signal, socketPath } = this.options;
    try {
      const rows = await showStat(socketPath);
      const report = fitStatReport(
        HaproxyStatReport.parse({
          collectedAt: (this.options.now ?? Date.now)(),
          rows: rows.slice(0, MAX_ROWS),
        }),
      );
      await client.postHaproxyStat(report, signal);
      if (this.failing) log.info("haproxy status table sent again");
      this.failing = false;
    } catch (error) {
      if (signal.aborted) return;
      // Logged when it starts failing: the control plane asks once a beat while the tab is open.
      if (!this.failing) log.warn("haproxy status table not sent", { reason: reason(error) });
      this.failing = true;
    }
  }
}
