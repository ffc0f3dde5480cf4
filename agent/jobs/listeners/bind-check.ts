/**
 * Before a reload: can every listener of the new config be bound? `haproxy -c` passes an address
 * that is on no interface of the host (and a port another program holds), and HAProxy then
 * pauses the running listeners while it retries the bind for about two seconds before giving up:
 * clients are refused on the active for that long. So the agent tries each bind itself first.
 * A port the running service holds is fine (the reload takes it over); a port held by anything
 * else is named, with the program and pid that hold it.
 */
import { readdir, readFile, readlink } from "node:fs/promises";
import { createServer, isIP } from "node:net";
import type { MonitoredService } from "../../../shared/agent-protocol";
import type { Listener } from "../../parsers/listeners";
import { isWildcardAddress, parseListeningSockets } from "../../parsers/proc-net-tcp";

/** The bind error for `host:port`, or null when it could be bound (it is released at once). */
function tryBind(host: string, port: number): Promise<NodeJS.ErrnoException | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", (error: NodeJS.ErrnoException) => resolve(error));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(null)));
  });
}

interface Holder {
  pid: number;
  name: string;
}

function conflicts(socketAddress: string, host: string): boolean {
  if (isWildcardAddress(socketAddress) || host === "0.0.0.0" || host === "::") return true;
  if (isIP(host) === 0) return true; // a host name: whatever it resolves to
  return isIP(host) === 6 ? socketAddress.includes(":") : socketAddress === host;
}

/** The process `pid` when it holds one of `inodes` (`socket:[N]` links), else null. */
async function holderOf(pid: string, inodes: ReadonlySet<string>): Promise<Holder | null> {
  const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
  const links = await Promise.all(
    fds.map((fd) => readlink(`/proc/${pid}/fd/${fd}`).catch(() => "")),
  );
  if (!links.some((link) => inodes.has(link))) return null;
  const name = (await readFile(`/proc/${pid}/comm`, "utf8").catch(() => "?")).trim();
  return { pid: Number(pid), name };
}

/** The processes that hold a listening socket in the way of binding `host:port`. */
export async function portHolders(host: string, port: number): Promise<Holder[]> {
  const tables = await Promise.all(
    ["/proc/net/tcp", "/proc/net/tcp6"].map((path) => readFile(path, "utf8").catch(() => "")),
  );
  const inodes = new Set(
    tables
      .flatMap(parseListeningSockets)
      .filter((socket) => socket.port === port && conflicts(socket.address, host))
      .map((socket) => `socket:[${socket.inode}]`),
  );
  if (inodes.size === 0) return [];
  const pids = (await readdir("/proc").catch(() => [] as string[])).filter((e) => /^\d+$/.test(e));
  const found = await Promise.all(pids.map((pid) => holderOf(pid, inodes)));
  const holders = found.filter((holder): holder is Holder => holder !== null);
  return holders;
}

/** Why `listener` cannot be bound for `service`, or null when it can. */
async function bindProblem(service: MonitoredService, listener: Listener): Promise<string | null> {
  const { name, host, port } = listener;
  const error = await tryBind(host, port);
  if (!error) return null;
  switch (error.code) {
    case "EADDRNOTAVAIL":
      return listener.transparent
        ? null
        : `listener ${name}: ${host} is not an address of this host`;
    case "EADDRINUSE": {
      const holders = await portHolders(host, port);
      const others = holders.filter((holder) => holder.name !== service);
      if (holders.length > 0 && others.length === 0) return null; // the running service's own
      const who = others.map((holder) => `${holder.name} (pid ${holder.pid})`).join(", ");
      return `listener ${name}: port ${port} is already in use by ${who || "another program"}`;
    }
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `listener ${name}: ${host} does not resolve to an address`;
    case "EACCES":
      return `listener ${name}: the agent may not bind port ${port} (EACCES)`;
    default:
      return `listener ${name}: cannot be bound (${error.code ?? error.message})`;
  }
}

/** Every listener of `listeners` that cannot be bound, as one sentence each. */
export async function unbindableListeners(
  service: MonitoredService,
  listeners: readonly Listener[],
): Promise<string[]> {
  const problems: string[] = [];
  for (const listener of listeners) {
    const problem = await bindProblem(service, listener);
    if (problem) problems.push(problem);
  }
  return problems;
}
