/** The service manager this agent uses, chosen by BATON_SERVICE_MANAGER. */
import { join } from "node:path";
import type { AgentConfig } from "../config";
import type { Logger } from "../log";
import { findBinary } from "./binary";
import { DirectServiceManager } from "./direct";
import type { MonitoredService, ServiceManager, ServicePaths } from "./manager";
import { SystemdServiceManager } from "./systemd";

export type { MonitoredService, ServiceManager, ServicePaths } from "./manager";
export { ServiceError } from "./manager";

/**
 * Where HAProxy and nginx are on this VM: each binary found on PATH or in the sbin directories
 * (left as the bare name when absent, so status reports it not installed), each configuration
 * file from the agent's configuration.
 */
export function servicePaths(config: AgentConfig): Record<MonitoredService, ServicePaths> {
  return {
    haproxy: { binary: findBinary("haproxy") ?? "haproxy", configFile: config.haproxyConfig },
    nginx: { binary: findBinary("nginx") ?? "nginx", configFile: config.nginxConfig },
  };
}

export function createServiceManager(config: AgentConfig, log?: Logger): ServiceManager {
  const paths = servicePaths(config);
  return config.serviceManager === "direct"
    ? new DirectServiceManager({ runDir: join(config.stateDir, "run"), paths })
    : new SystemdServiceManager({
        paths,
        onSignalsUnavailable: (why) =>
          log?.info("systemd unit signals unavailable: watching main pids instead", { why }),
      });
}
