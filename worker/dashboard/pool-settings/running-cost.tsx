import {
  ALWAYS_ON_GB_SECONDS_PER_DAY,
  CLOUDFLARE_PRICES,
  estimatePoolDay,
  freePlanShare,
  paidUsdPerMonth,
} from "../../../shared/run-cost";

/**
 * Measured by `npm run bench:cost` at 1 s beats and the default 30 s sample interval: the
 * coordinator's alarms a day (failover deadlines re-armed, samples) and a member's D1 rows.
 */
const ALARMS_PER_POOL_DAY = 11_520;
const ROWS_WRITTEN_PER_MEMBER_DAY = 288;

const TRANSPORTS = [
  { transport: "ws", label: "WebSocket (default)" },
  { transport: "http", label: "HTTP heartbeats (fallback)" },
] as const;

const count = (value: number) => Math.round(value).toLocaleString("en-US");
const percent = (share: number) => `${Math.round(share * 100)}%`;

/**
 * What the pool costs on Cloudflare a day, estimated from its members and the heartbeat interval
 * with the prices and arithmetic of shared/run-cost.ts (decision 0023).
 */
export function RunningCost({ members, intervalMs }: { members: number; intervalMs: number }) {
  const rows = TRANSPORTS.map(({ transport, label }) => {
    const units = estimatePoolDay({
      members,
      intervalMs,
      transport,
      alarmsPerDay: ALARMS_PER_POOL_DAY,
      rowsWrittenPerMemberDay: ROWS_WRITTEN_PER_MEMBER_DAY,
    });
    return { transport, label, units, share: freePlanShare(units), usd: paidUsdPerMonth(units) };
  });
  const free = CLOUDFLARE_PRICES.free;
  return (
    <div data-testid="running-cost">
      <p class="muted">
        {members} {members === 1 ? "member" : "members"} beating every {intervalMs / 1000} s. Free
        plan: {count(free.workerRequestsPerDay)} Worker and {count(free.objectRequestsPerDay)}{" "}
        object requests a day; WebSocket messages count 1 in{" "}
        {CLOUDFLARE_PRICES.websocketMessagesPerRequest}.
      </p>
      <table class="jobs">
        <thead>
          <tr>
            <th>Heartbeats over</th>
            <th>Worker requests/day</th>
            <th>Object requests/day</th>
            <th>Free plan used</th>
            <th>Paid plan, beyond included</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr data-transport={row.transport}>
              <td>{row.label}</td>
              <td>{count(row.units.workerRequests)}</td>
              <td>{count(row.units.objectRequests)}</td>
              <td>{percent(row.share)}</td>
              <td>${row.usd.toFixed(2)}/month</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="muted">
        Plus the coordinator's time in memory, on either transport: about{" "}
        {count(ALWAYS_ON_GB_SECONDS_PER_DAY)} GB-s a day for a pool beating every second (free plan:{" "}
        {count(free.objectGbSecondsPerDay)} a day). Prices as of {CLOUDFLARE_PRICES.checked}; `npm
        run bench:cost` measures them.
      </p>
    </div>
  );
}
