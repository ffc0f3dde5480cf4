import type { HaproxyStatRow } from "../../../shared/haproxy-stat";
import type { PoolProfile } from "../../../shared/pools";
import type { HaproxyStatTable } from "../../coordinator/haproxy-stat-board";
import type { Liveness } from "../overview/pool-view";

/**
 * A table older than this is shown as stale. While the tab is open the agent sends one with
 * every heartbeat (1 s), so 10 s means several missed pushes, not a slow one.
 */
export const STAT_STALE_MS = 10_000;

/** What a row's colour says. `transition`: a check is moving it between UP and DOWN. */
export type StatTone = "up" | "down" | "maint" | "drain" | "nocheck" | "transition" | "unknown";

/** One backend with its servers, in the order HAProxy lists them. */
export interface BackendGroup {
  name: string;
  /** The BACKEND row; null when the table was cut before it. */
  backend: HaproxyStatRow | null;
  servers: HaproxyStatRow[];
}

/** Why there is no table, or the table grouped for the Status tab. */
export type StatTableView =
  | { state: "not_haproxy"; profile: PoolProfile }
  | { state: "waiting"; profile: PoolProfile; liveness: Liveness }
  | {
      state: "table";
      collectedAt: number;
      ageMs: number;
      stale: boolean;
      /** Frontends, and their listeners when HAProxy reports sockets. */
      frontends: HaproxyStatRow[];
      backends: BackendGroup[];
    };

/** HAProxy's status words as a tone: UP, OPEN, "UP 1/3", DOWN, MAINT (via x/y), DRAIN, no check… */
export function statTone(status: string | null): StatTone {
  if (status === null) return "unknown";
  if (/^(UP|DOWN) \d+\/\d+/.test(status) || status === "FULL") return "transition";
  if (status.startsWith("MAINT")) return "maint";
  if (status.startsWith("DRAIN") || status === "NOLB") return "drain";
  if (status === "no check") return "nocheck";
  if (status === "UP" || status === "OPEN") return "up";
  if (status === "DOWN" || status === "STOP") return "down";
  return "unknown";
}

/** Backends and their servers, grouped by proxy in the order of first appearance. */
export function groupBackends(rows: HaproxyStatRow[]): BackendGroup[] {
  const groups = new Map<string, BackendGroup>();
  for (const row of rows) {
    if (row.kind !== "backend" && row.kind !== "server") continue;
    let group = groups.get(row.proxy);
    if (!group) {
      group = { name: row.proxy, backend: null, servers: [] };
      groups.set(row.proxy, group);
    }
    if (row.kind === "backend") group.backend = row;
    else group.servers.push(row);
  }
  return [...groups.values()];
}

/**
 * What the Status tab shows: nothing to ask for in an nginx pool, a wait until the agent has sent
 * a table (`collectedAt: null`), else the table with its age.
 */
export function statTableView(
  profile: PoolProfile,
  liveness: Liveness,
  table: HaproxyStatTable | null,
  now: number,
): StatTableView {
  if (profile === "nginx") return { state: "not_haproxy", profile };
  if (!table || table.collectedAt === null) return { state: "waiting", profile, liveness };
  const ageMs = Math.max(0, now - table.collectedAt);
  return {
    state: "table",
    collectedAt: table.collectedAt,
    ageMs,
    stale: ageMs > STAT_STALE_MS,
    frontends: table.rows.filter((row) => row.kind === "frontend" || row.kind === "listener"),
    backends: groupBackends(table.rows),
  };
}

/** Seconds as people read them: "45 s", "12 min", "3 h 5 min", "2 d 4 h". */
export function formatSeconds(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return "–";
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}

/** A counter with thousands separators; "–" when HAProxy left the cell empty. */
export function formatCount(value: number | null | undefined): string {
  if (value === null || value === undefined) return "–";
  return Math.round(value)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}
