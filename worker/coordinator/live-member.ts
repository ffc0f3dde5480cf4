import type {
  BalancerOnDisk,
  HaproxySummary,
  Heartbeat,
  HostMetrics,
  MonitoredService,
  NginxStatus,
  ServeProbe,
  ServiceActiveState,
  Transport,
} from "../../shared/heartbeat";
import type { MemberStatus } from "../../shared/members";
import type { MemberRow } from "../db/schema/members";

/** What a pool's coordinator knows of one member between heartbeats. */
export interface LiveMember {
  memberId: string;
  name: string;
  status: MemberStatus;
  lastHeartbeatAt: number | null;
  agentVersion: string | null;
  publicIp: string | null;
  services: Partial<Record<MonitoredService, ServiceActiveState>>;
  /** Whether each service is installed, as the latest heartbeat naming it said (job gating). */
  installed: Partial<Record<MonitoredService, boolean>>;
  /** The latest heartbeat's HAProxy summary and nginx status (dashboard); null when it had none. */
  haproxy: HaproxySummary | null;
  nginx: NginxStatus | null;
  /** The latest heartbeat's CPU, memory and load (dashboard); null when it had none. */
  host: HostMetrics | null;
  /** The latest heartbeat's request through the member's own frontend; null when it had none. */
  probe?: ServeProbe | null;
  /** The managed balancer file the latest heartbeat reported; null when it had none. */
  balancer?: BalancerOnDisk | null;
  /** Why its config is out of parity with the active's (RolloutBook.refreshParity); null when not. */
  parityProblem?: string | null;
  /** How the latest heartbeat travelled, as the agent said (null: an agent older than the field). */
  transport?: Transport | null;
}

export type MemberChange =
  | { kind: "online"; silentForMs: number | null }
  | { kind: "offline"; lastHeartbeatAt: number | null }
  | {
      kind: "service";
      service: MonitoredService;
      from: ServiceActiveState | null;
      to: ServiceActiveState;
    }
  | { kind: "identity"; agentVersion: string | null; publicIp: string | null }
  | { kind: "installed"; service: MonitoredService; installed: boolean };

/** What is known of a member the coordinator has not heard from since it started: its D1 row. */
export function liveFromRow(row: MemberRow): LiveMember {
  return {
    memberId: row.id,
    name: row.name,
    status: row.status,
    lastHeartbeatAt: row.lastHeartbeatAt,
    agentVersion: row.agentVersion,
    publicIp: row.publicIp,
    services: {},
    installed: {},
    haproxy: null,
    nginx: null,
    host: null,
    probe: null,
  };
}

/** Applies one heartbeat to a member's live state and lists what changed that is worth recording. */
export function observeHeartbeat(previous: LiveMember, report: Heartbeat, now: number) {
  const next: LiveMember = {
    ...previous,
    status: "online",
    lastHeartbeatAt: now,
    agentVersion: report.agentVersion,
    publicIp: report.publicIp ?? previous.publicIp,
    services: { ...previous.services },
    installed: { ...previous.installed },
    haproxy: report.haproxy ?? null,
    nginx: report.nginx ?? null,
    host: report.host ?? null,
    probe: report.probe ?? null,
    balancer: report.balancer ?? null,
    transport: report.transport ?? null,
  };
  const changes: MemberChange[] = [];
  if (previous.status !== "online") {
    const silentForMs = previous.lastHeartbeatAt === null ? null : now - previous.lastHeartbeatAt;
    changes.push({ kind: "online", silentForMs });
  }
  for (const [service, serviceReport] of Object.entries(report.services ?? {})) {
    if (!serviceReport) continue;
    const name = service as MonitoredService;
    const from = previous.services[name] ?? null;
    next.services[name] = serviceReport.activeState;
    if (from !== serviceReport.activeState)
      changes.push({ kind: "service", service: name, from, to: serviceReport.activeState });
    next.installed[name] = serviceReport.installed;
    if (previous.installed[name] !== serviceReport.installed)
      changes.push({ kind: "installed", service: name, installed: serviceReport.installed });
  }
  if (next.agentVersion !== previous.agentVersion || next.publicIp !== previous.publicIp) {
    changes.push({ kind: "identity", agentVersion: next.agentVersion, publicIp: next.publicIp });
  }
  return { next, changes };
}

/**
 * The moment an online member counts as offline if it stays silent: a full failover delay after
 * its last heartbeat, or after `countsFrom` (when the coordinator could hear again) if later.
 */
export function offlineDeadline(
  member: LiveMember,
  failoverDelayMs: number,
  countsFrom = Number.NEGATIVE_INFINITY,
): number | null {
  if (member.status !== "online" || member.lastHeartbeatAt === null) return null;
  return Math.max(member.lastHeartbeatAt, countsFrom) + failoverDelayMs;
}

/** Members that have been silent for the whole failover delay at `now`. */
export function silentMembers(
  members: Iterable<LiveMember>,
  failoverDelayMs: number,
  now: number,
  countsFrom = Number.NEGATIVE_INFINITY,
): LiveMember[] {
  return [...members].filter((member) => {
    const deadline = offlineDeadline(member, failoverDelayMs, countsFrom);
    return deadline !== null && deadline <= now;
  });
}

/**
 * A member as stored before a coordinator restart, with fields added since filled in. Its last
 * heartbeat stays the real one: the restart grace comes from the coordinator's `Hearing`.
 */
export function resumeAfterRestart(stored: LiveMember): LiveMember {
  // State stored before a field existed lacks it.
  const member = { ...stored, installed: stored.installed ?? {} };
  member.haproxy ??= null;
  member.nginx ??= null;
  member.host ??= null;
  return member;
}
