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
  /**
   * Silence before this moment does not count against the member: the coordinator's start, or
   * the end of an outage in which it heard no member at all. Absent: only the last heartbeat.
   */
  silenceCountsFrom?: number;
  services: Partial<Record<MonitoredService, ServiceActiveState>>;
  draining: boolean;
  disabled: boolean;
  publicIp: string | null;
  /** Since when the member has been ready without a break; null when it is not ready. */
  readySince: number | null;
  /** The agent's request through its own frontend; absent when it has none set up. */
  probe?: { ok: boolean; status?: number; error?: string } | null;
  /** HAProxy's backends from the latest heartbeat; absent when the member reports none. */
  backends?: readonly { name: string; serversUp: number; serversTotal: number }[] | null;
  /**
   * Why its balancer config keeps it from being ready (another revision than the active's, see
   * failover/parity.ts); null or absent when in parity or when parity is not required.
   */
  configParity?: string | null;
}

/** Why the active must hand over: silent, its service down, or it would not serve traffic. */
export type FailureReason = "heartbeat_lost" | "service_down" | "cannot_serve";

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

/** When the member's silence reaches the failover delay, or null for a member never heard. */
function silentSince(member: FailoverMember, policy: FailoverPolicy): number | null {
  if (member.lastHeartbeatAt === null) return null;
  const from = Math.max(member.lastHeartbeatAt, member.silenceCountsFrom ?? 0);
  return from + policy.failoverDelayMs;
}

/** Why the member cannot carry traffic now (silent, or its service down), or null. */
export function failureOf(
  member: FailoverMember,
  policy: FailoverPolicy,
  now: number,
): Exclude<FailureReason, "cannot_serve"> | null {
  const deadline = silentSince(member, policy);
  if (deadline === null || deadline <= now) return "heartbeat_lost";
  const state = policy.monitoredService ? member.services[policy.monitoredService] : undefined;
  if (state && FAILED_STATES.includes(state)) return "service_down";
  return null;
}

/**
 * Why a running member would not serve the traffic DNS sends it: its own probe through its
 * frontend failed, or HAProxy has backends with servers and not one server up. A backend
 * without servers (stats, a redirect) says nothing either way. Null when it would serve.
 */
export function servingProblem(member: FailoverMember): string | null {
  const probe = member.probe;
  if (probe && !probe.ok) {
    return probe.status !== undefined
      ? `its frontend answered ${probe.status}`
      : `its frontend did not answer (${probe.error ?? "no answer"})`;
  }
  const withServers = (member.backends ?? []).filter((backend) => backend.serversTotal > 0);
  if (withServers.length > 0 && withServers.every((backend) => backend.serversUp === 0)) {
    const list = withServers.map((b) => `${b.name} ${b.serversUp}/${b.serversTotal}`);
    return `no backend server up (${list.join(", ")})`;
  }
  return null;
}

/** The reason a member silent for the failover delay is not ready. */
export const HEARTBEAT_LOST_REASON = "no heartbeat within the failover delay";

/**
 * Every reason the member may not take traffic now, in words a person can act on; empty when
 * it is ready. The one rule of readiness: failover, the API and the dashboard all read it here.
 * Ready means it would serve: heard from within the delay, its service active, its frontend
 * answering and a backend server up, on the active's balancer config (when parity is required),
 * not draining or disabled, with a public IPv4.
 */
export function notReadyReasons(
  member: FailoverMember,
  policy: FailoverPolicy,
  now: number,
): string[] {
  const reasons: string[] = [];
  if (member.disabled) reasons.push("disabled");
  if (member.draining) reasons.push("draining");
  const failure = failureOf(member, policy, now);
  if (member.lastHeartbeatAt === null) reasons.push("never seen");
  else if (failure === "heartbeat_lost") reasons.push(HEARTBEAT_LOST_REASON);
  const service = policy.monitoredService;
  if (service && failure !== "heartbeat_lost" && member.lastHeartbeatAt !== null) {
    const state = member.services[service];
    if (state !== "active") reasons.push(`${service} ${state ?? "not reported"}`);
  }
  if (failure !== "heartbeat_lost") {
    const problem = servingProblem(member);
    if (problem) reasons.push(problem);
    if (member.configParity) reasons.push(member.configParity);
  }
  const address = publicAddressProblem(member.publicIp, policy.allowPrivateAddresses);
  if (address) reasons.push(address);
  return reasons;
}

/** A member traffic may move to: one with no reason not to be (see `notReadyReasons`). */
export function isReady(member: FailoverMember, policy: FailoverPolicy, now: number): boolean {
  return notReadyReasons(member, policy, now).length === 0;
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

  let failure: FailureReason | "no_active" | null = active
    ? failureOf(active, policy, now)
    : "no_active";
  // An active that runs but would not serve hands over only to a standby that would.
  if (failure === null && active && servingProblem(active) !== null) {
    if (!bestStandby(members, policy, now, active.id)) return { kind: "stay", reason: "healthy" };
    failure = "cannot_serve";
  }
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
