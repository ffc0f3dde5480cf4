import type { HaproxyStatRow } from "../../../shared/haproxy-stat";
import { formatAge, formatBytes } from "../common/format";
import {
  type BackendGroup,
  formatCount,
  formatSeconds,
  type StatTableView,
  statTone,
} from "./haproxy-table";

function bytes(value: number | null | undefined): string {
  return value === null || value === undefined ? "–" : formatBytes(value);
}

function sessions(row: HaproxyStatRow): string {
  return `${formatCount(row.scur)} / ${formatCount(row.smax)} / ${formatCount(row.slim)}`;
}

function Status({ row }: { row: HaproxyStatRow }) {
  return (
    <td class={`stat-status tone-${statTone(row.status)}`} data-testid="stat-status">
      {row.status ?? "–"}
    </td>
  );
}

/** The last check: its status, code and duration, and what it said. */
function Check({ row }: { row: HaproxyStatRow }) {
  if (row.checkStatus === null) return <td class="muted">–</td>;
  const said = row.lastChk ?? row.checkDesc;
  return (
    <td class="stat-check" title={row.checkDesc ?? undefined} data-testid="stat-check">
      <strong>{row.checkStatus}</strong>
      {row.checkCode != null && ` ${row.checkCode}`}
      {row.checkDurationMs != null && <span class="muted"> · {row.checkDurationMs} ms</span>}
      {said && <small>{said}</small>}
    </td>
  );
}

function rowAttributes(row: HaproxyStatRow) {
  return {
    "data-testid": "stat-row",
    "data-proxy": row.proxy,
    "data-service": row.service,
    "data-kind": row.kind,
    "data-status": row.status ?? "",
    "data-tone": statTone(row.status),
  };
}

function FrontendRow({ row }: { row: HaproxyStatRow }) {
  return (
    <tr {...rowAttributes(row)}>
      <th scope="row">
        {row.proxy}
        {row.kind === "listener" && <small>listener {row.service}</small>}
      </th>
      <Status row={row} />
      <td>{sessions(row)}</td>
      <td>{formatCount(row.rate)}</td>
      <td>{formatCount(row.stot)}</td>
      <td>{bytes(row.bin)}</td>
      <td>{bytes(row.bout)}</td>
      <td>{formatCount(row.ereq)}</td>
      <td>{row.mode ?? "–"}</td>
    </tr>
  );
}

function BackendRow({ row, server }: { row: HaproxyStatRow; server: boolean }) {
  return (
    <tr {...rowAttributes(row)} class={server ? "stat-server" : "stat-backend"}>
      <th scope="row">{server ? row.service : `${row.proxy} (backend)`}</th>
      <Status row={row} />
      <Check row={row} />
      <td>{formatCount(row.weight)}</td>
      <td>{sessions(row)}</td>
      <td>{formatCount(row.rate)}</td>
      <td>{formatCount(row.stot)}</td>
      <td>{bytes(row.bin)}</td>
      <td>{bytes(row.bout)}</td>
      <td>
        {formatCount(row.econ)} / {formatCount(row.eresp)}
      </td>
      <td>{formatSeconds(row.downtime)}</td>
      <td>{row.lastchg === null ? "–" : `${formatSeconds(row.lastchg)} ago`}</td>
      <td>{row.addr ?? "–"}</td>
    </tr>
  );
}

/** A wide table that scrolls sideways on a phone; app.js keeps its scroll across refreshes. */
function Scroll({ id, label, children }: { id: string; label: string; children: unknown }) {
  // A section with a label is a region; tabindex lets the keyboard scroll it.
  return (
    <section class="table-scroll" id={id} aria-label={label} tabindex={0} data-keep-scroll>
      {children}
    </section>
  );
}

function Backend({ group }: { group: BackendGroup }) {
  return (
    <tbody data-testid="stat-backend" data-proxy={group.name} id={`backend-${group.name}`}>
      {group.backend && <BackendRow row={group.backend} server={false} />}
      {group.servers.map((row) => (
        <BackendRow row={row} server />
      ))}
    </tbody>
  );
}

function Missing({ view }: { view: Exclude<StatTableView, { state: "table" }> }) {
  if (view.state === "not_haproxy") {
    return (
      <p class="notice" data-testid="stat-none" data-stat-state="not_haproxy">
        This is an nginx pool: its members have no HAProxy status table.
      </p>
    );
  }
  const why =
    view.liveness === "never_seen"
      ? "The agent has never reported: run the install command on the VM first."
      : view.liveness === "offline"
        ? "The member is offline, so its agent cannot send one."
        : "The agent has been asked for it and sends it with its next heartbeats.";
  const generic =
    view.profile === "generic"
      ? " In a generic pool the agent sends it only when HAProxy runs with its stats socket."
      : "";
  return (
    <p class="notice" data-testid="stat-none" data-stat-state="waiting">
      No HAProxy status table yet. {why}
      {generic}
    </p>
  );
}

/** HAProxy's `show stat`: frontends, then each backend with its servers. */
export function HaproxyStat({ view }: { view: StatTableView }) {
  if (view.state !== "table") return <Missing view={view} />;
  const age = formatAge(view.ageMs);
  return (
    <>
      <p
        class={view.stale ? "notice warn" : "muted"}
        data-testid="stat-age"
        data-stale={String(view.stale)}
      >
        {view.stale
          ? `Stale: this table was collected ${age}; the agent has not sent a newer one.`
          : `Collected ${age}.`}
      </p>
      <h3 id="stat-frontends-title">Frontends</h3>
      {view.frontends.length === 0 ? (
        <p class="muted">No frontends.</p>
      ) : (
        <Scroll id="stat-frontends-scroll" label="Frontends">
          <table class="stat-table" data-testid="stat-frontends">
            <thead>
              <tr>
                <th scope="col">Frontend</th>
                <th scope="col">Status</th>
                <th scope="col">Sessions cur / max / limit</th>
                <th scope="col">Rate /s</th>
                <th scope="col">Total</th>
                <th scope="col">Bytes in</th>
                <th scope="col">Bytes out</th>
                <th scope="col">Request errors</th>
                <th scope="col">Mode</th>
              </tr>
            </thead>
            <tbody>
              {view.frontends.map((row) => (
                <FrontendRow row={row} />
              ))}
            </tbody>
          </table>
        </Scroll>
      )}
      <h3>Backends and servers</h3>
      {view.backends.length === 0 ? (
        <p class="muted">No backends.</p>
      ) : (
        <Scroll id="stat-backends-scroll" label="Backends and servers">
          <table class="stat-table" data-testid="stat-backends">
            <thead>
              <tr>
                <th scope="col">Backend / server</th>
                <th scope="col">Status</th>
                <th scope="col">Last check</th>
                <th scope="col">Weight</th>
                <th scope="col">Sessions cur / max / limit</th>
                <th scope="col">Rate /s</th>
                <th scope="col">Total</th>
                <th scope="col">Bytes in</th>
                <th scope="col">Bytes out</th>
                <th scope="col">Errors conn / resp</th>
                <th scope="col">Downtime</th>
                <th scope="col">Last change</th>
                <th scope="col">Address</th>
              </tr>
            </thead>
            {view.backends.map((group) => (
              <Backend group={group} />
            ))}
          </table>
        </Scroll>
      )}
    </>
  );
}
