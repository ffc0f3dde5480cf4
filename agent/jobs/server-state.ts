/**
 * `haproxy.drain` / `haproxy.ready`: set one server, or every server of a backend, to drain or
 * ready through the runtime API, then report the states `show stat` shows afterwards. Names are
 * checked against `show stat` first so an unknown backend or server fails the job by name
 * before anything changes.
 */
import { setServerState, showStat } from "../haproxy/runtime-api";
import { reason } from "../log";
import type { StatRow } from "../parsers/haproxy-stat";
import { type JobContext, JobFailed, type JobPayloadOf } from "./types";

type Selector = JobPayloadOf<"haproxy.drain">;

function adminSocket(ctx: JobContext): string {
  const socket = ctx.config.haproxySocket;
  if (!socket) {
    throw new JobFailed("BATON_HAPROXY_SOCKET is not set: the agent has no HAProxy runtime API");
  }
  return socket;
}

async function readStat(socket: string): Promise<StatRow[]> {
  try {
    return await showStat(socket);
  } catch (error) {
    throw new JobFailed(`cannot read HAProxy's state: ${reason(error)}`);
  }
}

/** The servers `selector` names; JobFailed naming the backend or server that does not exist. */
export function selectServers(rows: readonly StatRow[], selector: Selector): string[] {
  const { backend, server } = selector;
  if (!rows.some((row) => row.proxy === backend && row.kind === "backend")) {
    throw new JobFailed(`no such backend: ${backend}`);
  }
  const servers = rows
    .filter((row) => row.proxy === backend && row.kind === "server")
    .map((row) => row.service);
  if (server === undefined) {
    if (servers.length === 0) throw new JobFailed(`backend ${backend} has no servers`);
    return servers;
  }
  if (!servers.includes(server)) throw new JobFailed(`no such server: ${backend}/${server}`);
  return [server];
}

export async function setServersState(
  ctx: JobContext,
  selector: Selector,
  state: "drain" | "ready",
): Promise<void> {
  const socket = adminSocket(ctx);
  const servers = selectServers(await readStat(socket), selector);
  for (const server of servers) {
    try {
      await setServerState(socket, selector.backend, server, state);
    } catch (error) {
      throw new JobFailed(
        `set server ${selector.backend}/${server} state ${state}: ${reason(error)}`,
      );
    }
  }
  const after = await readStat(socket);
  for (const server of servers) {
    const row = after.find((r) => r.proxy === selector.backend && r.service === server);
    ctx.out.line(`${selector.backend}/${server}: ${row?.status ?? "unknown"}`);
  }
}
