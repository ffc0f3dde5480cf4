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
import { join } from "node:path";
import { runtimeCommand } from "../../../agent/haproxy/runtime-api";
import type { ServicePaths } from "../../../agent/services/manager";
import { prepareHaproxySite, findHaproxy as whereIsHaproxy } from "../../harness/haproxy-site.mjs";
import { startForegroundDaemon } from "../foreground-daemon";

export { freePort } from "../../harness/haproxy-site.mjs";

export interface HaproxyInstance {
  dir: string;
  adminSocket: string;
  frontendPort: number;
  stop(): Promise<void>;
}

export function findHaproxy(): string {
  const found = whereIsHaproxy();
  if (!found) throw new Error("haproxy is not installed; npm run setup:system installs it");
  return found;
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
  const site = await prepareHaproxySite({
    prefix: "baton-haproxy-",
    inter: "200ms",
    // A new worker (start, reload) thinks app2 is UP until its first check fails: send a
    // request refused there to app1 at once, so clients never see it.
    defaults: ["retries 1", "option redispatch 1"],
  });
  return { ...site, paths: { binary: site.binary, configFile: site.configFile } };
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
