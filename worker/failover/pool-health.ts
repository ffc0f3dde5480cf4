import { HEARTBEAT_LOST_REASON } from "./decide";
import type { MemberStanding } from "./standing";

/**
 * One word for the whole pool, shown the same way in the pools list, on the overview's banner and
 * in the page title:
 * `healthy`, `degraded` (it serves, but one more failure could stop it: no ready standby, a DNS
 * error, a member late or offline), or `at_risk` (traffic may be going nowhere now).
 */
export type PoolHealthState = "healthy" | "degraded" | "at_risk";

/** One thing wrong, how bad it is, and what the operator can do about it. */
export interface HealthFinding {
  level: Exclude<PoolHealthState, "healthy">;
  text: string;
  fix: string;
}

export interface PoolHealth {
  state: PoolHealthState;
  findings: HealthFinding[];
}

export const HEALTH_LABEL: Record<PoolHealthState, string> = {
  healthy: "Healthy",
  degraded: "Degraded",
  at_risk: "At risk",
};

/** A member as health needs it: its name and where it stands (see `memberStanding`). */
export type HealthMember = Pick<
  MemberStanding,
  "role" | "liveness" | "ready" | "serving" | "late" | "notReadyReasons"
> & { name: string };

/** The DNS side, as D1 records it (see the dashboard's `dnsViewOf`). */
export interface HealthDns {
  state: "in_sync" | "error" | "pending" | "not_connected";
  lastError: string | null;
}

interface HealthInput {
  autoFailover: boolean;
  active: HealthMember | null;
  standbys: HealthMember[];
}

/** Why the active would not serve, in words: "offline", "haproxy inactive". */
function activeProblem(active: HealthMember): string {
  // Offline includes past its deadline before the alarm has marked it (memberStanding).
  if (active.liveness !== "online") return `offline (${HEARTBEAT_LOST_REASON})`;
  return active.notReadyReasons.join(", ") || "not serving";
}

function activeFindings(input: HealthInput, anyStandbyReady: boolean): HealthFinding[] {
  const { active } = input;
  if (!active) {
    return [
      {
        level: "at_risk",
        text: "No member carries the traffic.",
        fix: "Bring a member up: the first one that becomes ready takes the traffic.",
      },
    ];
  }
  if (active.serving) return [];
  const problem = `Traffic goes to ${active.name}, which is ${activeProblem(active)}.`;
  if (!input.autoFailover) {
    return [
      {
        level: "at_risk",
        text: `${problem} Automatic failover is paused.`,
        fix: anyStandbyReady
          ? "Resume automatic failover, or cut to the next standby."
          : "Bring a standby up, or repair the active.",
      },
    ];
  }
  return [
    {
      level: "at_risk",
      text: anyStandbyReady
        ? `${problem} Failover moves it once the failover delay has passed.`
        : `${problem} No standby is ready to take it.`,
      fix: anyStandbyReady ? "Nothing: failover is under way." : "Bring a standby up.",
    },
  ];
}

function memberFindings(members: HealthMember[]): HealthFinding[] {
  const findings: HealthFinding[] = [];
  for (const member of members) {
    if (member.late) {
      findings.push({
        level: "degraded",
        text: `${member.name} is late: no heartbeat for over half the failover delay.`,
        fix: `Check ${member.name}'s agent and its network path to the control plane.`,
      });
    } else if (member.liveness === "offline" && member.role === "standby") {
      findings.push({
        level: "degraded",
        text: `${member.name} is offline.`,
        fix: `Check ${member.name}'s agent (systemctl status baton-agent).`,
      });
    }
  }
  return findings;
}

/**
 * What the members say about the pool, from the same readiness verdicts failover uses: the
 * coordinator records it in D1 for the pools list; the overview adds DNS (`poolHealth`).
 */
export function membersHealth(input: HealthInput): HealthFinding[] {
  const anyStandbyReady = input.standbys.some((member) => member.ready);
  const findings = activeFindings(input, anyStandbyReady);
  if (input.active?.serving && !anyStandbyReady) {
    findings.push({
      level: "degraded",
      text:
        input.standbys.length === 0
          ? "The pool has no standby: it cannot fail over."
          : "No standby is ready: the pool cannot fail over.",
      fix:
        input.standbys.length === 0
          ? "Add a second member."
          : "See each standby's reasons below and repair one.",
    });
  }
  const members = input.active ? [input.active, ...input.standbys] : input.standbys;
  return [...findings, ...memberFindings(members)];
}

export function dnsFindings(dns: HealthDns): HealthFinding[] {
  if (dns.state === "error") {
    return [
      {
        level: "degraded",
        text: `DNS updates fail: ${dns.lastError}.`,
        fix: "Open the DNS tab and test the provider.",
      },
    ];
  }
  if (dns.state === "not_connected") {
    return [
      {
        level: "degraded",
        text: "DNS is not connected: the hostname will not follow failover.",
        fix: "Connect a DNS provider in the DNS tab.",
      },
    ];
  }
  return [];
}

/** The worst level among `findings`: the pool's one word. */
export function healthState(
  findings: readonly { level: HealthFinding["level"] }[],
): PoolHealthState {
  if (findings.some((finding) => finding.level === "at_risk")) return "at_risk";
  return findings.length > 0 ? "degraded" : "healthy";
}

/** The whole pool's health: its members' findings, then DNS's. */
export function poolHealth(input: HealthInput & { dns: HealthDns }): PoolHealth {
  const findings = [...membersHealth(input), ...dnsFindings(input.dns)];
  return { state: healthState(findings), findings };
}
