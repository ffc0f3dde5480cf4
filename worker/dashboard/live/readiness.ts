import { type FailoverMember, type FailoverPolicy, notReadyReasons } from "../../failover/decide";

/** Whether failover may move traffic to the member now and, when not, every reason why. */
export interface Readiness {
  ready: boolean;
  reasons: string[];
}

/** Failover's own verdict with its reasons: the dashboard never disagrees with failover. */
export function readinessOf(
  member: FailoverMember,
  policy: FailoverPolicy,
  now: number,
): Readiness {
  const reasons = notReadyReasons(member, policy, now);
  return { ready: reasons.length === 0, reasons };
}
