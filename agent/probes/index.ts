import type { AgentConfig } from "../config";
import { haproxyProbe } from "./haproxy";
import { hostProbe } from "./host";
import type { Probe } from "./probe";
import { publicIpProbe, type WhoamiClient } from "./public-ip";

export type { Probe } from "./probe";

export interface ProbeDeps {
  /** Asked for the public IP when BATON_PUBLIC_IP is not set. */
  client?: WhoamiClient;
}

/** The probes this agent version runs, by name. */
export const PROBES: Record<string, (config: AgentConfig, deps: ProbeDeps) => Probe | null> = {
  publicIp: (config, deps) => publicIpProbe({ publicIp: config.publicIp, client: deps.client }),
  host: () => hostProbe(),
  haproxy: (config) =>
    config.haproxySocket === undefined ? null : haproxyProbe({ socketPath: config.haproxySocket }),
};

export function createProbes(config: AgentConfig, deps: ProbeDeps = {}): Probe[] {
  return Object.values(PROBES)
    .map((make) => make(config, deps))
    .filter((probe): probe is Probe => probe !== null);
}
