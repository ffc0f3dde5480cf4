/**
 * `services` in the heartbeat: HAProxy's and nginx's state as the service manager sees it
 * (installed or not, active/failed…, version). Direct mode reads pid files and /proc, cheap
 * enough for every beat; systemd mode spawns `systemctl show` per service, so its answer is
 * reused for `refreshMs` (a few seconds) to keep the agent's own CPU use low, unless the
 * manager says it may be out of date (a unit's main process died): then it is asked at once.
 */
import type { MonitoredService, ServiceReport } from "../../shared/agent-protocol";
import type { ServiceManager } from "../services/manager";
import type { Probe } from "./probe";

export const SYSTEMD_REFRESH_MS = 5_000;
const SERVICES: readonly MonitoredService[] = ["haproxy", "nginx"];

export interface ServicesProbeOptions {
  manager: ServiceManager;
  /** Reuse the last answer this long (default: 5 s for systemd, every beat for direct). */
  refreshMs?: number;
  now?: () => number;
}

export function servicesProbe(options: ServicesProbeOptions): Probe {
  const { manager, now = Date.now } = options;
  const refreshMs = options.refreshMs ?? (manager.kind === "systemd" ? SYSTEMD_REFRESH_MS : 0);
  let last: { at: number; services: Partial<Record<MonitoredService, ServiceReport>> } | undefined;
  return {
    name: "services",
    timeoutMs: 3_500,
    async collect() {
      const at = now();
      const stale = SERVICES.some((service) => manager.mayHaveChanged?.(service) === true);
      if (!last || stale || at - last.at >= refreshMs) {
        const reports = await Promise.all(SERVICES.map((service) => manager.status(service)));
        last = { at, services: Object.fromEntries(SERVICES.map((s, i) => [s, reports[i]])) };
      }
      return { services: last.services };
    },
  };
}
