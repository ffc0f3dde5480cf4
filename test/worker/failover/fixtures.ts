import type { FailoverMember, FailoverPolicy } from "../../../worker/failover/decide";

/** The moment failover tests decide at. */
export const NOW = 1_000_000;

/** A HAProxy pool with a 10 s delay; members on documentation addresses (a lab pool). */
export const POLICY: FailoverPolicy = {
  autoFailover: true,
  failoverDelayMs: 10_000,
  monitoredService: "haproxy",
  preferredPrimaryId: null,
  failbackHoldDownMs: 120_000,
  allowPrivateAddresses: true,
};

/** A healthy, ready member that beat a second ago, ready for ten minutes. */
export function failoverMember(
  id: string,
  overrides: Partial<FailoverMember> = {},
): FailoverMember {
  return {
    id,
    priority: 100,
    lastHeartbeatAt: NOW - 1_000,
    services: { haproxy: "active" },
    draining: false,
    disabled: false,
    publicIp: `203.0.113.${id.charCodeAt(0)}`,
    readySince: NOW - 600_000,
    ...overrides,
  };
}
