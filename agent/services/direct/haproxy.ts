/**
 * HAProxy run by the agent: master-worker mode (`-W`), daemonised (`-D`) so it outlives an agent
 * restart, the master's pid in `<runDir>/haproxy.pid` and its CLI on
 * `<runDir>/haproxy-master.sock`. A reload is the master CLI's `reload` (the master re-executes
 * itself with the new configuration and hands the listening sockets to the new worker, so no
 * connection is refused); it is confirmed with `show proc` before and after.
 */
import { join } from "node:path";
import { DAEMON_ENV, describeExit, exec } from "../../exec";
import { runtimeCommand } from "../../haproxy/runtime-api";
import { parseShowProc, type ShowProc } from "../../parsers/haproxy-show-proc";
import { checkConfig } from "../config-check";
import { ServiceError, type ServicePaths } from "../manager";
import { readVersion } from "../version";
import { DAEMON_TIMEOUT_MS, type DaemonDriver } from "./driver";
import { waitFor } from "./process";

const CLI_TIMEOUT_MS = 1_000;

export function haproxyDriver(paths: ServicePaths, runDir: string): DaemonDriver {
  const pidFile = join(runDir, "haproxy.pid");
  const masterSocket = join(runDir, "haproxy-master.sock");

  const showProc = async (): Promise<ShowProc | undefined> => {
    const answer = await runtimeCommand(masterSocket, "show proc", {
      timeoutMs: CLI_TIMEOUT_MS,
    }).catch(() => "");
    return parseShowProc(answer);
  };

  return {
    processName: "haproxy",
    stopSignal: "SIGTERM",
    pidFile: async () => pidFile,

    check: () => checkConfig("haproxy", paths),

    async launch() {
      const args = ["-W", "-D", "-S", `${masterSocket},mode,600`];
      args.push("-f", paths.configFile, "-p", pidFile);
      const result = await exec(paths.binary, args, {
        timeoutMs: DAEMON_TIMEOUT_MS,
        env: DAEMON_ENV,
      });
      if (result.code !== 0) {
        throw new ServiceError(
          `haproxy did not start: ${describeExit("haproxy", result)}`,
          `${result.stdout}${result.stderr}`,
        );
      }
    },

    async reload(pid) {
      const before = await showProc();
      if (!before || before.masterPid !== pid) {
        throw new ServiceError(`haproxy's master CLI ${masterSocket} does not answer`);
      }
      // The master closes the connection when it re-executes, without an answer (2.6).
      await runtimeCommand(masterSocket, "reload", { timeoutMs: CLI_TIMEOUT_MS }).catch(() => "");
      const after = await waitFor(async () => {
        const proc = await showProc();
        return proc && proc.reloads > before.reloads ? proc : undefined;
      }, DAEMON_TIMEOUT_MS);
      if (!after) {
        throw new ServiceError(
          `haproxy's master did not report the reload within ${DAEMON_TIMEOUT_MS} ms`,
        );
      }
      const fresh = after.workers.filter((worker) => !before.workers.includes(worker));
      if (after.failedReloads > 0 || fresh.length === 0) {
        throw new ServiceError(
          "haproxy's master reported the reload as failed; its previous workers still run",
          JSON.stringify(after),
        );
      }
    },

    version: () => readVersion("haproxy", paths.binary),
  };
}
