import type { AgentConfig } from "../config";
import { hostProbe } from "./host";
import type { Probe } from "./probe";

export type { Probe } from "./probe";

/** The probes this agent version runs, by name. */
export const PROBES: Record<string, (config: AgentConfig) => Probe | null> = {
  publicIp: (config) =>
    config.publicIp === undefined
      ? null
      : { name: "publicIp", collect: async () => ({ publicIp: config.publicIp }) },
  host: () => hostProbe(),
};

export function createProbes(config: AgentConfig): Probe[] {
  return Object.values(PROBES)
    .map((make) => make(config))
    .filter((probe): probe is Probe => probe !== null);
}
