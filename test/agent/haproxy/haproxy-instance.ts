/**
 * A real HAProxy 2.6 on loopback for the agent's integration tests: master-worker mode in the
 * foreground (so the spawned PID is the master, and stopping it stops its workers), its own temp
 * dir for config, pid file and sockets, one backend `be_app` with `app1` (a node:http server in
 * this process, so UP) and `app2` (a port nothing listens on, so DOWN). Missing haproxy throws:
 * the tests must fail, not skip, on a machine that cannot run them.
 *
 * `prepareHaproxy()` writes the same site without starting it, for tests in which the agent's
 * service manager runs HAProxy itself.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runtimeCommand } from "../../../agent/haproxy/runtime-api";
import type { ServicePaths } from "../../../agent/services/manager";
import { startForegroundDaemon } from "../foreground-daemon";

export interface HaproxyInstance {
  dir: string;
  adminSocket: string;
  frontendPort: number;
  stop(): Promise<void>;
}

export function findHaproxy(): string {
  const dirs = [...(process.env.PATH ?? "").split(":"), "/usr/sbin", "/usr/bin"];
  const found = dirs.map((dir) => join(dir, "haproxy")).find((path) => existsSync(path));
  if (!found)
    throw new Error("haproxy is not installed; apt-get install -y haproxy (.ci/run does)");
  return found;
}

async function listen(server: Server | ReturnType<typeof createServer>): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** A loopback TCP port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** An HAProxy configuration with its upstream running, not HAProxy itself. */
export interface HaproxySite {
  dir: string;
  configFile: string;
  adminSocket: string;
  frontendPort: number;
  /** For a ServiceManager: the haproxy binary and `configFile`. */
  paths: ServicePaths;
  /** The working configuration's text (tests break and restore the file with it). */
  config: string;
  /** Closes the upstream and removes `dir`; HAProxy must be stopped first. */
  cleanup(): Promise<void>;
}

export async function prepareHaproxy(): Promise<HaproxySite> {
  const binary = findHaproxy();
  const dir = await mkdtemp(join(tmpdir(), "baton-haproxy-"));
  const upstream = createHttpServer((_req, res) => res.end("ok\n"));
  const upPort = await listen(upstream);
  // A released port can be handed out again at once: keep the two apart.
  const frontendPort = await freePort();
  let downPort = await freePort();
  while (downPort === frontendPort || downPort === upPort) downPort = await freePort();
  const adminSocket = join(dir, "admin.sock");
  const configFile = join(dir, "haproxy.cfg");
  const config = [
    "global",
    `  stats socket ${adminSocket} mode 600 level admin`,
    "defaults",
    "  mode http",
    "  timeout connect 1s",
    "  timeout client 5s",
    "  timeout server 5s",
    // A new worker (start, reload) thinks app2 is UP until its first check fails: send a
    // request refused there to app1 at once, so clients never see it.
    "  retries 1",
    "  option redispatch 1",
    "frontend fe_web",
    `  bind 127.0.0.1:${frontendPort}`,
    "  default_backend be_app",
    "backend be_app",
    "  option httpchk GET /",
    "  default-server inter 200ms fall 2 rise 1",
    `  server app1 127.0.0.1:${upPort} check`,
    `  server app2 127.0.0.1:${downPort} check`,
    "",
  ].join("\n");
  await writeFile(configFile, config);
  const cleanup = async () => {
    await new Promise((resolve) => upstream.close(resolve));
    await rm(dir, { recursive: true, force: true });
  };
  return {
    dir,
    configFile,
    adminSocket,
    frontendPort,
    config,
    paths: { binary, configFile },
    cleanup,
  };
}

export async function startHaproxy(): Promise<HaproxyInstance> {
  const site = await prepareHaproxy();
  const { dir, adminSocket, frontendPort } = site;
  const stop = await startForegroundDaemon({
    name: "haproxy",
    binary: site.paths.binary,
    args: ["-W", "-S", join(dir, "master.sock"), "-f", site.configFile, "-p", join(dir, "pid")],
    cwd: dir,
    stopSignal: "SIGTERM",
    ready: () =>
      runtimeCommand(adminSocket, "show info", { timeoutMs: 500 }).then(
        () => true,
        () => false,
      ),
    notReady: "its admin socket did not answer",
    cleanup: site.cleanup,
  });
  return { dir, adminSocket, frontendPort, stop };
}
