import type { MonitoredService } from "../../shared/heartbeat";
import {
  JOB_CATALOG,
  JOB_KINDS,
  JOB_ROLE,
  type JobKind,
  type JobKindAvailability,
} from "../../shared/jobs";
import type { PoolProfile } from "../../shared/pools";
import type { Role } from "../../shared/tokens";
import { roleAtLeast } from "../auth/admin";

/** What decides whether a member may run a job kind. */
export interface GateInput {
  profile: PoolProfile;
  memberName: string;
  /** Whether each service is installed, per the member's latest heartbeat (absent: never said). */
  installed: Partial<Record<MonitoredService, boolean>>;
}

/**
 * Whether a member may run `kind`: a `haproxy` pool runs HAProxy jobs, an `nginx` pool nginx
 * jobs, and a `generic` pool either only where its agent reports that service installed.
 * `agent.update` runs anywhere; `balancer.apply` only as a rollout's step (rollout-progress.ts). A refusal says why and what to do.
 */
export function gateJobKind(kind: JobKind, input: GateInput): JobKindAvailability {
  if (kind === "balancer.apply") {
    return {
      kind,
      allowed: false,
      reason: "Queued by rollouts only: roll a balancer revision out to the pool instead",
    };
  }
  const service: MonitoredService | null = JOB_CATALOG[kind].service;
  if (service === null) return { kind, allowed: true };
  const { profile, memberName, installed } = input;
  if (profile === service) return { kind, allowed: true };
  if (profile !== "generic") {
    return {
      kind,
      allowed: false,
      reason: `${memberName} is in a ${profile} pool, which runs ${profile} jobs only: set the pool's profile to ${service} or generic to run ${kind}`,
    };
  }
  if (installed[service] === true) return { kind, allowed: true };
  const said =
    installed[service] === false
      ? `its agent reports ${service} not installed`
      : `its agent has not reported ${service} yet`;
  return {
    kind,
    allowed: false,
    reason: `${memberName} is in a generic pool and ${said}: install ${service} on the VM (the next heartbeat reports it), or set the pool's profile to ${service}`,
  };
}

/** Every job kind of the catalog with whether the member may run it. */
export function jobKindAvailability(input: GateInput): JobKindAvailability[] {
  return JOB_KINDS.map((kind) => gateJobKind(kind, input));
}

/** Why raw config apply, restore, install and agent update are admin actions. */
export const ADMIN_KINDS_WHY =
  "raw config apply, restore, install and agent update change what a VM runs as root";

/**
 * Whether a caller with `role` may queue `kind` (JOB_ROLE); a refusal names the
 * role needed, the caller's, and why.
 */
export function gateJobRole(kind: JobKind, role: Role): JobKindAvailability {
  const needed = JOB_ROLE[kind];
  if (roleAtLeast(role, needed)) return { kind, allowed: true };
  const why = needed === "admin" ? `: ${ADMIN_KINDS_WHY}` : "";
  return { kind, allowed: false, reason: `Needs the ${needed} role (you have ${role})${why}` };
}

/** `kinds` as a caller with `role` sees them: what the member runs but the role may not queue says so. */
export function availabilityForRole(
  kinds: readonly JobKindAvailability[],
  role: Role,
): JobKindAvailability[] {
  return kinds.map((entry) => (entry.allowed ? gateJobRole(entry.kind, role) : entry));
}
