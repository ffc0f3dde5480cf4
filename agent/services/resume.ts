/**
 * At agent start, in direct mode, the agent is HAProxy's and nginx's only supervisor: it starts
 * again what it ran before (BATON_START_SERVICES=auto: the services it started and nobody
 * stopped through it), or the services the VM's admin listed, when installed and not running.
 * Under systemd the units start themselves, so nothing is done.
 */
import type { StartServices } from "../config";
import { type Logger, reason } from "../log";
import { DirectServiceManager } from "./direct";
import type { MonitoredService, ServiceManager } from "./manager";

export async function resumeServices(
  manager: ServiceManager,
  choice: StartServices,
  log: Logger,
): Promise<MonitoredService[]> {
  if (!(manager instanceof DirectServiceManager) || choice === "none") return [];
  const services = choice === "auto" ? await manager.wanted() : choice;
  const started: MonitoredService[] = [];
  for (const service of services) {
    const status = await manager.status(service);
    if (!status.installed || status.activeState === "active") continue;
    try {
      await manager.start(service);
      started.push(service);
      log.info("service started with the agent", { service });
    } catch (error) {
      log.error("service did not start with the agent", { service, reason: reason(error) });
    }
  }
  return started;
}
