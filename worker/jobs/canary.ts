/**
 * The standby canary for config changes (issue #12 item 4): a config apply or restore queued for
 * the pool's active member waits until the same content (kind and payload, hashed) has
 * succeeded on a standby, so a config that validates but cannot serve fails on a member that
 * carries no traffic. Pure rules here; the coordinator applies them (canary-gate.ts).
 */
import { CANARY_KINDS, type JobKind, type JobPayload } from "../../shared/jobs";
import type { JobRow } from "../db/schema/jobs";
import {
  bestStandby,
  type FailoverMember,
  type FailoverPolicy,
  failureOf,
} from "../failover/decide";

export function needsCanary(kind: JobKind): boolean {
  return CANARY_KINDS.includes(kind);
}

/** JSON with object keys sorted, so equal payloads hash equally whatever their key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** SHA-256 (hex) of a job's kind and payload: what "the same content" means for a canary. */
export async function contentHash(kind: JobKind, payload: JobPayload): Promise<string> {
  const bytes = new TextEncoder().encode(`${kind}\n${canonical(payload)}`);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return [...digest].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

export interface CanaryPick {
  member: FailoverMember;
  /** How it was picked, for the job's note. */
  how: string;
}

/**
 * Where a canary runs: the ready standby failover would promote next (best priority, then the
 * freshest heartbeat), since that is the member whose config matters next; failing that, the
 * best other member that is online (heard within the failover delay) though not ready. Members
 * that are disabled or may not run the kind are never picked. Null: no other member is online.
 */
export function pickCanaryMember(
  members: readonly FailoverMember[],
  policy: FailoverPolicy,
  activeId: string,
  now: number,
  mayRun: (memberId: string) => boolean,
): CanaryPick | null {
  const others = members.filter((m) => m.id !== activeId && !m.disabled && mayRun(m.id));
  const ready = bestStandby(others, policy, now, activeId);
  if (ready) return { member: ready, how: "the ready standby next in line for traffic" };
  const online = others
    .filter((member) => failureOf(member, policy, now) !== "heartbeat_lost")
    .sort(
      (a, b) =>
        a.priority - b.priority ||
        (b.lastHeartbeatAt ?? 0) - (a.lastHeartbeatAt ?? 0) ||
        (a.id < b.id ? -1 : 1),
    );
  const [first] = online;
  return first ? { member: first, how: "online though not ready (no standby is ready)" } : null;
}

/** Why a finished canary did not succeed, in one line (its agent's last line when it failed). */
export function canaryFailure(canary: JobRow): string {
  if (canary.status === "timed_out") return "it timed out";
  if (canary.status === "cancelled") return "it was cancelled";
  const lines = (canary.outputTail ?? "").split("\n").filter((line) => line.trim() !== "");
  const last = lines.at(-1)?.replace(/^failed: /, "");
  return last
    ? `it failed: ${last}`
    : `it ${canary.status} (exit code ${canary.exitCode ?? "none"})`;
}

/**
 * A held job once its canary finished: queued for its agent when the canary succeeded, failed
 * with the canary's reason otherwise. `canaryName` names the canary's member.
 */
export function settleHeld(held: JobRow, canary: JobRow, canaryName: string, now: number): JobRow {
  if (canary.status === "succeeded") {
    const canaryNote = `canary ${canary.id} succeeded on ${canaryName}`;
    return { ...held, status: "queued", canaryNote, updatedAt: now };
  }
  const why = canaryFailure(canary);
  const canaryNote = `canary ${canary.id} on ${canaryName} did not succeed: not run here`;
  return {
    ...held,
    status: "failed",
    canaryNote,
    outputTail: `not run: the same change on ${canaryName} (canary ${canary.id}) did not succeed; ${why}\n`,
    finishedAt: now,
    updatedAt: now,
  };
}
