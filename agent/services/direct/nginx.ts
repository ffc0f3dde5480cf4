/**
 * nginx run by the agent: `nginx -c <configFile>`, daemonised as nginx does by default. The pid
 * file goes to `<runDir>/nginx.pid` through `-g "pid …;"`, unless the configuration has its own
 * `pid` line (Debian's does): nginx refuses both at once ("pid directive is duplicate"), so the
 * driver reads the effective configuration with `nginx -T` (which also validates it) and uses
 * the configuration's pid file when it names one. `-e <runDir>/nginx-error.log` keeps startup
 * errors out of the system log directory and gives the daemon a log file instead of the
 * agent's stderr pipe when the configuration sets none. Reload is SIGHUP to the master, which
 * starts new workers and lets the old ones finish their connections; it is confirmed by a new
 * worker appearing under the master.
 */
import { readFile } from "node:fs/promises";
import { isAbsolute, join } from "node:path";
import { DAEMON_ENV, describeExit, exec } from "../../exec";
import { findNginxPidPath } from "../../parsers/nginx-conf";
import { ServiceError, type ServicePaths } from "../manager";
import { parseNginxVersion } from "../version";
import { DAEMON_TIMEOUT_MS, type DaemonDriver } from "./driver";
import { childrenOf, signal, waitFor } from "./process";

/** nginx's compiled-in prefix when `nginx -V` does not say. */
const DEFAULT_PREFIX = "/usr/local/nginx";
const MAX_DUMP_CHARS = 8 * 1024 * 1024;

export interface NginxBuild {
  version?: string;
  /** `--prefix=`: what a relative path in the configuration is relative to. */
  prefix: string;
}

/** `nginx -V` output (on stderr) → version and compiled prefix. */
export function parseNginxBuild(output: string): NginxBuild {
  const version = parseNginxVersion(output);
  const prefix = /--prefix=(\S+)/.exec(output)?.[1] ?? DEFAULT_PREFIX;
  return version ? { version, prefix } : { prefix };
}

/** How long a configuration that failed `nginx -T` is left alone before it is read again. */
export const INSPECT_RETRY_MS = 60_000;

export function nginxDriver(paths: ServicePaths, runDir: string): DaemonDriver {
  const ownPidFile = join(runDir, "nginx.pid");
  const startupLog = join(runDir, "nginx-error.log");
  /** The configuration's own pid file (null: it has none); undefined until `nginx -T` ran. */
  let configPidFile: string | null | undefined;
  let build: Promise<NginxBuild> | undefined;
  /** After an `nginx -T` that failed, when to try again. */
  let retryInspectAt = 0;

  const readBuild = () => {
    build ??= exec(paths.binary, ["-V"], { timeoutMs: 5_000 }).then(
      (result) => parseNginxBuild(result.stderr + result.stdout),
      () => ({ prefix: DEFAULT_PREFIX }),
    );
    return build;
  };

  /** Validates the configuration and learns its pid file. */
  const inspect = async () => {
    const args = ["-T", "-e", "stderr", "-c", paths.configFile];
    const result = await exec(paths.binary, args, {
      maxOutputChars: MAX_DUMP_CHARS,
      env: DAEMON_ENV,
    });
    if (result.code !== 0) {
      throw new ServiceError(
        `nginx configuration ${paths.configFile} is invalid: ${describeExit("nginx -t", result)}`,
        result.stderr,
      );
    }
    const path = findNginxPidPath(result.stdout);
    configPidFile =
      path === undefined ? null : isAbsolute(path) ? path : join((await readBuild()).prefix, path);
  };

  const startupLogTail = async () =>
    (await readFile(startupLog, "utf8").catch(() => "")).slice(-4096);

  return {
    processName: "nginx",
    stopSignal: "SIGQUIT",

    async pidFile() {
      // A configuration nginx refuses is looked at again at most once a minute, not every beat.
      if (configPidFile === undefined && Date.now() >= retryInspectAt) {
        await inspect().catch(() => {
          retryInspectAt = Date.now() + INSPECT_RETRY_MS;
        });
      }
      return configPidFile ?? ownPidFile;
    },

    check: inspect,

    async launch() {
      if (configPidFile === undefined) await inspect();
      const args = ["-e", startupLog, "-c", paths.configFile];
      if (configPidFile === null) args.push("-g", `pid ${ownPidFile};`);
      const result = await exec(paths.binary, args, {
        timeoutMs: DAEMON_TIMEOUT_MS,
        env: DAEMON_ENV,
      });
      if (result.code !== 0) {
        throw new ServiceError(
          `nginx did not start: ${describeExit("nginx", result)}`,
          `${result.stdout}${result.stderr}`,
        );
      }
    },

    async reload(pid) {
      const before = await childrenOf(pid);
      if (!signal(pid, "SIGHUP")) throw new ServiceError(`nginx's master ${pid} is gone`);
      const fresh = await waitFor(async () => {
        const workers = await childrenOf(pid);
        return workers.some((worker) => !before.includes(worker)) ? true : undefined;
      }, DAEMON_TIMEOUT_MS);
      if (!fresh) {
        throw new ServiceError(
          "nginx did not start workers with the new configuration; its previous workers still run",
          await startupLogTail(),
        );
      }
    },

    version: async () => (await readBuild()).version,
  };
}
