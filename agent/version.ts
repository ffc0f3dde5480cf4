/** Replaced by the bundle's version at build time (scripts/build-agent.mjs). */
declare const __BATON_AGENT_VERSION__: string | undefined;

/** The agent's version, sent as `agentVersion` and in `User-Agent: baton-agent/<version>`. */
export const AGENT_VERSION: string =
  typeof __BATON_AGENT_VERSION__ === "string" ? __BATON_AGENT_VERSION__ : "0.0.0-dev";
