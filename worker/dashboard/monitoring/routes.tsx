import { type Context, Hono } from "hono";
import { type MetricRange, MetricsQuery } from "../../../shared/metrics";
import { getMember } from "../../members/store";
import { loadMemberMetrics } from "../../metrics/store";
import { getPool } from "../../pools/store";
import type { AppEnv } from "../../types";
import { Layout } from "../common/layout";
import { flashOf, fragment, page } from "../common/render";
import { MemberHeading } from "../common/tabs";
import { MonitoringCharts, RangeSwitch } from "./view";

/**
 * Over an hour: no faster than app.js's default, no slower than 15 s. Over a day a point is ~5
 * minutes wide and a refresh reads the whole day's rows (2,880), so every 5 minutes is enough.
 */
const MIN_REFRESH_MS = 1_500;
const HOUR_REFRESH_MS = 15_000;
const DAY_REFRESH_MS = 300_000;

/** How often the open tab asks for fresh charts: about twice per sample over an hour. */
export function refreshMs(range: MetricRange, sampleIntervalMs: number): number {
  if (range === "day") return DAY_REFRESH_MS;
  return Math.min(HOUR_REFRESH_MS, Math.max(MIN_REFRESH_MS, Math.round(sampleIntervalMs / 2)));
}

/** The range asked for, or the hour with a message when the address names another. */
function rangeOf(c: Context<AppEnv>): { range: MetricRange; problem: string | null } {
  const parsed = MetricsQuery.safeParse({ range: c.req.query("range") });
  if (parsed.success) return { range: parsed.data.range, problem: null };
  return {
    range: "hour",
    problem: `There is no range "${c.req.query("range")}": showing the last hour (choose hour or day)`,
  };
}

async function memberMetrics(c: Context<AppEnv>, range: MetricRange) {
  const db = c.get("db");
  const member = await getMember(db, c.req.param("memberId") ?? "");
  const metrics = await loadMemberMetrics(db, member, range, Date.now(), c.get("config"));
  return { member, metrics };
}

/**
 * The member workspace's Monitoring tab: heartbeat round-trip, CPU, memory and sessions over
 * the last hour or day, drawn on the server as SVG from the same series as
 * GET /api/v1/members/:memberId/metrics, refreshed in place while open.
 */
export const monitoringPages = new Hono<AppEnv>()
  .get("/members/:memberId/monitoring", async (c) => {
    const { range, problem } = rangeOf(c);
    const { member, metrics } = await memberMetrics(c, range);
    const pool = await getPool(c.get("db"), member.poolId);
    const flash = problem ? { kind: "error" as const, message: problem } : flashOf(c);
    return page(
      c,
      <Layout title={`${member.name} · Monitoring`} session={c.get("session")} flash={flash}>
        <MemberHeading member={member} pool={pool} active="monitoring" />
        <RangeSwitch memberId={member.id} range={range} />
        <div
          id="monitoring-live"
          data-live-src={`/ui/members/${member.id}/monitoring/fragment?range=${range}`}
          data-live-interval-ms={String(refreshMs(range, metrics.sampleIntervalMs))}
          aria-live="off"
        >
          <MonitoringCharts metrics={metrics} />
        </div>
        <p class="live-status muted" data-live-status aria-live="polite" />
      </Layout>,
    );
  })
  .get("/ui/members/:memberId/monitoring/fragment", async (c) => {
    const { metrics } = await memberMetrics(c, rangeOf(c).range);
    return fragment(c, <MonitoringCharts metrics={metrics} />);
  });
