/**
 * After a balancer reload: do the backends reach their health state? HAProxy starts every
 * checked server optimistically ("UP", check INI) and settles it with its first checks, so the
 * runtime API is polled until every checked server has a settled result, bounded. A backend
 * that had a server UP before the reload must have one UP after it: a revision that leaves it
 * with none would answer 503 for everything routed there. nginx OSS has no runtime view of its
 * upstreams; its health here is the local probe, which verifyServing runs next.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { showStat } from "../haproxy/runtime-api";
import { type JobContext, JobFailed } from "../jobs/types";
import type { StatRow } from "../parsers/haproxy-stat";

/** How long checked servers have to settle after a reload (a first check runs within `inter`). */
export const HEALTH_SETTLE_MS = 5_000;
const POLL_MS = 100;

/** Backend name → whether at least one of its servers is UP (or going down but still UP). */
export type BackendsUp = Map<string, boolean>;

function isUp(status: string | null): boolean {
  return status !== null && /^UP\b/.test(status);
}

/** A checked server whose first check has not run, or whose state is in transition ("UP 1/3"). */
function unsettled(row: StatRow): boolean {
  if (row.checkStatus === null) return false;
  return row.checkStatus === "INI" || /\d+\/\d+/.test(row.status ?? "");
}

/** Which backends have an UP (or unchecked "no check") server, from one `show stat`. */
export function backendsUp(rows: readonly StatRow[]): BackendsUp {
  const up: BackendsUp = new Map();
  for (const row of rows) {
    if (row.kind !== "server") continue;
    const serving = isUp(row.status) || row.status === "no check";
    up.set(row.proxy, (up.get(row.proxy) ?? false) || serving);
  }
  return up;
}

/** The backends as they are now; null when the runtime API does not answer. */
export async function readBackendsUp(socket: string | undefined): Promise<BackendsUp | null> {
  if (!socket) return null;
  return showStat(socket, { timeoutMs: 1_000 }).then(backendsUp, () => null);
}

/**
 * Waits until HAProxy's checked servers settle (bounded), then throws JobFailed naming every
 * backend that had a server UP in `before` and has none now.
 */
export async function verifyBackendHealth(
  ctx: Pick<JobContext, "config" | "out">,
  before: BackendsUp | null,
  settleMs = HEALTH_SETTLE_MS,
): Promise<void> {
  const socket = ctx.config.haproxySocket;
  if (!socket) {
    ctx.out.line("backend health not checked: no HAProxy runtime API (BATON_HAPROXY_SOCKET)");
    return;
  }
  const started = Date.now();
  let rows: StatRow[] | null = null;
  for (;;) {
    rows = await showStat(socket, { timeoutMs: 1_000 }).catch(() => null);
    const waiting = rows?.filter((row) => row.kind === "server" && unsettled(row)) ?? [];
    if ((rows && waiting.length === 0) || Date.now() - started >= settleMs) break;
    await sleep(POLL_MS);
  }
  if (!rows && before === null) {
    ctx.out.line(
      `backend health not checked: the HAProxy runtime API at ${socket} did not answer before the reload either`,
    );
    return;
  }
  if (!rows) {
    throw new JobFailed(
      `the HAProxy runtime API at ${socket} does not answer after the reload (it did before): the revision must keep "stats socket ${socket}" for the agent`,
    );
  }
  const now = backendsUp(rows);
  const lost = [...(before ?? new Map())]
    .filter(([name, wasUp]) => wasUp && now.has(name) && !now.get(name))
    .map(([name]) => name);
  const down = [...now].filter(([, up]) => !up).map(([name]) => name);
  const waited = Date.now() - started;
  if (lost.length > 0) {
    throw new JobFailed(
      `backend ${lost.join(", ")} has no server UP after the reload (it had before); waited ${waited} ms for health checks`,
    );
  }
  const note = down.length > 0 ? `; no server UP in ${down.join(", ")} (none was before)` : "";
  ctx.out.line(`backends reached their health state in ${waited} ms${note}`);
}
