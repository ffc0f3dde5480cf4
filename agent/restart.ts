/**
 * When the agent ends itself after a job so that systemd (`Restart=always`) starts it again:
 * after `agent.update` installed a new bundle, and after `haproxy.install` added the admin
 * socket the agent reads from its configuration only at start. Outside systemd nothing would
 * start it again, so only agent.update (which needs a new process either way) ends it there.
 */
import type { JobDelivery, JobResult } from "../shared/agent-protocol";

export interface RestartState {
  /** The version agent.update installed, if it did. */
  updatedTo?: string;
  /** Whether the configuration has HAProxy's admin socket. */
  hasHaproxySocket: boolean;
  /** Whether systemd runs this process (it sets INVOCATION_ID). */
  underSystemd: boolean;
}

/** Why the agent should stop after reporting `job`, or undefined to keep running. */
export function restartReason(
  job: Pick<JobDelivery, "kind">,
  result: Pick<JobResult, "status">,
  state: RestartState,
): string | undefined {
  if (job.kind === "agent.update" && state.updatedTo !== undefined) {
    return `restarting into the updated agent ${state.updatedTo}`;
  }
  if (
    job.kind === "haproxy.install" &&
    result.status === "succeeded" &&
    !state.hasHaproxySocket &&
    state.underSystemd
  ) {
    return "restarting to read HAProxy's admin socket";
  }
  return undefined;
}
