import type { MonitoredService, ServiceActiveState } from "../../shared/heartbeat";
import { publicAddressProblem } from "./public-address";

/** Minimum time between two automatic flips, unless the member just promoted fails too. */
export const FLAP_GUARD_MS = 60_000;

/** What the pool asks of failover. */
export interface FailoverPolicy {
  autoFailover: boolean;
  failoverDelayMs: number;
  /** The service a member must run to carry traffic; null for generic pools. */
  monitoredService: MonitoredService | null;
  /** With a preferred primary, traffic returns to it once it has been ready for the hold-down. */
  preferredPrimaryId: string | null;
  failbackHoldDownMs: number;
  /** A lab pool may point DNS at private and documentation addresses (never loopback etc.). */
  allowPrivateAddresses: boolean;
}

/** Where traffic points now, as the coordinator last decided. */
export interface FailoverState {
  activeMemberId: string | null;
  lastFlipAt: number | null;
}

/** What failover needs to know about one member. */
export interface FailoverMember {
  id: string;
  /** Lower is preferred. */
  priority: number;
  lastHeartbeatAt: number | null;
  services: Partial<Record<MonitoredService, ServiceActiveState>>;
  draining: boolean;
  disabled: boolean;
  publicIp: string | null;
  /** Since when the member has been ready without a break; null when it is not ready. */
  readySince: number | null;
}

export type FailureReason = "heartbeat_lost" | "service_down";

export type Decision =
  | { kind: "stay"; reason: "healthy" | "paused" | "flap_guard" | "hold_down" | "waiting" }
  | {
      kind: "promote";
      from: string | null;
      to: string;
      reason: FailureReason | "no_active" | "failback";
      /** When the condition that calls for the flip became true. */
      detectedAt: number;
    }
  | {
      kind: "alert";
      reason: "no_ready_standby";
      activeId: string | null;
      failure: FailureReason | "no_active";
      detectedAt: number;
    };

/** `reloading` and `activating` are passing states, not failures. */
const FAILED_STATES: readonly ServiceActiveState[] = ["inactive", "failed"];

function silentSince(member: FailoverMember, policy: FailoverPolicy): number | null {
  return member.lastHeartbeatAt === null ? null : member.lastHeartbeatAt + policy.failoverDelayMs;
}

/** Why the member cannot carry traffic now, or null when it can. */
export function failureOf(
  member: FailoverMember,
  policy: FailoverPolicy,
  now: number,
): FailureReason | null {
  const deadline = silentSince(member, policy);
  if (deadline === null || deadline <= now) return "heartbeat_lost";
  const state = policy.monitoredService ? member.services[policy.monitoredService] : undefined;
  if (state && FAILED_STATES.includes(state)) return "service_down";
  return null;
}

/**
 * A member traffic may move to: heard from within the delay, its service reported active, not
 * draining or disabled, and with a public unicast IPv4 for the A record (`publicAddressProblem`).
 */
export function isReady(member: FailoverMember, policy: FailoverPolicy, now: number): boolean {
  if (member.draining || member.disabled || failureOf(member, policy, now) !== null) return false;
  if (policy.monitoredService && member.services[policy.monitoredService] !== "active")
    return false;
  return publicAddressProblem(member.publicIp, policy.allowPrivateAddresses) === null;
}

/** The ready member with the best priority, then the freshest heartbeat, then the lowest id. */
export function bestStandby(
  members: FailoverMember[],
  policy: FailoverPolicy,
  now: number,
  excludeId: string | null,
) {
  const ready = members.filter((member) => member.id !== excludeId && isReady(member, policy, now));
  ready.sort(
    (a, b) =>
      a.priority - b.priority ||
      (b.lastHeartbeatAt ?? 0) - (a.lastHeartbeatAt ?? 0) ||
      (a.id < b.id ? -1 : 1),
  );
  return ready[0] ?? null;
}

/**
 * What to do about a pool's traffic at `now`. Pure: the coordinator loads the state, decides,
 * records the decision, then makes DNS match it.
 *
 * The active fails (heartbeat lost past the delay, or its service reported inactive/failed):
 * promote the best ready standby, or raise an alert and leave traffic where it is when there is
 * none (a pool without an active waits for its first ready member). Traffic never goes back by itself unless the pool prefers a primary, and then only once
 * the primary has been ready for the hold-down and no flip happened within the flap guard.
 */
export function decideFailover(
  policy: FailoverPolicy,
  state: FailoverState,
  members: FailoverMember[],
  now: number,
): Decision {
  if (!policy.autoFailover) return { kind: "stay", reason: "paused" };
  const active = members.find((member) => member.id === state.activeMemberId) ?? null;

  const failure = active ? failureOf(active, policy, now) : "no_active";
  if (failure !== null) {
    const activeId = active?.id ?? null;
    const detectedAt =
      failure === "heartbeat_lost" && active ? (silentSince(active, policy) ?? now) : now;
    const standby = bestStandby(members, policy, now, activeId);
    // A pool that has no active yet waits quietly for its first ready member.
    if (!standby && failure === "no_active") return { kind: "stay", reason: "waiting" };
    if (!standby)
      return { kind: "alert", reason: "no_ready_standby", activeId, failure, detectedAt };
    return { kind: "promote", from: activeId, to: standby.id, reason: failure, detectedAt };
  }

  const primary = members.find((member) => member.id === policy.preferredPrimaryId);
  if (!active || !primary || primary.id === active.id || !isReady(primary, policy, now)) {
    return { kind: "stay", reason: "healthy" };
  }
  const readyFor = now - (primary.readySince ?? now);
  if (readyFor < policy.failbackHoldDownMs) return { kind: "stay", reason: "hold_down" };
  if (state.lastFlipAt !== null && now - state.lastFlipAt < FLAP_GUARD_MS) {
    return { kind: "stay", reason: "flap_guard" };
  }
  const detectedAt = (primary.readySince ?? now) + policy.failbackHoldDownMs;
  return { kind: "promote", from: active.id, to: primary.id, reason: "failback", detectedAt };
}
