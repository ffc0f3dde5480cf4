import type { DnsView, MemberView } from "./pool-view";

/**
 * One word for the whole pool, shown the same way on the overview's banner and in the page title:
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

interface HealthInput {
  autoFailover: boolean;
  dns: DnsView;
  active: MemberView | null;
  standbys: MemberView[];
}

/** Why the active would not serve, in words: "offline", "haproxy inactive". */
function activeProblem(active: MemberView): string {
  if (active.liveness !== "online") return "offline (no heartbeat within the failover delay)";
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

function memberFindings(members: MemberView[]): HealthFinding[] {
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

/** The pool's health from the same readiness verdicts failover uses (see `memberView`). */
export function poolHealth(input: HealthInput): PoolHealth {
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
  findings.push(
    ...memberFindings(input.active ? [input.active, ...input.standbys] : input.standbys),
  );
  if (input.dns.state === "error") {
    findings.push({
      level: "degraded",
      text: `DNS updates fail: ${input.dns.lastError}.`,
      fix: "Open the DNS tab and test the provider.",
    });
  } else if (input.dns.state === "not_connected") {
    findings.push({
      level: "degraded",
      text: "DNS is not connected: the hostname will not follow failover.",
      fix: "Connect a DNS provider in the DNS tab.",
    });
  }
  const state = findings.some((finding) => finding.level === "at_risk")
    ? "at_risk"
    : findings.length > 0
      ? "degraded"
      : "healthy";
  return { state, findings };
}
