import { eq } from "drizzle-orm";
import type { Db } from "../db/client";
import type { MemberRow } from "../db/schema/members";
import { type PoolRow, pools } from "../db/schema/pools";
import type { Write } from "../db/writes";
import {
  bestStandby,
  type Decision,
  decideFailover,
  type FailoverMember,
  FLAP_GUARD_MS,
  isReady,
  notReadyReasons,
} from "../failover/decide";
import { failoverMemberOf, policyOf } from "../failover/inputs";
import type { EventWriter } from "./job-queue";
import type { LiveMember } from "./live-member";

export type FlipReason = Extract<Decision, { kind: "promote" }>["reason"] | "manual" | "drain";

/**
 * How long a promotion the active's own report calls for (its service down, or it would not
 * serve) waits for the standby's fresh word when the standby can be asked to report now (it has
 * a WebSocket). Both members killed at once: the active's death report arrives first, and the
 * standby's last report, from before its own death, still says it serves. An answer takes a
 * round trip; without one in time, the standby's last report decides.
 */
export const CONFIRM_WAIT_MS = 300;

/**
 * A standby that cannot be asked (HTTP heartbeats, the fallback transport) is waited for until
 * its next beat is due and this much more: at most one heartbeat interval plus this, on top of
 * the failover's own time, and only for failures the active reported itself.
 */
export const NEXT_BEAT_SLACK_MS = 300;

/** Asks a member's agent to report now; false when it cannot be asked (no WebSocket). */
export type AskToReport = (memberId: string) => boolean;

/** How the standby a promotion would pick is heard from: asked now, or at its next beat. */
export interface StandbyHearing {
  askToReport: AskToReport;
  /** The pool's heartbeat interval: when a standby that cannot be asked beats next. */
  heartbeatIntervalMs: number;
}

/** A flip the coordinator has decided: the writes that record it, and the pool after it. */
export interface Flip {
  pool: PoolRow;
  writes: Write[];
  from: string | null;
  to: string;
  timing: { reason: FlipReason; detectedAt: number; decidedAt: number };
}

/**
 * Failover bookkeeping of one pool's coordinator: who is ready since when, whether an alert is
 * already open, and the writes that record a flip (the pool row and its event, in one batch,
 * before DNS is touched).
 */
export class FailoverKeeper {
  private readySince = new Map<string, number>();
  /** Member names for the messages people read (alerts, the events list). */
  private names = new Map<string, string>();
  private openAlert: string | null = null;
  /** A promotion waiting for the standby's fresh report: from `since` until `until`. */
  private confirming: { from: string | null; to: string; since: number; until: number } | null =
    null;

  constructor(
    private readonly db: Db,
    private readonly event: EventWriter,
  ) {}

  /**
   * The pool's members as failover sees them at `now`; also tracks since when each is ready.
   * `hearingSince`: silence before it is the control plane's and does not count.
   */
  view(
    pool: PoolRow,
    rows: MemberRow[],
    live: Map<string, LiveMember>,
    now: number,
    hearingSince?: number,
  ): FailoverMember[] {
    const policy = policyOf(pool);
    return rows.map((row) => {
      this.names.set(row.id, row.name);
      const member = failoverMemberOf(row, live.get(row.id), hearingSince);
      if (isReady(member, policy, now)) {
        if (!this.readySince.has(row.id)) this.readySince.set(row.id, now);
      } else {
        this.readySince.delete(row.id);
      }
      return { ...member, readySince: this.readySince.get(row.id) ?? null };
    });
  }

  /** Decides for the pool at `now`: a flip (which carries its own writes), alert events, or nothing. */
  evaluate(
    pool: PoolRow,
    members: FailoverMember[],
    now: number,
    hearing: StandbyHearing,
  ): { flip: Flip | null; writes: Write[] } {
    const state = { activeMemberId: pool.activeMemberId, lastFlipAt: pool.lastFlipAt };
    const decision = decideFailover(policyOf(pool), state, members, now);
    const asked = this.confirming;
    if (decision.kind === "promote" && this.awaitsStandby(decision, members, now, hearing)) {
      return { flip: null, writes: [] };
    }
    this.confirming = null;
    if (decision.kind === "promote") {
      this.openAlert = null;
      // Detected when the active reported, even when the standby's answer was awaited.
      const waited = asked?.from === decision.from ? asked.since : now;
      const flip = this.flip(
        pool,
        members,
        decision.to,
        decision.reason,
        Math.min(decision.detectedAt, waited),
        "system",
        now,
      );
      return { flip, writes: [] };
    }
    if (decision.kind === "alert") {
      const key = `${decision.activeId}:${decision.failure}`;
      if (this.openAlert === key) return { flip: null, writes: [] };
      this.openAlert = key;
      const message = `No ready standby: traffic stays on ${this.nameOf(decision.activeId)} (${decision.failure.replace("_", " ")})`;
      const data = {
        activeId: decision.activeId,
        failure: decision.failure,
        detectedAt: decision.detectedAt,
      };
      const writes = [
        this.event(
          {
            memberId: decision.activeId,
            type: "failover.no_ready_standby",
            actor: "system",
            message,
            data,
          },
          now,
        ),
      ];
      return { flip: null, writes };
    }
    if (decision.reason === "healthy") this.openAlert = null;
    return { flip: null, writes: [] };
  }

  /**
   * Whether the promotion waits for the standby's fresh report: only for failures the active
   * reported itself, and only while the standby has not reported since (the failure, or its
   * own beat that brought us here). A standby that can be asked is asked and waited for
   * CONFIRM_WAIT_MS; one that cannot (HTTP) until its next beat is due, plus NEXT_BEAT_SLACK_MS.
   * Without a fresh report in time, its last one decides.
   */
  private awaitsStandby(
    decision: Extract<Decision, { kind: "promote" }>,
    members: FailoverMember[],
    now: number,
    hearing: StandbyHearing,
  ): boolean {
    if (decision.reason !== "service_down" && decision.reason !== "cannot_serve") return false;
    const heardAt = members.find((member) => member.id === decision.to)?.lastHeartbeatAt ?? 0;
    const pending = this.confirming;
    if (pending?.to === decision.to && pending.from === decision.from) {
      return heardAt < pending.since && now < pending.until;
    }
    if (heardAt >= now) return false;
    const until = hearing.askToReport(decision.to)
      ? now + CONFIRM_WAIT_MS
      : Math.max(now, heardAt + hearing.heartbeatIntervalMs) + NEXT_BEAT_SLACK_MS;
    this.confirming = { from: decision.from, to: decision.to, since: now, until };
    return true;
  }

  /** The best ready member other than the active, for "cut to the next standby" and drains. */
  nextStandby(pool: PoolRow, members: FailoverMember[], now: number) {
    return bestStandby(members, policyOf(pool), now, pool.activeMemberId);
  }

  isReady(pool: PoolRow, member: FailoverMember, now: number): boolean {
    return isReady(member, policyOf(pool), now);
  }

  /** Why the member may not take traffic now, in words; empty when it is ready. */
  notReadyReasons(pool: PoolRow, member: FailoverMember, now: number): string[] {
    return notReadyReasons(member, policyOf(pool), now);
  }

  /** Records that traffic moves to `to`: the pool row and a `failover.promoted` event. */
  flip(
    pool: PoolRow,
    members: FailoverMember[],
    to: string,
    reason: FlipReason,
    detectedAt: number,
    actor: string,
    now: number,
  ): Flip {
    const from = pool.activeMemberId;
    const memberOf = (id: string | null) => members.find((member) => member.id === id);
    const ipOf = (id: string | null) => memberOf(id)?.publicIp ?? null;
    const after: PoolRow = { ...pool, activeMemberId: to, lastFlipAt: now };
    const data = {
      reason,
      from,
      to,
      fromIp: ipOf(from),
      toIp: ipOf(to),
      detectedAt,
      decidedAt: now,
      // With detectedAt and decidedAt: how long the old active was silent before the flip.
      fromLastHeartbeatAt: memberOf(from)?.lastHeartbeatAt ?? null,
    };
    const message = `Traffic moves from ${this.nameOf(from)} (${data.fromIp ?? "no IP"}) to ${this.nameOf(to)} (${data.toIp}): ${reason.replace("_", " ")}`;
    const writes = [
      this.db
        .update(pools)
        .set({ activeMemberId: to, lastFlipAt: now })
        .where(eq(pools.id, pool.id)),
      this.event({ memberId: to, type: "failover.promoted", actor, message, data }, now),
    ];
    return { pool: after, writes, from, to, timing: { reason, detectedAt, decidedAt: now } };
  }

  /** When a failback may next become due: the end of the primary's hold-down or of the flap guard. */
  deadlines(pool: PoolRow): number[] {
    const confirmBy = this.confirming ? [this.confirming.until] : [];
    return [...confirmBy, ...this.failbackDeadlines(pool)];
  }

  private failbackDeadlines(pool: PoolRow): number[] {
    if (!pool.preferredPrimaryId || pool.preferredPrimaryId === pool.activeMemberId) return [];
    const since = this.readySince.get(pool.preferredPrimaryId);
    if (since === undefined) return [];
    const holdDownEnds = since + pool.failbackHoldDownS * 1000;
    const guardEnds = pool.lastFlipAt === null ? 0 : pool.lastFlipAt + FLAP_GUARD_MS;
    return [Math.max(holdDownEnds, guardEnds)];
  }

  forget(memberId: string): void {
    this.readySince.delete(memberId);
    this.names.delete(memberId);
  }

  private nameOf(memberId: string | null): string {
    if (memberId === null) return "nobody";
    return this.names.get(memberId) ?? memberId;
  }
}
