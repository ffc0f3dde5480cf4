// HAProxy `show stat` rows as a simulated agent reports them, for the browser tests that need a
// table: one frontend, one backend and its servers, each with sessions (scur) and a rate.
import type { HaproxyStatRow } from "../../shared/haproxy-stat";

export interface StatServer {
  name: string;
  status: string;
  addr: string;
  scur?: number;
  rate?: number;
}

const COUNTERS = {
  checkDesc: null,
  smax: 40,
  stot: 123_456,
  weight: 1,
  lastchg: 7_260,
  mode: "http",
  bin: 4_096_000,
  bout: 104_857_600,
  econ: 0,
  eresp: 0,
};

/** A frontend `fe` and a backend `be` with `servers`; the backend sums its servers' figures. */
export function statRows(fe: string, be: string, servers: StatServer[]): HaproxyStatRow[] {
  const scur = servers.reduce((sum, server) => sum + (server.scur ?? 0), 0);
  const rate = servers.reduce((sum, server) => sum + (server.rate ?? 0), 0);
  const up = servers.filter((server) => server.status === "UP").length;
  return [
    {
      ...COUNTERS,
      proxy: fe,
      service: "FRONTEND",
      kind: "frontend",
      status: "OPEN",
      checkStatus: null,
      scur,
      rate,
      // Kept-alive connections carry several requests each: three per new session here.
      reqRate: rate * 3,
      addr: null,
      slim: 10_000,
      ereq: 0,
    },
    ...servers.map(
      (server): HaproxyStatRow => ({
        ...COUNTERS,
        proxy: be,
        service: server.name,
        kind: "server",
        status: server.status,
        addr: server.addr,
        scur: server.scur ?? 0,
        rate: server.rate ?? 0,
        checkStatus: server.status === "UP" ? "L7OK" : "L4CON",
        checkCode: server.status === "UP" ? 200 : null,
        checkDurationMs: 2,
        lastChk: server.status === "UP" ? null : "Connection refused",
        downtime: server.status === "UP" ? 0 : 86_400 + 3_723,
        lastchg: server.status === "UP" ? 7_260 : 45,
      }),
    ),
    {
      ...COUNTERS,
      proxy: be,
      service: "BACKEND",
      kind: "backend",
      status: up > 0 ? "UP" : "DOWN",
      checkStatus: null,
      scur,
      rate,
      addr: null,
      slim: 1_000,
      downtime: 0,
    },
  ];
}
