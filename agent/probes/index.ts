import type { AgentConfig } from "../config";
import { createServiceManager } from "../services/index";
import type { ServiceManager } from "../services/manager";
import { balancerProbe } from "./balancer";
import { haproxyProbe } from "./haproxy";
import { hostProbe } from "./host";
import { nginxProbe } from "./nginx";
import type { Probe } from "./probe";
import { publicIpProbe, type WhoamiClient } from "./public-ip";
import { serveProbe } from "./serve";
import { servicesProbe } from "./services";

export type { Probe } from "./probe";

export interface ProbeDeps {
  /** Asked for the public IP when BATON_PUBLIC_IP is not set. */
  client?: WhoamiClient;
  /** The agent's service manager (shared with the jobs); made from the config when absent. */
  serviceManager?: ServiceManager;
}

/**
 * The probes this agent version runs, by name. Order matters where two report the same
 * section: the loop merges sections in this order, so `services` (the service manager's view
 * of both daemons) comes after `haproxy` (whose `services.haproxy` only says whether the admin
 * socket answers) and wins when both ran.
 */
export const PROBES: Record<string, (config: AgentConfig, deps: ProbeDeps) => Probe | null> = {
  publicIp: (config, deps) => publicIpProbe({ publicIp: config.publicIp, client: deps.client }),
  host: () => hostProbe(),
  haproxy: (config) =>
    config.haproxySocket === undefined ? null : haproxyProbe({ socketPath: config.haproxySocket }),
  nginx: (config) =>
    config.nginxStatusUrl === undefined ? null : nginxProbe({ statusUrl: config.nginxStatusUrl }),
  probe: (config) => (config.probeUrl === undefined ? null : serveProbe({ url: config.probeUrl })),
  balancer: (config) => balancerProbe({ files: [config.haproxyConfig, config.nginxConfig] }),
  services: (config, deps) =>
    servicesProbe({ manager: deps.serviceManager ?? createServiceManager(config) }),
};

export function createProbes(config: AgentConfig, deps: ProbeDeps = {}): Probe[] {
  return Object.values(PROBES)
    .map((make) => make(config, deps))
    .filter((probe): probe is Probe => probe !== null);
}
