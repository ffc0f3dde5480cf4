import {
  type FailoverMember,
  type FailoverPolicy,
  failureOf,
  isReady,
} from "../../failover/decide";
import { parseIp } from "../../lib/ip";

/** Whether failover may move traffic to the member now and, when not, every reason why. */
export interface Readiness {
  ready: boolean;
  reasons: string[];
}

/**
 * Failover's own verdict (`isReady`) with the reasons a person can act on. The reasons follow
 * the same checks in the same order, so the dashboard never disagrees with failover.
 */
export function readinessOf(
  member: FailoverMember,
  policy: FailoverPolicy,
  now: number,
): Readiness {
  const ready = isReady(member, policy, now);
  if (ready) return { ready, reasons: [] };
  const reasons: string[] = [];
  if (member.disabled) reasons.push("disabled");
  if (member.draining) reasons.push("draining");
  const failure = failureOf(member, policy, now);
  if (member.lastHeartbeatAt === null) reasons.push("never seen");
  else if (failure === "heartbeat_lost") reasons.push("no heartbeat within the failover delay");
  const service = policy.monitoredService;
  if (service && failure !== "heartbeat_lost" && member.lastHeartbeatAt !== null) {
    const state = member.services[service];
    if (state !== "active") reasons.push(`${service} ${state ?? "not reported"}`);
  }
  if (member.publicIp === null) reasons.push("no public IPv4 reported");
  else if (parseIp(member.publicIp)?.bits !== 32) reasons.push("public IP is not IPv4");
  if (reasons.length === 0) reasons.push("not ready");
  return { ready, reasons };
}
