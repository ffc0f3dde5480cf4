import {
  type FailoverMember,
  type FailoverPolicy,
  failureOf,
  isReady,
} from "../../failover/decide";
import { publicAddressProblem } from "../../failover/public-address";

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
  const address = publicAddressProblem(member.publicIp, policy.allowPrivateAddresses);
  if (address) reasons.push(address);
  if (reasons.length === 0) reasons.push("not ready");
  return { ready, reasons };
}
