/**
 * Validating a daemon's configuration with the daemon itself (`haproxy -c`, `nginx -t`) before a
 * reload or restart, whatever the service manager: a refused configuration then never reaches
 * the running daemon, and the error carries the daemon's own words, which `systemctl reload`
 * would leave in the journal.
 */
import { DAEMON_ENV, describeExit, exec } from "../exec";
import { type MonitoredService, ServiceError, type ServicePaths } from "./manager";

const CHECK_TIMEOUT_MS = 30_000;

/** Throws ServiceError with the daemon's output when it refuses `paths.configFile`. */
export async function checkConfig(service: MonitoredService, paths: ServicePaths): Promise<void> {
  const args =
    service === "haproxy"
      ? ["-c", "-f", paths.configFile]
      : ["-t", "-q", "-e", "stderr", "-c", paths.configFile];
  const result = await exec(paths.binary, args, { timeoutMs: CHECK_TIMEOUT_MS, env: DAEMON_ENV });
  if (result.code !== 0) {
    const command = service === "haproxy" ? "haproxy -c" : "nginx -t";
    throw new ServiceError(
      `${service} configuration ${paths.configFile} is invalid: ${describeExit(command, result)}`,
      `${result.stdout}${result.stderr}`,
    );
  }
}
