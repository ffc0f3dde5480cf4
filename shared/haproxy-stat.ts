import { z } from "zod";

/**
 * One line of HAProxy's `show stat`, as the agent parses it: a frontend, a backend, a listener
 * or one server of a backend. The dashboard's status tab shows these rows.
 */
export const HaproxyStatRow = z.object({
  proxy: z.string().max(256),
  /** `FRONTEND`, `BACKEND`, or the server's name. */
  service: z.string().max(256),
  kind: z.enum(["frontend", "backend", "server", "listener"]),
  /** UP, DOWN, DRAIN, MAINT, OPEN, "UP 1/2" while a check is in transition… */
  status: z.string().max(64).nullable(),
  /** Last health check result (L7OK, L4CON…); null for proxies and unchecked servers. */
  checkStatus: z.string().max(64).nullable(),
  checkDesc: z.string().max(256).nullable(),
  scur: z.number().nullable(),
  smax: z.number().nullable(),
  stot: z.number().nullable(),
  /** Sessions per second over the last second. */
  rate: z.number().nullable(),
  weight: z.number().nullable(),
  /** Seconds since the last UP/DOWN transition. */
  lastchg: z.number().nullable(),
  addr: z.string().max(256).nullable(),
  mode: z.string().max(16).nullable(),
  // The columns below came later: agents from before them leave them out.
  /** Session limit (maxconn of a frontend or backend, a server's maxconn). */
  slim: z.number().nullable().optional(),
  /** Bytes in from clients and out to them. */
  bin: z.number().nullable().optional(),
  bout: z.number().nullable().optional(),
  /** Request errors (frontends), connection errors and response errors (backends, servers). */
  ereq: z.number().nullable().optional(),
  econ: z.number().nullable().optional(),
  eresp: z.number().nullable().optional(),
  /** The last check's layer 5–7 code (an HTTP status) and how long it took, in ms. */
  checkCode: z.number().nullable().optional(),
  checkDurationMs: z.number().nullable().optional(),
  /** The last check's own words, such as "Connection refused". */
  lastChk: z.string().max(256).nullable().optional(),
  /** Seconds spent DOWN since HAProxy started. */
  downtime: z.number().nullable().optional(),
  /** HTTP requests per second over the last second (frontends only). */
  reqRate: z.number().nullable().optional(),
});
export type HaproxyStatRow = z.infer<typeof HaproxyStatRow>;

/**
 * Body of `POST /agent/v1/haproxy/stat`: the full `show stat` table, sent when a heartbeat
 * response asks for it (someone has the member's status tab open).
 */
export const HaproxyStatReport = z.object({
  collectedAt: z.number().int().nonnegative(),
  rows: z.array(HaproxyStatRow).max(5000),
});
export type HaproxyStatReport = z.infer<typeof HaproxyStatReport>;

/** How long one request of the status table keeps the agent sending it. */
export const HAPROXY_STAT_WANTED_MS = 15_000;
