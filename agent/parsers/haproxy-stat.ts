/**
 * Parser for HAProxy's runtime API `show stat` CSV and its summary for the heartbeat. Pure, so it
 * is tested against output captured from a real HAProxy 2.6. Columns are looked up by the names
 * in the `# pxname,svname,...` header, never by position: HAProxy appends columns between
 * versions (2.6 has ~130), and a parser keyed on positions would silently read the wrong ones.
 */
import type { HaproxySummary } from "../../shared/agent-protocol";
import type { ShowInfo } from "./haproxy-info";

/** One line of `show stat`: a frontend, a backend, or one server of a backend. */
export interface StatRow {
  proxy: string;
  /** `FRONTEND`, `BACKEND`, or the server's name. */
  service: string;
  kind: "frontend" | "backend" | "server" | "listener";
  /** UP, DOWN, DRAIN, MAINT, OPEN, "UP 1/2" while a check is in transition, no check… */
  status: string | null;
  /** Last health check result (L7OK, L4CON, …); null for proxies and unchecked servers. */
  checkStatus: string | null;
  checkDesc: string | null;
  /** Current, max and total sessions. */
  scur: number | null;
  smax: number | null;
  stot: number | null;
  /** Sessions per second over the last second. */
  rate: number | null;
  /** HTTP requests per second over the last second (frontends only). */
  reqRate: number | null;
  weight: number | null;
  /** Seconds since the last UP/DOWN transition. */
  lastchg: number | null;
  addr: string | null;
  mode: string | null;
  /** Session limit; bytes in and out; request, connection and response errors. */
  slim: number | null;
  bin: number | null;
  bout: number | null;
  ereq: number | null;
  econ: number | null;
  eresp: number | null;
  /** The last check's code (an HTTP status), its duration in ms and its own words. */
  checkCode: number | null;
  checkDurationMs: number | null;
  lastChk: string | null;
  /** Seconds spent DOWN since HAProxy started. */
  downtime: number | null;
}

/** Numeric fields and the `show stat` column each comes from. */
const NUMERIC = {
  scur: "scur",
  smax: "smax",
  stot: "stot",
  rate: "rate",
  reqRate: "req_rate",
  weight: "weight",
  lastchg: "lastchg",
  slim: "slim",
  bin: "bin",
  bout: "bout",
  ereq: "ereq",
  econ: "econ",
  eresp: "eresp",
  checkCode: "check_code",
  checkDurationMs: "check_duration",
  downtime: "downtime",
} as const;

/** A CSV cell: empty is null. `show stat` never quotes cells, so a plain split is exact. */
function cell(cells: string[], index: number | undefined): string | null {
  if (index === undefined) return null;
  const value = cells[index];
  return value === undefined || value === "" ? null : value;
}

function toNumber(value: string | null): number | null {
  if (value === null) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

function kindOf(service: string, type: string | null): StatRow["kind"] {
  // The `type` column is 0 frontend, 1 backend, 2 server, 3 listener.
  if (type === "0" || service === "FRONTEND") return "frontend";
  if (type === "1" || service === "BACKEND") return "backend";
  if (type === "3") return "listener";
  return "server";
}

/** Typed rows from `show stat`. Throws when the header is missing (not a `show stat` answer). */
export function parseShowStat(csv: string): StatRow[] {
  const lines = csv.split("\n").map((line) => line.trim());
  const header = lines.find((line) => line.startsWith("# "));
  const columns = new Map(
    header
      ?.slice(2)
      .split(",")
      .map((name, i) => [name, i] as const),
  );
  if (!columns.has("pxname") || !columns.has("svname")) {
    throw new Error("show stat: no '# pxname,svname,...' header");
  }
  const rows: StatRow[] = [];
  for (const line of lines) {
    if (line === "" || line.startsWith("#")) continue;
    const cells = line.split(",");
    const proxy = cell(cells, columns.get("pxname"));
    const service = cell(cells, columns.get("svname"));
    if (proxy === null || service === null) continue;
    const text = (name: string) => cell(cells, columns.get(name));
    const row: StatRow = {
      proxy,
      service,
      kind: kindOf(service, text("type")),
      status: text("status"),
      checkStatus: text("check_status"),
      checkDesc: text("check_desc"),
      scur: null,
      smax: null,
      stot: null,
      rate: null,
      reqRate: null,
      weight: null,
      lastchg: null,
      addr: text("addr"),
      mode: text("mode"),
      slim: null,
      bin: null,
      bout: null,
      ereq: null,
      econ: null,
      eresp: null,
      checkCode: null,
      checkDurationMs: null,
      lastChk: text("last_chk"),
      downtime: null,
    };
    for (const [field, column] of Object.entries(NUMERIC) as [keyof typeof NUMERIC, string][])
      row[field] = toNumber(text(column));
    rows.push(row);
  }
  return rows;
}

/**
 * The heartbeat's HaproxySummary: `show info` totals plus one entry per backend. A server counts
 * as up when its status starts with "UP" (HAProxy shows "UP 1/3" while a going-down check is
 * pending, and the server still takes traffic then); DRAIN and MAINT count as not up because
 * they take no new sessions, which is what the failover engine needs to know.
 */
export function summarise(rows: StatRow[], info?: ShowInfo): HaproxySummary {
  const backends = rows
    .filter((row) => row.kind === "backend")
    .slice(0, 256)
    .map((backend) => {
      const servers = rows.filter((row) => row.kind === "server" && row.proxy === backend.proxy);
      return {
        name: backend.proxy.slice(0, 128),
        status: (backend.status ?? "unknown").slice(0, 32),
        serversUp: servers.filter((server) => server.status?.startsWith("UP")).length,
        serversTotal: servers.length,
        currentSessions: Math.max(0, Math.trunc(backend.scur ?? 0)),
      };
    });
  return { ...info, backends };
}
