import type { BalancerOnDisk } from "../../../shared/heartbeat";

/**
 * A member's balancer file as its card's badge says it: the revision it runs, whether its file
 * is the active's (compared by SHA-256, as failover's parity rule does), and drift (a file that
 * is not what its last rollout step wrote: edited by hand).
 */
export type ParityKind = "unknown" | "unmanaged" | "same" | "differs" | "drift";

export interface MemberParity {
  kind: ParityKind;
  /** The revision its file's header names; null without one. */
  revision: number | null;
  /** The badge's words. */
  text: string;
  /** Failover's reason when parity keeps it from being ready; null when it does not. */
  problem: string | null;
}

export interface ParityFacts {
  onDisk: BalancerOnDisk | null;
  /** Whether the coordinator has heard from it since it started. */
  heard: boolean;
  active: boolean;
  /** The SHA-256 of the active's file; null when it reported none. */
  activeSha: string | null;
  /** What its last succeeded rollout step applied. */
  applied: { revision: number; sha256: string } | null;
  problem: string | null;
}

export function parityOf(facts: ParityFacts): MemberParity {
  const { onDisk, applied, problem } = facts;
  const revision = onDisk?.revision ?? null;
  const named = revision === null ? "a config without a revision header" : `revision ${revision}`;
  if (!facts.heard) return { kind: "unknown", revision, text: "not heard yet", problem };
  if (!onDisk?.sha256) {
    return { kind: "unmanaged", revision, text: "no managed config", problem };
  }
  if (applied && applied.sha256 !== onDisk.sha256 && applied.revision === revision) {
    return { kind: "drift", revision, text: `drift: ${named} edited by hand`, problem };
  }
  if (!facts.active && facts.activeSha !== null && facts.activeSha !== onDisk.sha256) {
    return { kind: "differs", revision, text: `runs ${named}: differs from the active`, problem };
  }
  return { kind: "same", revision, text: `runs ${named}`, problem };
}
