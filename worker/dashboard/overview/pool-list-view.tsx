import { HEALTH_LABEL } from "../../failover/pool-health";
import { dnsLabel } from "../common/labels";
import type { PoolListRow } from "./pool-list";

/** The pools list's live part: GET /ui/pool-list/fragment returns it for dashboard/app.js. */
export function PoolList({ rows, now }: { rows: PoolListRow[]; now: number }) {
  if (rows.length === 0) {
    return (
      <p class="empty" data-server-now={now}>
        No pools yet. An admin creates one with <a href="/pools/new">New pool</a> (or{" "}
        <code>POST /api/v1/pools</code>), then enrolls two members.
      </p>
    );
  }
  return (
    <ul class="pool-list" data-server-now={now}>
      {rows.map((row) => (
        <li
          data-testid="pool-row"
          data-pool-id={row.id}
          data-health={row.health ?? "unknown"}
          class={`health-${row.health ?? "unknown"}`}
        >
          <h2>
            <a href={`/pools/${row.id}`}>{row.name}</a>{" "}
            <span class="health-word" data-testid="pool-health-word">
              {row.health ? HEALTH_LABEL[row.health] : "Not judged yet"}
            </span>
          </h2>
          {row.healthSummary && (
            <p class="health-summary" data-testid="pool-health-summary">
              {row.healthSummary}
            </p>
          )}
          <dl>
            <dt>Hostname</dt>
            <dd>{row.hostname}</dd>
            <dt>Active</dt>
            <dd data-testid="pool-active" data-member-id={row.active?.id ?? ""}>
              {row.active ? `${row.active.name} (${row.active.publicIp ?? "no IP"})` : "none"}
            </dd>
            <dt>Members up</dt>
            <dd class={row.membersUp < row.membersTotal ? "warn" : "ok"}>
              {row.membersUp}/{row.membersTotal}
            </dd>
            <dt>DNS</dt>
            <dd class={row.dns.state === "in_sync" ? "ok" : "warn"} data-dns-state={row.dns.state}>
              {dnsLabel(row.dns)}
            </dd>
            <dt>Automatic failover</dt>
            <dd class={row.autoFailover ? "ok" : "warn"}>{row.autoFailover ? "on" : "paused"}</dd>
          </dl>
        </li>
      ))}
    </ul>
  );
}
