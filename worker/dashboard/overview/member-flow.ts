import type { HaproxyStatRow } from "../../../shared/haproxy-stat";
import type { NginxStatus } from "../../../shared/heartbeat";
import type { LiveMember } from "../../coordinator/live-member";
import type { BackendView, FrontendView, ServerState, ServerView } from "./pool-view";

/**
 * What the flow diagram draws behind one member, from that member's own latest report: its
 * HAProxy `show stat` table ("stat": frontends, backends, servers, rates), or only the
 * heartbeat's backend summary until a table arrives ("summary": no frontends, no rates), or
 * nginx's stub_status counters ("nginx": connections, no backends or servers), or nothing.
 */
export interface MemberFlow {
  source: "stat" | "summary" | "nginx" | "none";
  frontends: FrontendView[];
  backends: BackendView[];
  nginx: NginxStatus | null;
  /** "config differs from the active: revision 4 vs 5"; null when it does not (or is not known). */
  configDiffers: string | null;
}

/**
 * A server's state as the diagram marks it, from HAProxy's status ("UP 1/3" is still up while a
 * check fails, "DOWN 1/2" still down while one passes; "no check" serves without being checked).
 */
export function serverState(status: string | null): ServerState {
  const word = (status ?? "").toUpperCase();
  if (word.startsWith("DRAIN")) return "drain";
  if (word.startsWith("MAINT")) return "maint";
  if (word.startsWith("UP")) return "up";
  if (word.startsWith("DOWN") || word.startsWith("NOLB")) return "down";
  if (word === "NO CHECK") return "unchecked";
  return "unknown";
}

/** One member's flow from its live state and its latest table (null or empty: none yet). */
export function memberFlow(
  live: LiveMember | undefined,
  stat: HaproxyStatRow[] | null,
  configDiffers: string | null,
): MemberFlow {
  const table = stat && stat.length > 0 ? stat : null;
  const nginx = live?.nginx ?? null;
  const backends = backendsOf(live, table);
  const source = table ? "stat" : live?.haproxy?.backends ? "summary" : nginx ? "nginx" : "none";
  return { source, frontends: frontendsOf(table), backends, nginx, configDiffers };
}

/** Backends from the heartbeat's summary, with servers from the full table when there is one. */
export function backendsOf(live: LiveMember | undefined, stat: HaproxyStatRow[] | null) {
  const rows = stat ?? [];
  const serversOf = (backend: string): ServerView[] =>
    rows
      .filter((row) => row.kind === "server" && row.proxy === backend)
      .map((row) => ({
        name: row.service,
        status: row.status ?? "unknown",
        up: (row.status ?? "").startsWith("UP"),
        addr: row.addr,
        state: serverState(row.status),
        checkStatus: row.checkStatus,
        scur: row.scur,
        rate: row.rate,
      }));
  const rateOf = (backend: string) =>
    rows.find((row) => row.kind === "backend" && row.proxy === backend)?.rate ?? null;
  const summary = live?.haproxy?.backends;
  if (summary)
    return summary.map((backend) => ({
      ...backend,
      rate: rateOf(backend.name),
      servers: serversOf(backend.name),
    }));
  return rows
    .filter((row) => row.kind === "backend")
    .map((row) => {
      const servers = serversOf(row.proxy);
      return {
        name: row.proxy,
        status: row.status ?? "unknown",
        serversUp: servers.filter((server) => server.up).length,
        serversTotal: servers.length,
        currentSessions: row.scur ?? 0,
        rate: row.rate,
        servers,
      };
    });
}

/** The frontends of a member's latest `show stat` table. */
export function frontendsOf(stat: HaproxyStatRow[] | null): FrontendView[] {
  return (stat ?? [])
    .filter((row) => row.kind === "frontend")
    .map((row) => ({
      name: row.proxy,
      status: row.status ?? "unknown",
      scur: row.scur ?? 0,
      rate: row.rate ?? 0,
      reqRate: row.reqRate ?? null,
    }));
}
