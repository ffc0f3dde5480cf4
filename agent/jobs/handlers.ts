/**
 * The job table: one handler per catalogued kind. Typed as JobHandlers, so a kind added to the
 * catalog without a handler here does not compile.
 */
import { applyBalancer } from "../balancer/apply";
import { createHaproxyHandlers } from "./haproxy";
import { createNginxHandlers } from "./nginx";
import type { JobHandlers } from "./types";
import { type AgentUpdateOptions, createAgentUpdate } from "./update";

export function createJobHandlers(update: AgentUpdateOptions): JobHandlers {
  return {
    ...createHaproxyHandlers(),
    ...createNginxHandlers(),
    "balancer.apply": (payload, ctx) => applyBalancer(payload, ctx),
    "agent.update": createAgentUpdate(update),
  };
}
