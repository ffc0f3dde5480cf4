/**
 * The order of a rollout and what it does next, as pure functions of its steps. Standbys go
 * first, least preferred first (a bad revision is met by the member least likely to take
 * traffic), the active last; `parallel` runs every standby at once, then the active. A failed
 * step stops the rollout: no later step starts, so the active is never reached after a failure.
 */
import type { RolloutStepStatus, RolloutStrategy } from "../../shared/rollouts";

export interface PlanMember {
  id: string;
  name: string;
  priority: number;
  /** Heard from within the failover delay. */
  online: boolean;
}

export interface PlannedStep {
  position: number;
  memberId: string;
  memberName: string;
  role: "standby" | "active";
  status: RolloutStepStatus;
  note: string | null;
}

/**
 * One step per member: standbys by descending priority number (then name), the active last.
 * An offline member's step is skipped (only a forced rollout gets here with one).
 */
export function planSteps(members: readonly PlanMember[], activeId: string | null): PlannedStep[] {
  const standbys = members
    .filter((member) => member.id !== activeId)
    .sort((a, b) => b.priority - a.priority || (a.name < b.name ? -1 : 1));
  const active = members.filter((member) => member.id === activeId);
  return [...standbys, ...active].map((member, position) => ({
    position,
    memberId: member.id,
    memberName: member.name,
    role: member.id === activeId ? "active" : "standby",
    status: member.online ? "pending" : "skipped",
    note: member.online ? null : "offline when the rollout started (forced): not changed",
  }));
}

export interface StepState {
  position: number;
  role: "standby" | "active";
  status: RolloutStepStatus;
}

export type RolloutProgress =
  | { kind: "start"; positions: number[] }
  | { kind: "wait" }
  | { kind: "succeeded" }
  | { kind: "failed"; position: number };

/** What a running rollout does next, given its steps' states. */
export function nextMove(steps: readonly StepState[], strategy: RolloutStrategy): RolloutProgress {
  const failed = steps.find((step) => step.status === "failed");
  const running = steps.filter((step) => step.status === "running");
  // Nothing new starts after a failure, but the rollout ends only once every running step is
  // settled (parallel standbys), so none is left "running" in its record.
  if (failed)
    return running.length > 0 ? { kind: "wait" } : { kind: "failed", position: failed.position };
  const pending = steps.filter((step) => step.status === "pending");
  if (pending.length === 0) return running.length > 0 ? { kind: "wait" } : { kind: "succeeded" };
  if (running.length > 0 && strategy === "rolling") return { kind: "wait" };
  const standbys = pending.filter((step) => step.role === "standby");
  if (strategy === "parallel" && standbys.length > 0) {
    return { kind: "start", positions: standbys.map((step) => step.position) };
  }
  // The active waits for every standby to finish, whatever the strategy.
  if (running.length > 0) return { kind: "wait" };
  return { kind: "start", positions: [(pending[0] as StepState).position] };
}
